// SPDX-License-Identifier: Apache-2.0
package io.netfloor.netlink;

import static org.assertj.core.api.Assertions.assertThat;

import io.netfloor.model.Bandwidth;
import io.netfloor.model.ClassStrategy;
import io.netfloor.model.HtbTree;
import io.netfloor.model.Limits;
import io.netfloor.model.NetworkConfig;
import io.netfloor.model.TreeChange;
import io.netfloor.plan.LeafQdiscKind;
import io.netfloor.spi.ClassInfo;
import io.netfloor.testkit.kernel.TestNamespace;
import io.netfloor.units.ByteSize;
import io.netfloor.units.InterfaceName;
import io.netfloor.units.MacAddress;
import io.netfloor.units.Rate;
import java.util.Comparator;
import java.util.List;
import java.util.function.Consumer;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * HTB classes sent without rate tables (the default, {@link NetlinkTrafficControl.Options#rateTables()}
 * off) are the same classes as with tc's tables: the same plans (class adds and class changes, 32-
 * and 64-bit rates, explicit and default bursts, own ceilings) applied in two namespaces, one backend
 * with tables and one without, give identical classes per {@code tc -d class show} (the oracle:
 * rate, ceil, linklayer, burst, cburst, buffer, cbuffer, quantum, prio, level) and per our own dump
 * (rate, ceil, buffer and cbuffer ticks, quantum, prio, level, parent, leaf).
 */
class HtbClassTablesKernelTest {
  private static final InterfaceName BR0 = InterfaceName.of("br0");

  @BeforeEach
  void root() {
    TestNamespace.assumeRoot();
  }

  @ParameterizedTest(name = "network {0}")
  @ValueSource(strings = {"1gbit", "50gbit"})
  void classesWithoutRateTablesAreTheSameAsWithThem(String capacity) {
    try (TestNamespace withNs = TestNamespace.create().bridge("br0");
        TestNamespace withoutNs = TestNamespace.create().bridge("br0");
        NetlinkTrafficControl with = NetlinkTrafficControl.openInNamespace(withNs.name(),
            NetlinkTrafficControl.Options.DEFAULTS.withRateTables(true));
        NetlinkTrafficControl without = NetlinkTrafficControl.openInNamespace(withoutNs.name())) {
      assertThat(NetlinkTrafficControl.Options.DEFAULTS.rateTables()).isFalse();
      LeafQdiscKind leaf = with.capabilities()
          .bestLeaf(List.of(LeafQdiscKind.FQ_CODEL, LeafQdiscKind.SFQ, LeafQdiscKind.PFIFO))
          .orElseThrow();
      Rate cap = Rate.parse(capacity);
      NetworkConfig config = NetworkConfig.builder("net", "br0")
          .inbound(Limits.builder().average(cap).peak(cap.plus(cap)).build())
          .classStrategy(ClassStrategy.PARKED_POOL).leafQdisc(leaf).build();
      Consumer<TreeChange> both = change -> {
        with.apply(change.plan());
        without.apply(change.plan());
      };
      TreeChange start = HtbTree.start(config);
      both.accept(start);
      HtbTree tree = start.tree();
      TreeChange park = tree.park(2);
      both.accept(park);
      tree = park.tree();
      // 2 plugs take parked classes (class changes), the rest add classes
      for (int i = 0; i < 5; i++) {
        Limits.Builder in = Limits.builder().floor(Rate.parse((i + 1) + "mbit"));
        if (i % 2 == 0) {
          in.average(Rate.parse((10 * (i + 1)) + "mbit")).burst(ByteSize.ofBytes(15360L * (i + 1)));
        }
        TreeChange plug = tree.plug("vm" + i, MacAddress.parse("52:54:00:00:00:0" + i),
            Bandwidth.inboundOnly(in.build()));
        both.accept(plug);
        tree = plug.tree();
      }
      TreeChange update = tree.update("vm1", Bandwidth.floor(Rate.parse("7mbit")));
      both.accept(update);
      tree = update.tree();
      TreeChange unplug = tree.unplug("vm3"); // parks its class again: a change to 8bit
      both.accept(unplug);
      tree = unplug.tree();

      String tcWith = withNs.tc("-d", "class", "show", "dev", "br0");
      String tcWithout = withoutNs.tc("-d", "class", "show", "dev", "br0");
      assertThat(tcWith).contains("class htb 1:1 ");
      assertThat(tcWithout.lines().sorted().toList()).as("tc -d class show without tables")
          .isEqualTo(tcWith.lines().sorted().toList());
      assertThat(params(without.dump(BR0).classes())).as("our dump without tables")
          .isEqualTo(params(with.dump(BR0).classes()))
          .hasSize((int) tree.kernelObjects().stream()
              .filter(o -> o instanceof io.netfloor.plan.HtbClass).count());
    }
  }

  /** Everything the kernel keeps of a class, counters left out. */
  private static List<String> params(List<ClassInfo> classes) {
    return classes.stream().sorted(Comparator.comparingInt(c -> c.classId().toBits()))
        .map(c -> c.classId() + " parent " + c.parent() + " rate " + c.rate().bytesPerSecond()
            + " ceil " + c.ceil().bytesPerSecond() + " buffer " + c.bufferTicks() + " cbuffer "
            + c.cbufferTicks() + " quantum " + c.quantumBytes() + " prio " + c.prio() + " level "
            + c.level() + " leaf " + c.leafQdisc())
        .toList();
  }
}
