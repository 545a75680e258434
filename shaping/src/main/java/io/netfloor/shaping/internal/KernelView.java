// SPDX-License-Identifier: Apache-2.0
package io.netfloor.shaping.internal;

import io.netfloor.model.DeviceShaping;
import io.netfloor.model.FilterLayout;
import io.netfloor.model.HtbTree;
import io.netfloor.model.KernelPlacement;
import io.netfloor.model.NetworkConfig;
import io.netfloor.plan.HtbClass;
import io.netfloor.plan.HtbQdisc;
import io.netfloor.plan.IfbDevice;
import io.netfloor.plan.IngressQdisc;
import io.netfloor.plan.LeafQdisc;
import io.netfloor.plan.LeafQdiscKind;
import io.netfloor.plan.MacField;
import io.netfloor.plan.ObjectKey;
import io.netfloor.plan.TcObject;
import io.netfloor.plan.U32HashLink;
import io.netfloor.plan.U32HashTable;
import io.netfloor.plan.U32Key;
import io.netfloor.plan.U32MacFilter;
import io.netfloor.plan.U32MatchAllPolice;
import io.netfloor.plan.U32MatchAllRedirect;
import io.netfloor.plan.U32OwnerMark;
import io.netfloor.plan.UnrecognizedObject;
import io.netfloor.plan.U32Handle;
import io.netfloor.plan.EtherType;
import io.netfloor.units.Rate;
import java.util.Set;
import io.netfloor.spi.ClassInfo;
import io.netfloor.spi.FilterInfo;
import io.netfloor.spi.KernelSnapshot;
import io.netfloor.spi.QdiscInfo;
import io.netfloor.units.ClassHandle;
import io.netfloor.units.InterfaceName;
import io.netfloor.units.MacAddress;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * Reads kernel dumps back into {@link TcObject}s, restricted to what the network owns: the qdiscs its
 * {@link io.netfloor.plan.U32OwnerMark mark} claims (or the bare root it builds under), their
 * classes and leaf qdiscs, and, on the bridge, the u32 filters at the network's prio. Everything
 * else is another tool's: it is never read into the model (so no plan can touch it) and is listed
 * in {@link #foreign()}.
 *
 * <p>A dumped object that matches the expected object of the same identity on everything the kernel
 * reports back is replaced by the expected object, so the diff sees no change. Fields the kernel
 * reports only in converted form (bursts in ticks) are not compared; rates are compared in whole
 * bytes per second (the kernel's unit), and quantum and prio only on leaf classes (HTB ignores them
 * on a class with children).
 */
public final class KernelView {
  /** A qdisc that holds objects: a device's root {@code 1:} or its ingress {@code ffff:}. */
  public record Container(InterfaceName device, ClassHandle qdisc) {
    public static Container root(InterfaceName device) {
      return new Container(device, HtbTree.ROOT_QDISC);
    }

    public static Container ingress(InterfaceName device) {
      return new Container(device, IngressQdisc.HANDLE);
    }
  }

  private final List<TcObject> found = new ArrayList<>();
  private final List<String> notes = new ArrayList<>();
  private final List<String> foreign = new ArrayList<>();

  private KernelView() {}

  /**
   * What the network holds on the bridge and on every other device it uses (interfaces' own
   * devices, ifb devices).
   *
   * @param snapshots a dump of each device that exists
   * @param existingIfbs the expected ifb devices that exist
   * @param placement where the network's tree sits on the bridge
   * @param ours the qdiscs that are the network's (marked by it, or the bare root it builds under)
   */
  public static KernelView read(Map<InterfaceName, KernelSnapshot> snapshots,
      Set<InterfaceName> existingIfbs, NetworkConfig config, KernelPlacement placement,
      List<TcObject> expected, Set<Container> ours) {
    KernelView view = new KernelView();
    Map<ObjectKey, TcObject> want = new HashMap<>();
    for (TcObject o : expected) {
      want.put(o.key(), o);
      if (o instanceof IfbDevice d && existingIfbs.contains(d.device())) {
        view.found.add(o);
      }
    }
    for (KernelSnapshot snapshot : snapshots.values()) {
      InterfaceName device = snapshot.device();
      boolean bridge = device.equals(config.bridge());
      boolean rootOurs = ours.contains(Container.root(device));
      boolean ingressOurs = ours.contains(Container.ingress(device));
      view.readQdiscs(snapshot, device, config, want, rootOurs,
          rootOurs && (!bridge || placement.ownsRootQdisc()), ingressOurs);
      if (rootOurs) {
        view.readClasses(snapshot, device, want);
      }
      view.readFilters(snapshot, device, config, placement, want, rootOurs, ingressOurs);
    }
    return view;
  }

  public List<TcObject> objects() {
    return List.copyOf(found);
  }

  public List<String> notes() {
    return List.copyOf(notes);
  }

  /** Other tools' objects found next to the network's, described as the kernel holds them. */
  public List<String> foreign() {
    return List.copyOf(foreign);
  }

  private void readQdiscs(KernelSnapshot s, InterfaceName device, NetworkConfig config,
      Map<ObjectKey, TcObject> want, boolean rootOurs, boolean readRoot, boolean ingressOurs) {
    for (QdiscInfo q : s.qdiscs()) {
      if (!q.device().equals(device)) {
        continue;
      }
      if (q.handle().equals(IngressQdisc.HANDLE)) {
        if (ingressOurs && q.kind().equals("ingress")) {
          found.add(new IngressQdisc(device));
        } else {
          foreign.add("qdisc " + q.kind() + " " + q.handle() + " on " + device);
        }
      } else if (q.parent().equals(ClassHandle.ROOT)) {
        if (q.handle().major() == 0) {
          continue; // the kernel's default root (noqueue, pfifo_fast, mq): nobody's
        }
        if (!rootOurs) {
          foreign.add("root qdisc " + q.kind() + " " + q.handle() + " on " + device);
        } else if (readRoot) {
          HtbQdisc dumped = new HtbQdisc(device, q.handle(), q.parent(),
              q.htbDefaultClassMinor().orElse(0),
              q.htbRateToQuantum().orElse(config.rateToQuantum()), OptionalInt.empty());
          TcObject w = want.get(dumped.key());
          found.add(w instanceof HtbQdisc h && h.defaultClassMinor() == dumped.defaultClassMinor()
              ? w : dumped);
        }
      } else if (rootOurs && !q.parent().isQdisc()
          && q.parent().major() == HtbTree.ROOT_QDISC.major() && q.handle().major() != 0) {
        readLeaf(q, device, want);
      }
    }
  }

  private void readLeaf(QdiscInfo q, InterfaceName device, Map<ObjectKey, TcObject> want) {
    LeafQdiscKind kind;
    try {
      kind = LeafQdiscKind.fromKernelName(q.kind());
    } catch (RuntimeException unknownKind) {
      found.add(new UnrecognizedObject(new ObjectKey(ObjectKey.Kind.QDISC, device, 0, 0,
          q.handle().toBits()), q.parent(), "qdisc " + q.kind() + " " + q.handle() + " parent "
          + q.parent() + " on " + device));
      return;
    }
    LeafQdisc dumped = new LeafQdisc(device, q.handle(), q.parent(), kind,
        q.leafLimit().orElse(LeafQdisc.DEFAULT_PFIFO_LIMIT));
    TcObject w = want.get(dumped.key());
    found.add(w instanceof LeafQdisc l && l.kind() == kind
        && l.parent().equals(dumped.parent())
        && (kind != LeafQdiscKind.PFIFO || q.leafLimit().isEmpty()
            || q.leafLimit().getAsInt() == l.limitPackets()) ? w : dumped);
  }

  private void readClasses(KernelSnapshot s, InterfaceName device, Map<ObjectKey, TcObject> want) {
    for (ClassInfo c : s.classes()) {
      if (!c.device().equals(device) || c.classId().major() != HtbTree.ROOT_QDISC.major()) {
        continue;
      }
      ClassHandle parent = c.parent().equals(ClassHandle.ROOT) ? HtbTree.ROOT_QDISC : c.parent();
      TcObject w = want.get(new ObjectKey(ObjectKey.Kind.CLASS, device, 0, 0,
          c.classId().toBits()));
      // HTB keeps quantum and prio of a class with children as they were when it was a leaf
      boolean inner = c.level() > 0;
      if (w instanceof HtbClass h && h.parent().equals(parent)
          && sameBytes(h.rate(), c.rate()) && sameBytes(h.ceil(), c.ceil())
          && (inner || (h.quantumBytes() == c.quantumBytes() && h.prio() == c.prio()))) {
        found.add(h);
        continue;
      }
      found.add(new HtbClass(device, c.classId(), parent, positive(c.rate()),
          Rate.max(positive(c.ceil()), positive(c.rate())), Optional.empty(), Optional.empty(),
          Math.max(1, Math.min(c.quantumBytes(), 0xFFFF_FFFFL)), Math.max(0, Math.min(7,
              c.prio()))));
    }
  }

  /** The kernel keeps rates in bytes per second: a rate in bits is compared at that grain. */
  private static boolean sameBytes(Rate a, Rate b) {
    return a.bytesPerSecond() == b.bytesPerSecond();
  }

  private static Rate positive(Rate r) {
    return r.bytesPerSecond() < 1 ? Rate.ofBitsPerSecond(8) : r;
  }

  private void readFilters(KernelSnapshot s, InterfaceName device, NetworkConfig config,
      KernelPlacement placement, Map<ObjectKey, TcObject> want, boolean rootOurs,
      boolean ingressOurs) {
    boolean bridge = device.equals(config.bridge());
    for (FilterInfo f : s.filters()) {
      if (!f.device().equals(device) || QdiscClaim.isRootTable(f)) {
        continue;
      }
      boolean onRoot = f.parent().equals(HtbTree.ROOT_QDISC);
      boolean onIngress = f.parent().equals(IngressQdisc.HANDLE);
      if ((onRoot && !rootOurs) || (onIngress && !ingressOurs)) {
        continue; // under a qdisc that is not the network's: the qdisc's own entry covers it
      }
      if (!onRoot && !onIngress) {
        foreign.add(describe(f));
        continue;
      }
      int prio = onRoot && bridge ? placement.filterPrio()
          : onRoot ? DeviceShaping.MARK_PRIO : DeviceShaping.INGRESS_FILTER_PRIO;
      if (f.chain() != 0 || f.prio() != prio || !f.kind().equals("u32")) {
        foreign.add(describe(f));
      } else if (isMarkTableWithItsNode(f, s)) {
        continue; // read with the node: one mark
      } else if (isMarkTable(f)) {
        found.add(unrecognized(f)); // the table of an interrupted mark add: deleted, then made whole
      } else if (markOf(f, device) != null) {
        TcObject mark = markOf(f, device);
        TcObject w = want.get(mark.key());
        found.add(mark.equals(w) ? w : mark);
      } else if (onIngress) {
        readIngressFilter(f, device, want);
      } else {
        boolean outboundTree = config.outboundFloorDevice().map(device::equals).orElse(false);
        TcObject ours = bridge ? bridgeFilter(f, config, placement.rootTableId(), MacField.DESTINATION)
            : outboundTree ? bridgeFilter(f, config, HtbTree.ROOT_TABLE_ID, MacField.SOURCE) : null;
        if (ours == null) {
          foreign.add(describe(f));
        } else {
          TcObject w = want.get(ours.key());
          found.add(ours.equals(w) ? w : ours);
        }
      }
    }
  }

  private static boolean isMarkTable(FilterInfo f) {
    return f.isHashTable() && f.handle().equals(U32Handle.table(U32OwnerMark.TABLE_ID));
  }

  private static boolean isMarkTableWithItsNode(FilterInfo f, KernelSnapshot s) {
    return isMarkTable(f) && s.filters().stream().anyMatch(n -> n.parent().equals(f.parent())
        && n.prio() == f.prio() && n.handle().equals(U32OwnerMark.HANDLE));
  }

  /** The mark, when {@code f} is its node; else null. */
  private static U32OwnerMark markOf(FilterInfo f, InterfaceName device) {
    if (f.handle().equals(U32OwnerMark.HANDLE)) {
      Optional<U32OwnerMark.Decoded> d = U32OwnerMark.decode(f.keys());
      if (d.isPresent()) {
        return new U32OwnerMark(device, f.parent(), f.prio(), f.protocol(), d.get().ownsQdisc(),
            d.get().network());
      }
    }
    return null;
  }

  /**
   * A filter at the network's prio on the bridge, as a model object (an
   * {@link UnrecognizedObject} for a node in NetFloor's hash table that does not read as one of its
   * MAC nodes: NetFloor's to delete); null when it is not one the network makes (another tool's node in a u32 instance the network shares, such as libvirt's DHCP
   * checksum filter at {@code 800::800}).
   */
  private static TcObject bridgeFilter(FilterInfo f, NetworkConfig config, int rootTableId,
      MacField field) {
    boolean hashed = config.filterLayout() == FilterLayout.HASHED;
    if (f.isHashTable()) {
      return hashed && f.handle().htid() == HtbTree.HASH_TABLE_ID ? toObject(f, config) : null;
    }
    boolean inRootTable = f.handle().htid() == rootTableId;
    if (f.linkHtid().isPresent()) {
      return hashed && inRootTable && f.handle().node() == HtbTree.HASH_LINK_HANDLE.node()
          ? toObject(f, config) : null;
    }
    if (f.handle().htid() == HtbTree.HASH_TABLE_ID && hashed) {
      // anything in NetFloor's hash table is NetFloor's, readable or not (junk there is deleted)
      MacDecode d = MacDecode.of(f.keys(), field);
      return d == null || f.classId().isEmpty() || f.handle().node() == 0 ? unrecognized(f)
          : macFilter(f, d);
    }
    if (hashed) {
      return null;
    }
    // the linear layout shares its table with whatever else sits at the prio: only MAC nodes are
    // NetFloor's, and never node 800 (libvirt's DHCP checksum filter is the first node there)
    MacDecode d = inRootTable && f.handle().node() != 0x800 && f.classId().isPresent()
        ? MacDecode.of(f.keys(), field) : null;
    return d == null ? null : macFilter(f, d);
  }

  /** Match-all police/redirect filters on a device's ingress qdisc. */
  private void readIngressFilter(FilterInfo f, InterfaceName device,
      Map<ObjectKey, TcObject> want) {
    ObjectKey key = new ObjectKey(ObjectKey.Kind.FILTER, device, IngressQdisc.HANDLE.toBits(),
        f.prio(), f.handle().toBits());
    TcObject w = want.get(key);
    boolean police = f.actions().contains("police");
    boolean mirred = f.actions().contains("mirred");
    if ((w instanceof U32MatchAllPolice && police) || (w instanceof U32MatchAllRedirect && mirred)) {
      found.add(w); // parameters of actions are not compared
    } else if (f.prio() > 0 && f.handle().node() != 0) {
      found.add(unrecognized(f)); // not what is expected there: deleted (by handle)
    } else {
      foreign.add(describe(f));
    }
  }

  private static UnrecognizedObject unrecognized(FilterInfo f) {
    return new UnrecognizedObject(new ObjectKey(ObjectKey.Kind.FILTER, f.device(),
        f.parent().toBits(), f.prio(), f.handle().toBits()), f.parent(), describe(f));
  }

  /** A filter as the kernel holds it, tc-style. */
  public static String describe(FilterInfo f) {
    StringBuilder sb = new StringBuilder("filter ").append(f.kind());
    if (f.chain() != 0) {
      sb.append(" chain ").append(f.chain());
    }
    sb.append(" parent ").append(f.parent()).append(" prio ").append(f.prio())
        .append(" protocol ").append(EtherType.name(f.protocol()));
    if (f.kind().equals("u32")) {
      sb.append(" handle ").append(f.handle());
      f.divisor().ifPresent(d -> sb.append(" divisor ").append(d));
      f.linkHtid().ifPresent(l -> sb.append(" link ").append(Integer.toHexString(l)).append(':'));
      for (U32Key k : f.keys()) {
        sb.append(' ').append(k);
      }
      f.classId().ifPresent(c -> sb.append(" flowid ").append(c));
      for (String a : f.actions()) {
        sb.append(" action ").append(a);
      }
    }
    return sb.append(" on ").append(f.device()).toString();
  }

  private static TcObject toObject(FilterInfo f, NetworkConfig config) {
    if (f.divisor().isPresent()) {
      return new U32HashTable(f.device(), f.parent(), f.prio(), f.protocol(), f.handle().htid(),
          f.divisor().getAsInt());
    }
    if (f.linkHtid().isPresent()) {
      return new U32HashLink(f.device(), f.parent(), f.prio(), f.protocol(), f.handle(),
          f.linkHtid().getAsInt(), f.hashOffset(), f.hashMask());
    }
    throw new IllegalArgumentException("not a table or link: " + describe(f));
  }

  /** A node that read as a MAC match ({@code d}) with a class. */
  private static U32MacFilter macFilter(FilterInfo f, MacDecode d) {
    boolean inBucket = f.handle().htid() == HtbTree.HASH_TABLE_ID;
    return new U32MacFilter(f.device(), f.parent(), f.prio(), f.protocol(), f.handle(),
        inBucket, d.mac, d.etherType, f.classId().orElseThrow(), d.field);
  }

  /** Reverses {@link U32Key#forMacFilter}. */
  private static final class MacDecode {
    final MacAddress mac;
    final OptionalInt etherType;
    final MacField field;

    private MacDecode(MacAddress mac, OptionalInt etherType, MacField field) {
      this.mac = mac;
      this.etherType = etherType;
      this.field = field;
    }

    static MacDecode of(List<U32Key> keys, MacField field) {
      return field == MacField.SOURCE ? source(keys) : destination(keys);
    }

    /** Reverses the source form: the word at −4 (MAC bytes 4–5, maybe the EtherType), bytes 0–3. */
    private static MacDecode source(List<U32Key> keys) {
      Integer word = null;
      Integer first = null;
      OptionalInt ether = OptionalInt.empty();
      for (U32Key k : keys) {
        if (k.offset() == -8 && k.mask() == 0xffffffff && first == null) {
          first = k.value();
        } else if (k.offset() == -4 && k.mask() == 0xffff0000 && word == null) {
          word = k.value();
        } else if (k.offset() == -4 && k.mask() == 0xffffffff && word == null) {
          word = k.value();
          ether = OptionalInt.of(k.value() & 0xffff);
        } else {
          return null;
        }
      }
      if (word == null || first == null) {
        return null;
      }
      byte[] b = {(byte) (first >>> 24), (byte) (first >>> 16), (byte) (first >>> 8),
          (byte) (int) first, (byte) (word >>> 24), (byte) (word >>> 16)};
      try {
        return new MacDecode(MacAddress.of(b), ether, MacField.SOURCE);
      } catch (RuntimeException notUnicast) {
        return null;
      }
    }

    private static MacDecode destination(List<U32Key> keys) {
      Integer low = null;
      Integer high = null;
      OptionalInt ether = OptionalInt.empty();
      for (U32Key k : keys) {
        if (k.offset() == -12 && k.mask() == 0xffffffff) {
          low = k.value();
        } else if (k.offset() == -16 && k.mask() == 0x0000ffff) {
          high = k.value() & 0xffff;
        } else if (k.offset() == -4 && k.mask() == 0x0000ffff) {
          ether = OptionalInt.of(k.value() & 0xffff);
        } else {
          return null;
        }
      }
      if (low == null || high == null) {
        return null;
      }
      byte[] b = {(byte) (high >>> 8), (byte) (int) high, (byte) (low >>> 24), (byte) (low >>> 16),
          (byte) (low >>> 8), (byte) (int) low};
      try {
        return new MacDecode(MacAddress.of(b), ether, MacField.DESTINATION);
      } catch (RuntimeException notUnicast) {
        return null;
      }
    }
  }
}
