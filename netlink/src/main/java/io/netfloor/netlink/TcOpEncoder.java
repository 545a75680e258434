// SPDX-License-Identifier: Apache-2.0
package io.netfloor.netlink;

import io.netfloor.netlink.channel.NetlinkMessage;
import io.netfloor.netlink.codec.HtbClassCodec;
import io.netfloor.netlink.codec.HtbQdiscCodec;
import io.netfloor.netlink.codec.LeafQdiscCodec;
import io.netfloor.netlink.codec.LinkCodec;
import io.netfloor.netlink.codec.U32FilterCodec;
import io.netfloor.plan.HtbClass;
import io.netfloor.plan.HtbQdisc;
import io.netfloor.plan.IngressQdisc;
import io.netfloor.plan.LeafQdisc;
import io.netfloor.plan.TcObject;
import io.netfloor.plan.TcOp;
import io.netfloor.plan.U32HashLink;
import io.netfloor.plan.U32HashTable;
import io.netfloor.plan.U32MacFilter;
import io.netfloor.plan.U32MatchAllPolice;
import io.netfloor.plan.U32MatchAllRedirect;
import io.netfloor.plan.U32OwnerMark;
import io.netfloor.tc.TcTiming;
import io.netfloor.units.ClassHandle;
import io.netfloor.units.InterfaceName;
import java.util.Optional;
import java.util.function.ToIntFunction;

/**
 * Turns one {@link TcOp} into one netlink request, through the codec of its object. Adds become
 * tc's {@code add} (EXCL|CREATE); deletes name the object by parent and handle; changes are
 * {@code change} for HTB qdiscs and classes, {@code replace} for leaf qdiscs; u32 filters cannot be
 * changed in place (the kernel would keep the old selector), so a change of one is refused. A change of an object without parameters (ingress qdisc, ifb
 * device) needs no request: {@link #encode} returns empty.
 */
final class TcOpEncoder {
  /** {@code tc … replace}: REQUEST, ACK, CREATE, and REPLACE for qdiscs. */
  private static final int FLAGS_REPLACE_QDISC = NetlinkMessage.NLM_F_REQUEST
      | NetlinkMessage.NLM_F_ACK | NetlinkMessage.NLM_F_REPLACE | NetlinkMessage.NLM_F_CREATE;
  private static final int EOPNOTSUPP = 95;

  private final TcTiming timing;
  private final ToIntFunction<InterfaceName> ifindex;
  private final boolean rateTables;

  /**
   * @param ifindex resolves a device name; throws {@link NetlinkException} ENODEV when missing
   * @param rateTables whether HTB classes carry tc's rate tables (see {@link HtbClassCodec})
   */
  TcOpEncoder(TcTiming timing, ToIntFunction<InterfaceName> ifindex, boolean rateTables) {
    this.timing = timing;
    this.ifindex = ifindex;
    this.rateTables = rateTables;
  }

  /** The request for {@code op}, or empty when there is nothing to send. */
  Optional<byte[]> encode(TcOp op) {
    TcObject o = op.object();
    if (op instanceof TcOp.Add) {
      return Optional.of(add(o));
    } else if (op instanceof TcOp.Delete) {
      return Optional.of(delete(o));
    }
    return change(o);
  }

  /** Whether {@code op} is a class add whose echo must be checked for the kernel's parent quirk. */
  static boolean echoesClass(TcOp op) {
    return op instanceof TcOp.Add && op.object() instanceof HtbClass;
  }

  private byte[] add(TcObject o) {
    return switch (o.objectKind()) {
      case UNRECOGNIZED, U32_INSTANCE -> throw new NetlinkException("cannot add or change "
          + o.describe() + ": NetFloor only ever deletes it", null, 0, EOPNOTSUPP, null, null);
      case IFB_DEVICE -> LinkCodec.encodeAddIfb(o.device());
      case HTB_QDISC -> HtbQdiscCodec.encodeAdd((HtbQdisc) o, dev(o));
      case LEAF_QDISC -> LeafQdiscCodec.encodeAdd((LeafQdisc) o, dev(o));
      case INGRESS_QDISC -> LeafQdiscCodec.encodeIngressAdd(dev(o));
      // ECHO: the kernel answers with the class as created, so a missing parent (which the kernel
      // silently turns into a top-level class) is detected
      case HTB_CLASS -> HtbClassCodec.encodeAdd((HtbClass) o, dev(o), timing, true, rateTables);
      case U32_HASH_TABLE -> U32FilterCodec.encodeAdd((U32HashTable) o, dev(o));
      case U32_HASH_LINK -> U32FilterCodec.encodeAdd((U32HashLink) o, dev(o));
      case U32_MAC_FILTER -> U32FilterCodec.encodeAdd((U32MacFilter) o, dev(o));
      case U32_MATCH_ALL_POLICE -> U32FilterCodec.encodeAdd((U32MatchAllPolice) o, dev(o), timing);
      case U32_MATCH_ALL_REDIRECT -> {
        U32MatchAllRedirect r = (U32MatchAllRedirect) o;
        int dev = dev(o);
        yield U32FilterCodec.encodeAdd(r, dev, ifindex.applyAsInt(r.target()));
      }
      case U32_OWNER_MARK -> U32FilterCodec.encodeAdd((U32OwnerMark) o, dev(o));
    };
  }

