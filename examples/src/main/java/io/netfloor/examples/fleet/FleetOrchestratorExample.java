// SPDX-License-Identifier: Apache-2.0
package io.netfloor.examples.fleet;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.netfloor.examples.demo.Ip;
import io.netfloor.jdbc.JdbcStatusStore;
import io.netfloor.model.Bandwidth;
import io.netfloor.model.Limits;
import io.netfloor.model.NetworkConfig;
import io.netfloor.netlink.NetlinkTrafficControl;
import io.netfloor.shaping.NetworkShaper;
import io.netfloor.units.ClassHandle;
import io.netfloor.units.MacAddress;
import io.netfloor.units.Rate;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.sql.DataSource;

/**
 * An orchestrator placing VMs with bandwidth floors across a fleet whose shaping state lives in one
 * PostgreSQL database. Each simulated host is a network namespace {@code nf-<random>-hN} with a
 * bridge, its own {@link NetworkShaper} and its own {@link JdbcStatusStore} (host id
 * {@code host-N}); the orchestrator never asks a host what it has room for: it reads the database's
 * {@code netfloor_inventory} view and places each VM on the host with the most remaining floor that
 * still fits it. Because every host records each plug in the same database before the plug
 * returns, the inventory is exactly what each host's admission check will see, so a plug is never
 * refused: a VM that fits nowhere is refused at placement, before any host is touched.
 *
 * <pre>
 * java -cp "examples/target/netfloor.jar:examples/target/lib/*" \
 *     io.netfloor.examples.fleet.FleetOrchestratorExample [HOSTS [VMS]]
 * </pre>
 *
 * Needs root (namespaces, tc). Everything it creates is removed on {@link #close()}.
 */
public final class FleetOrchestratorExample implements AutoCloseable {
  /** The query a placement needs: the host with the most remaining floor that fits. */
  static final String PLACEMENT_QUERY = "SELECT host, network FROM netfloor_inventory"
      + " WHERE remaining_bps >= ? ORDER BY remaining_bps DESC, host LIMIT 1";

  /** One simulated host: its namespace, kernel backend, store and shaper. */
  public record Host(String id, String namespace, NetworkConfig network, NetlinkTrafficControl kernel,
      JdbcStatusStore store, NetworkShaper shaper) {}

  /** Where a VM went. */
  public record Placement(String vm, String host, String network, ClassHandle floorClass,
      Rate floor) {}

  private final DataSource db;
  private final String prefix;
  private final Map<String, Host> hosts = new LinkedHashMap<>();

  private FleetOrchestratorExample(DataSource db, String prefix) {
    this.db = db;
    this.prefix = prefix;
  }

  /**
   * Brings up {@code count} hosts, each with a bridge whose network may allot {@code capacity} of
   * floors, all recording into {@code db}.
   */
  public static FleetOrchestratorExample start(DataSource db, int count, Rate capacity) {
    byte[] r = new byte[3];
    new SecureRandom().nextBytes(r);
    FleetOrchestratorExample fleet = new FleetOrchestratorExample(db,
        "nf-" + HexFormat.of().formatHex(r));
    try {
      for (int i = 1; i <= count; i++) {
        fleet.addHost(i, capacity);
      }
    } catch (RuntimeException e) {
      fleet.close();
      throw e;
    }
    return fleet;
  }

  private void addHost(int i, Rate capacity) {
    String ns = prefix + "-h" + i;
    Ip.run("ip", "netns", "add", ns);
    Host host = null;
    try {
      Ip.in(ns, "link", "add", "br0", "type", "bridge");
      Ip.in(ns, "link", "set", "br0", "up");
      // network names are fleet-wide in the database: one network per host here
      NetworkConfig config = NetworkConfig.builder("vmnet-h" + i, "br0")
          .inbound(Limits.averageOnly(capacity)).build();
      NetlinkTrafficControl kernel = NetlinkTrafficControl.openInNamespace(ns);
      JdbcStatusStore store = JdbcStatusStore.open(db, "host-" + i);
      store.describe(config);
      NetworkShaper shaper = NetworkShaper.create(config, kernel, store);
      host = new Host("host-" + i, ns, config, kernel, store, shaper);
      hosts.put(host.id(), host);
      shaper.start();
    } catch (RuntimeException e) {
      if (host == null) {
        Ip.run("ip", "netns", "del", ns);
      }
      throw e;
    }
  }

