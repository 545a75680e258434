// SPDX-License-Identifier: Apache-2.0
package io.netfloor.jdbc;

import static io.netfloor.jdbc.JdbcStatusStoreContractTest.floored;
import static io.netfloor.jdbc.JdbcStatusStoreContractTest.small;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netfloor.model.AdmissionLimit;
import io.netfloor.model.Bandwidth;
import io.netfloor.model.HtbTree;
import io.netfloor.model.InterfaceAlias;
import io.netfloor.model.Limits;
import io.netfloor.model.NetworkConfig;
import io.netfloor.model.NetworkName;
import io.netfloor.model.NetworkStatus;
import io.netfloor.model.PluggedInterface;
import io.netfloor.model.StatusChange;
import io.netfloor.spi.StatusStoreException;
import io.netfloor.units.MacAddress;
import io.netfloor.units.Rate;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.postgresql.ds.PGSimpleDataSource;

/** What the PostgreSQL store adds to the contract: hosts, the inventory, durability settings. */
class JdbcStatusStoreTest {
  PGSimpleDataSource ds;

  @BeforeEach
  void schema() {
    ds = TestPostgres.freshSchema();
  }

  @AfterEach
  void drop() {
    TestPostgres.dropSchema(ds);
  }

  static NetworkConfig config(String name, String bridge, long averageMbit) {
    return NetworkConfig.builder(name, bridge)
        .inbound(Limits.averageOnly(Rate.ofMegabits(averageMbit))).build();
  }

  // ------------------------------------------------------------------ hosts

  @Test
  void aSecondHostCanNeitherReadNorWriteANetworkTheFirstOwns() {
    try (JdbcStatusStore a = JdbcStatusStore.open(ds, "host-a");
        JdbcStatusStore b = JdbcStatusStore.open(ds, "host-b")) {
      a.save(small("default"));
      NetworkStatus other = NetworkStatus.empty(NetworkName.of("default"),
          io.netfloor.units.InterfaceName.of("br-b"));
      List<Runnable> attempts = List.of(
          () -> b.save(other),
          () -> b.saveIfChanged(other),
          () -> b.record("default", new StatusChange.InterfaceRemoved("vm1")),
          () -> b.record("default", new StatusChange.ClassesParked(
              new java.util.TreeSet<>(List.of(99)))),
          () -> b.delete("default"),
          () -> b.load("default"),
          () -> b.describe(config("default", "br-b", 100)));
      for (Runnable attempt : attempts) {
        assertThatThrownBy(attempt::run).isInstanceOf(NetworkOwnedByOtherHostException.class)
            .hasMessageContaining("owned by host 'host-a'")
            .satisfies(e -> assertThat(((NetworkOwnedByOtherHostException) e).owner())
                .isEqualTo("host-a"));
      }
      assertThat(a.load("default")).contains(small("default"));
      assertThat(a.networks()).containsExactly("default");
      assertThat(b.networks()).isEmpty();
      // once the owner deletes it, the name is free
      a.delete("default");
      b.save(other);
      assertThat(b.load("default")).contains(other);
      assertThatThrownBy(() -> a.load("default"))
          .isInstanceOf(NetworkOwnedByOtherHostException.class).hasMessageContaining("host-b");
    }
  }

