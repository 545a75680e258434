// SPDX-License-Identifier: Apache-2.0
package io.netfloor.shaping;

import static org.assertj.core.api.Assertions.assertThat;

import io.netfloor.model.Bandwidth;
import io.netfloor.model.FilterLayout;
import io.netfloor.model.InterfaceAlias;
import io.netfloor.model.NetworkStatus;
import io.netfloor.persistence.FileStatusStore;
import io.netfloor.spi.InMemoryTrafficControl;
import io.netfloor.units.InterfaceName;
import io.netfloor.units.Rate;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Plugs from several threads on one network wait for the disk outside the shaper's lock, so they
 * share fdatasyncs, and each returned plug is in the store a fresh process reads.
 */
class DurablePlugsTest {
  @TempDir Path dir;

  @Test
  void concurrentPlugsShareSyncsAndEveryReturnedPlugIsDurable() throws Exception {
    InMemoryTrafficControl kernel = new InMemoryTrafficControl().addDevice(InterfaceName.of("br0"));
    int threads = 8;
    int perThread = 40;
    Set<String> returned = ConcurrentHashMap.newKeySet();
    NetworkShaper shaper;
    long syncs;
    try (FileStatusStore store = FileStatusStore.open(dir.resolve("store"))) {
      shaper = NetworkShaperTest.create(NetworkShaperTest.config(FilterLayout.HASHED), kernel,
          store);
      shaper.start();
      long before = store.journalSyncs();
      CyclicBarrier go = new CyclicBarrier(threads);
      ExecutorService pool = Executors.newFixedThreadPool(threads);
      List<Future<?>> done = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        int first = t;
        done.add(pool.submit(() -> {
          go.await();
          for (int i = first; i < threads * perThread; i += threads) {
            shaper.plug("vm" + i, ParkedPoolTest.mac(i), Bandwidth.floor(Rate.parse("10kbit")));
            returned.add("vm" + i);
          }
          return null;
        }));
      }
      for (Future<?> f : done) {
        f.get(2, TimeUnit.MINUTES);
      }
      pool.shutdown();
      syncs = store.journalSyncs() - before;
    }
    assertThat(returned).hasSize(threads * perThread);
    assertThat(syncs).isPositive().isLessThan(threads * perThread);
    try (FileStatusStore fresh = FileStatusStore.open(dir.resolve("store"))) {
      NetworkStatus stored = fresh.load("net").orElseThrow();
      assertThat(stored.interfaces().keySet().stream().map(InterfaceAlias::value).toList()).containsExactlyInAnyOrderElementsOf(returned);
      assertThat(stored).isEqualTo(NetworkStatus.of(shaper.tree()));
    }
  }
}