  public Map<String, Host> hosts() {
    return hosts;
  }

  /**
   * Places {@code vm} on the host with the most remaining floor that fits {@code floor} and plugs
   * it there; empty when no host has room (nothing is touched then).
   */
  public Optional<Placement> place(String vm, MacAddress mac, Rate floor) {
    String hostId;
    String network;
    try (Connection c = db.getConnection();
        PreparedStatement ps = c.prepareStatement(PLACEMENT_QUERY)) {
      ps.setLong(1, floor.bitsPerSecond());
      try (ResultSet rs = ps.executeQuery()) {
        if (!rs.next()) {
          return Optional.empty();
        }
        hostId = rs.getString(1);
        network = rs.getString(2);
      }
    } catch (SQLException e) {
      throw new IllegalStateException("placement query failed: " + e.getMessage(), e);
    }
    Host host = hosts.get(hostId);
    // admission cannot refuse: the inventory is the status this host's shaper admits against
    ClassHandle cls = host.shaper().plug(vm, mac, Bandwidth.floor(floor));
    return Optional.of(new Placement(vm, hostId, network, cls, floor));
  }

  /**
   * Per host, floor class → rate in bit/s as the database records it (its interface rows) and as
   * the kernel holds it ({@code tc class show}, {@code tc -j filter show}); they are equal when the
   * fleet is consistent. Keys: {@code host-N/db}, {@code host-N/kernel}.
   */
  public Map<String, Map<String, Long>> databaseAndKernel() {
    Map<String, Map<String, Long>> out = new LinkedHashMap<>();
    for (Host h : hosts.values()) {
      out.put(h.id() + "/db", databaseFloors(h));
      out.put(h.id() + "/kernel", kernelFloors(h));
    }
    return out;
  }

