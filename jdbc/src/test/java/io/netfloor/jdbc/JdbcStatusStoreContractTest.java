// SPDX-License-Identifier: Apache-2.0
package io.netfloor.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netfloor.model.Bandwidth;
import io.netfloor.model.HtbTree;
import io.netfloor.model.PluggedInterface;
import io.netfloor.persistence.FileStatusStore;
import io.netfloor.spi.NetworkStatus;
import io.netfloor.spi.StatusChange;
import io.netfloor.spi.StatusStore;
import io.netfloor.spi.StatusStoreException;
import io.netfloor.testkit.NetFloorArbitraries;
import io.netfloor.testkit.StatusStoreContract;
import io.netfloor.units.InterfaceName;
import io.netfloor.units.MacAddress;
import io.netfloor.units.Rate;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Queue;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.From;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * The published store contract (the one a custom store runs) on a real PostgreSQL server, and what
 * the database store promises beyond it: its refusal message, a closed instance, several threads
 * writing at once, every value shape surviving a restart exactly, and the same statuses as the
 * {@link FileStatusStore} given the same calls. Each test (each try of a property) has a schema to
 * itself; a finished one is emptied and handed to the next, since creating the schema for each of
 * hundreds of tries would dominate the run.
 */
class JdbcStatusStoreContractTest extends StatusStoreContract {
  private static final Queue<PGSimpleDataSource> EMPTIED = new ConcurrentLinkedQueue<>();

  @Override
  protected Storage newStorage() {
    PGSimpleDataSource reused = EMPTIED.poll();
    PGSimpleDataSource ds = reused != null ? reused : TestPostgres.freshSchema();
    return new Storage() {
      @Override
      public StatusStore open() {
        return JdbcStatusStore.open(ds, "host-a");
      }

      @Override
      public void close() {
        try {
          TestPostgres.execute(ds, "TRUNCATE netfloor_hosts, netfloor_networks, netfloor_interfaces,"
              + " netfloor_parked");
          EMPTIED.add(ds);
        } catch (SQLException e) {
          TestPostgres.dropSchema(ds); // never opened: no tables to empty
        }
      }
    };
  }

  /** An interface with a floor of {@code mbit} Mbit/s in class {@code id}. */
  static PluggedInterface floored(String alias, int id, long mbit) {
    return new PluggedInterface(alias,
        MacAddress.parse(String.format("52:54:00:00:%02x:%02x", id >> 8, id & 0xff)),
        Bandwidth.floor(Rate.ofMegabits(mbit)), id, Optional.of(HtbTree.linearHandle(id)));
  }

  /** Network {@code network} with one floored interface and class 4 parked. */
  static NetworkStatus small(String network) {
    TreeMap<String, PluggedInterface> m = new TreeMap<>();
    m.put("vm1", floored("vm1", 3, 10));
    return new NetworkStatus(network, InterfaceName.of("virbr0"), m, new TreeSet<>(List.of(4)));
  }

  // ------------------------------------------------------------------ beyond the contract

  @Test
  void aRecordWithoutASavedStatusThrowsAndStoresNothing() throws Exception {
    try (Storage storage = newStorage(); StatusStore store = storage.open()) {
      assertThatThrownBy(() -> store.record("default",
          new StatusChange.InterfaceSet(floored("vm2", 5, 20))))
          .isInstanceOf(StatusStoreException.class).hasMessageContaining("save one first");
      assertThat(store.load("default")).isEmpty();
      assertThat(store.networks()).isEmpty();
      try (StatusStore fresh = storage.open()) {
        assertThat(fresh.load("default")).isEmpty();
      }
    }
  }

  @Test
  void aClosedStoreRefusesWork() throws Exception {
    try (Storage storage = newStorage()) {
      StatusStore store = storage.open();
      store.save(small("default"));
      store.close();
      assertThatThrownBy(() -> store.load("default")).isInstanceOf(StatusStoreException.class)
          .hasMessageContaining("closed");
      assertThatThrownBy(() -> store.save(small("default")))
          .isInstanceOf(StatusStoreException.class).hasMessageContaining("closed");
      try (StatusStore fresh = storage.open()) {
        assertThat(fresh.load("default")).contains(small("default"));
      }
    }
  }