  /** The database itself refuses, whatever SQL a buggy or foreign client sends. */
  @Test
  void theDatabaseRefusesWritesForAnotherHostAndAChangeOfOwner() throws SQLException {
    try (JdbcStatusStore a = JdbcStatusStore.open(ds, "host-a");
        JdbcStatusStore b = JdbcStatusStore.open(ds, "host-b")) {
      a.save(small("default"));
      List<String> writes = List.of(
          "UPDATE netfloor_networks SET bridge = 'x' WHERE network = 'default'",
          "UPDATE netfloor_networks SET host_id = 'host-b' WHERE network = 'default'",
          "DELETE FROM netfloor_networks WHERE network = 'default'",
          "DELETE FROM netfloor_interfaces WHERE network = 'default'",
          "UPDATE netfloor_interfaces SET in_floor_bps = 1 WHERE network = 'default'",
          "INSERT INTO netfloor_parked VALUES ('default', 'host-a', 77)",
          "DELETE FROM netfloor_parked WHERE network = 'default'");
      for (String acting : new String[] {"host-b", null}) {
        for (String sql : writes) {
          try (Connection c = ds.getConnection(); Statement s = c.createStatement()) {
            c.setAutoCommit(false);
            if (acting != null) {
              s.execute("SELECT set_config('netfloor.host_id', '" + acting + "', true)");
            }
            assertThatThrownBy(() -> s.execute(sql)).as(sql).isInstanceOf(SQLException.class)
                .satisfies(e -> assertThat(((SQLException) e).getSQLState()).isEqualTo("NF001"))
                .hasMessageContaining("owned by host host-a");
            c.rollback();
          }
        }
      }
      // a child row cannot hang under another host's network either (its key names the owner)
      try (Connection c = ds.getConnection(); Statement s = c.createStatement()) {
        c.setAutoCommit(false);
        s.execute("SELECT set_config('netfloor.host_id', 'host-b', true)");
        assertThatThrownBy(() -> s.execute("INSERT INTO netfloor_parked VALUES"
            + " ('default', 'host-b', 77)")).isInstanceOf(SQLException.class)
            .satisfies(e -> assertThat(((SQLException) e).getSQLState()).isEqualTo("23503"));
        c.rollback();
      }
      assertThat(a.load("default")).contains(small("default"));
    }
  }

  @Test
  void hostIdsAreCheckedAndStoresOfManyHostsOpenAnEmptyDatabaseAtOnce() throws Exception {
    assertThatThrownBy(() -> JdbcStatusStore.open(ds, "bad host"))
        .isInstanceOf(StatusStoreException.class).hasMessageContaining("host id 'bad host'");
    assertThatThrownBy(() -> JdbcStatusStore.open(ds, ""))
        .isInstanceOf(StatusStoreException.class);
    ExecutorService pool = Executors.newFixedThreadPool(8);
    List<Future<JdbcStatusStore>> opened = new ArrayList<>();
    for (int i = 0; i < 8; i++) {
      String host = "h" + i;
      opened.add(pool.submit(() -> JdbcStatusStore.open(ds, host)));
    }
    for (Future<JdbcStatusStore> f : opened) {
      try (JdbcStatusStore s = f.get(60, TimeUnit.SECONDS)) {
        s.save(NetworkStatus.empty(NetworkName.of("net-" + s.hostId()), io.netfloor.units.InterfaceName.of("br")));
      }
    }
    pool.shutdown();
    assertThat(queryLong("SELECT count(*) FROM netfloor_hosts")).isEqualTo(8);
    assertThat(queryLong("SELECT count(*) FROM netfloor_schema_version")).isEqualTo(
        Schema.currentVersion());
  }

  @Test
  void aNewerSchemaIsRefusedNamingTheVersions() throws SQLException {
    JdbcStatusStore.open(ds, "h").close();
    TestPostgres.execute(ds, "INSERT INTO netfloor_schema_version (version) VALUES (99)");
    assertThatThrownBy(() -> JdbcStatusStore.open(ds, "h"))
        .isInstanceOf(StatusStoreException.class).hasMessageContaining("version 99")
        .hasMessageContaining("newer");
  }

  // ------------------------------------------------------------------ inventory