  /** Floor class (tc's hex notation) → floor, from the host's rows in the database. */
  Map<String, Long> databaseFloors(Host h) {
    Map<String, Long> out = new TreeMap<>();
    try (Connection c = db.getConnection(); PreparedStatement ps = c.prepareStatement(
        "SELECT class_minor, in_floor_bps FROM netfloor_interfaces WHERE host_id = ?"
            + " AND class_minor <> 0")) {
      ps.setString(1, h.id());
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          out.put("1:" + Integer.toHexString(rs.getInt(1)), rs.getLong(2));
        }
      }
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
    return out;
  }

  private static final Pattern HTB_CLASS =
      Pattern.compile("class htb (\\S+) parent 1:1 .*?rate (\\d+)(bit|Kbit|Mbit|Gbit) ");
  private static final ObjectMapper JSON = new ObjectMapper();

  /**
   * Floor class → rate from the kernel, through tc (independent of NetFloor's netlink code):
   * every class under 1:1 that a filter steers frames to (the default class 1:2 and the shaper's
   * parked classes aside). (tc's JSON output has no HTB class details, so classes are read from
   * its text output.)
   */
  Map<String, Long> kernelFloors(Host h) {
    Map<String, Long> rates = new TreeMap<>();
    Matcher m = HTB_CLASS.matcher(Ip.run("tc", "-n", h.namespace(), "class", "show", "dev", "br0"));
    while (m.find()) {
      long unit = switch (m.group(3)) {
        case "Kbit" -> 1_000L;
        case "Mbit" -> 1_000_000L;
        case "Gbit" -> 1_000_000_000L;
        default -> 1L;
      };
      rates.put(m.group(1), Long.parseLong(m.group(2)) * unit);
    }
    rates.remove("1:2");
    Map<String, Long> steered = new TreeMap<>();
    try {
      for (JsonNode f : JSON.readTree(Ip.run("tc", "-n", h.namespace(), "-j", "filter", "show",
          "dev", "br0"))) {
        JsonNode o = f.get("options");
        if (o != null && o.has("flowid")) {
          String cls = o.get("flowid").asText();
          steered.put(cls, rates.getOrDefault(cls, -1L));
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    // the shaper's parked classes (its pool, read after the dump) have no filter until a plug
    // takes one
    for (int id : h.shaper().tree().parkedClassIds()) {
      rates.remove("1:" + Integer.toHexString(id));
    }
    if (!steered.keySet().equals(rates.keySet())) {
      steered.put("classes without a filter: " + rates.keySet(), -1L);
    }
    return steered;
  }

  /** Each host's inventory row: network, capacity, allotted, remaining, interfaces. */
  public List<String> inventory() {
    List<String> out = new ArrayList<>();
    try (Connection c = db.getConnection(); PreparedStatement ps = c.prepareStatement(
        "SELECT host, network, capacity_bps, allotted_bps, remaining_bps, interfaces"
            + " FROM netfloor_inventory ORDER BY length(host), host")) {
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          out.add(String.format(Locale.ROOT, "%-8s %-10s capacity %5d Mbit/s, allotted %5d,"
                  + " remaining %5d, %3d VMs", rs.getString(1), rs.getString(2),
              rs.getLong(3) / 1_000_000, rs.getBigDecimal(4).longValueExact() / 1_000_000,
              rs.getBigDecimal(5).longValueExact() / 1_000_000, rs.getInt(6)));
        }
      }
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
    return out;
  }

  /** Stops every host's shaping (deleting its rows), closes its store and removes its namespace. */
  @Override
  public void close() {
    RuntimeException first = null;
    for (Host h : hosts.values()) {
      try {
        if (h.shaper().isStarted()) {
          h.shaper().stop();
        }
      } catch (RuntimeException e) {
        first = first == null ? e : first;
      } finally {
        h.shaper().close(); // a pool top-up under way finishes before its store goes
        h.store().close();
        h.kernel().close();
        try {
          Ip.run("ip", "netns", "del", h.namespace());
        } catch (RuntimeException e) {
          first = first == null ? e : first;
        }
      }
    }
    hosts.clear();
    if (first != null) {
      throw first;
    }
  }

  /** What a run did: placed and refused VMs, and whether every kernel equals the database. */
  public record Outcome(List<Placement> placed, List<String> refused,
      Map<String, Map<String, Long>> databaseAndKernel, List<String> inventory) {
    public boolean kernelsMatchDatabase() {
      for (Map.Entry<String, Map<String, Long>> e : databaseAndKernel.entrySet()) {
        if (e.getKey().endsWith("/db")) {
          String host = e.getKey().substring(0, e.getKey().length() - 3);
          if (!e.getValue().equals(databaseAndKernel.get(host + "/kernel"))) {
            return false;
          }
        }
      }
      return true;
    }
  }

  /**
   * Places {@code vms} VMs with floors of 10–100 Mbit/s (whole Mbit/s, seeded) on this fleet, in
   * order; then compares every kernel with the database.
   */
  public Outcome placeAll(int vms, long seed) {
    Random random = new Random(seed);
    List<Placement> placed = new ArrayList<>();
    List<String> refused = new ArrayList<>();
    for (int v = 1; v <= vms; v++) {
      String vm = "vm" + v + "-eth0";
      MacAddress mac = MacAddress.of(new byte[] {0x52, 0x54, 0, 0x10, (byte) (v >> 8), (byte) v});
      Rate floor = Rate.ofMegabits(10 + random.nextInt(91));
      Optional<Placement> p = place(vm, mac, floor);
      if (p.isPresent()) {
        placed.add(p.get());
      } else {
        refused.add(vm + " (" + floor + ")");
      }
    }
    return new Outcome(placed, refused, databaseAndKernel(), inventory());
  }

  public static void main(String[] args) {
    int hostCount = args.length > 0 ? Integer.parseInt(args[0]) : 10;
    int vms = args.length > 1 ? Integer.parseInt(args[1]) : 200;
    System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "warn");
    try (LocalPostgres pg = LocalPostgres.start();
        FleetOrchestratorExample fleet = start(pg.dataSource(), hostCount, Rate.ofMegabits(1000))) {
      Outcome o = fleet.placeAll(vms, 1);
      System.out.printf(Locale.ROOT, "placed %d VMs, refused %d at placement (no host had room),"
          + " none at plug%n", o.placed().size(), o.refused().size());
      o.inventory().forEach(System.out::println);
      System.out.println(o.kernelsMatchDatabase()
          ? "every host's kernel (tc class show, tc -j filter show) equals the database"
          : "MISMATCH between kernels and database: " + o.databaseAndKernel());
      if (!o.kernelsMatchDatabase()) {
        System.exit(1);
      }
    }
  }
}