  /** Several threads, one network each (the engine serialises calls per network), one store. */
  @Test
  void networksRecordedFromSeveralThreadsAllSurvive() throws Exception {
    int threads = 6;
    int perThread = 40;
    List<NetworkStatus> expected = new ArrayList<>();
    try (Storage storage = newStorage()) {
      try (StatusStore store = storage.open()) {
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        List<Future<NetworkStatus>> results = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
          String network = "net" + t;
          results.add(pool.submit(() -> {
            NetworkStatus s = NetworkStatus.empty(network, InterfaceName.of("br" + network));
            store.save(s);
            for (int i = 0; i < perThread; i++) {
              StatusChange c = i % 4 == 3
                  ? new StatusChange.InterfaceRemoved("vm" + (i - 2))
                  : new StatusChange.InterfaceSet(floored("vm" + i, 3 + i, 1 + i));
              store.record(network, c);
              s = c.applyTo(s);
              if (i % 10 == 0) {
                StatusChange p = new StatusChange.ClassesParked(new TreeSet<>(List.of(900 + i)));
                store.record(network, p);
                s = p.applyTo(s);
              }
            }
            return s;
          }));
        }
        for (Future<NetworkStatus> f : results) {
          expected.add(f.get(120, TimeUnit.SECONDS));
        }
        pool.shutdown();
      }
      try (StatusStore fresh = storage.open()) {
        assertThat(fresh.networks()).hasSize(threads);
        for (NetworkStatus s : expected) {
          assertThat(fresh.load(s.network())).contains(s);
        }
      }
    }
  }

  // ------------------------------------------------------------------ properties

  private static final List<String> NETWORKS = List.of("n1", "n2");

  sealed interface Op permits Save, Record, Delete, Reopen {}

  record Save(NetworkStatus status) implements Op {}

  record Record(String network, StatusChange change) implements Op {}

  record Delete(String network) implements Op {}

  record Reopen() implements Op {}

  @Provide
  Arbitrary<Op> ops() {
    Arbitrary<String> nets = Arbitraries.of(NETWORKS);
    return Arbitraries.frequencyOf(
        Tuple.of(2, nets.flatMap(NetFloorArbitraries::networkStatuses).map(Save::new)),
        Tuple.of(10, Combinators.combine(nets, NetFloorArbitraries.statusChanges()).as(Record::new)),
        Tuple.of(1, nets.map(Delete::new)),
        Tuple.of(2, Arbitraries.just(new Reopen())));
  }

  /**
   * Any sequence of calls gives the model's statuses after every step, the same as the file store
   * given the same calls; and a fresh instance of each (a restart) loads the same.
   */
  @Property(tries = 40)
  void randomSequencesAgreeWithTheModelAndTheFileStore(
      @ForAll @Size(max = 25) List<@From("ops") Op> ops) throws Exception {
    Path dir = tempDir();
    Map<String, NetworkStatus> model = new HashMap<>();
    try (Storage storage = newStorage()) {
      StatusStore store = storage.open();
      StatusStore file = FileStatusStore.open(dir);
      try {
        for (Op op : ops) {
          if (op instanceof Save s) {
            store.save(s.status());
            file.save(s.status());
            model.put(s.status().network(), s.status());
          } else if (op instanceof Record r) {
            NetworkStatus before = model.get(r.network());
            if (before == null) {
              StatusStore st = store;
              assertThatThrownBy(() -> st.record(r.network(), r.change()))
                  .isInstanceOf(StatusStoreException.class);
            } else {
              store.record(r.network(), r.change());
              file.record(r.network(), r.change());
              model.put(r.network(), r.change().applyTo(before));
            }
          } else if (op instanceof Delete d) {
            store.delete(d.network());
            file.delete(d.network());
            model.remove(d.network());
          } else {
            store.close();
            store = storage.open();
          }
          for (String n : NETWORKS) {
            assertThat(store.load(n)).as("network %s after %s", n, op)
                .isEqualTo(Optional.ofNullable(model.get(n)));
          }
          assertThat(store.networks()).isEqualTo(model.keySet());
        }
      } finally {
        store.close();
        file.close();
      }
      try (StatusStore fresh = storage.open(); StatusStore freshFile = FileStatusStore.open(dir)) {
        for (String n : NETWORKS) {
          assertThat(fresh.load(n)).as("after a restart, network %s", n)
              .isEqualTo(freshFile.load(n)).isEqualTo(Optional.ofNullable(model.get(n)));
        }
        assertThat(fresh.networks()).isEqualTo(freshFile.networks());
      }
    } finally {
      deleteRecursively(dir);
    }
  }

  @Property(tries = 60)
  void everyStatusSurvivesARestartExactly(@ForAll("statuses") NetworkStatus status)
      throws Exception {
    try (Storage storage = newStorage()) {
      try (StatusStore store = storage.open()) {
        store.save(status);
      }
      try (StatusStore store = storage.open()) {
        assertThat(store.load(status.network())).contains(status);
      }
    }
  }

  @Provide
  Arbitrary<NetworkStatus> statuses() {
    return NetFloorArbitraries.networkStatuses("net-0");
  }

  @Property(tries = 80)
  void everyRecordedChangeSurvivesARestartExactly(@ForAll("changes") StatusChange change)
      throws Exception {
    NetworkStatus start = NetworkStatus.empty("n", InterfaceName.of("br0"))
        .withParked(List.of(5, 6), true);
    try (Storage storage = newStorage()) {
      try (StatusStore store = storage.open()) {
        store.save(start);
        store.record("n", change);
      }
      try (StatusStore store = storage.open()) {
        assertThat(store.load("n")).contains(change.applyTo(start));
      }
    }
  }

  @Provide
  Arbitrary<StatusChange> changes() {
    return NetFloorArbitraries.statusChanges();
  }

  // ------------------------------------------------------------------ helpers

  static Path tempDir() {
    try {
      return Files.createTempDirectory("nf-contract").resolve("store");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static void deleteRecursively(Path storeDir) {
    Path root = storeDir.getParent();
    try (Stream<Path> walk = Files.walk(root)) {
      for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
