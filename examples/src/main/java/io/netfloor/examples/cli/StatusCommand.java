package io.netfloor.examples.cli;

import io.netfloor.examples.Units;
import io.netfloor.model.HtbTree;
import io.netfloor.model.PluggedInterface;
import io.netfloor.netlink.NetlinkTrafficControl;
import io.netfloor.spi.ClassInfo;
import io.netfloor.spi.ClassStats;
import io.netfloor.spi.KernelSnapshot;
import io.netfloor.units.InterfaceName;
import io.netfloor.units.Rate;
import java.util.ArrayList;
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
        + " 'reconcile')."})
final class StatusCommand extends BaseCommand {
  @Override
  public Integer call() {
    NetworkDefinition def = definition();
    HtbTree tree = Session.readStatus(state(), def).toTree(def.toConfig());
    KernelSnapshot snapshot;
    try (NetlinkTrafficControl tc = def.netns() == null ? NetlinkTrafficControl.open()
        : NetlinkTrafficControl.openInNamespace(def.netns())) {
      snapshot = tc.dump(InterfaceName.of(def.bridge()));
    }
    Rate capacity = tree.config().floorCapacity().orElse(Rate.ZERO);
    List<Map<String, Object>> rows = new ArrayList<>();
    List<PluggedInterface> ifs = new ArrayList<>(tree.interfaces().values());
    ifs.sort(Comparator.comparing(PluggedInterface::alias));
    for (PluggedInterface p : ifs) {
      Optional<ClassInfo> k = snapshot.findClass(p.effectiveClass());
      ClassStats st = k.map(ClassInfo::stats).orElse(ClassStats.ZERO);
      Map<String, Object> row = new LinkedHashMap<>();
      row.put("alias", p.alias());
      row.put("mac", p.mac().toString());
      row.put("class", p.effectiveClass().toString());
      row.put("floorBitsPerSecond", p.bandwidth().floorOrZero().bitsPerSecond());
      row.put("ceilBitsPerSecond", k.map(c -> c.ceil().bitsPerSecond()).orElse(null));
      row.put("device", p.device().map(Object::toString).orElse(null));
      row.put("inKernel", k.isPresent());
      row.put("bytes", st.bytes());
      row.put("packets", st.packets());
      row.put("drops", st.drops());
      row.put("borrows", st.borrows());
      rows.add(row);
    }
    if (common.json) {
      Map<String, Object> json = new LinkedHashMap<>();
      json.put("network", def.name());
      json.put("bridge", def.bridge());
      json.put("netns", def.netns());
      json.put("layout", NetworkDefinition.nameOf(tree.config().filterLayout()));
      json.put("capacityBitsPerSecond", capacity.bitsPerSecond());
      json.put("floorSumBitsPerSecond", tree.floorSum().bitsPerSecond());
      json.put("interfaces", rows);
      printJson(json);
      return ExitCodes.OK;
    }
    out().printf("Network '%s': %s%n", def.name(), def.describe());
    out().printf("Floors: %s of %s allotted, %s free; %d interface(s)%n", tree.floorSum(), capacity,
        capacity.minusOrZero(tree.floorSum()), ifs.size());
    if (!rows.isEmpty()) {
      String fmt = "  %-16s %-17s %-6s %-10s %-10s %10s %9s %6s %9s%n";
      out().printf(fmt, "ALIAS", "MAC", "CLASS", "FLOOR", "CEIL", "BYTES", "PACKETS", "DROPS",
          "BORROWED");
      for (int i = 0; i < ifs.size(); i++) {
        PluggedInterface p = ifs.get(i);
        Map<String, Object> r = rows.get(i);
        Optional<ClassInfo> k = snapshot.findClass(p.effectiveClass());
        out().printf(fmt, p.alias(), p.mac(), p.effectiveClass(),
            p.bandwidth().hasFloor() ? p.bandwidth().floorOrZero().toString() : "-",
            k.map(c -> c.ceil().toString()).orElse("MISSING"),
            Units.bytes((Long) r.get("bytes")), r.get("packets"), r.get("drops"), r.get("borrows"));
      }
      if (rows.stream().anyMatch(r -> !(Boolean) r.get("inKernel"))) {
        out().println("Some classes are missing in the kernel: run 'netfloor reconcile'.");
      }
    }
    out().flush();
    return ExitCodes.OK;
  }
}