  @Test
  void theInventoryFollowsEveryRecordAndMatchesTheTree() {
    NetworkConfig config = config("default", "virbr0", 1000);
    HtbTree tree = HtbTree.empty(config);
    try (JdbcStatusStore store = JdbcStatusStore.open(ds, "host-a")) {
      store.describe(config);
      store.save(NetworkStatus.of(tree));
      assertThat(inventory("default")).containsExactly(
          "host-a", "default", "virbr0", 1_000_000_000L, BigDecimal.ZERO,
          BigDecimal.valueOf(1_000_000_000L), 0);
      for (int i = 1; i <= 12; i++) {
        String alias = "vm" + i;
        var change = i % 3 == 0
            ? tree.plug(alias, mac(i), Bandwidth.inboundOnly(Limits.averageOnly(Rate.ofMegabits(5))))
            : tree.plug(alias, mac(i), Bandwidth.floor(Rate.ofMegabits(10L * i)));
        for (StatusChange c : change.records()) {
          store.record("default", c);
        }
        tree = change.tree();
        assertInventoryMatches(tree);
      }
      for (int i : new int[] {2, 3, 7}) {
        var change = tree.unplug("vm" + i);
        for (StatusChange c : change.records()) {
          store.record("default", c);
        }
        tree = change.tree();
        assertInventoryMatches(tree);
      }
      // a floor changed in place
      var upd = tree.update("vm4", Bandwidth.floor(Rate.ofMegabits(100)));
      for (StatusChange c : upd.records()) {
        store.record("default", c);
      }
      tree = upd.tree();
      assertInventoryMatches(tree);
      // a whole save replaces the numbers too
      store.save(NetworkStatus.of(HtbTree.empty(config)));
      assertThat(inventory("default").get(4)).isEqualTo(BigDecimal.ZERO);
      // a resized network: describe again
      store.describe(config("default", "virbr0", 2000));
      assertThat(inventory("default").get(3)).isEqualTo(2_000_000_000L);
      store.delete("default");
      assertThat(inventory("default")).isEmpty();
    }
  }

  @Test
  void aResizeIsStoredInColumnsAndTheInventoryCapacityFollowsIt() throws SQLException {
    NetworkConfig config = config("default", "virbr0", 100);
    NetworkConfig peakConfig = NetworkConfig.builder("libvirt-like", "virbr1")
        .inbound(Limits.builder().average(Rate.ofMegabits(100)).peak(Rate.ofMegabits(300)).build())
        .admissionLimit(AdmissionLimit.PEAK_LIKE_LIBVIRT).build();
    Limits resized = Limits.builder().average(Rate.ofMegabits(200)).peak(Rate.ofMegabits(400))
        .burst(io.netfloor.units.ByteSize.ofBytes(64_000)).build();
    HtbTree tree = HtbTree.empty(config).plug("vm1", mac(1), Bandwidth.floor(Rate.ofMegabits(60)))
        .tree();
    try (JdbcStatusStore store = JdbcStatusStore.open(ds, "host-a")) {
      store.describe(config);
      store.describe(peakConfig);
      store.save(NetworkStatus.of(tree));
      store.save(NetworkStatus.of(HtbTree.empty(peakConfig)));
      store.record("default", new StatusChange.InboundResized(resized));
      store.record("libvirt-like", new StatusChange.InboundResized(resized));
      assertThat(store.load("default").orElseThrow().inbound()).contains(resized);
      // average admission: the resized average; peak admission: the resized peak
      assertThat(inventory("default").subList(3, 6)).containsExactly(200_000_000L,
          BigDecimal.valueOf(60_000_000L), BigDecimal.valueOf(140_000_000L));
      assertThat(inventory("libvirt-like").get(3)).isEqualTo(400_000_000L);
      assertThat(queryLong("SELECT inbound_burst_bytes FROM netfloor_networks"
          + " WHERE network = 'default'")).isEqualTo(64_000L);
    }
    // a fresh instance: the status and the inventory stay; describing the config it was started
    // with does not undo the resize, since the resized limits win at the next start
    try (JdbcStatusStore store = JdbcStatusStore.open(ds, "host-a")) {
      assertThat(store.load("default").orElseThrow())
          .isEqualTo(NetworkStatus.of(tree).withInbound(Optional.of(resized)));
      store.describe(config);
      assertThat(inventory("default").get(3)).isEqualTo(200_000_000L);
      // a resize back to an average alone clears peak and burst
      Limits small = Limits.averageOnly(Rate.ofMegabits(60));
      store.record("default", new StatusChange.InboundResized(small));
      assertThat(store.load("default").orElseThrow().inbound()).contains(small);
      assertThat(inventory("default").get(5)).isEqualTo(BigDecimal.ZERO);
      // a whole save of a never-resized status clears the columns: the described capacity applies
      store.save(NetworkStatus.of(tree));
      assertThat(store.load("default").orElseThrow().inbound()).isEmpty();
      assertThat(inventory("default").get(3)).isEqualTo(100_000_000L);
    }
  }

