// SPDX-License-Identifier: Apache-2.0
package io.netfloor.examples.cli;

import io.netfloor.examples.Units;
import io.netfloor.model.HtbTree;
import io.netfloor.model.NetworkStatus;
import io.netfloor.shaping.Capacity;
import io.netfloor.model.NetworkConfig;
import io.netfloor.model.PluggedInterface;
import io.netfloor.netlink.NetlinkTrafficControl;
import io.netfloor.spi.ClassInfo;
import io.netfloor.spi.ClassStats;
import io.netfloor.spi.KernelSnapshot;
import io.netfloor.units.InterfaceName;
import io.netfloor.units.Rate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import picocli.CommandLine.Command;

/** {@code netfloor status}: the network and its interfaces, with kernel counters; changes nothing. */
@Command(name = "status", mixinStandardHelpOptions = true,
    header = "Show the network and its interfaces with kernel counters.",
    description = {"Show the network and every plugged interface: class, floor, ceiling (as the"
        + " kernel holds it), bytes, packets, drops, borrows. Read-only: repairs nothing (see"
        + " 'reconcile').",
        "A network a program manages through the library in the same state directory (no netfloor"
            + " record) is shown from its stored status and the kernel, marked 'config unknown'"
            + " (give --netns when its bridge is in another namespace)."})
final class StatusCommand extends BaseCommand {
  @Override
  public Integer call() {
    Optional<NetworkDefinition> recorded = state().read(common.network);
    if (recorded.isEmpty()) {
      Optional<NetworkStatus> stored = Session.peekStatus(state(), common.network);
      if (stored.isPresent()) {
        return showLibraryNetwork(stored.get());
      }
    }
    // the record already read (definition() would read it again), with --netns applied
    NetworkDefinition def = recorded.isPresent() ? withNetnsOption(recorded.get()) : definition();
    // the stored status's limits (a resize) are the network's, as a start would take them
    HtbTree tree = Session.readStatus(state(), def).toTree(def.toConfig());
    StartupTrace.mark("status load");
    NetworkConfig config = tree.config();
    KernelSnapshot snapshot = dump(def.netns(), InterfaceName.of(def.bridge()), null);
    StartupTrace.mark("netlink open + dump");
    Rate capacity = config.floorCapacity().orElse(Rate.ZERO);
    List<PluggedInterface> ifs = sorted(tree.interfaces().values());
    List<Map<String, Object>> rows = rows(ifs, snapshot);
    if (common.json) {
      Map<String, Object> json = new LinkedHashMap<>();
      json.put("network", def.name());
      json.put("bridge", def.bridge());
      json.put("netns", def.netns());
      json.put("managedBy", "netfloor");
      json.put("layout", NetworkDefinition.nameOf(config.filterLayout()));
      json.put("ethertypes", NetworkDefinition.nameOf(config.trafficMatch()));
      json.put("admission", NetworkDefinition.nameOf(config.admissionLimit()));
      json.put("adoptedFrom", def.adoptedFrom());
      json.put("configKnown", true);
      CliJson.putRate(json, "capacity", capacity);
      CliJson.putRate(json, "floorSum", tree.floorSum());
      json.put("capacity", Orchestration.capacityJson(Capacity.of(tree)));
      if (config.supportsOutboundFloors()) {
        json.put("outboundCapacity", Orchestration.capacityJson(Capacity.outboundOf(tree)));
      }
      json.put("interfaces", rows);
      printJson(json);
      return ExitCodes.OK;
    }
    out().printf("Network '%s': %s%n", def.name(), def.describe());
    out().printf("Floors: %s of %s allotted, %s free; %d interface(s)%n", tree.floorSum(), capacity,
        capacity.minusOrZero(tree.floorSum()), ifs.size());
    if (config.supportsOutboundFloors()) {
      Capacity out = Capacity.outboundOf(tree);
      out().printf("Outbound floors (on %s): %s of %s allotted, %s free%n",
          config.outboundFloorDevice().orElseThrow(), out.allotted(), out.capacity(),
          out.remaining());
      tree.interfaces().values().stream().filter(p -> p.bandwidth().hasOutboundFloor())
          .sorted(java.util.Comparator.comparing(PluggedInterface::alias))
          .forEach(p -> out().printf("  %-20s outbound floor %-10s class %s%n", p.alias(),
              p.bandwidth().outboundFloorOrZero(), p.outboundClass()));
    }
    printTable(ifs, rows, snapshot);
    out().flush();
    return ExitCodes.OK;
  }

