// SPDX-License-Identifier: Apache-2.0
package io.netfloor.jdbc;

import io.netfloor.NetFloorException;
import io.netfloor.model.AdmissionLimit;
import io.netfloor.model.InterfaceAlias;
import io.netfloor.model.Limits;
import io.netfloor.model.NetworkConfig;
import io.netfloor.model.NetworkName;
import io.netfloor.model.NetworkStatus;
import io.netfloor.model.PluggedInterface;
import io.netfloor.model.StatusChange;
import io.netfloor.spi.StatusStore;
import io.netfloor.spi.StatusStoreException;
import io.netfloor.units.ByteSize;
import io.netfloor.units.InterfaceName;
import io.netfloor.units.Rate;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.util.Deque;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.regex.Pattern;
import javax.sql.DataSource;
import org.postgresql.util.PSQLException;
import org.postgresql.util.ServerErrorMessage;

/**
 * A {@link StatusStore} in a PostgreSQL database that many hosts share: each host's store writes
 * only its own networks' rows, and the database keeps a fleet-wide inventory an orchestrator can
 * query to place a VM where its floor fits.
 *
 * <pre>{@code
 * try (JdbcStatusStore store = JdbcStatusStore.open(dataSource, "host-17")) {
 *   store.describe(config);                       // capacity for the inventory
 *   NetworkShaper shaper = NetworkShaper.create(config, trafficControl, store);
 *   shaper.start();
 * }
 * }</pre>
 *
 * <p>Tables (created and migrated by {@link #open}; the schema version is in
 * {@code netfloor_schema_version}): {@code netfloor_hosts}, {@code netfloor_networks} (one row per
 * network, with its owning host), {@code netfloor_interfaces} (one row per plugged interface, every
 * field in a typed column), {@code netfloor_parked} (one row per parked class id). The read-only view
 * {@code netfloor_inventory} gives {@code host, network, bridge, capacity_bps, allotted_bps,
 * remaining_bps, interfaces} per network; its numbers are kept by triggers in the same statement as
 * the rows they follow, so reading it is a plain {@code SELECT}.
 *
 * <p>Guarantees: every {@link #save}, {@link #record} and {@link #delete} is one transaction,
 * committed with {@code synchronous_commit = on} whatever the server's default, and {@link #open}
 * refuses a server running with {@code fsync = off}; so a call that returns is durable. When a
 * connection is lost during the commit, the store asks the server whether the transaction committed
 * and reports the truth: it returns if it did, throws if it did not. A network belongs to the host
 * that first saved it until that host deletes it: the database itself (a trigger on every table)
 * refuses any write made for another host, and this store reports it as
 * {@link NetworkOwnedByOtherHostException}.
 *
 * <p>Connections come from the caller's {@link DataSource}; the store keeps a few idle ones for
 * reuse (a pooling data source works as well) and discards any that failed.
 */
