// SPDX-License-Identifier: Apache-2.0
package io.netfloor.netlink.codec;

import io.netfloor.netlink.channel.Attributes;
import io.netfloor.netlink.channel.MessageWriter;
import io.netfloor.netlink.wire.TcMirred;
import io.netfloor.netlink.wire.TcMsg;
import io.netfloor.netlink.wire.TcPolice;
import io.netfloor.netlink.wire.TcRateSpec;
import io.netfloor.netlink.wire.TcU32Sel;
import io.netfloor.plan.EtherType;
import io.netfloor.plan.U32HashLink;
import io.netfloor.plan.U32HashTable;
import io.netfloor.plan.U32Handle;
import io.netfloor.plan.U32Key;
import io.netfloor.plan.U32MacFilter;
import io.netfloor.plan.U32MatchAllPolice;
import io.netfloor.plan.U32MatchAllRedirect;
import io.netfloor.plan.U32OwnerMark;
import io.netfloor.spi.FilterInfo;
import io.netfloor.tc.TcTiming;
import io.netfloor.units.ClassHandle;
import io.netfloor.units.InterfaceName;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * u32 filters: hash tables, link nodes, MAC nodes (libvirt's linear form and
 * NetFloor's hashed form), match-all nodes with a {@code police} or {@code mirred} action, deletion
 * by handle, and the decoding of filter dumps. {@code tcm_info} is {@code prio << 16 |
 * htons(protocol)}; attributes go in tc's order (actions, CLASSID and LINK as on tc's command line,
 * then HASH, then SEL).
 */
public final class U32FilterCodec {
  public static final String KIND = "u32";
  static final int TCA_U32_CLASSID = 1;
  static final int TCA_U32_HASH = 2;
  static final int TCA_U32_LINK = 3;
  static final int TCA_U32_DIVISOR = 4;
  static final int TCA_U32_SEL = 5;
  static final int TCA_U32_POLICE = 6;
  static final int TCA_U32_ACT = 7;
  static final int TCA_U32_FLAGS = 11;
  static final int TCA_POLICE_TBF = 1;
  static final int TCA_POLICE_RATE = 2;
  static final int TCA_POLICE_RATE64 = 8;
  static final int TCA_ACT_KIND = 1;
  static final int TCA_ACT_OPTIONS = 2;
  static final int TCA_MIRRED_PARMS = 2;
  /** The key that matches every packet: {@code match u32 0 0}. */
  static final U32Key MATCH_ALL = new U32Key(0, 0, 0, 0);
  /** libvirt's {@code flowid :1} on the police filter. */
  static final int POLICE_FLOWID = 0x00000001;

  private U32FilterCodec() {}

  /** {@code tc filter add … handle HT: u32 divisor D} (capture 09). */
  public static byte[] encodeAdd(U32HashTable t, int ifindex) {
    return start(ifindex, t.handle().toBits(), t.parent(), t.prio(), t.protocol())
        .beginNested(Rtm.TCA_OPTIONS).u32(TCA_U32_DIVISOR, t.divisor()).endNested().finish();
  }

  /**
   * {@code tc filter add … handle H u32 link HT: hashkey mask M at OFF match u32 0 0} (capture 10): a
   * node that matches everything and hands the packet to the bucket of table {@code HT:} that the
   * hashed word selects.
   */
  public static byte[] encodeAdd(U32HashLink l, int ifindex) {
    TcU32Sel sel = new TcU32Sel(0, 0, 0, 0, 0, l.hashOffset(), l.hashMask(), List.of(MATCH_ALL));
    return start(ifindex, l.handle().toBits(), l.parent(), l.prio(), l.protocol())
        .beginNested(Rtm.TCA_OPTIONS)
        .u32(TCA_U32_LINK, U32Handle.table(l.linkHtid()).toBits())
        .attr(TCA_U32_SEL, sel.sizeBytes(), sel::write)
        .endNested().finish();
  }

