// SPDX-License-Identifier: Apache-2.0
package io.netfloor.model;

import com.google.common.hash.Hashing;
import io.netfloor.plan.HtbClass;
import io.netfloor.plan.HtbQdisc;
import io.netfloor.plan.IfbDevice;
import io.netfloor.plan.IngressQdisc;
import io.netfloor.plan.LeafQdisc;
import io.netfloor.plan.LeafQdiscKind;
import io.netfloor.plan.TcObject;
import io.netfloor.plan.U32Handle;
import io.netfloor.plan.U32MatchAllPolice;
import io.netfloor.plan.U32MatchAllRedirect;
import io.netfloor.plan.EtherType;
import io.netfloor.plan.U32OwnerMark;
import io.netfloor.units.ByteSize;
import io.netfloor.units.ClassHandle;
import io.netfloor.units.InterfaceName;
import io.netfloor.units.Rate;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;

/**
 * The objects that enforce a device's own limits, as libvirt's {@code virNetDevBandwidthSet} with
 * {@code swapped=true}: the direction towards the device's far end is shaped on the device's
 * egress, the other direction on its ingress.
 *
 * <pre>
 * egress (libvirt's newer layout, so that peak works: a root class cannot borrow)
 *   qdisc 1: htb default 2
 *   └─ class 1:1  rate = ceil = peak|average, burst
 *      └─ class 1:2  rate = average, ceil = peak|average, burst  ── qdisc 2: leaf
 * ingress, {@link OutboundShaping#POLICE}
 *   qdisc ffff: ingress ── u32 match all, police rate = average, burst = burst|average×1s (as libvirt), mtu 64kb, drop
 * ingress, {@link OutboundShaping#IFB_REDIRECT}
 *   qdisc ffff: ingress ── u32 match all, mirred egress redirect → ifb nfb-&lt;hash&gt;
 *   ifb: the same HTB pair as egress, from the outbound limits
 * </pre>
 *
 * NetFloor creates the device's root and ingress qdiscs and marks each as its network's
 * ({@link U32OwnerMark}, prio {@value #MARK_PRIO}); unlike libvirt, it never clears qdiscs another
 * tool put there.
 */
public final class DeviceShaping {
  /** u32 prio of the match-all ingress filter. */
  public static final int INGRESS_FILTER_PRIO = 1;
  /** Handle of the match-all ingress filter (first node of the prio's root table). */
  public static final U32Handle INGRESS_FILTER_HANDLE = U32Handle.of(0x800, 0, 0x800);
  /** u32 prio of the ownership mark on a device's qdiscs (the ingress filter's). */
  public static final int MARK_PRIO = INGRESS_FILTER_PRIO;
  static final ClassHandle ROOT = ClassHandle.qdisc(1);
  static final ClassHandle TOP = ClassHandle.of(1, 1);
  static final ClassHandle LEAF_CLASS = ClassHandle.of(1, 2);

  private DeviceShaping() {}

  /**
   * The objects for {@code device} with {@code inbound} limits shaped on its egress and
   * {@code outbound} limits on its ingress; either may be null. Each qdisc carries the mark of
   * {@code network}.
   *
   * @param device the interface's host-side device (tap or veth)
   * @param inbound limits on traffic towards the device's far end (the guest), shaped by HTB on the
   *     device's egress; {@code null} or without an average for none
   * @param outbound limits on traffic the device receives (what the guest sends), enforced on its
   *     ingress; {@code null} for none
   * @param mode how the outbound limits are enforced: police on the ingress, or redirect to an ifb
   *     and shape there
   * @param leaf the queue discipline under the HTB leaf class
   * @param rateToQuantum HTB r2q, to compute the classes' quanta
   * @param network the owning network's name, written into the ownership marks
   * @return the objects, in a stable order; empty when neither direction has limits
   */
  public static List<TcObject> objects(InterfaceName device, Limits inbound, Limits outbound,
      OutboundShaping mode, LeafQdiscKind leaf, int rateToQuantum, String network) {
    List<TcObject> out = new ArrayList<>();
    if (inbound != null && inbound.average().isPresent()) {
      out.addAll(htbPair(device, inbound, leaf, rateToQuantum, network));
    }
    if (outbound != null) {
      out.add(new IngressQdisc(device));
      out.add(new U32OwnerMark(device, IngressQdisc.HANDLE, MARK_PRIO, EtherType.ALL, true,
          network));
      if (mode == OutboundShaping.POLICE) {
        Rate average = outbound.average().orElseThrow();
        // libvirt: burst if given, else the average's kB/s figure taken as kilobytes
        ByteSize burst = outbound.burst().orElse(ByteSize.ofKibibytes(
            Math.min(Math.max(1, average.kilobytesPerSecond()), 0xFFFF_FFFFL / 1024)));
        out.add(new U32MatchAllPolice(device, INGRESS_FILTER_PRIO, INGRESS_FILTER_HANDLE, average,
            burst, U32MatchAllPolice.LIBVIRT_MTU));
      } else {
        InterfaceName ifb = ifbFor(device);
        out.add(new IfbDevice(ifb));
        out.add(new U32MatchAllRedirect(device, INGRESS_FILTER_PRIO, INGRESS_FILTER_HANDLE, ifb));
        out.addAll(htbPair(ifb, outbound, leaf, rateToQuantum, network));
      }
    }
    return out;
  }

  /**
   * The ifb device that shapes {@code device}'s ingress: {@code nfb-} and 8 hex digits of a hash of
   * the device name (at most 12 bytes, within Linux's 15).
   *
   * @param device the shaped device
   * @return the ifb's name; the same device always gives the same name
   */
  public static InterfaceName ifbFor(InterfaceName device) {
    String hash = Hashing.crc32().hashString(device.value(), StandardCharsets.UTF_8).toString();
    return InterfaceName.of("nfb-" + hash);
  }

  private static List<TcObject> htbPair(InterfaceName device, Limits limits, LeafQdiscKind leaf,
      int rateToQuantum, String network) {
    Rate average = limits.average().orElseThrow();
    Rate ceiling = limits.ceiling().orElseThrow();
    long quantum = HtbTree.quantumFor(average, rateToQuantum);
    U32OwnerMark mark = new U32OwnerMark(device, ROOT, MARK_PRIO, EtherType.ALL, true, network);
    return List.of(
        new HtbQdisc(device, ROOT, ClassHandle.ROOT, LEAF_CLASS.minor(), rateToQuantum,
            OptionalInt.empty()),
        mark,
        new HtbClass(device, TOP, ROOT, ceiling, ceiling, limits.burst(), limits.burst(),
            HtbTree.INNER_CLASS_QUANTUM_BYTES, 0),
        new HtbClass(device, LEAF_CLASS, TOP, average, ceiling, limits.burst(), limits.burst(),
            quantum, 0),
        LeafQdisc.of(device, ClassHandle.qdisc(2), LEAF_CLASS, leaf));
  }
}
