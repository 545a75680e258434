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
import io.netfloor.plan.IfbDevice;
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
    if (o instanceof io.netfloor.plan.UnrecognizedObject
        || o instanceof io.netfloor.plan.U32Instance) {
      throw new NetlinkException("cannot add or change " + o.describe() + ": NetFloor only ever"
          + " deletes it", null, 0, EOPNOTSUPP, null, null);
    }
    if (o instanceof IfbDevice d) {
      return LinkCodec.encodeAddIfb(d.device());
    }
    int dev = ifindex.applyAsInt(o.device());
    if (o instanceof HtbQdisc q) {
      return HtbQdiscCodec.encodeAdd(q, dev);
    } else if (o instanceof LeafQdisc q) {
      return LeafQdiscCodec.encodeAdd(q, dev);
    } else if (o instanceof IngressQdisc) {
      return LeafQdiscCodec.encodeIngressAdd(dev);
    } else if (o instanceof HtbClass c) {
      // ECHO: the kernel answers with the class as created, so a missing parent (which the kernel
      // silently turns into a top-level class) is detected
      return HtbClassCodec.encodeAdd(c, dev, timing, true, rateTables);
    } else if (o instanceof U32HashTable t) {
      return U32FilterCodec.encodeAdd(t, dev);
    } else if (o instanceof U32HashLink l) {
      return U32FilterCodec.encodeAdd(l, dev);
    } else if (o instanceof U32MacFilter f) {
      return U32FilterCodec.encodeAdd(f, dev);
    } else if (o instanceof U32MatchAllPolice p) {
      return U32FilterCodec.encodeAdd(p, dev, timing);
    } else if (o instanceof U32MatchAllRedirect r) {
      return U32FilterCodec.encodeAdd(r, dev, ifindex.applyAsInt(r.target()));
    } else if (o instanceof U32OwnerMark m) {
      return U32FilterCodec.encodeAdd(m, dev);
    }
    throw new IllegalArgumentException("no encoder for " + o);
  }

  private byte[] delete(TcObject o) {
    if (o instanceof IfbDevice d) {
      return LinkCodec.encodeDelete(d.device());
    }
    int dev = ifindex.applyAsInt(o.device());
    if (o instanceof io.netfloor.plan.U32Instance i) {
      // no handle: the whole instance at that prio
      return U32FilterCodec.encodeDelete(dev, i.parent(), i.prio(), i.protocol(),
          io.netfloor.plan.U32Handle.fromBits(0));
    }
    if (o instanceof io.netfloor.plan.UnrecognizedObject u) {
      // a filter is named by parent, prio and handle (protocol 0 matches the instance's own)
      return u.isFilter()
          ? U32FilterCodec.encodeDelete(dev, u.parent(), u.key().prio(), 0,
              io.netfloor.plan.U32Handle.fromBits(u.key().handle()))
          : LeafQdiscCodec.encodeDelete(u.parent(), ClassHandle.fromBits(u.key().handle()), dev);
    }
    if (o instanceof HtbQdisc q) {
      return LeafQdiscCodec.encodeDelete(q.parent(), q.handle(), dev);
    } else if (o instanceof LeafQdisc q) {
      return LeafQdiscCodec.encodeDelete(q.parent(), q.handle(), dev);
    } else if (o instanceof IngressQdisc) {
      return LeafQdiscCodec.encodeDelete(ClassHandle.INGRESS, IngressQdisc.HANDLE, dev);
    } else if (o instanceof HtbClass c) {
      return HtbClassCodec.encodeDelete(c.classId(), dev);
    } else if (o instanceof U32HashTable t) {
      return U32FilterCodec.encodeDelete(dev, t.parent(), t.prio(), t.protocol(), t.handle());
    } else if (o instanceof U32HashLink l) {
      return U32FilterCodec.encodeDelete(dev, l.parent(), l.prio(), l.protocol(), l.handle());
    } else if (o instanceof U32MacFilter f) {
      return U32FilterCodec.encodeDelete(dev, f.parent(), f.prio(), f.protocol(), f.handle());
    } else if (o instanceof U32MatchAllPolice p) {
      return U32FilterCodec.encodeDelete(dev, p.parent(), p.prio(), io.netfloor.plan.EtherType.ALL,
          p.handle());
    } else if (o instanceof U32MatchAllRedirect r) {
      return U32FilterCodec.encodeDelete(dev, r.parent(), r.prio(), io.netfloor.plan.EtherType.ALL,
          r.handle());
    } else if (o instanceof U32OwnerMark m) {
      // deleting the mark's table deletes the node in it
      return U32FilterCodec.encodeDelete(dev, m.parent(), m.prio(), m.protocol(),
          m.table().handle());
    }
    throw new IllegalArgumentException("no encoder for " + o);
  }

  private Optional<byte[]> change(TcObject o) {
    if (o instanceof io.netfloor.plan.UnrecognizedObject
        || o instanceof io.netfloor.plan.U32Instance) {
      add(o); // throws: never changed
    }
    if (o instanceof IfbDevice || o instanceof IngressQdisc) {
      return Optional.empty(); // nothing to change: identity is everything
    }
    int dev = ifindex.applyAsInt(o.device());
    if (o instanceof HtbQdisc q) {
      return Optional.of(HtbQdiscCodec.encodeChange(q, dev));
    } else if (o instanceof HtbClass c) {
      return Optional.of(HtbClassCodec.encodeChange(c, dev, timing, rateTables));
    } else if (o instanceof LeafQdisc) {
      return Optional.of(withFlags(add(o), FLAGS_REPLACE_QDISC));
    }
    // cls_u32 keeps a node's selector (its match keys) when the node is "changed", and a hash
    // table's divisor cannot change at all: a change would silently keep the old match
    throw new NetlinkException("cannot change " + o.describe() + " in place: u32 filters are"
        + " deleted and added again (PlanDiff does so)", null, 0, EOPNOTSUPP, null, null);
  }

  private static byte[] withFlags(byte[] message, int flags) {
    java.nio.ByteBuffer.wrap(message).order(java.nio.ByteOrder.nativeOrder())
        .putShort(6, (short) flags);
    return message;
  }
}