  /**
   * A MAC node: {@code CLASSID}, {@code HASH} (table and bucket, only for a node in a NetFloor hash
   * table) and a terminal selector with the keys of {@link U32Key#forMacFilter} (captures 07, 11).
   */
  public static byte[] encodeAdd(U32MacFilter f, int ifindex) {
    TcU32Sel sel = TcU32Sel.of(TcU32Sel.TERMINAL, U32Key.forMacFilter(f));
    MessageWriter w = start(ifindex, f.handle().toBits(), f.parent(), f.prio(), f.protocol())
        .beginNested(Rtm.TCA_OPTIONS)
        .u32(TCA_U32_CLASSID, f.flowId().toBits());
    if (f.inHashBucket()) {
      w.u32(TCA_U32_HASH, f.handle().tableAndBucketBits());
    }
    return w.attr(TCA_U32_SEL, sel.sizeBytes(), sel::write).endNested().finish();
  }

  /**
   * NetFloor's ownership mark: a node in the mark's own one-bucket table ({@code HASH}), with no
   * class and no action, whose keys carry the mark ({@link U32OwnerMark#keys()}). Never linked, so
   * never walked.
   */
  public static byte[] encodeAdd(U32OwnerMark m, int ifindex) {
    TcU32Sel sel = TcU32Sel.of(0, m.keys());
    return start(ifindex, m.handle().toBits(), m.parent(), m.prio(), m.protocol())
        .beginNested(Rtm.TCA_OPTIONS)
        .u32(TCA_U32_HASH, m.handle().tableAndBucketBits())
        .attr(TCA_U32_SEL, sel.sizeBytes(), sel::write)
        .endNested().finish();
  }

  /**
   * libvirt's outbound limit on the ingress qdisc: {@code … parent ffff: protocol all prio P u32 match
   * u32 0 0 police rate R burst B mtu M drop flowid :1}, with the police parameters in the legacy
   * {@code TCA_U32_POLICE} nest as tc sends them: {@code [RATE64] TBF RATE(table)}.
   */
  public static byte[] encodeAdd(U32MatchAllPolice p, int ifindex, TcTiming timing) {
    long rate = p.rate().bytesPerSecond();
    int cellLog = TcTiming.cellLog(p.mtu().bytes());
    TcPolice police = new TcPolice(0, TcPolice.ACTION_SHOT, 0,
        timing.xmitTicks(rate, p.burst().bytes()), p.mtu().bytes(),
        TcRateSpec.ethernet(cellLog, TcTiming.rate32(rate)), new TcRateSpec(0, 0, 0, 0, 0, 0));
    long[] rtab = timing.rateTable(rate, cellLog);
    MessageWriter w = start(ifindex, p.handle().toBits(), p.parent(), p.prio(), EtherType.ALL)
        .beginNested(Rtm.TCA_OPTIONS)
        .beginNested(TCA_U32_POLICE);
    if (TcTiming.needs64BitRate(rate)) {
      w.u64(TCA_POLICE_RATE64, rate);
    }
    w.attr(TCA_POLICE_TBF, TcPolice.SIZE, police::write)
        .attr(TCA_POLICE_RATE, 4 * rtab.length, b -> {
          for (long t : rtab) {
            b.putInt((int) t);
          }
        })
        .endNested();
    TcU32Sel sel = TcU32Sel.of(TcU32Sel.TERMINAL, List.of(MATCH_ALL));
    return w.u32(TCA_U32_CLASSID, POLICE_FLOWID).attr(TCA_U32_SEL, sel.sizeBytes(), sel::write)
        .endNested().finish();
  }

  /**
   * {@code … parent ffff: protocol all prio P u32 match u32 0 0 action mirred egress redirect dev
   * TARGET}: {@code TCA_U32_ACT { 1 { KIND "mirred", OPTIONS { PARMS tc_mirred } } }}, then the
   * terminal match-all selector.
   */
  public static byte[] encodeAdd(U32MatchAllRedirect r, int ifindex, int targetIfindex) {
    TcMirred mirred = new TcMirred(TcMirred.ACTION_STOLEN, TcMirred.EGRESS_REDIRECT, targetIfindex);
    TcU32Sel sel = TcU32Sel.of(TcU32Sel.TERMINAL, List.of(MATCH_ALL));
    return start(ifindex, r.handle().toBits(), r.parent(), r.prio(), EtherType.ALL)
        .beginNested(Rtm.TCA_OPTIONS)
        .beginNested(TCA_U32_ACT)
        .beginNested(1)
        .string(TCA_ACT_KIND, "mirred")
        .beginNested(TCA_ACT_OPTIONS)
        .attr(TCA_MIRRED_PARMS, TcMirred.SIZE, mirred::write)
        .endNested()
        .endNested()
        .endNested()
        .attr(TCA_U32_SEL, sel.sizeBytes(), sel::write)
        .endNested().finish();
  }

