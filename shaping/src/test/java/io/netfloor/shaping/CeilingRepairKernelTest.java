// SPDX-License-Identifier: Apache-2.0
package io.netfloor.shaping;

import static org.assertj.core.api.Assertions.assertThat;

import io.netfloor.model.Bandwidth;
import io.netfloor.model.FilterLayout;
import io.netfloor.model.HtbTree;
import io.netfloor.netlink.NetlinkTrafficControl;
import io.netfloor.persistence.InMemoryStatusStore;
import io.netfloor.testkit.kernel.TcOracle;
import io.netfloor.testkit.kernel.TestNamespace;
import io.netfloor.units.ClassHandle;
import io.netfloor.units.Rate;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A class whose ceiling alone was changed behind NetFloor's back (its rate untouched) is repaired
 * by reconcile, in the real kernel in a throwaway namespace: {@code tc} reads the same classes
 * after the repair as before the damage, and a second reconcile finds nothing.
 */
class CeilingRepairKernelTest {

  @ParameterizedTest
  @EnumSource(FilterLayout.class)
  void aCeilingChangedAloneIsRepaired(FilterLayout layout) {
    try (TestNamespace ns = TestNamespace.withBridge()) {
      try (NetlinkTrafficControl tc = NetlinkTrafficControl.openInNamespace(ns.name())) {
        NetworkShaper shaper = NetworkShaperTest.create(NetworkShaperKernelTest.config(layout), tc,
            new InMemoryStatusStore());
        shaper.start();
        ClassHandle vm1 = shaper.plug("vm1", NetworkShaperKernelTest.mac(1),
            Bandwidth.floor(Rate.parse("10mbit")));
        shaper.plug("vm2", NetworkShaperKernelTest.mac(2), Bandwidth.floor(Rate.parse("20mbit")));
        Map<ClassHandle, TcOracle.HtbClass> before = TcOracle.classes(ns, "br0");
        assertThat(before.get(vm1).ceil()).isEqualTo(Rate.parse("1gbit"));

        // the same rate, a lower ceiling: only a reconcile that compares ceilings sees it
        ns.tc("class", "change", "dev", "br0", "parent", HtbTree.TOP_CLASS.toString(), "classid",
            vm1.toString(), "htb", "rate", "10mbit", "ceil", "50mbit");
        ns.tc("class", "change", "dev", "br0", "parent", "1:", "classid",
            HtbTree.TOP_CLASS.toString(), "htb", "rate", "1gbit", "ceil", "2gbit");
        Map<ClassHandle, TcOracle.HtbClass> damaged = TcOracle.classes(ns, "br0");
        assertThat(damaged.get(vm1).rate()).isEqualTo(Rate.parse("10mbit"));
        assertThat(damaged.get(vm1).ceil()).isEqualTo(Rate.parse("50mbit"));
        assertThat(damaged.get(HtbTree.TOP_CLASS).ceil()).isEqualTo(Rate.parse("2gbit"));

        ReconcileReport repaired = shaper.reconcile();
        assertThat(repaired.wasClean()).as("%s", repaired).isFalse();
        assertThat(TcOracle.classes(ns, "br0")).isEqualTo(before);
        NetworkShaperKernelTest.assertKernelAgrees(ns, shaper.tree());
        ReconcileReport again = shaper.reconcile();
        assertThat(again.repairs().ops()).as("after the repair: %s", again).isEmpty();
      }
    }
  }
}
