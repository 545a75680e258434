// SPDX-License-Identifier: Apache-2.0
package io.netfloor.examples.demo;

import static org.assertj.core.api.Assertions.assertThat;

import io.netfloor.examples.traffic.UdpFlow;
import io.netfloor.model.Bandwidth;
import io.netfloor.model.Limits;
import io.netfloor.model.NetworkConfig;
import io.netfloor.model.Priority;
import io.netfloor.netlink.NetlinkTrafficControl;
import io.netfloor.persistence.InMemoryStatusStore;
import io.netfloor.shaping.NetworkShaper;
import io.netfloor.testkit.kernel.TestNamespace;
import io.netfloor.units.MacAddress;
import io.netfloor.units.Rate;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * Priority on real traffic: a bridge of 100 Mbit/s in throwaway namespaces, two VMs without floors,
 * both flooded with UDP from the bridge's address (each alone could fill the link). With priorities
 * 0 and 7 the first gets the spare bandwidth first; swapped live, under the same load, the other
 * does (so it is the priority, not the VM, and a live change acts on busy classes); with equal
 * priorities (the control) they split it about evenly. Layer-2 rates from what each VM's receiver
 * got.
 */
class PriorityTrafficIT {
  private static final Rate CAPACITY = Rate.parse("100mbit");
  private static final double MBIT = 1e6;
  private static final Duration WARMUP = Duration.ofSeconds(1);
  private static final Duration MEASURED = Duration.ofSeconds(3);

  @Test
  void theHigherPriorityGetsTheSpareBandwidthFirstAndEqualOnesShareIt() {
    TestNamespace.assumeRoot();
    StringWriter log = new StringWriter();
    PrintWriter out = new PrintWriter(log, true);
    DemoLab lab = DemoLab.create(List.of("vm1", "vm2"));
    UdpFlow flow1 = null;
    UdpFlow flow2 = null;
    try (NetlinkTrafficControl tc = NetlinkTrafficControl.openInNamespace(lab.hostNamespace());
        InMemoryStatusStore store = new InMemoryStatusStore()) {
      NetworkShaper shaper = NetworkShaper.create(NetworkConfig.builder("prio", DemoLab.BRIDGE)
          .inbound(Limits.averageOnly(CAPACITY)).build(), tc, store);
      shaper.start();
      DemoLab.Vm vm1 = lab.vms().get(0);
      DemoLab.Vm vm2 = lab.vms().get(1);
      shaper.plug("vm1-eth0", MacAddress.parse(vm1.mac()), Optional.empty(), Bandwidth.NONE);
      shaper.plug("vm2-eth0", MacAddress.parse(vm2.mac()), Optional.empty(), Bandwidth.NONE);
      InetSocketAddress source = new InetSocketAddress(lab.bridgeAddress(), 0);
      Duration bound = Duration.ofSeconds(60);
      flow1 = UdpFlow.start("vm1", lab.hostNamespace(), vm1.namespace(), source,
          vm1.socketAddress(), bound);
      flow2 = UdpFlow.start("vm2", lab.hostNamespace(), vm2.namespace(), source,
          vm2.socketAddress(), bound);

      PriorityPhase.Outcome first = PriorityPhase.run(shaper, CAPACITY, "vm1-eth0", flow1,
          Priority.HIGHEST, "vm2-eth0", flow2, Priority.LOWEST, WARMUP, MEASURED);
      PriorityPhase.printTable("vm1 priority 0, vm2 priority 7", first, out);
      PriorityPhase.Outcome swapped = PriorityPhase.run(shaper, CAPACITY, "vm2-eth0", flow2,
          Priority.HIGHEST, "vm1-eth0", flow1, Priority.LOWEST, WARMUP, MEASURED);
      PriorityPhase.printTable("swapped: vm2 priority 0, vm1 priority 7", swapped, out);
      PriorityPhase.Outcome equal = PriorityPhase.run(shaper, CAPACITY, "vm1-eth0", flow1,
          Priority.of(3), "vm2-eth0", flow2, Priority.of(3), WARMUP, MEASURED);
      PriorityPhase.printTable("control: both priority 3", equal, out);
      System.out.println(log); // kept in target/surefire-reports/*-output.txt

      for (PriorityPhase.Outcome o : List.of(first, swapped)) {
        assertThat(o.high().atVmBitsPerSecond()).as("the priority-0 VM %s\n%s", o.high().vm(), log)
            .isGreaterThanOrEqualTo(PriorityPhase.MIN_RATIO * o.low().atVmBitsPerSecond())
            .isGreaterThan(80 * MBIT);
        assertThat(o.totalBitsPerSecond()).as("the link stays full\n%s", log)
            .isBetween(90 * MBIT, 103 * MBIT);
        assertThat(o.passed()).isTrue();
      }
      assertThat(equal.prioritised()).isFalse();
      for (PriorityPhase.Share s : List.of(equal.high(), equal.low())) {
        assertThat(s.atVmBitsPerSecond()).as("equal priorities: %s gets about half\n%s", s.vm(), log)
            .isBetween(0.35 * equal.totalBitsPerSecond(), 0.65 * equal.totalBitsPerSecond());
      }
      assertThat(equal.totalBitsPerSecond()).as("the link stays full\n%s", log)
          .isBetween(90 * MBIT, 103 * MBIT);
      assertThat(equal.passed()).isTrue();
      shaper.stop();
    } finally {
      if (flow1 != null) {
        flow1.close();
      }
      if (flow2 != null) {
        flow2.close();
      }
      lab.close(); // deleting the namespaces removes the tree too if the test failed before stop
    }
    assertThat(Ip.namespaces()).noneMatch(n -> n.startsWith(lab.prefix()));
  }
}