  @Test
  void aPriorityIsATypedColumnKeptBySaveRecordAndBatch() throws SQLException {
    PluggedInterface prio = new PluggedInterface("bulk", floored("x", 9, 1).mac(),
        io.netfloor.model.Bandwidth.NONE.withPriority(io.netfloor.model.Priority.LOWEST), 9,
        Optional.of(io.netfloor.model.HtbTree.linearHandle(9)));
    try (JdbcStatusStore store = JdbcStatusStore.open(ds, "host-a")) {
      store.save(small("default").withInterface(prio));
      assertThat(queryLong("SELECT priority FROM netfloor_interfaces WHERE alias = 'bulk'"))
          .isEqualTo(7L);
      assertThat(queryString("SELECT priority::text FROM netfloor_interfaces WHERE alias = 'vm1'"))
          .isNull();
      PluggedInterface raised = new PluggedInterface("vm1", floored("vm1", 3, 10).mac(),
          floored("vm1", 3, 10).bandwidth().withPriority(io.netfloor.model.Priority.of(1)), 3,
          floored("vm1", 3, 10).filterHandle());
      store.record("default", new StatusChange.Batch(List.of(new StatusChange.InterfaceSet(raised),
          new StatusChange.InterfaceRemoved("bulk"))));
      assertThat(queryLong("SELECT priority FROM netfloor_interfaces WHERE alias = 'vm1'"))
          .isEqualTo(1L);
    }
    try (JdbcStatusStore store = JdbcStatusStore.open(ds, "host-a")) {
      NetworkStatus loaded = store.load("default").orElseThrow();
      assertThat(loaded.interfaces().get(InterfaceAlias.of("vm1")).bandwidth().priority())
          .contains(io.netfloor.model.Priority.of(1));
      assertThat(loaded.interfaces()).doesNotContainKey(InterfaceAlias.of("bulk"));
    }
    assertThatThrownBy(() -> TestPostgres.execute(ds, "BEGIN; SELECT set_config('netfloor.host_id',"
        + " 'host-a', true); UPDATE netfloor_interfaces SET priority = 8; COMMIT"))
        .hasMessageContaining("priority");
  }

  @Test
  void aVersion1DatabaseIsMigratedKeepingItsRows() throws SQLException {
    try (Connection c = ds.getConnection(); Statement s = c.createStatement()) {
      s.execute("CREATE TABLE netfloor_schema_version (version integer PRIMARY KEY,"
          + " applied_at timestamptz NOT NULL DEFAULT now())");
      for (String sql : Schema.MIGRATIONS.get(0)) {
        s.execute(sql);
      }
      s.execute("INSERT INTO netfloor_schema_version (version) VALUES (1)");
      s.execute("INSERT INTO netfloor_hosts (host_id) VALUES ('host-a')");
      s.execute("BEGIN; SELECT set_config('netfloor.host_id', 'host-a', true);"
          + " INSERT INTO netfloor_networks (network, host_id, bridge, capacity_bps)"
          + " VALUES ('old', 'host-a', 'virbr9', 5000000); COMMIT");
    }
    try (JdbcStatusStore store = JdbcStatusStore.open(ds, "host-a")) {
      assertThat(queryLong("SELECT max(version) FROM netfloor_schema_version"))
          .isEqualTo((long) Schema.currentVersion());
      assertThat(store.load("old").orElseThrow())
          .isEqualTo(NetworkStatus.empty(NetworkName.of("old"), io.netfloor.units.InterfaceName.of("virbr9")));
      assertThat(inventory("old").get(3)).isEqualTo(5_000_000L);
      store.record("old", new StatusChange.InboundResized(Limits.averageOnly(Rate.ofMegabits(7))));
      assertThat(inventory("old").get(3)).as("not described by this version: capacity kept")
          .isEqualTo(5_000_000L);
      assertThat(store.load("old").orElseThrow().inbound())
          .contains(Limits.averageOnly(Rate.ofMegabits(7)));
    }
  }

