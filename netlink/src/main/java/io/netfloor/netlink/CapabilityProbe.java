// SPDX-License-Identifier: Apache-2.0
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
import java.util.concurrent.ThreadLocalRandom;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Finds what the kernel supports by trying it where it cannot hurt: in a private network namespace
 * made for the probe ({@code unshare(CLONE_NEWNET)} on a dedicated thread), on its loopback device,
 * with a socket created there. Nothing outside that namespace is touched, and the namespace is gone
 * once the probe's socket is closed. Kernel modules are global, so what loads there loads
 * everywhere.
 *
 * <p>Making a namespace needs {@code CAP_SYS_ADMIN}. A caller holding only {@code CAP_NET_ADMIN}
 * (what shaping itself needs) is probed in place instead: on a device made for the probe in the
 * backend's own namespace (an ifb, else a veth pair, named {@code nfprobe…}) and deleted right
 * after; no existing device is touched. Where neither can be made, the probe assumes the least
 * every kernel has (a pfifo leaf, no police, no redirect) and says so in the log.
 */
final class CapabilityProbe {
  private static final Logger LOG = LoggerFactory.getLogger(CapabilityProbe.class);
  private static final InterfaceName LO = InterfaceName.of("lo");
  private static final InterfaceName PROBE_IFB = InterfaceName.of("nfprobe0");
  private static final ClassHandle ROOT = ClassHandle.qdisc(1);
  private static final ClassHandle CLASS = ClassHandle.of(1, 1);
  private static final ClassHandle LEAF = ClassHandle.qdisc(0x10);

  private CapabilityProbe() {}

  /**
   * @param inPlace the backend's own channel, for the in-place probe when no namespace can be made
   */
  static KernelCapabilities run(Duration timeout, TcTiming timing, NetlinkChannel inPlace) {
    NetlinkChannel ch;
    try {
      ch = NamespaceThread.callInPrivateNamespace(() -> NetlinkChannel.open(timeout));
    } catch (NetlinkException e) {
      if (e.errno() != Errno.EPERM) {
        throw e;
      }
      LOG.info("capability probe: no CAP_SYS_ADMIN for a private namespace; probing on a device"
          + " made for the probe in the backend's namespace");
      return runInPlace(inPlace, timing);
    }
    try (ch) {
      Ack lookup = ch.transact(LinkCodec.encodeGet(LO));
      OptionalInt lo = lookup.isSuccess() ? LinkCodec.decodeIndex(lookup) : OptionalInt.empty();
      if (lo.isEmpty()) {
        throw new NetlinkException("capability probe: no loopback in the private namespace", null,
            0, lookup.errno(), lookup.kernelMessage(), null);
      }
      return probe(ch, lo.getAsInt(), timing, true);
    }
  }

  /** The probe on a device of its own in {@code ch}'s namespace, deleted afterwards. */
  private static KernelCapabilities runInPlace(NetlinkChannel ch, TcTiming timing) {
    String suffix = Integer.toHexString(ThreadLocalRandom.current().nextInt(0x1000000));
    InterfaceName ifb = InterfaceName.of("nfprobe" + suffix);
    InterfaceName veth = InterfaceName.of("nfprobe" + suffix + "v");
    InterfaceName made = null;
    try {
      if (attempt(ch, LinkCodec.encodeAddIfb(ifb), "ifb device for the in-place probe")) {
        made = ifb;
      } else if (attempt(ch, LinkCodec.encodeAddVethPair(veth, InterfaceName.of("nfprobe"
          + suffix + "p")), "veth pair for the in-place probe")) {
        made = veth;
      }
      if (made == null) {
        KernelCapabilities least = new KernelCapabilities(EnumSet.of(LeafQdiscKind.PFIFO), false,
            false, false);
        LOG.warn("capability probe: cannot make a probe device (ifb or veth) in place; assuming"
            + " {}", least);
        return least;
      }
      Ack lookup = ch.transact(LinkCodec.encodeGet(made));
      OptionalInt dev = lookup.isSuccess() ? LinkCodec.decodeIndex(lookup) : OptionalInt.empty();
      if (dev.isEmpty()) {
        throw new NetlinkException("capability probe: the probe device " + made + " vanished",
            null, 0, lookup.errno(), lookup.kernelMessage(), null);
      }
      KernelCapabilities caps = probe(ch, dev.getAsInt(), timing, false);
      // the ifb device made for the probe shows ifb works; a veth fallback says it does not
      return made == ifb ? caps : new KernelCapabilities(caps.leafQdiscs(), caps.police(),
          caps.mirred(), false);
    } finally {
      if (made != null) {
        Ack gone = ch.transact(LinkCodec.encodeDelete(made)); // deletes qdiscs and the peer too
        if (!gone.isSuccess()) {
          LOG.warn("capability probe: could not delete probe device {}: {} {}", made,
              Errno.name(gone.errno()), gone.kernelMessage());
        }
      }
    }
  }

  /**
   * Tries an HTB tree, each leaf qdisc, an ingress qdisc with police and mirred filters, and (when
   * {@code tryIfb}) an ifb device, on device {@code dev}.
   */
  private static KernelCapabilities probe(NetlinkChannel ch, int dev, TcTiming timing,
      boolean tryIfb) {
    {
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
      boolean ifb = tryIfb && attempt(ch, LinkCodec.encodeAddIfb(PROBE_IFB), "ifb device");
      if (ifb) {
        require(ch, LinkCodec.encodeDelete(PROBE_IFB), "delete probe ifb");
      }
      if (!tryIfb) {
        ifb = true; // the caller made its probe device as an ifb, or says otherwise
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
