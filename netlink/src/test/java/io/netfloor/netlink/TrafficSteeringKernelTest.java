// SPDX-License-Identifier: Apache-2.0
package io.netfloor.netlink;

import static org.assertj.core.api.Assertions.assertThat;

import io.netfloor.model.Bandwidth;
import io.netfloor.model.FilterLayout;
import io.netfloor.model.HtbTree;
import io.netfloor.model.Limits;
import io.netfloor.model.NetworkConfig;
import io.netfloor.model.TreeChange;
import io.netfloor.netlink.netns.NamespaceThread;
import io.netfloor.plan.LeafQdiscKind;
import io.netfloor.spi.ClassStats;
import io.netfloor.testkit.kernel.TcOracle;
import io.netfloor.testkit.kernel.TestNamespace;
import io.netfloor.units.ClassHandle;
import io.netfloor.units.InterfaceName;
import io.netfloor.units.MacAddress;
import io.netfloor.units.Rate;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Real frames through br0: UDP datagrams that the bridge's namespace sends to one "VM" (a veth
 * whose far end lives in a namespace of its own) are counted in that VM's class and in no other
 * VM's, in both filter layouts. Traffic is generated in Java from a thread that entered the bridge's
 * namespace, bounded (40 datagrams of 100 bytes), and only between namespaces the test made.
 */
class TrafficSteeringKernelTest {
  private static final InterfaceName BR0 = InterfaceName.of("br0");
  private static final int DATAGRAMS = 40;
  /** One frame: 100 bytes of payload + UDP 8 + IPv4 20 + Ethernet 14. */
  private static final int FRAME_BYTES = 142;

  @BeforeEach
  void root() {
    TestNamespace.assumeRoot();
  }

  @ParameterizedTest
  @EnumSource(FilterLayout.class)
  void framesToAVmLandInItsClassOnly(FilterLayout layout) throws Exception {
    try (TestNamespace ns = TestNamespace.create().bridge("br0");
        NetlinkTrafficControl tc = NetlinkTrafficControl.openInNamespace(ns.name())) {
      ns.ip("addr", "add", "10.77.0.1/24", "dev", "br0");
      // the last MAC bytes collide (0x01) so that in the hashed layout both nodes share a bucket
      String[] macs = {"52:54:00:aa:00:01", "52:54:00:bb:00:01"};
      for (int i = 0; i < macs.length; i++) {
        ns.vm("br0", i, "tap" + i, macs[i], "10.77.0." + (10 + i) + "/24");
        // a static neighbour: no ARP, so every frame towards the VM is a unicast to its MAC
        ns.ip("neigh", "replace", "10.77.0." + (10 + i), "lladdr", macs[i], "dev", "br0");
      }
      NetworkConfig config = NetworkConfig.builder("net", "br0")
          .inbound(Limits.builder().average(Rate.parse("1gbit")).build())
          .filterLayout(layout).leafQdisc(LeafQdiscKind.PFIFO).build();
      TreeChange start = HtbTree.start(config);
      tc.apply(start.plan());
      HtbTree tree = start.tree();
      for (int i = 0; i < macs.length; i++) {
        TreeChange plug = tree.plug("vm" + i, MacAddress.parse(macs[i]),
            Bandwidth.floor(Rate.parse("10mbit")));
        tc.apply(plug.plan());
        tree = plug.tree();
      }
      ClassHandle vm0 = ClassHandle.of(1, tree.find("vm0").orElseThrow().classMinor());
      ClassHandle vm1 = ClassHandle.of(1, tree.find("vm1").orElseThrow().classMinor());

      send(ns, "10.77.0.10");
      Map<ClassHandle, ClassStats> afterVm0 = tc.classStats(BR0);
      assertThat(afterVm0.get(vm0).bytes()).isGreaterThanOrEqualTo((long) DATAGRAMS * FRAME_BYTES);
      assertThat(afterVm0.get(vm0).packets()).isGreaterThanOrEqualTo(DATAGRAMS);
      assertThat(afterVm0.get(vm1).bytes()).isZero();
      assertThat(TcOracle.classBytes(ns, "br0").get(vm0)).isEqualTo(afterVm0.get(vm0).bytes());

      send(ns, "10.77.0.11");
      Map<ClassHandle, ClassStats> afterVm1 = tc.classStats(BR0);
      assertThat(afterVm1.get(vm1).bytes()).isGreaterThanOrEqualTo((long) DATAGRAMS * FRAME_BYTES);
      assertThat(afterVm1.get(vm0).bytes()).isEqualTo(afterVm0.get(vm0).bytes());
      assertThat(afterVm1.get(vm0).lends() + afterVm1.get(vm0).borrows())
          .as("HTB accounted every packet of vm0 as lent or borrowed")
          .isGreaterThanOrEqualTo(DATAGRAMS);
    }
  }

  /** Sends the datagrams from a thread inside the bridge's namespace, then lets them drain. */
  private static void send(TestNamespace ns, String address) throws InterruptedException {
    NamespaceThread.callIn(NamespaceThread.pathOf(ns.name()), () -> {
      try (DatagramSocket s = new DatagramSocket()) {
        byte[] payload = new byte[100];
        InetAddress to = InetAddress.getByName(address);
        for (int i = 0; i < DATAGRAMS; i++) {
          s.send(new DatagramPacket(payload, payload.length, to, 9));
        }
      }
      return null;
    });
    Thread.sleep(200); // HTB dequeues within microseconds at 10mbit; counters settle after
  }
}