  @Test
  void outboundFloorsAreStoredInTheirColumnAndReadBack() throws SQLException {
    NetworkConfig net = NetworkConfig.builder("out", "br9")
        .inbound(Limits.averageOnly(Rate.ofMegabits(100)))
        .outbound(Limits.averageOnly(Rate.ofMegabits(50)))
        .outboundFloors(io.netfloor.model.OutboundFloorPlacement.bridgeIngress()).build();
    HtbTree tree = HtbTree.start(net).tree();
    try (JdbcStatusStore store = JdbcStatusStore.open(ds, "host-a")) {
      store.describe(net);
      store.save(NetworkStatus.of(tree));
      Bandwidth both = Bandwidth.floor(Rate.ofMegabits(10)).withOutboundFloor(Rate.ofMegabits(20));
      tree = tree.plug("vm1", MacAddress.parse("52:54:00:00:00:01"), both).tree();
      store.record("out", new StatusChange.InterfaceSet(tree.find("vm1").orElseThrow()));
      Bandwidth outOnly = Bandwidth.NONE.withOutboundFloor(Rate.ofMegabits(5));
      tree = tree.plug("vm2", MacAddress.parse("52:54:00:00:00:02"), outOnly).tree();
      store.record("out", new StatusChange.InterfaceSet(tree.find("vm2").orElseThrow()));
      assertThat(store.load("out").orElseThrow()).isEqualTo(NetworkStatus.of(tree));
      assertThat(queryLong("SELECT sum(out_floor_bps) FROM netfloor_interfaces"))
          .isEqualTo(25_000_000L);
      assertThat(store.load("out").orElseThrow().toTree(net).outboundFloorSum())
          .isEqualTo(Rate.ofMegabits(25));
    }
  }

  @Test
  void anOutboundFloorAndAPriorityShareARowThroughSaveRecordAndBulkInsert() throws SQLException {
    NetworkConfig net = NetworkConfig.builder("both", "br8")
        .inbound(Limits.averageOnly(Rate.ofMegabits(100)))
        .outbound(Limits.averageOnly(Rate.ofMegabits(50)))
        .outboundFloors(io.netfloor.model.OutboundFloorPlacement.bridgeIngress()).build();
    HtbTree tree = HtbTree.start(net).tree();
    Bandwidth outAndPrio = Bandwidth.NONE.withOutboundFloor(Rate.ofMegabits(20))
        .withPriority(io.netfloor.model.Priority.of(6));
    tree = tree.plug("vm1", MacAddress.parse("52:54:00:00:00:01"), outAndPrio).tree();
    try (JdbcStatusStore store = JdbcStatusStore.open(ds, "host-a")) {
      store.describe(net);
      store.save(NetworkStatus.of(tree)); // the bulk insert of every row
      assertThat(queryLong("SELECT out_floor_bps FROM netfloor_interfaces WHERE alias = 'vm1'"))
          .isEqualTo(20_000_000L);
      assertThat(queryLong("SELECT priority FROM netfloor_interfaces WHERE alias = 'vm1'"))
          .isEqualTo(6L);
      tree = tree.plug("vm2", MacAddress.parse("52:54:00:00:00:02"), Bandwidth.floor(
          Rate.ofMegabits(10)).withOutboundFloor(Rate.ofMegabits(5))
          .withPriority(io.netfloor.model.Priority.HIGHEST)).tree();
      store.record("both", new StatusChange.InterfaceSet(tree.find("vm2").orElseThrow()));
      assertThat(queryLong("SELECT priority FROM netfloor_interfaces WHERE alias = 'vm2'"))
          .isEqualTo(0L);
      assertThat(queryLong("SELECT out_floor_bps FROM netfloor_interfaces WHERE alias = 'vm2'"))
          .isEqualTo(5_000_000L);
    }
    try (JdbcStatusStore store = JdbcStatusStore.open(ds, "host-a")) {
      assertThat(store.load("both").orElseThrow()).isEqualTo(NetworkStatus.of(tree));
    }
  }

