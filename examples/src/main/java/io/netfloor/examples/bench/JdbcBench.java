// SPDX-License-Identifier: Apache-2.0
package io.netfloor.examples.bench;

import io.netfloor.jdbc.JdbcStatusStore;
import io.netfloor.model.Bandwidth;
import io.netfloor.model.HtbTree;
import io.netfloor.model.NetworkName;
import io.netfloor.model.NetworkStatus;
import io.netfloor.model.PluggedInterface;
import io.netfloor.model.StatusChange;
import io.netfloor.persistence.FileStatusStore;
import io.netfloor.spi.StatusStore;
import io.netfloor.units.InterfaceName;
import io.netfloor.units.Rate;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.IntFunction;

/**
 * The fleet-state measurements: many simulated hosts, each with its own status store, recording
 * plugs and unplugs concurrently, into one PostgreSQL server ({@link JdbcStatusStore}) or, as the
 * baseline, each into its own {@link FileStatusStore} directory on the same disk.
 */
final class JdbcBench {
  private JdbcBench() {}

  /** Records per second over all hosts, and per-record latency percentiles in microseconds. */
  record Load(int hosts, int records, double recordsPerSecond, double p50Us, double p99Us) {}

  /**
   * {@code hosts} threads, one store each ({@code open.apply(host index)}), one network each;
   * every thread records {@code perHost} changes (a plug, then the unplug of that interface, and so
   * on), timing each; all start together.
   */
  static Load concurrentRecords(int hosts, int perHost, IntFunction<StatusStore> open)
      throws Exception {
    List<StatusStore> stores = new ArrayList<>();
    ExecutorService pool = Executors.newFixedThreadPool(hosts);
    try {
      for (int h = 0; h < hosts; h++) {
        StatusStore s = open.apply(h);
        stores.add(s);
        s.save(NetworkStatus.empty(NetworkName.of(network(h)), InterfaceName.of("br0")));
      }
      CountDownLatch go = new CountDownLatch(1);
      List<Future<long[]>> results = new ArrayList<>();
      for (int h = 0; h < hosts; h++) {
        StatusStore store = stores.get(h);
        String network = network(h);
        results.add(pool.submit(() -> {
          long[] ns = new long[perHost];
          go.await();
          for (int i = 0; i < perHost; i++) {
            int id = 3 + i / 2;
            StatusChange c = i % 2 == 0
                ? new StatusChange.InterfaceSet(new PluggedInterface("vm" + id,
                    EngineBench.mac(id), Bandwidth.floor(Rate.parse("500kbit")), id,
                    Optional.of(HtbTree.linearHandle(id))))
                : new StatusChange.InterfaceRemoved("vm" + id);
            long t0 = System.nanoTime();
            store.record(network, c);
            ns[i] = System.nanoTime() - t0;
          }
          return ns;
        }));
      }
      long w0 = System.nanoTime();
      go.countDown();
      long[] all = new long[hosts * perHost];
      int k = 0;
      for (Future<long[]> f : results) {
        long[] ns = f.get(10, TimeUnit.MINUTES);
        System.arraycopy(ns, 0, all, k, ns.length);
        k += ns.length;
      }
      double wallS = (System.nanoTime() - w0) / 1e9;
      double[] sorted = Arrays.stream(all).asDoubleStream().sorted().toArray();
      return new Load(hosts, all.length, all.length / wallS, Stats.percentile(sorted, 50) / 1e3,
          Stats.percentile(sorted, 99) / 1e3);
    } finally {
      pool.shutdownNow();
      for (int h = 0; h < stores.size(); h++) {
        stores.get(h).delete(network(h));
        stores.get(h).close();
      }
    }
  }

  static String network(int host) {
    return "bench-h" + host;
  }

  /** File stores, one directory per simulated host under {@code dir}. */
  static IntFunction<StatusStore> fileStores(Path dir) {
    return h -> FileStatusStore.open(dir.resolve("host-" + h));
  }

  /** JDBC stores of hosts {@code bench-host-<h>} in one database. */
  static IntFunction<StatusStore> jdbcStores(javax.sql.DataSource db) {
    return h -> JdbcStatusStore.open(db, "bench-host-" + h);
  }
}
