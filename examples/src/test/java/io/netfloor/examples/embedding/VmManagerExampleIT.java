// SPDX-License-Identifier: Apache-2.0
package io.netfloor.examples.embedding;

import static org.assertj.core.api.Assertions.assertThat;

import io.netfloor.model.Bandwidth;
import io.netfloor.model.NetworkConfig;
import io.netfloor.shaping.InterfaceStats;
import io.netfloor.shaping.ReconcileReport;
import io.netfloor.testkit.kernel.TestNamespace;
import io.netfloor.units.ClassHandle;
import io.netfloor.units.MacAddress;
import io.netfloor.units.Rate;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The embedding example's life cycle on a bridge in a throwaway namespace, restart included. */
class VmManagerExampleIT {
  @TempDir
  Path tmp;

  @Test
  void lifeCycleAndRestart() {
    try (TestNamespace ns = TestNamespace.withBridge()) {
      ns.veth("br0", "vnet1", "vnet1p");
      NetworkConfig net = VmManagerExample.network("vmnet", "br0", Rate.parse("100mbit"));
      Path state = tmp.resolve("netfloor");
      MacAddress mac1 = MacAddress.parse("52:54:00:00:00:01");
      try (VmManagerExample vmm = VmManagerExample.open(net, state, Optional.of(ns.name()))) {
        ReconcileReport first = vmm.managerStarted();
        assertThat(first.built().isEmpty()).isFalse(); // built the tree
        assertThat(first.wasClean()).isTrue(); // a first start is not a repair: no WARN
        // libvirt units: floor 5000 kB/s = 40mbit
        Optional<ClassHandle> c = vmm.vmStarted("vm1-eth0", mac1,
            "<bandwidth><inbound average='10000' floor='5000'/></bandwidth>");
        assertThat(c).contains(ClassHandle.of(1, 3));
        assertThat(ns.tc("class", "show", "dev", "br0")).containsPattern(
            "class htb 1:3 .*rate 40Mbit ceil 80Mbit");
        // refused starts: admission, a bad definition, a MAC already plugged
        assertThat(vmm.vmStarted("vm2-eth0", MacAddress.parse("52:54:00:00:00:02"),
            "<bandwidth><inbound average='12500' floor='10000'/></bandwidth>")).isEmpty();
        assertThat(vmm.vmStarted("vm2-eth0", MacAddress.parse("52:54:00:00:00:02"),
            "<bandwidth><inbound floor='-1'/></bandwidth>")).isEmpty();
        assertThat(vmm.vmStarted("vm2-eth0", mac1, Optional.empty(),
            Bandwidth.floor(Rate.parse("1mbit")))).isEmpty();
        assertThat(vmm.shaper().tree().interfaces()).containsOnlyKeys("vm1-eth0");

        assertThat(vmm.bandwidthChanged("vm1-eth0", Bandwidth.floor(Rate.parse("70mbit"))))
            .isTrue();
        assertThat(vmm.bandwidthChanged("vm1-eth0", Bandwidth.floor(Rate.parse("170mbit"))))
            .isFalse();
        assertThat(ns.tc("class", "show", "dev", "br0")).containsPattern(
            "class htb 1:3 .*rate 70Mbit");
        InterfaceStats s = vmm.stats().get(0);
        assertThat(s.alias()).isEqualTo("vm1-eth0");
        assertThat(s.floor()).isEqualTo(Rate.parse("70mbit"));
      }
      // the manager restarts: the class survives in the kernel and in the store
      try (VmManagerExample vmm = VmManagerExample.open(net, state, Optional.of(ns.name()))) {
        assertThat(vmm.managerStarted().wasClean()).isTrue();
        assertThat(vmm.shaper().tree().interfaces()).containsOnlyKeys("vm1-eth0");
        vmm.vmStopped("vm1-eth0");
        vmm.vmStopped("vm1-eth0"); // idempotent
        // its class went back to the shaper's parked pool: no filter, 8 bit/s, for the next plug
        assertThat(vmm.shaper().tree().parkedClassIds()).contains(3);
        assertThat(ns.tc("class", "show", "dev", "br0"))
            .contains("class htb 1:3 parent 1:1 leaf 3: prio 0 rate 8bit ceil 8bit");
        assertThat(ns.tc("filter", "show", "dev", "br0")).doesNotContainPattern("flowid 1:3\\b");
        vmm.shaper().stop();
      }
      assertThat(ns.tc("qdisc", "show", "dev", "br0")).doesNotContain("htb");
    }
  }
}