  /**
   * {@code tc filter del dev DEV parent P protocol PROTO prio PRIO handle H u32} (capture 16): no
   * options. The handle must be the node's full handle (table, bucket, node).
   */
  public static byte[] encodeDelete(int ifindex, ClassHandle parent, int prio, int protocol,
      U32Handle handle) {
    return TcRequests.start(Rtm.RTM_DELTFILTER, Rtm.FLAGS_CHANGE,
        TcMsg.of(ifindex, handle.toBits(), parent.toBits(), TcMsg.filterInfo(prio, protocol)), KIND)
        .finish();
  }

  /** A filter dump of one device and parent qdisc ({@code tc filter show dev DEV parent P}). */
  public static byte[] encodeDump(int ifindex, ClassHandle parent) {
    return TcRequests.dump(Rtm.RTM_GETTFILTER, ifindex, parent.toBits(), 0);
  }

  private static MessageWriter start(int ifindex, int handle, ClassHandle parent, int prio,
      int protocol) {
    return TcRequests.start(Rtm.RTM_NEWTFILTER, Rtm.FLAGS_ADD,
        TcMsg.of(ifindex, handle, parent.toBits(), TcMsg.filterInfo(prio, protocol)), KIND);
  }

  /**
   * Decodes one message of a filter dump; empty for the per-(prio, protocol) header messages
   * (handle 0, no options). Kinds other than u32 are reported with their kind and handle only.
   *
   * @throws io.netfloor.netlink.NetlinkProtocolException if an attribute or the selector is truncated
   */
  public static Optional<FilterInfo> decode(TcDumpMessage m, InterfaceName device) {
    TcMsg tcm = m.tcm();
    Optional<Attributes> optsMaybe = m.attributes().nested(Rtm.TCA_OPTIONS);
    int chain = m.attributes().optU32(Rtm.TCA_CHAIN).orElse(0);
    if (tcm.handle() == 0 && optsMaybe.isEmpty()) {
      return Optional.empty();
    }
    ClassHandle parent = ClassHandle.fromBits(tcm.parent());
    U32Handle handle = U32Handle.fromBits(tcm.handle());
    if (!KIND.equals(m.kind()) || optsMaybe.isEmpty()) {
      return Optional.of(new FilterInfo(device, parent, tcm.filterPrio(), tcm.filterProtocol(),
          m.kind(), handle, Optional.empty(), OptionalInt.empty(), OptionalInt.empty(), 0, 0, 0,
          List.of(), List.of(), chain));
    }
    Attributes opts = optsMaybe.get();
    Optional<ClassHandle> classId = boxed(opts.optU32(TCA_U32_CLASSID)).map(ClassHandle::fromBits);
    OptionalInt link = opts.optU32(TCA_U32_LINK);
    OptionalInt linkHtid = link.isPresent() ? OptionalInt.of(link.getAsInt() >>> 20)
        : OptionalInt.empty();
    OptionalInt divisor = opts.optU32(TCA_U32_DIVISOR);
    TcU32Sel sel = opts.get(TCA_U32_SEL).map(TcU32Sel::read).orElse(null);
    List<String> actions = new ArrayList<>();
    if (opts.has(TCA_U32_POLICE)) {
      actions.add("police");
    }
    opts.nested(TCA_U32_ACT).ifPresent(acts -> {
      for (Attributes.Attr a : acts.all()) {
        Attributes act = Attributes.parse(a.value());
        actions.add(act.string(TCA_ACT_KIND).orElse("?"));
      }
    });
    return Optional.of(new FilterInfo(device, parent, tcm.filterPrio(), tcm.filterProtocol(),
        m.kind(), handle, classId, linkHtid, divisor, sel == null ? 0 : sel.flags(),
        sel == null ? 0 : sel.hashOffset(), sel == null ? 0 : sel.hashMask(),
        sel == null ? List.of() : sel.keys(), actions, chain));
  }

  private static Optional<Integer> boxed(OptionalInt v) {
    return v.isPresent() ? Optional.of(v.getAsInt()) : Optional.empty();
  }
}
