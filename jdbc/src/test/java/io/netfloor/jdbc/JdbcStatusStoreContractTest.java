// SPDX-License-Identifier: Apache-2.0
package io.netfloor.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netfloor.model.Bandwidth;
import io.netfloor.model.HtbTree;
import io.netfloor.model.InterfaceAlias;
import io.netfloor.model.NetworkName;
import io.netfloor.model.NetworkStatus;
import io.netfloor.model.PluggedInterface;
import io.netfloor.model.StatusChange;
import io.netfloor.spi.StatusStore;
import io.netfloor.spi.StatusStoreException;
import io.netfloor.testkit.NetFloorArbitraries;
import io.netfloor.testkit.StatusStoreContract;
import io.netfloor.units.InterfaceName;
import io.netfloor.units.MacAddress;
import io.netfloor.units.Rate;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Queue;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * The published store contract (the one a custom store runs) on a real PostgreSQL server, and what
 * the database store promises beyond it: its refusal message, a closed instance, several threads
 * writing at once, and every value shape surviving a restart exactly. Each test (each try of a property) has a schema to
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
    TreeMap<InterfaceAlias, PluggedInterface> m = new TreeMap<>();
    m.put(InterfaceAlias.of("vm1"), floored("vm1", 3, 10));
    return new NetworkStatus(NetworkName.of(network), InterfaceName.of("virbr0"), m, new TreeSet<>(List.of(4)));
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
            NetworkStatus s = NetworkStatus.empty(NetworkName.of(network), InterfaceName.of("br" + network));
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
          assertThat(fresh.load(s.network().value())).contains(s);
        }
      }
    }
  }

  // ------------------------------------------------------------------ properties

  @Property(tries = 60)
  void everyStatusSurvivesARestartExactly(@ForAll("statuses") NetworkStatus status)
      throws Exception {
    try (Storage storage = newStorage()) {
      try (StatusStore store = storage.open()) {
        store.save(status);
      }
      try (StatusStore store = storage.open()) {
        assertThat(store.load(status.network().value())).contains(status);
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
    NetworkStatus start = NetworkStatus.empty(NetworkName.of("n"), InterfaceName.of("br0"))
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
}
