// SPDX-License-Identifier: Apache-2.0
package io.netfloor.jdbc;

import static io.netfloor.jdbc.JdbcStatusStoreContractTest.floored;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netfloor.model.InterfaceAlias;
import io.netfloor.model.NetworkName;
import io.netfloor.model.NetworkStatus;
import io.netfloor.model.StatusChange;
import io.netfloor.spi.StatusStoreException;
import io.netfloor.units.InterfaceName;
import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * The store's database connection dies in the middle of a record (the server terminates its
 * backend, as a crash, a failover or an administrator would): the record is either wholly stored or
 * absent, never half, and a record that returned is stored.
 */
class ConnectionFaultTest {
  private static final AtomicInteger VICTIMS = new AtomicInteger();

  PGSimpleDataSource ds;
  PGSimpleDataSource victim;
  String victimName;

  @BeforeEach
  void schema() {
    ds = TestPostgres.freshSchema();
    victim = TestPostgres.admin();
    victim.setCurrentSchema(ds.getCurrentSchema());
    victimName = "nf-victim-" + VICTIMS.incrementAndGet();
    victim.setApplicationName(victimName);
  }

  @AfterEach
  void drop() {
    TestPostgres.dropSchema(ds);
  }

  /**
   * The record has written its interface row and waits on a lock for the parked class it takes
   * when its backend is terminated: the interface row is gone with it, the store says so, and the
   * next record works on a new connection.
   */
  @Test
  void aConnectionKilledAfterTheFirstWriteOfARecordLeavesNothingOfIt() throws Exception {
    NetworkStatus before = NetworkStatus.empty(NetworkName.of("default"), InterfaceName.of("virbr0"))
        .withInterface(floored("vm1", 3, 10)).withParked(List.of(7), true);
    StatusChange takesParked7 = new StatusChange.InterfaceSet(floored("vm2", 7, 20));
    try (JdbcStatusStore store = JdbcStatusStore.open(victim, "host-a");
        JdbcStatusStore checker = JdbcStatusStore.open(ds, "host-a");
        Connection blocker = ds.getConnection()) {
      store.save(before);
      blocker.setAutoCommit(false);
      try (Statement s = blocker.createStatement()) {
        s.executeQuery("SELECT * FROM netfloor_parked WHERE network = 'default' AND class_id = 7"
            + " FOR UPDATE").close();
      }
      CompletableFuture<Void> record = CompletableFuture.runAsync(
          () -> store.record("default", takesParked7));
      int killed = 0;
      long deadline = System.currentTimeMillis() + 30_000;
      while (killed == 0 && System.currentTimeMillis() < deadline) {
        // the store's backend, waiting for the lock after its upsert of vm2
        killed = terminate("wait_event_type = 'Lock' AND query LIKE '%DELETE FROM netfloor_parked%'");
        Thread.sleep(5);
      }
      assertThat(killed).as("backends terminated mid-record").isEqualTo(1);
      blocker.rollback();
      assertThatThrownBy(() -> record.get(30, TimeUnit.SECONDS))
          .hasCauseInstanceOf(StatusStoreException.class)
          .hasMessageContaining("record of network 'default'");
      assertThat(checker.load("default")).contains(before);
      assertThat(allotted("default")).isEqualTo(BigDecimal.valueOf(10_000_000));
      // the store carries on with a new connection
      store.record("default", takesParked7);
      assertThat(checker.load("default")).contains(takesParked7.applyTo(before));
      assertThat(allotted("default")).isEqualTo(BigDecimal.valueOf(30_000_000));
    }
  }

  /**
   * Backends terminated at random moments while a store records plugs and unplugs: after each
   * call, the stored status is the one after it when it returned, and the one before it when it
   * threw (or either, when the store says it could not learn the outcome).
   */
  @Test
  void connectionsKilledAtRandomLeaveEveryRecordWhollyThereOrAbsent() throws Exception {
    NetworkStatus model = NetworkStatus.empty(NetworkName.of("default"), InterfaceName.of("virbr0"));
    AtomicBoolean done = new AtomicBoolean();
    AtomicInteger kills = new AtomicInteger();
    int failures = 0;
    int successes = 0;
    try (JdbcStatusStore store = JdbcStatusStore.open(victim, "host-a");
        JdbcStatusStore checker = JdbcStatusStore.open(ds, "host-a")) {
      store.save(model);
      CompletableFuture<Void> killer = CompletableFuture.runAsync(() -> {
        Random random = new Random(42);
        while (!done.get()) {
          try {
            Thread.sleep(random.nextInt(6));
            kills.addAndGet(terminate("true"));
          } catch (InterruptedException | SQLException e) {
            throw new IllegalStateException(e);
          }
        }
      });
      Random random = new Random(7);
      for (int i = 0; i < 150; i++) {
        StatusChange change = nextChange(model, random, i);
        NetworkStatus after = change.applyTo(model);
        try {
          store.record("default", change);
          successes++;
          assertThat(checker.load("default")).as("after the returned record %d", i)
              .contains(after);
          model = after;
        } catch (StatusStoreException e) {
          failures++;
          Optional<NetworkStatus> stored = checker.load("default");
          if (e.getMessage().contains("outcome is unknown")) {
            assertThat(stored).as("record %d, outcome unknown", i).isIn(Optional.of(model),
                Optional.of(after));
          } else {
            assertThat(stored).as("after the failed record %d: %s", i, e.getMessage())
                .contains(model);
          }
          model = stored.orElseThrow();
        }
      }
      done.set(true);
      killer.get(30, TimeUnit.SECONDS);
      assertThat(allotted("default")).as("the inventory follows what is stored")
          .isEqualTo(BigDecimal.valueOf(model.floorSum().bitsPerSecond()));
    }
    assertThat(kills.get()).as("backends terminated").isGreaterThan(5);
    assertThat(failures).as("records that failed").isGreaterThan(0);
    assertThat(successes).as("records that returned").isGreaterThan(0);
  }

  private static StatusChange nextChange(NetworkStatus model, Random random, int i) {
    if (!model.interfaces().isEmpty() && random.nextInt(3) == 0) {
      List<InterfaceAlias> aliases = List.copyOf(model.interfaces().keySet());
      return new StatusChange.InterfaceRemoved(aliases.get(random.nextInt(aliases.size())));
    }
    if (random.nextInt(5) == 0) {
      return new StatusChange.ClassesParked(new TreeSet<>(List.of(1000 + i, 2000 + i)));
    }
    return new StatusChange.InterfaceSet(floored("vm" + i, 3 + i, 1 + random.nextInt(50)));
  }

  /** Terminates the victim's backends matching {@code condition}; how many. */
  private int terminate(String condition) throws SQLException {
    try (Connection c = ds.getConnection(); PreparedStatement ps = c.prepareStatement(
        "SELECT count(*) FILTER (WHERE pg_terminate_backend(pid)) FROM pg_stat_activity"
            + " WHERE application_name = ? AND pid <> pg_backend_pid() AND " + condition)) {
      ps.setString(1, victimName);
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        return rs.getInt(1);
      }
    }
  }

  private BigDecimal allotted(String network) throws SQLException {
    try (Connection c = ds.getConnection(); PreparedStatement ps = c.prepareStatement(
        "SELECT allotted_bps FROM netfloor_inventory WHERE network = ?")) {
      ps.setString(1, network);
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        return new BigDecimal(rs.getBigDecimal(1).toBigIntegerExact());
      }
    }
  }
}
