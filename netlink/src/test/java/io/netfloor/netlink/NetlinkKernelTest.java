// SPDX-License-Identifier: Apache-2.0
package io.netfloor.netlink;

import static org.assertj.core.api.Assertions.assertThat;

import io.netfloor.model.Bandwidth;
import io.netfloor.model.FilterLayout;
import io.netfloor.model.HtbTree;
import io.netfloor.model.Limits;
import io.netfloor.model.NetworkConfig;
import io.netfloor.model.TreeChange;
import io.netfloor.netlink.testing.Views;
import io.netfloor.plan.LeafQdiscKind;
import io.netfloor.plan.Plan;
import io.netfloor.spi.KernelSnapshot;
import io.netfloor.testkit.kernel.TcOracle;
import io.netfloor.testkit.kernel.TestNamespace;
import io.netfloor.units.InterfaceName;
import io.netfloor.units.MacAddress;
import io.netfloor.units.Rate;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The api's plans, applied through rtnetlink in a throwaway namespace, build exactly the tree the
 * model describes, as {@code tc} itself reports it and as NetFloor's own dump reports it; unplugging
 * everything and stopping the network removes every object. Runs as root (CI does); skipped with a
 * message otherwise.
 */
class NetlinkKernelTest {
  private static final InterfaceName BR0 = InterfaceName.of("br0");

  @BeforeEach
  void root() {
    TestNamespace.assumeRoot();
  }

  static List<Arguments> sizes() {
    List<Arguments> out = new ArrayList<>();
    for (FilterLayout layout : FilterLayout.values()) {
      for (int n : new int[] {1, 10, 200}) {
        out.add(Arguments.of(layout, n));
      }
    }
    return out;
  }

  static MacAddress mac(int i) {
    // spread over buckets and collide in some (i and i + 256 share byte 5)
    return MacAddress.parse(String.format("52:54:00:%02x:%02x:%02x", (i >> 16) & 0xff,
        (i >> 8) & 0xff, i & 0xff));
  }

  @ParameterizedTest(name = "{0}, {1} interfaces")
  @MethodSource("sizes")
  void plansBuildExactlyTheModelsTree(FilterLayout layout, int interfaces) {
    try (TestNamespace ns = TestNamespace.create().bridge("br0");
        NetlinkTrafficControl tc = NetlinkTrafficControl.openInNamespace(ns.name())) {
      LeafQdiscKind leaf = tc.capabilities()
          .bestLeaf(List.of(LeafQdiscKind.FQ_CODEL, LeafQdiscKind.SFQ, LeafQdiscKind.PFIFO))
          .orElseThrow();
      NetworkConfig config = NetworkConfig.builder("net", "br0")
          .inbound(Limits.builder().average(Rate.parse("1gbit")).build())
          .filterLayout(layout).leafQdisc(leaf).build();
      TreeChange start = HtbTree.start(config);
      tc.apply(start.plan());
      HtbTree tree = start.tree();
      for (int i = 0; i < interfaces; i++) {
        TreeChange plug = tree.plug("vm" + i, mac(i), Bandwidth.floor(Rate.parse("2mbit")));
        tc.apply(plug.plan());
        tree = plug.tree();
      }
      assertSameEverywhere(ns, tc, tree);

      for (int i = 0; i < interfaces; i++) {
        TreeChange unplug = tree.unplug("vm" + i);
        tc.apply(unplug.plan());
        tree = unplug.tree();
      }
      assertSameEverywhere(ns, tc, tree);
      assertThat(TcOracle.classes(ns, "br0")).hasSize(2); // 1:1 and the default 1:2

      tc.apply(tree.teardownPlan());
      assertThat(TcOracle.qdiscs(ns, "br0")).noneMatch(q -> q.kind().equals("htb"));
      assertThat(TcOracle.classes(ns, "br0")).isEmpty();
      assertThat(tc.dump(BR0).classes()).isEmpty();
      assertThat(tc.dump(BR0).filters()).isEmpty();
    }
  }

  /** Model, tc and NetFloor's own dump agree on every qdisc, class and filter of br0. */
  static void assertSameEverywhere(TestNamespace ns, NetlinkTrafficControl tc, HtbTree tree) {
    KernelSnapshot ours = tc.dump(BR0);
    var objects = tree.kernelObjects();
    assertThat(sortedTc(TcOracle.qdiscs(ns, "br0"))).as("qdiscs per tc")
        .isEqualTo(Views.expectedQdiscs(objects));
    assertThat(Views.qdiscs(ours)).as("qdiscs per our dump").isEqualTo(Views.expectedQdiscs(objects));
    assertThat(sortedTc(List.copyOf(TcOracle.classes(ns, "br0").values()))).as("classes per tc")
        .isEqualTo(Views.expectedClasses(objects));
    assertThat(Views.classes(ours)).as("classes per our dump")
        .isEqualTo(Views.expectedClasses(objects));
    assertThat(sortedTc(TcOracle.filters(ns, "br0", "1:"))).as("filters per tc")
        .isEqualTo(Views.expectedFilters(objects));
    assertThat(Views.filters(ours)).as("filters per our dump")
        .isEqualTo(Views.expectedFilters(objects));
  }

  private static <T> List<T> sortedTc(List<T> in) {
    return in.stream().sorted(java.util.Comparator.comparing(Object::toString)).toList();
  }

  static Plan noop() {
    return Plan.EMPTY;
  }
}