  private void assertInventoryMatches(HtbTree tree) {
    List<Object> row = inventory(tree.config().name().value());
    assertThat(row.get(4)).as("allotted").isEqualTo(
        BigDecimal.valueOf(tree.floorSum().bitsPerSecond()));
    assertThat(row.get(5)).as("remaining").isEqualTo(
        BigDecimal.valueOf(tree.remainingCapacity().orElseThrow().bitsPerSecond()));
    assertThat(row.get(6)).as("interfaces").isEqualTo(tree.interfaces().size());
  }

  @Test
  void capacityFollowsTheAdmissionLimitAndIsUnknownWithoutInboundQos() {
    NetworkConfig peak = NetworkConfig.builder("libvirt-like", "virbr1")
        .inbound(Limits.builder().average(Rate.ofMegabits(100)).peak(Rate.ofMegabits(300)).build())
        .admissionLimit(AdmissionLimit.PEAK_LIKE_LIBVIRT).build();
    NetworkConfig none = NetworkConfig.builder("plain", "virbr2").build();
    try (JdbcStatusStore store = JdbcStatusStore.open(ds, "host-a")) {
      store.save(NetworkStatus.of(HtbTree.empty(peak))); // saved before described: capacity unknown
      assertThat(inventory("libvirt-like").get(3)).isNull();
      store.describe(peak);
      store.describe(none);
      store.save(NetworkStatus.of(HtbTree.empty(none)));
      assertThat(inventory("libvirt-like").get(3)).isEqualTo(300_000_000L);
      assertThat(inventory("plain").get(3)).isNull();
      assertThat(inventory("plain").get(5)).as("no capacity, nothing remains to place").isNull();
    }
  }

  @Test
  void floorsSummingPastTheLargestRateAreCountedExactly() {
    NetworkStatus huge = NetworkStatus.empty(NetworkName.of("n"), io.netfloor.units.InterfaceName.of("b"))
        .withInterface(new io.netfloor.model.PluggedInterface("a", mac(1),
            Bandwidth.floor(Rate.ofBitsPerSecond(Long.MAX_VALUE)), 3,
            Optional.of(HtbTree.linearHandle(3))))
        .withInterface(new io.netfloor.model.PluggedInterface("b", mac(2),
            Bandwidth.floor(Rate.ofBitsPerSecond(Long.MAX_VALUE)), 4,
            Optional.of(HtbTree.linearHandle(4))));
    try (JdbcStatusStore store = JdbcStatusStore.open(ds, "host-a")) {
      store.save(huge);
      assertThat(store.load("n")).contains(huge);
      assertThat(inventory("n").get(4)).isEqualTo(
          BigDecimal.valueOf(Long.MAX_VALUE).multiply(BigDecimal.valueOf(2)));
    }
  }

  @Test
  void theInventoryIsReadOnly() {
    try (JdbcStatusStore store = JdbcStatusStore.open(ds, "host-a")) {
      store.save(small("default"));
      for (String sql : List.of("UPDATE netfloor_inventory SET interfaces = 0",
          "DELETE FROM netfloor_inventory",
          "INSERT INTO netfloor_inventory (host, network) VALUES ('x', 'y')")) {
        assertThatThrownBy(() -> TestPostgres.execute(ds, sql)).as(sql)
            .isInstanceOf(SQLException.class).hasMessageContaining("read-only");
      }
      assertThat(inventory("default").get(6)).isEqualTo(1);
    }
  }

  // ------------------------------------------------------------------ durability

