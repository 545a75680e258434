package io.netfloor.netlink;

import io.netfloor.netlink.channel.Ack;
import io.netfloor.netlink.channel.NetlinkChannel;
import io.netfloor.netlink.codec.HtbClassCodec;
import io.netfloor.netlink.codec.HtbQdiscCodec;
import io.netfloor.netlink.codec.LeafQdiscCodec;
import io.netfloor.netlink.codec.LinkCodec;
import io.netfloor.netlink.codec.U32FilterCodec;
import io.netfloor.netlink.netns.NamespaceThread;
import io.netfloor.plan.HtbClass;
import io.netfloor.plan.HtbQdisc;
import io.netfloor.plan.LeafQdisc;
import io.netfloor.plan.LeafQdiscKind;
import io.netfloor.plan.U32Handle;
import io.netfloor.plan.U32MatchAllPolice;
import io.netfloor.plan.U32MatchAllRedirect;
import io.netfloor.spi.KernelCapabilities;
import io.netfloor.tc.TcTiming;
import io.netfloor.units.ByteSize;
import io.netfloor.units.ClassHandle;
import io.netfloor.units.InterfaceName;
import io.netfloor.units.Rate;
import java.time.Duration;
import java.util.EnumSet;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Finds what the kernel supports by trying it where it cannot hurt: in a private network namespace
 * made for the probe ({@code unshare(CLONE_NEWNET)} on a dedicated thread), on its loopback device,
 * with a socket created there. Nothing outside that namespace is touched, and the namespace is gone
 * once the probe's socket is closed. Kernel modules are global, so what loads there loads
 * everywhere.
 */
final class CapabilityProbe {
  private static final Logger LOG = LoggerFactory.getLogger(CapabilityProbe.class);
  private static final InterfaceName LO = InterfaceName.of("lo");
  private static final InterfaceName PROBE_IFB = InterfaceName.of("nfprobe0");
  private static final ClassHandle ROOT = ClassHandle.qdisc(1);
  private static final ClassHandle CLASS = ClassHandle.of(1, 1);
  private static final ClassHandle LEAF = ClassHandle.qdisc(0x10);

  private CapabilityProbe() {}

  static KernelCapabilities run(Duration timeout, TcTiming timing) {
    NetlinkChannel ch = NamespaceThread.callInPrivateNamespace(() -> NetlinkChannel.open(timeout));
    try (ch) {
      Ack lookup = ch.transact(LinkCodec.encodeGet(LO));
      OptionalInt lo = lookup.isSuccess() ? LinkCodec.decodeIndex(lookup) : OptionalInt.empty();
      if (lo.isEmpty()) {
        throw new NetlinkException("capability probe: no loopback in the private namespace", null,
            0, lookup.errno(), lookup.kernelMessage(), null);
      }
      int dev = lo.getAsInt();
      require(ch, HtbQdiscCodec.encodeAdd(new HtbQdisc(LO, ROOT, ClassHandle.ROOT, 1, 10,
          OptionalInt.empty()), dev), "add qdisc htb 1: on lo");
      Rate rate = Rate.ofMegabits(1);
      require(ch, HtbClassCodec.encodeAdd(new HtbClass(LO, CLASS, ROOT, rate, rate, Optional.empty(),
          Optional.empty(), 1600, 0), dev, timing, false), "add class htb 1:1 on lo");
      Set<LeafQdiscKind> leaves = EnumSet.noneOf(LeafQdiscKind.class);
      for (LeafQdiscKind kind : LeafQdiscKind.values()) {
        if (attempt(ch, LeafQdiscCodec.encodeAdd(LeafQdisc.of(LO, LEAF, CLASS, kind), dev),
            "leaf qdisc " + kind.kernelName())) {
          leaves.add(kind);
          require(ch, LeafQdiscCodec.encodeDelete(CLASS, LEAF, dev), "delete probe leaf qdisc");
        }
      }
      boolean police = false;
      boolean mirred = false;
      if (attempt(ch, LeafQdiscCodec.encodeIngressAdd(dev), "ingress qdisc")) {
        police = attempt(ch, U32FilterCodec.encodeAdd(new U32MatchAllPolice(LO, 1,
            U32Handle.of(0, 0, 0), rate, ByteSize.ofKibibytes(10), U32MatchAllPolice.LIBVIRT_MTU),
            dev, timing), "police action");
        mirred = attempt(ch, U32FilterCodec.encodeAdd(new U32MatchAllRedirect(LO, 2,
            U32Handle.of(0, 0, 0), LO), dev, dev), "mirred action");
      }
      boolean ifb = attempt(ch, LinkCodec.encodeAddIfb(PROBE_IFB), "ifb device");
      if (ifb) {
        require(ch, LinkCodec.encodeDelete(PROBE_IFB), "delete probe ifb");
      }
      KernelCapabilities caps = new KernelCapabilities(leaves, police, mirred, ifb);
      LOG.info("kernel capabilities: {}", caps);
      return caps;
    }
  }

  private static void require(NetlinkChannel ch, byte[] request, String what) {
    Ack ack = ch.transact(request);
    if (!ack.isSuccess()) {
      throw new NetlinkException("capability probe: " + what, null, 0, ack.errno(),
          ack.kernelMessage(), null);
    }
  }

  private static boolean attempt(NetlinkChannel ch, byte[] request, String what) {
    Ack ack = ch.transact(request);
    if (!ack.isSuccess()) {
      LOG.debug("capability probe: {} unsupported: {} {}", what, Errno.name(ack.errno()),
          ack.kernelMessage());
    }
    return ack.isSuccess();
  }
}
