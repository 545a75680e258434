// SPDX-License-Identifier: Apache-2.0
package io.netfloor.shaping;

import static org.assertj.core.api.Assertions.assertThat;

import io.netfloor.model.Bandwidth;
import io.netfloor.model.FilterLayout;
import io.netfloor.model.HtbTree;
import io.netfloor.model.NetworkConfig;
import io.netfloor.model.NetworkStatus;
import io.netfloor.model.PluggedInterface;
import io.netfloor.model.Priority;
import io.netfloor.netlink.NetlinkTrafficControl;
import io.netfloor.persistence.FileStatusStore;
import io.netfloor.testkit.kernel.TcOracle;
import io.netfloor.testkit.kernel.TestNamespace;
import io.netfloor.units.ClassHandle;
import io.netfloor.units.Rate;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Interface priorities in the real kernel, in a throwaway namespace, with {@code tc} as the oracle:
 * each class carries its interface's priority as HTB prio (0 without one), a priority change is
 * applied live, a prio changed behind NetFloor's back is repaired by reconcile, and a restart from
 * the file store keeps every priority.
 */
class PriorityKernelTest {

  /** The prio tc should report for every class of {@code tree}: the priority, else 0. */
  private static Map<ClassHandle, Integer> expectedPrios(HtbTree tree) {
    Map<ClassHandle, Integer> out = new HashMap<>();
    out.put(HtbTree.TOP_CLASS, 0);
    out.put(HtbTree.DEFAULT_CLASS, 0);
    for (PluggedInterface p : tree.interfaces().values()) {
      p.floorClass().ifPresent(c -> out.put(c,
          p.bandwidth().priority().map(Priority::value).orElse(0)));
    }
    tree.parkedClassIds().forEach(id -> out.put(ClassHandle.of(1, id), 0));
    return out;
  }

  private static final Pattern CLASS_PRIO = Pattern.compile("^class htb (\\S+) .*? prio (\\d+) ");

  /**
   * The HTB prio of each class on br0 as {@code tc -j class show} reports it (tc 6.1 prints HTB
   * classes as text even with {@code -j}); a class it prints without a prio has HTB's 0.
   */
  private static Map<ClassHandle, Integer> prios(TestNamespace ns) {
    Map<ClassHandle, Integer> out = new TreeMap<>((a, b) -> Integer.compare(a.toBits(), b.toBits()));
    for (String line : ns.tc("-j", "class", "show", "dev", "br0").split("\n")) {
      String l = line.strip();
      if (!l.startsWith("class htb ")) {
        continue;
      }
      Matcher m = CLASS_PRIO.matcher(l);
      out.put(ClassHandle.parse(l.split(" ")[2]), m.find() ? Integer.parseInt(m.group(2)) : 0);
    }
    return out;
  }

  private static void assertTcAgrees(TestNamespace ns, HtbTree tree) {
    NetworkShaperKernelTest.assertKernelAgrees(ns, tree);
    assertThat(prios(ns)).isEqualTo(expectedPrios(tree));
  }

  @ParameterizedTest
  @EnumSource(FilterLayout.class)
  void prioritiesReachTheKernelChangeLiveAreRepairedAndSurviveARestart(FilterLayout layout,
      @TempDir Path dir) {
    try (TestNamespace ns = TestNamespace.withBridge()) {
      NetworkConfig config = NetworkShaperKernelTest.config(layout);
      Path state = dir.resolve("state");
      Bandwidth floor10 = Bandwidth.floor(Rate.parse("10mbit"));
      try (NetlinkTrafficControl tc = NetlinkTrafficControl.openInNamespace(ns.name());
          FileStatusStore store = FileStatusStore.open(state)) {
        NetworkShaper shaper = NetworkShaperTest.create(config, tc, store);
        shaper.start();
        ClassHandle vm1 = shaper.plug("vm1", NetworkShaperKernelTest.mac(1),
            floor10.withPriority(Priority.of(2)));
        ClassHandle vm2 = shaper.plug("vm2", NetworkShaperKernelTest.mac(2),
            Bandwidth.NONE.withPriority(Priority.LOWEST));
        ClassHandle vm3 = shaper.plug("vm3", NetworkShaperKernelTest.mac(3), Bandwidth.NONE);
        shaper.plug("vm4", NetworkShaperKernelTest.mac(4), floor10);
        assertThat(vm2).isNotEqualTo(HtbTree.DEFAULT_CLASS);
        assertThat(vm3).isEqualTo(HtbTree.DEFAULT_CLASS);
        assertThat(prios(ns)).containsEntry(vm1, 2).containsEntry(vm2, 7);
        assertThat(TcOracle.classes(ns, "br0").get(vm2).rate()).isEqualTo(HtbTree.PRIORITY_ONLY_RATE);
        assertTcAgrees(ns, shaper.tree());

        // only the priority changes: the class keeps its id, rate and filter
        assertThat(shaper.update("vm1", floor10.withPriority(Priority.HIGHEST))).isEqualTo(vm1);
        assertThat(prios(ns)).containsEntry(vm1, 0);
        // vm3 gains a priority (a class of its own), vm2 loses its own (back to the default class)
        ClassHandle vm3Own = shaper.update("vm3", Bandwidth.NONE.withPriority(Priority.of(4)));
        assertThat(vm3Own).isNotEqualTo(HtbTree.DEFAULT_CLASS);
        assertThat(shaper.update("vm2", Bandwidth.NONE)).isEqualTo(HtbTree.DEFAULT_CLASS);
        assertThat(TcOracle.classes(ns, "br0")).doesNotContainKey(vm2);
        assertTcAgrees(ns, shaper.tree());

        // someone changes vm3's prio behind NetFloor's back: reconcile puts it back
        ns.tc("class", "change", "dev", "br0", "parent", "1:1", "classid", vm3Own.toString(),
            "htb", "rate", "8bit", "prio", "1");
        assertThat(prios(ns)).containsEntry(vm3Own, 1);
        ReconcileReport repaired = shaper.reconcile();
        assertThat(repaired.wasClean()).isFalse();
        assertThat(prios(ns)).containsEntry(vm3Own, 4);
        assertThat(shaper.reconcile().wasClean()).isTrue();
        assertTcAgrees(ns, shaper.tree());
      }

      try (NetlinkTrafficControl tc = NetlinkTrafficControl.openInNamespace(ns.name());
          FileStatusStore store = FileStatusStore.open(state)) {
        NetworkShaper restarted = NetworkShaperTest.create(config, tc, store);
        ReconcileReport report = restarted.start();
        assertThat(report.wasClean()).as("%s", report).isTrue();
        assertThat(restarted.tree().find("vm1").orElseThrow().bandwidth().priority())
            .contains(Priority.HIGHEST);
        assertThat(restarted.tree().find("vm3").orElseThrow().bandwidth().priority())
            .contains(Priority.of(4));
        assertThat(store.load(config.name().value()).orElseThrow())
            .isEqualTo(NetworkStatus.of(restarted.tree()));
        assertTcAgrees(ns, restarted.tree());
        restarted.stop();
        assertThat(TcOracle.classes(ns, "br0")).isEmpty();
      }
    }
  }
}