  /** The test server's default is synchronous_commit = off; every commit still waits for the disk. */
  @Test
  void everyCommitIsMadeWithSynchronousCommitOnWhateverTheServerDefault() throws SQLException {
    assertThat(queryString("SHOW synchronous_commit")).isEqualTo("off");
    List<String> atCommit = Collections.synchronizedList(new ArrayList<>());
    DataSource spying = spyingOnCommits(ds, atCommit);
    try (JdbcStatusStore store = JdbcStatusStore.open(spying, "host-a")) {
      atCommit.clear(); // open's own migration commit is not a status write
      store.save(small("default"));
      store.record("default", new StatusChange.InterfaceRemoved("vm1"));
      store.record("default", new StatusChange.ClassesParked(new java.util.TreeSet<>(List.of(9))));
      store.describe(config("default", "virbr0", 100));
      store.delete("default");
    }
    assertThat(atCommit).hasSize(5).containsOnly("on");
  }

  /** A server of its own: fsync is fixed when a server starts. */
  @Test
  void aServerWithoutFsyncIsRefused() throws IOException {
    try (EmbeddedPostgres careless = EmbeddedPostgres.builder().setServerConfig("fsync", "off")
        .start()) {
      assertThatThrownBy(() -> JdbcStatusStore.open(careless.getPostgresDatabase(), "host-a"))
          .isInstanceOf(StatusStoreException.class).hasMessageContaining("fsync = off");
    }
  }

  // ------------------------------------------------------------------ helpers

  static MacAddress mac(int i) {
    return MacAddress.parse(String.format("52:54:00:01:%02x:%02x", i >> 8, i & 0xff));
  }

  /** host, network, bridge, capacity_bps, allotted_bps, remaining_bps, interfaces; empty if none. */
  List<Object> inventory(String network) {
    try (Connection c = ds.getConnection(); PreparedStatement ps = c.prepareStatement(
        "SELECT host, network, bridge, capacity_bps, allotted_bps, remaining_bps, interfaces"
            + " FROM netfloor_inventory WHERE network = ?")) {
      ps.setString(1, network);
      try (ResultSet rs = ps.executeQuery()) {
        List<Object> row = new ArrayList<>();
        if (rs.next()) {
          for (int i = 1; i <= 7; i++) {
            Object v = rs.getObject(i);
            row.add(v instanceof BigDecimal d ? new BigDecimal(d.toBigIntegerExact()) : v);
          }
        }
        return row;
      }
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  long queryLong(String sql) throws SQLException {
    try (Connection c = ds.getConnection(); Statement s = c.createStatement();
        ResultSet rs = s.executeQuery(sql)) {
      rs.next();
      return rs.getLong(1);
    }
  }

  String queryString(String sql) throws SQLException {
    try (Connection c = ds.getConnection(); Statement s = c.createStatement();
        ResultSet rs = s.executeQuery(sql)) {
      rs.next();
      return rs.getString(1);
    }
  }

  /** Connections that note {@code synchronous_commit} as it stands just before each commit. */
  static DataSource spyingOnCommits(DataSource real, List<String> atCommit) {
    return (DataSource) Proxy.newProxyInstance(DataSource.class.getClassLoader(),
        new Class<?>[] {DataSource.class}, (proxy, m, args) -> {
          Object r = invoke(real, m, args);
          if (!(r instanceof Connection c)) {
            return r;
          }
          return Proxy.newProxyInstance(Connection.class.getClassLoader(),
              new Class<?>[] {Connection.class}, (p2, m2, a2) -> {
                if (m2.getName().equals("commit")) {
                  try (Statement s = c.createStatement();
                      ResultSet rs = s.executeQuery("SHOW synchronous_commit")) {
                    rs.next();
                    atCommit.add(rs.getString(1));
                  }
                }
                return invoke(c, m2, a2);
              });
        });
  }

  private static Object invoke(Object target, java.lang.reflect.Method m, Object[] args)
      throws Throwable {
    try {
      return m.invoke(target, args);
    } catch (InvocationTargetException e) {
      throw e.getCause();
    }
  }
}
