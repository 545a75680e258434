// SPDX-License-Identifier: Apache-2.0
package io.netfloor.netlink.codec;

import io.netfloor.netlink.channel.MessageWriter;
import io.netfloor.netlink.wire.TcFifoQopt;
import io.netfloor.netlink.wire.TcMsg;
import io.netfloor.netlink.wire.TcSfqQopt;
import io.netfloor.plan.IngressQdisc;
import io.netfloor.plan.LeafQdisc;
import io.netfloor.units.ClassHandle;

/**
 * Classless qdiscs: the leaf under an HTB class ({@code pfifo limit N}: a plain, non-nested
 * {@code TCA_OPTIONS} holding {@code tc_fifo_qopt}; {@code sfq perturb 10}: {@code tc_sfq_qopt}
 * with the other fields 0 so the kernel keeps its defaults; {@code fq_codel}: no options), the
 * ingress qdisc, and qdisc deletion by parent and handle.
 */
public final class LeafQdiscCodec {
  private LeafQdiscCodec() {}

  /** {@code tc qdisc add dev DEV parent 1:N handle N: KIND …} (flags 0x605). */
  public static byte[] encodeAdd(LeafQdisc q, int ifindex) {
    MessageWriter w = TcRequests.start(Rtm.RTM_NEWQDISC, Rtm.FLAGS_ADD,
        TcMsg.of(ifindex, q.handle().toBits(), q.parent().toBits(), 0), q.kind().kernelName());
    switch (q.kind()) {
      case PFIFO -> w.attr(Rtm.TCA_OPTIONS, TcFifoQopt.SIZE,
          new TcFifoQopt(q.limitPackets())::write);
      case SFQ -> w.attr(Rtm.TCA_OPTIONS, TcSfqQopt.SIZE,
          new TcSfqQopt(0, LeafQdisc.SFQ_PERTURB_SECONDS, 0, 0, 0)::write);
      case FQ_CODEL -> { } // the kernel's defaults
    }
    return w.finish();
  }

  /** {@code tc qdisc add dev DEV ingress}: handle {@code ffff:}, parent {@code ingress}. */
  public static byte[] encodeIngressAdd(int ifindex) {
    return TcRequests.start(Rtm.RTM_NEWQDISC, Rtm.FLAGS_ADD,
        TcMsg.of(ifindex, IngressQdisc.HANDLE.toBits(), Rtm.TC_H_INGRESS, 0), "ingress").finish();
  }

  /**
   * {@code tc qdisc del dev DEV parent P handle H}: the parent is the class for a leaf,
   * {@code TC_H_ROOT} for a root qdisc, {@code TC_H_INGRESS} for ingress. Giving the handle too makes
   * the kernel check it ({@code "Invalid handle"}) instead of deleting whatever sits there.
   */
  public static byte[] encodeDelete(ClassHandle parent, ClassHandle handle, int ifindex) {
    return TcRequests.start(Rtm.RTM_DELQDISC, Rtm.FLAGS_CHANGE,
        TcMsg.of(ifindex, handle.toBits(), parent.toBits(), 0)).finish();
  }

  /** {@code tc qdisc del dev DEV root} as tc sends it (capture 23): handle 0, parent root. */
  public static byte[] encodeDeleteRoot(int ifindex) {
    return TcRequests.start(Rtm.RTM_DELQDISC, Rtm.FLAGS_CHANGE,
        TcMsg.of(ifindex, 0, Rtm.TC_H_ROOT, 0)).finish();
  }

  /** A probe request: {@code tc qdisc add dev DEV parent P handle H KIND} without options. */
  public static byte[] encodeProbe(String kind, ClassHandle parent, ClassHandle handle, int ifindex) {
    return TcRequests.start(Rtm.RTM_NEWQDISC, Rtm.FLAGS_ADD,
        TcMsg.of(ifindex, handle.toBits(), parent.toBits(), 0), kind).finish();
  }

  /** The limit of a pfifo/bfifo from a dump's {@code TCA_OPTIONS}, if present. */
  public static java.util.OptionalInt decodeFifoLimit(TcDumpMessage m) {
    return m.attributes().get(Rtm.TCA_OPTIONS)
        .filter(b -> b.remaining() >= TcFifoQopt.SIZE)
        .map(b -> java.util.OptionalInt.of((int) TcFifoQopt.read(b).limit()))
        .orElse(java.util.OptionalInt.empty());
  }
}
