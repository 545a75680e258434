// SPDX-License-Identifier: Apache-2.0
package io.netfloor.netlink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.netfloor.plan.HtbClass;
import io.netfloor.plan.HtbQdisc;
import io.netfloor.plan.IfbDevice;
import io.netfloor.plan.IngressQdisc;
import io.netfloor.plan.Plan;
import io.netfloor.plan.TcOp;
import io.netfloor.plan.U32Handle;
import io.netfloor.plan.U32MatchAllPolice;
import io.netfloor.plan.U32MatchAllRedirect;
import io.netfloor.spi.FilterInfo;
import io.netfloor.spi.KernelCapabilities;
import io.netfloor.spi.KernelSnapshot;
import io.netfloor.testkit.kernel.TestNamespace;
import io.netfloor.units.ByteSize;
import io.netfloor.units.ClassHandle;
import io.netfloor.units.InterfaceName;
import io.netfloor.units.Rate;
import java.util.Optional;
import java.util.OptionalInt;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * libvirt's outbound limits: the ingress qdisc with a match-all u32 filter that either polices
 * (where the kernel has {@code police}) or redirects to an ifb device shaped by HTB (where it has
 * {@code mirred} and ifb), following what the capability probe found rather than this machine.
 */
class IngressKernelTest {
  private static final InterfaceName TAP = InterfaceName.of("tap0");
  private static final InterfaceName IFB = InterfaceName.of("ifb-nf0");
  private static final U32Handle NODE = U32Handle.of(0x800, 0, 0x800);

  @BeforeEach
  void root() {
    TestNamespace.assumeRoot();
  }

  @Test
  void redirectToIfbOrPolice() {
    try (TestNamespace ns = TestNamespace.create().bridge("br0");
        NetlinkTrafficControl tc = NetlinkTrafficControl.openInNamespace(ns.name())) {
      ns.vm("br0", 0, "tap0", "52:54:00:12:34:56", "10.78.0.10/24");
      KernelCapabilities caps = tc.capabilities();
      Rate rate = Rate.parse("20mbit");

      if (caps.mirred() && caps.ifb()) {
        HtbQdisc ifbRoot = new HtbQdisc(IFB, ClassHandle.qdisc(1), ClassHandle.ROOT, 1, 10,
            OptionalInt.empty());
        HtbClass ifbClass = new HtbClass(IFB, ClassHandle.of(1, 1), ClassHandle.qdisc(1), rate, rate,
            Optional.empty(), Optional.empty(), 25_000, 0);
        U32MatchAllRedirect redirect = new U32MatchAllRedirect(TAP, 1, NODE, IFB);
        Plan up = Plan.of(new TcOp.Add(new IfbDevice(IFB)), new TcOp.Add(ifbRoot),
            new TcOp.Add(ifbClass), new TcOp.Add(new IngressQdisc(TAP)), new TcOp.Add(redirect));
        tc.apply(up);
        assertThat(tc.deviceExists(IFB)).isTrue();
        assertThat(ns.ip("-j", "link", "show", IFB.value())).contains("\"UP\"");
        assertThat(ns.tc("filter", "show", "dev", "tap0", "ingress"))
            .contains("mirred").contains("Redirect to device " + IFB.value());
        KernelSnapshot tap = tc.dump(TAP);
        assertThat(tap.qdiscs()).anyMatch(q -> q.kind().equals("ingress")
            && q.parent().equals(ClassHandle.INGRESS));
        FilterInfo f = tap.filters().stream().filter(x -> x.handle().equals(NODE)).findFirst()
            .orElseThrow();
        assertThat(f.actions()).containsExactly("mirred");
        assertThat(f.parent()).isEqualTo(IngressQdisc.HANDLE);
        assertThat(tc.dump(IFB).classes()).extracting(c -> c.rate()).containsExactly(rate);

        tc.apply(up.undoOfFirst(up.size()));
        assertThat(tc.deviceExists(IFB)).isFalse();
        assertThat(tc.dump(TAP).qdiscs()).noneMatch(q -> q.kind().equals("ingress"));
      }

      U32MatchAllPolice police = new U32MatchAllPolice(TAP, 1, NODE, rate,
          ByteSize.ofKibibytes(20), U32MatchAllPolice.LIBVIRT_MTU);
      Plan policing = Plan.of(new TcOp.Add(new IngressQdisc(TAP)), new TcOp.Add(police));
      if (caps.police()) {
        tc.apply(policing);
        assertThat(tc.dump(TAP).filters()).anyMatch(x -> x.actions().contains("police"));
        tc.apply(policing.undoOfFirst(2));
      } else {
        NetlinkException e = catchThrowableOfType(NetlinkException.class, () -> tc.apply(policing));
        assertThat(e.appliedCount()).isEqualTo(1);
        assertThat(e.failedOp()).contains(new TcOp.Add(police));
        assertThat(e.errno()).isNotZero();
        System.out.println("police refused as the probe said: " + e.getMessage());
      }
    }
  }
}