  /**
   * A network the store holds without a CLI record: what the store and the kernel say, the config
   * marked unknown. Its capacity is not in the store; the kernel's class 1:1 is shown instead.
   */
  private int showLibraryNetwork(NetworkStatus status) {
    KernelSnapshot snapshot = dump(common.netns, status.bridge(), status);
    Optional<ClassInfo> top = snapshot.findClass(HtbTree.TOP_CLASS);
    String layout = LibraryNetwork.layoutOf(status).map(NetworkDefinition::nameOf).orElse(null);
    List<PluggedInterface> ifs = sorted(status.interfaces().values());
    List<Map<String, Object>> rows = rows(ifs, snapshot);
    if (common.json) {
      Map<String, Object> json = new LinkedHashMap<>();
      json.put("network", status.network().value());
      json.put("bridge", status.bridge().toString());
      json.put("netns", common.netns);
      json.put("managedBy", "library");
      json.put("configKnown", false);
      json.put("layout", layout);
      CliJson.putRate(json, "capacity", null);
      Map<String, Object> topJson = null;
      if (top.isPresent()) {
        topJson = new LinkedHashMap<>();
        CliJson.putRate(topJson, "rate", top.get().rate());
        CliJson.putRate(topJson, "ceil", top.get().ceil());
      }
      json.put("kernelTopClass", topJson);
      CliJson.putRate(json, "floorSum", status.floorSum());
      json.put("interfaces", rows);
      printJson(json);
      return ExitCodes.OK;
    }
    out().printf("Network '%s': %s (no netfloor record); bridge %s%s%s%n", status.network(),
        LibraryNetwork.CONFIG_UNKNOWN, status.bridge(),
        common.netns == null ? "" : " in netns " + common.netns,
        layout == null ? "" : ", layout " + layout + " (from its filters)");
    out().printf("Floors: %s allotted; capacity unknown (%s); %d interface(s)%n",
        status.floorSum(), top.map(c -> "class 1:1 in the kernel: rate " + c.rate() + ", ceil "
            + c.ceil()).orElse("no class 1:1 in the kernel"), ifs.size());
    printTable(ifs, rows, snapshot);
    out().println("Read-only here: to plug, update, unplug, reconcile or stop it with netfloor, run"
        + " '" + LibraryNetwork.startCommand(status, common.netns) + "' with the config the"
        + " program uses (its interfaces are kept).");
    out().flush();
    return ExitCodes.OK;
  }

  /** The bridge's tc objects; for a library network, a missing bridge names --netns. */
  private static KernelSnapshot dump(String netns, InterfaceName bridge, NetworkStatus library) {
    try (NetlinkTrafficControl tc = netns == null ? NetlinkTrafficControl.open()
        : NetlinkTrafficControl.openInNamespace(netns)) {
      if (library != null && !tc.deviceExists(bridge)) {
        throw new CliException(ExitCodes.FAILED, "network '" + library.network() + "' ("
            + LibraryNetwork.CONFIG_UNKNOWN + ") is on bridge " + bridge + ", which does not exist"
            + (netns == null ? " in this namespace; give --netns NAME if it lives in another"
                : " in netns " + netns));
      }
      return tc.dump(bridge);
    }
  }

  private static List<PluggedInterface> sorted(Collection<PluggedInterface> interfaces) {
    List<PluggedInterface> ifs = new ArrayList<>(interfaces);
    ifs.sort(Comparator.comparing(PluggedInterface::alias));
    return ifs;
  }

  private static List<Map<String, Object>> rows(List<PluggedInterface> ifs,
      KernelSnapshot snapshot) {
    List<Map<String, Object>> rows = new ArrayList<>();
    for (PluggedInterface p : ifs) {
      Optional<ClassInfo> k = snapshot.findClass(p.effectiveClass());
      ClassStats st = k.map(ClassInfo::stats).orElse(ClassStats.ZERO);
      Map<String, Object> row = new LinkedHashMap<>();
      row.put("alias", p.alias().value());
      row.put("mac", p.mac().toString());
      row.put("class", p.effectiveClass().toString());
      CliJson.putRate(row, "floor", p.bandwidth().floorOrZero());
      CliJson.putRate(row, "ceil", k.map(ClassInfo::ceil).orElse(null));
      row.put("device", p.device().map(Object::toString).orElse(null));
      row.put("inKernel", k.isPresent());
      row.put("bytes", st.bytes());
      row.put("packets", st.packets());
      row.put("drops", st.drops());
      row.put("borrows", st.borrows());
      p.bandwidth().priority().ifPresent(r -> row.put("priority", r.value()));
      rows.add(row);
    }
    return rows;
  }

  private void printTable(List<PluggedInterface> ifs, List<Map<String, Object>> rows,
      KernelSnapshot snapshot) {
    if (rows.isEmpty()) {
      return;
    }
    // the PRIO column only when an interface has a priority: the table is otherwise as before
    boolean prios = ifs.stream().anyMatch(p -> p.bandwidth().priority().isPresent());
    String fmt = "  %-16s %-17s %-6s %-10s " + (prios ? "%-4s " : "%s") + "%-10s %10s %9s %6s %9s%n";
    out().printf(fmt, "ALIAS", "MAC", "CLASS", "FLOOR", prios ? "PRIO" : "", "CEIL", "BYTES",
        "PACKETS", "DROPS", "BORROWED");
    for (int i = 0; i < ifs.size(); i++) {
      PluggedInterface p = ifs.get(i);
      Map<String, Object> r = rows.get(i);
      Optional<ClassInfo> k = snapshot.findClass(p.effectiveClass());
      out().printf(fmt, p.alias(), p.mac(), p.effectiveClass(),
          p.bandwidth().hasFloor() ? p.bandwidth().floorOrZero().toString() : "-",
          prios ? p.bandwidth().priority().map(Object::toString).orElse("-") : "",
          k.map(c -> c.ceil().toString()).orElse("MISSING"),
          Units.bytes((Long) r.get("bytes")), r.get("packets"), r.get("drops"), r.get("borrows"));
    }
    if (rows.stream().anyMatch(r -> !(Boolean) r.get("inKernel"))) {
      out().println("Some classes are missing in the kernel: run 'netfloor reconcile'.");
    }
  }
}