public final class JdbcStatusStore implements StatusStore {
  private static final Pattern HOST_ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._:-]{0,127}");
  private static final int MAX_IDLE_CONNECTIONS = 4;
  /** How long to wait for the server to settle a transaction whose commit lost its connection. */
  private static final long OUTCOME_WAIT_MILLIS = 10_000;

  private final DataSource dataSource;
  private final String hostId;
  private final Deque<Connection> idle = new ConcurrentLinkedDeque<>();
  /** Capacities described by {@link #describe}; empty: the network has no inbound QoS. */
  private final Map<String, Optional<Rate>> capacities = new ConcurrentHashMap<>();
  /** Which inbound limit each described capacity is: {@code average} or {@code peak}. */
  private final Map<String, Optional<String>> capacityLimits = new ConcurrentHashMap<>();
  private volatile boolean closed;

  private JdbcStatusStore(DataSource dataSource, String hostId) {
    this.dataSource = dataSource;
    this.hostId = hostId;
  }

  /**
   * Opens the store of host {@code hostId}: creates or migrates the schema, refuses a server whose
   * commits are not durable, and registers the host.
   *
   * @param dataSource the PostgreSQL database shared by the fleet; the store borrows and returns
   *     its connections and never closes it
   * @param hostId 1–128 characters of {@code [A-Za-z0-9._:-]}, starting with a letter or digit;
   *     unique per host in the fleet
   * @return the open store, registered for {@code hostId}
   * @throws NullPointerException if {@code dataSource} is null
   * @throws StatusStoreException if the database cannot be reached, holds a newer schema, or runs
   *     with {@code fsync = off}
   */
  public static JdbcStatusStore open(DataSource dataSource, String hostId) {
    Objects.requireNonNull(dataSource, "dataSource");
    if (hostId == null || !HOST_ID.matcher(hostId).matches()) {
      throw new StatusStoreException("host id '" + hostId + "' must be 1-128 characters of"
          + " A-Z a-z 0-9 . _ : - starting with a letter or digit");
    }
    JdbcStatusStore store = new JdbcStatusStore(dataSource, hostId);
    Connection c = store.borrow("open the store");
    try {
      try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SHOW fsync")) {
        rs.next();
        if (!"on".equals(rs.getString(1))) {
          throw new StatusStoreException("the PostgreSQL server runs with fsync = "
              + rs.getString(1) + ": a commit would not survive a crash of the database host;"
              + " NetFloor needs fsync = on");
        }
      }
      Schema.migrate(c);
      try (PreparedStatement ps = c.prepareStatement(
          "INSERT INTO netfloor_hosts (host_id) VALUES (?) ON CONFLICT DO NOTHING")) {
        ps.setString(1, hostId);
        ps.executeUpdate();
      }
      c.commit();
      store.release(c);
      return store;
    } catch (SQLException e) {
      store.discard(c);
      throw store.failure("open the store", null, e);
    } catch (RuntimeException e) {
      store.discard(c);
      throw e;
    }
  }

  /**
   * The host this store writes for.
   *
   * @return the host id given to {@link #open}
   */
  public String hostId() {
    return hostId;
  }

  /**
   * Tells the inventory the network's floor capacity ({@link NetworkConfig#floorCapacity()}: its
   * inbound average, or peak under {@code PEAK_LIKE_LIBVIRT}; none without inbound QoS). Call it
   * before {@code NetworkShaper.start()} and again after the network's configured bandwidth
   * changes: every later save writes it too, and a network already stored gets it at once. A live
   * resize needs no new call: the store keeps the resized inbound limits
   * ({@link StatusChange.InboundResized}) in the network's row, and the inventory's capacity is then
   * the same limit (average or peak) of the resized ones.
   *
   * @param config the network's configuration, as given to the shaper
   * @throws NetworkOwnedByOtherHostException if another host owns the network
   */
  public void describe(NetworkConfig config) {
    String network = config.name().value();
    Optional<Rate> capacity = config.floorCapacity();
    Optional<String> limit = capacityLimit(config);
    capacities.put(network, capacity);
    capacityLimits.put(network, limit);
    write("describe", network, (c, owner) -> {
      if (owner == null) {
        return; // the first save writes it
      }
      try (PreparedStatement ps = c.prepareStatement(
          "UPDATE netfloor_networks SET capacity_bps = ?, capacity_limit = ? WHERE network = ?")) {
        setRate(ps, 1, capacity);
        ps.setString(2, limit.orElse(null));
        ps.setString(3, network);
        ps.executeUpdate();
      }
    });
  }

  /**
   * Which of the network's inbound limits its floor capacity is: the inventory takes the same one
   * from resized limits ({@link NetworkConfig#floorCapacity()}).
   */
  private static Optional<String> capacityLimit(NetworkConfig config) {
    if (config.floorCapacity().isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(config.admissionLimit() == AdmissionLimit.AVERAGE ? "average"
        : "peak");
  }

  @Override
  public Optional<NetworkStatus> load(String network) {
    NetworkName.of(network).value();
    return run("load", network, c -> {
      c.setAutoCommit(false);
      c.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
      c.setReadOnly(true);
      try {
        return read(c, network);
      } finally {
        c.rollback();
        c.setReadOnly(false);
        c.setTransactionIsolation(Connection.TRANSACTION_READ_COMMITTED);
      }
    });
  }

  private Optional<NetworkStatus> read(Connection c, String network) throws SQLException {
    String bridge;
    Optional<Limits> inbound;
    try (PreparedStatement ps = c.prepareStatement("SELECT host_id, bridge, inbound_average_bps,"
        + " inbound_peak_bps, inbound_burst_bytes FROM netfloor_networks WHERE network = ?")) {
      ps.setString(1, network);
      try (ResultSet rs = ps.executeQuery()) {
        if (!rs.next()) {
          return Optional.empty();
        }
        requireOwner(network, rs.getString(1));
        bridge = rs.getString(2);
        inbound = readInbound(network, rs);
      }
    }
    TreeMap<InterfaceAlias, PluggedInterface> interfaces = new TreeMap<>();
    try (PreparedStatement ps = c.prepareStatement("SELECT " + InterfaceRows.COLUMNS
        + " FROM netfloor_interfaces WHERE network = ?")) {
      ps.setString(1, network);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          PluggedInterface p = readRow(network, rs);
          interfaces.put(p.alias(), p);
        }
      }
    }
    TreeSet<Integer> parked = new TreeSet<>();
    try (PreparedStatement ps = c.prepareStatement(
        "SELECT class_id FROM netfloor_parked WHERE network = ?")) {
      ps.setString(1, network);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          parked.add(rs.getInt(1));
        }
      }
    }
    try {
      return Optional.of(new NetworkStatus(NetworkName.of(network), InterfaceName.of(bridge), interfaces, parked,
          inbound));
    } catch (NetFloorException e) {
      throw new StatusStoreException("the stored status of network '" + network + "' is invalid: "
          + e.getMessage(), e);
    }
  }

  /** The resized inbound limits in columns 3 to 5, if any. */
  private static Optional<Limits> readInbound(String network, ResultSet rs) throws SQLException {
    long average = rs.getLong(3);
    if (rs.wasNull()) {
      return Optional.empty();
    }
    long peak = rs.getLong(4);
    boolean hasPeak = !rs.wasNull();
    long burst = rs.getLong(5);
    boolean hasBurst = !rs.wasNull();
    try {
      return Optional.of(Limits.builder().average(Rate.ofBitsPerSecond(average))
          .peak(hasPeak ? Rate.ofBitsPerSecond(peak) : null)
          .burst(hasBurst ? ByteSize.ofBytes(burst) : null).build());
    } catch (NetFloorException e) {
      throw new StatusStoreException("the stored inbound limits of network '" + network
          + "' are invalid: " + e.getMessage(), e);
    }
  }

  private static PluggedInterface readRow(String network, ResultSet rs) throws SQLException {
    try {
      return InterfaceRows.read(rs);
    } catch (NetFloorException e) {
      throw new StatusStoreException("the stored row of interface '" + rs.getString(1)
          + "' of network '" + network + "' is invalid: " + e.getMessage(), e);
    }
  }

  @Override
  public void save(NetworkStatus status) {
    String network = status.network().value();
    Optional<Rate> capacity = capacities.get(network);
    Optional<String> limit = capacityLimits.getOrDefault(network, Optional.empty());
    write("save", network, (c, owner) -> {
      // one round trip: the statements go to the server together
      String sql = "INSERT INTO netfloor_networks (network, host_id, bridge, capacity_bps,"
          + " capacity_limit, " + INBOUND_COLUMNS + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?)"
          + " ON CONFLICT (network) DO UPDATE SET bridge = EXCLUDED.bridge,"
          + " capacity_bps = CASE WHEN ? THEN EXCLUDED.capacity_bps"
          + " ELSE netfloor_networks.capacity_bps END,"
          + " capacity_limit = CASE WHEN ? THEN EXCLUDED.capacity_limit"
          + " ELSE netfloor_networks.capacity_limit END,"
          + " inbound_average_bps = EXCLUDED.inbound_average_bps,"
          + " inbound_peak_bps = EXCLUDED.inbound_peak_bps,"
          + " inbound_burst_bytes = EXCLUDED.inbound_burst_bytes;"
          + " DELETE FROM netfloor_interfaces WHERE network = ?;"
          + " DELETE FROM netfloor_parked WHERE network = ?;"
          + InterfaceRows.INSERT_ALL + "; " + PARK;
      try (PreparedStatement ps = c.prepareStatement(sql)) {
        ps.setString(1, network);
        ps.setString(2, hostId);
        ps.setString(3, status.bridge().value());
        setRate(ps, 4, capacity == null ? Optional.empty() : capacity);
        ps.setString(5, limit.orElse(null));
        bindInbound(ps, 6, status.inbound());
        ps.setBoolean(9, capacity != null);
        ps.setBoolean(10, capacity != null);
        ps.setString(11, network);
        ps.setString(12, network);
        ps.setString(13, network);
        ps.setString(14, hostId);
        InterfaceRows.bindArrays(c, ps, 15, status.interfaces().values());
        int next = 15 + InterfaceRows.COLUMN_COUNT;
        ps.setString(next, network);
        ps.setString(next + 1, hostId);
        ps.setArray(next + 2, c.createArrayOf("int4", status.parkedClassIds().toArray()));
        ps.execute();
      }
    });
  }

  /** Skips the write when the database already holds exactly {@code status}. */
  @Override
  public void saveIfChanged(NetworkStatus status) {
    if (!load(status.network().value()).equals(Optional.of(status))) {
      save(status);
    }
  }

  @Override
  public void record(String network, StatusChange change) {
    NetworkName.of(network).value();
    Objects.requireNonNull(change, "change");
    write("record", network, (c, owner) -> {
      if (owner == null) {
        throw new StatusStoreException("no status of network '" + network
            + "' is stored for host '" + hostId + "'; save one first");
      }
      apply(c, network, change);
    });
  }

  /** Applies one change within the caller's transaction: a batch's changes in order. */
  private void apply(Connection c, String network, StatusChange change) throws SQLException {
    SqlStep step = switch (change.changeKind()) {
      case INTERFACE_SET ->
          () -> setInterface(c, network, ((StatusChange.InterfaceSet) change).iface());
      case INTERFACE_REMOVED -> () -> removeInterface(c, network,
          ((StatusChange.InterfaceRemoved) change).alias().value());
      case CLASSES_PARKED ->
          () -> park(c, network, ((StatusChange.ClassesParked) change).classIds());
      case CLASSES_UNPARKED -> () -> unpark(c, network,
          ((StatusChange.ClassesUnparked) change).classIds());
      case INBOUND_RESIZED -> () -> resize(c, network,
          ((StatusChange.InboundResized) change).inbound());
      case BATCH -> () -> {
        for (StatusChange inner : ((StatusChange.Batch) change).changes()) {
          apply(c, network, inner);
        }
      };
    };
    step.run();
  }

  /** One statement (or a few) of a change, run by {@link #apply}. */
  @FunctionalInterface
  private interface SqlStep {
    void run() throws SQLException;
  }

  private void setInterface(Connection c, String network, PluggedInterface p) throws SQLException {
    // taking a parked class unparks it, as NetworkStatus does; one round trip for both
    try (PreparedStatement ps = c.prepareStatement(InterfaceRows.UPSERT
        + "; DELETE FROM netfloor_parked WHERE network = ? AND class_id = ?")) {
      ps.setString(1, network);
      ps.setString(2, hostId);
      InterfaceRows.bind(ps, 3, p);
      ps.setString(3 + InterfaceRows.COLUMN_COUNT, network);
      ps.setInt(4 + InterfaceRows.COLUMN_COUNT, p.classMinor());
      ps.execute();
    }
  }

  private static void removeInterface(Connection c, String network, String alias)
      throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(
        "DELETE FROM netfloor_interfaces WHERE network = ? AND alias = ?")) {
      ps.setString(1, network);
      ps.setString(2, alias);
      ps.executeUpdate();
    }
  }

  private static void unpark(Connection c, String network, Set<Integer> ids)
      throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(
        "DELETE FROM netfloor_parked WHERE network = ? AND class_id = ANY (?)")) {
      ps.setString(1, network);
      ps.setArray(2, c.createArrayOf("int4", ids.toArray()));
      ps.executeUpdate();
    }
  }

  private static void resize(Connection c, String network, Limits inbound) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("UPDATE netfloor_networks SET ("
        + INBOUND_COLUMNS + ", updated_at) = (?, ?, ?, now()) WHERE network = ?")) {
      bindInbound(ps, 1, Optional.of(inbound));
      ps.setString(4, network);
      ps.executeUpdate();
    }
  }

  private static final String INBOUND_COLUMNS =
      "inbound_average_bps, inbound_peak_bps, inbound_burst_bytes";

  /** Binds a network's resized inbound limits (or three nulls) from {@code first} on. */
  private static void bindInbound(PreparedStatement ps, int first, Optional<Limits> inbound)
      throws SQLException {
    setRate(ps, first, inbound.flatMap(Limits::average));
    setRate(ps, first + 1, inbound.flatMap(Limits::peak));
    Optional<ByteSize> burst = inbound.flatMap(Limits::burst);
    if (burst.isPresent()) {
      ps.setLong(first + 2, burst.get().bytes());
    } else {
      ps.setNull(first + 2, Types.BIGINT);
    }
  }

  private static final String PARK = "INSERT INTO netfloor_parked (network, host_id, class_id)"
      + " SELECT ?, ?, unnest(?::int4[]) ON CONFLICT DO NOTHING";

  private void park(Connection c, String network, Set<Integer> ids) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(PARK)) {
      ps.setString(1, network);
      ps.setString(2, hostId);
      ps.setArray(3, c.createArrayOf("int4", ids.toArray()));
      ps.executeUpdate();
    }
  }

  @Override
  public void delete(String network) {
    NetworkName.of(network).value();
    write("delete", network, (c, owner) -> {
      if (owner != null) {
        delete(c, "DELETE FROM netfloor_networks WHERE network = ?", network);
      }
    });
  }

  private static void delete(Connection c, String sql, String network) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(sql)) {
      ps.setString(1, network);
      ps.executeUpdate();
    }
  }

  /** This host's networks with a stored status. */
  @Override
  public Set<String> networks() {
    return run("list networks", null, c -> {
      c.setAutoCommit(true);
      Set<String> out = new TreeSet<>();
      try (PreparedStatement ps = c.prepareStatement(
          "SELECT network FROM netfloor_networks WHERE host_id = ?")) {
        ps.setString(1, hostId);
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            out.add(rs.getString(1));
          }
        }
      }
      return Set.copyOf(out);
    });
  }

  /** Closes the idle connections; the data source is the caller's and stays open. */
  @Override
  public void close() {
    closed = true;
    Connection c;
    while ((c = idle.poll()) != null) {
      closeQuietly(c);
    }
  }

  @Override
  public String toString() {
    return "JdbcStatusStore{host=" + hostId + "}";
  }

  // ------------------------------------------------------------------ transactions

  private interface Body<T> {
    T apply(Connection c) throws SQLException;
  }

  private interface WriteBody {
    /** {@code owner}: the network's owning host (this one), or null when it has no row. */
    void apply(Connection c, String owner) throws SQLException;
  }

  /**
   * One write transaction for {@code network}: acts as this host (for the ownership trigger),
   * commits with synchronous_commit on, locks the network's row first so that the owner read is the
   * one the writes see; refuses another host's network before writing anything.
   */
  private void write(String what, String network, WriteBody body) {
    NetworkName.of(network).value();
    Connection c = borrow(what + " network '" + network + "'");
    Begun begun;
    try {
      begun = begin(c, network);
    } catch (SQLException e) {
      // an idle connection the server closed meanwhile: nothing was written, take a new one
      discard(c);
      c = borrow(what + " network '" + network + "'");
      try {
        begun = begin(c, network);
      } catch (SQLException again) {
        again.addSuppressed(e);
        discard(c);
        throw failure(what, network, again);
      }
    }
    try {
      String owner = begun.owner();
      if (owner != null) {
        requireOwner(network, owner);
      }
      body.apply(c, owner);
    } catch (SQLException e) {
      discard(c);
      throw failure(what, network, e);
    } catch (RuntimeException e) {
      rollbackAndRelease(c);
      throw e;
    }
    try {
      c.commit();
    } catch (SQLException e) {
      discard(c);
      // the connection broke during the commit: the server may have committed
      String outcome = outcomeOf(begun.xid(), e);
      if ("committed".equals(outcome)) {
        return;
      }
      throw new StatusStoreException(what + " of network '" + network + "' failed during the"
          + " commit " + ("aborted".equals(outcome)
              ? "(the server rolled it back: nothing was changed): "
              : "(its outcome is unknown: the change may or may not be stored; load to see): ")
          + e.getMessage(), e);
    }
    release(c);
  }

  /** A write transaction's id, and the owner of its network (null: none stored). */
  private record Begun(long xid, String owner) {}

  /**
   * Starts a write transaction acting as this host, with the network's row locked: one round trip.
   */
  private Begun begin(Connection c, String network) throws SQLException {
    c.setAutoCommit(false);
    try (PreparedStatement ps = c.prepareStatement("SELECT txid_current(),"
        + " set_config('netfloor.host_id', ?, true), set_config('synchronous_commit', 'on', true),"
        + " (SELECT host_id FROM netfloor_networks WHERE network = ? FOR UPDATE)")) {
      ps.setString(1, hostId);
      ps.setString(2, network);
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        return new Begun(rs.getLong(1), rs.getString(4));
      }
    }
  }

  /** The server's word on transaction {@code xid}: committed, aborted, or unknown. */
  private String outcomeOf(long xid, SQLException cause) {
    long deadline = System.currentTimeMillis() + OUTCOME_WAIT_MILLIS;
    while (true) {
      try (Connection c = dataSource.getConnection();
          PreparedStatement ps = c.prepareStatement("SELECT txid_status(?)")) {
        ps.setLong(1, xid);
        try (ResultSet rs = ps.executeQuery()) {
          rs.next();
          String status = rs.getString(1);
          if (status != null && !status.equals("in progress")) {
            return status;
          }
        }
      } catch (SQLException again) {
        cause.addSuppressed(again);
        return "unknown";
      }
      if (System.currentTimeMillis() > deadline) {
        return "unknown";
      }
      try {
        Thread.sleep(20);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return "unknown";
      }
    }
  }

  private <T> T run(String what, String network, Body<T> body) {
    Connection c = borrow(network == null ? what : what + " network '" + network + "'");
    T result;
    try {
      result = body.apply(c);
    } catch (SQLException e) {
      discard(c);
      throw failure(what, network, e);
    } catch (RuntimeException e) {
      discard(c);
      throw e;
    }
    release(c);
    return result;
  }

  private void requireOwner(String network, String owner) {
    if (!owner.equals(hostId)) {
      throw new NetworkOwnedByOtherHostException(network, owner, hostId);
    }
  }

  private StatusStoreException failure(String what, String network, SQLException e) {
    if (Schema.FOREIGN_OWNER_STATE.equals(e.getSQLState()) && network != null) {
      String owner = e instanceof PSQLException p && p.getServerErrorMessage() != null
          ? detail(p.getServerErrorMessage()) : "?";
      NetworkOwnedByOtherHostException x = new NetworkOwnedByOtherHostException(network, owner,
          hostId);
      x.initCause(e);
      return x;
    }
    return new StatusStoreException(what + (network == null ? "" : " of network '" + network + "'")
        + " failed in the database (SQLSTATE " + e.getSQLState() + "): " + e.getMessage(), e);
  }

  private static String detail(ServerErrorMessage m) {
    return m.getDetail() == null ? "?" : m.getDetail();
  }

  private static void setRate(PreparedStatement ps, int index, Optional<Rate> rate)
      throws SQLException {
    if (rate.isPresent()) {
      ps.setLong(index, rate.get().bitsPerSecond());
    } else {
      ps.setNull(index, Types.BIGINT);
    }
  }

  // ------------------------------------------------------------------ connections

  private Connection borrow(String what) {
    if (closed) {
      throw new StatusStoreException("JDBC status store of host '" + hostId + "' is closed");
    }
    Connection c = idle.poll();
    if (c != null) {
      return c;
    }
    try {
      c = dataSource.getConnection();
      c.setAutoCommit(false);
      return c;
    } catch (SQLException e) {
      throw new StatusStoreException("could not " + what + ": no connection to the database"
          + " (SQLSTATE " + e.getSQLState() + "): " + e.getMessage(), e);
    }
  }

  private void release(Connection c) {
    if (closed || idle.size() >= MAX_IDLE_CONNECTIONS) {
      closeQuietly(c);
    } else {
      idle.push(c);
    }
  }

  private void rollbackAndRelease(Connection c) {
    try {
      c.rollback();
      release(c);
    } catch (SQLException e) {
      closeQuietly(c);
    }
  }

  /** A connection whose state is unknown after a failure is never reused. */
  private void discard(Connection c) {
    try {
      if (!c.isClosed() && !c.getAutoCommit()) {
        c.rollback();
      }
    } catch (SQLException ignored) {
      // it is being thrown away
    }
    closeQuietly(c);
  }

  private static void closeQuietly(Connection c) {
    try {
      c.close();
    } catch (SQLException ignored) {
      // nothing more to do with it
    }
  }
}
