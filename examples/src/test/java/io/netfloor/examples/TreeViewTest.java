// SPDX-License-Identifier: Apache-2.0
package io.netfloor.examples;

import static org.assertj.core.api.Assertions.assertThat;

import io.netfloor.model.Bandwidth;
import io.netfloor.model.HtbTree;
import io.netfloor.model.Limits;
import io.netfloor.model.NetworkConfig;
import io.netfloor.model.TreeChange;
import io.netfloor.spi.ClassInfo;
import io.netfloor.spi.ClassStats;
import io.netfloor.spi.InMemoryTrafficControl;
import io.netfloor.spi.KernelSnapshot;
import io.netfloor.units.ClassHandle;
import io.netfloor.units.InterfaceName;
import io.netfloor.units.MacAddress;
import io.netfloor.units.Rate;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The tree view over the in-memory kernel: structure, labels, throughput, missing classes. */
class TreeViewTest {
  private static final InterfaceName BR0 = InterfaceName.of("br0");
  private static final MacAddress MAC1 = MacAddress.parse("52:54:00:00:00:01");

  private final NetworkConfig config = NetworkConfig.builder("t", "br0")
      .inbound(Limits.builder().average(Rate.parse("100mbit")).build()).build();

  private HtbTree plugged(InMemoryTrafficControl kernel) {
    TreeChange start = HtbTree.start(config);
    kernel.apply(start.plan());
    TreeChange a = start.tree().plug("vm1-eth0", MAC1, Bandwidth.floor(Rate.parse("60mbit")));
    kernel.apply(a.plan());
    TreeChange b = a.tree().plug("vm2-eth0", MacAddress.parse("52:54:00:00:00:02"),
        Bandwidth.NONE);
    kernel.apply(b.plan());
    return b.tree();
  }

  private static KernelSnapshot withBytes(KernelSnapshot s, Map<ClassHandle, Long> added) {
    List<ClassInfo> classes = s.classes().stream().map(c -> {
      long more = added.getOrDefault(c.classId(), 0L);
      ClassStats st = c.stats();
      return new ClassInfo(c.device(), c.classId(), c.parent(), c.rate(), c.ceil(),
          c.bufferTicks(), c.cbufferTicks(), c.quantumBytes(), c.prio(), c.level(), c.leafQdisc(),
          new ClassStats(st.bytes() + more, st.packets(), st.drops(), st.overlimits(),
              st.requeues(), st.backlogBytes(), st.queuePackets(), st.lends(), st.borrows(),
              st.tokens(), st.ctokens()));
    }).toList();
    return new KernelSnapshot(s.device(), s.qdiscs(), classes, s.filters());
  }

  @Test
  void rowsFollowTheKernelHierarchyWithLabelsAndThroughput() {
    InMemoryTrafficControl kernel = new InMemoryTrafficControl().addDevice(BR0);
    HtbTree model = plugged(kernel);
    KernelSnapshot before = kernel.dump(BR0);
    KernelSnapshot now = withBytes(before, Map.of(ClassHandle.of(1, 3), 7_500_000L,
        ClassHandle.of(1, 2), 1_250_000L, ClassHandle.of(1, 1), 8_750_000L));

    TreeView view = TreeView.of(model, now, Optional.of(before), Duration.ofSeconds(1));

    assertThat(view.rows()).extracting(r -> r.depth() + " " + r.classId() + " " + r.label())
        .containsExactly("0 1:1 network t", "1 1:2 default: vm2-eth0",
            "1 1:3 vm1-eth0 " + MAC1);
    TreeView.Row vm1 = view.rows().get(2);
    assertThat(vm1.rate()).isEqualTo(Rate.parse("60mbit"));
    assertThat(vm1.ceil()).isEqualTo(Rate.parse("100mbit"));
    assertThat(vm1.bitsPerSecondNow()).isEqualTo(60e6);
    assertThat(view.rows().get(1).rate()).isEqualTo(Rate.parse("40mbit"));
    assertThat(view.missing()).isEmpty();

    List<String> lines = view.render();
    assertThat(lines.get(0)).isEqualTo("br0  qdisc htb 1: default 2   network 't', layout hashed");
    assertThat(lines.get(2)).startsWith("└─ 1:1").contains("70.0 Mbit/s");
    assertThat(lines.get(3)).startsWith("   ├─ 1:2").contains("40mbit").contains("10.0 Mbit/s");
    assertThat(lines.get(4)).startsWith("   └─ 1:3").contains("60mbit").contains("100mbit")
        .contains("60.0 Mbit/s").contains("7.5 MB");
    assertThat(view.toJson().get("classes")).asList().hasSize(3);
  }

  @Test
  void withoutAPreviousDumpThereIsNoThroughput() {
    InMemoryTrafficControl kernel = new InMemoryTrafficControl().addDevice(BR0);
    HtbTree model = plugged(kernel);
    TreeView view = TreeView.of(model, kernel.dump(BR0), Optional.empty(), Duration.ZERO);
    assertThat(view.rows()).allMatch(r -> Double.isNaN(r.bitsPerSecondNow()));
    assertThat(view.render().get(4)).contains(" - ");
  }

  @Test
  void aClassTheKernelLostIsShownMissing() {
    InMemoryTrafficControl kernel = new InMemoryTrafficControl().addDevice(BR0);
    HtbTree model = plugged(kernel);
    KernelSnapshot full = kernel.dump(BR0);
    KernelSnapshot lost = new KernelSnapshot(BR0, full.qdiscs(), full.classes().stream()
        .filter(c -> !c.classId().equals(ClassHandle.of(1, 3))).toList(), full.filters());
    TreeView view = TreeView.of(model, lost, Optional.empty(), Duration.ZERO);
    assertThat(view.missing()).containsExactly("vm1-eth0 (class 1:3)");
    assertThat(view.render()).last().asString().contains("MISSING").contains("reconcile");
  }

  @Test
  void unitsForPeople() {
    assertThat(Units.bitsPerSecond(59_912_345)).isEqualTo("59.9 Mbit/s");
    assertThat(Units.bitsPerSecond(999)).isEqualTo("999 bit/s");
    assertThat(Units.bitsPerSecond(Double.NaN)).isEqualTo("-");
    assertThat(Units.bytes(74_200_000)).isEqualTo("74.2 MB");
    assertThat(Units.bytes(12)).isEqualTo("12 B");
    assertThat(Units.percent(57, 60)).isEqualTo("95.0%");
  }
}