  private int dev(TcObject o) {
    return ifindex.applyAsInt(o.device());
  }

  private byte[] delete(TcObject o) {
    return switch (o.objectKind()) {
      case IFB_DEVICE -> LinkCodec.encodeDelete(o.device());
      case U32_INSTANCE -> {
        io.netfloor.plan.U32Instance i = (io.netfloor.plan.U32Instance) o;
        // no handle: the whole instance at that prio
        yield U32FilterCodec.encodeDelete(dev(o), i.parent(), i.prio(), i.protocol(),
            io.netfloor.plan.U32Handle.fromBits(0));
      }
      case UNRECOGNIZED -> {
        io.netfloor.plan.UnrecognizedObject u = (io.netfloor.plan.UnrecognizedObject) o;
        int dev = dev(o);
        // a filter is named by parent, prio and handle (protocol 0 matches the instance's own)
        yield u.isFilter()
            ? U32FilterCodec.encodeDelete(dev, u.parent(), u.key().prio(), 0,
                io.netfloor.plan.U32Handle.fromBits(u.key().handle()))
            : LeafQdiscCodec.encodeDelete(u.parent(), ClassHandle.fromBits(u.key().handle()), dev);
      }
      case HTB_QDISC -> {
        HtbQdisc q = (HtbQdisc) o;
        yield LeafQdiscCodec.encodeDelete(q.parent(), q.handle(), dev(o));
      }
      case LEAF_QDISC -> {
        LeafQdisc q = (LeafQdisc) o;
        yield LeafQdiscCodec.encodeDelete(q.parent(), q.handle(), dev(o));
      }
      case INGRESS_QDISC ->
          LeafQdiscCodec.encodeDelete(ClassHandle.INGRESS, IngressQdisc.HANDLE, dev(o));
      case HTB_CLASS -> HtbClassCodec.encodeDelete(((HtbClass) o).classId(), dev(o));
      case U32_HASH_TABLE -> {
        U32HashTable t = (U32HashTable) o;
        yield U32FilterCodec.encodeDelete(dev(o), t.parent(), t.prio(), t.protocol(), t.handle());
      }
      case U32_HASH_LINK -> {
        U32HashLink l = (U32HashLink) o;
        yield U32FilterCodec.encodeDelete(dev(o), l.parent(), l.prio(), l.protocol(), l.handle());
      }
      case U32_MAC_FILTER -> {
        U32MacFilter f = (U32MacFilter) o;
        yield U32FilterCodec.encodeDelete(dev(o), f.parent(), f.prio(), f.protocol(), f.handle());
      }
      case U32_MATCH_ALL_POLICE -> {
        U32MatchAllPolice p = (U32MatchAllPolice) o;
        yield U32FilterCodec.encodeDelete(dev(o), p.parent(), p.prio(),
            io.netfloor.plan.EtherType.ALL, p.handle());
      }
      case U32_MATCH_ALL_REDIRECT -> {
        U32MatchAllRedirect r = (U32MatchAllRedirect) o;
        yield U32FilterCodec.encodeDelete(dev(o), r.parent(), r.prio(),
            io.netfloor.plan.EtherType.ALL, r.handle());
      }
      case U32_OWNER_MARK -> {
        U32OwnerMark m = (U32OwnerMark) o;
        // deleting the mark's table deletes the node in it
        yield U32FilterCodec.encodeDelete(dev(o), m.parent(), m.prio(), m.protocol(),
            m.table().handle());
      }
    };
  }

  private Optional<byte[]> change(TcObject o) {
    return switch (o.objectKind()) {
      case UNRECOGNIZED, U32_INSTANCE -> Optional.of(add(o)); // throws: never changed
      // nothing to change: identity is everything
      case IFB_DEVICE, INGRESS_QDISC -> Optional.empty();
      case HTB_QDISC -> Optional.of(HtbQdiscCodec.encodeChange((HtbQdisc) o, dev(o)));
      case HTB_CLASS ->
          Optional.of(HtbClassCodec.encodeChange((HtbClass) o, dev(o), timing, rateTables));
      case LEAF_QDISC -> {
        int dev = dev(o); // as before: the device is looked up first
        yield Optional.of(withFlags(LeafQdiscCodec.encodeAdd((LeafQdisc) o, dev),
            FLAGS_REPLACE_QDISC));
      }
      // cls_u32 keeps a node's selector (its match keys) when the node is "changed", and a hash
      // table's divisor cannot change at all: a change would silently keep the old match
      case U32_HASH_TABLE, U32_HASH_LINK, U32_MAC_FILTER, U32_MATCH_ALL_POLICE,
          U32_MATCH_ALL_REDIRECT, U32_OWNER_MARK -> {
        dev(o); // as before: an unknown device is reported before the refusal
        throw new NetlinkException("cannot change " + o.describe() + " in place: u32 filters are"
            + " deleted and added again (PlanDiff does so)", null, 0, EOPNOTSUPP, null, null);
      }
    };
  }

  private static byte[] withFlags(byte[] message, int flags) {
    java.nio.ByteBuffer.wrap(message).order(java.nio.ByteOrder.nativeOrder())
        .putShort(6, (short) flags);
    return message;
  }
}
