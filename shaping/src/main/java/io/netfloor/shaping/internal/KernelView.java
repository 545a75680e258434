package io.netfloor.shaping.internal;

import io.netfloor.model.HtbTree;
import io.netfloor.model.NetworkConfig;
import io.netfloor.plan.HtbClass;
import io.netfloor.plan.HtbQdisc;
import io.netfloor.plan.IfbDevice;
import io.netfloor.plan.IngressQdisc;
import io.netfloor.plan.LeafQdisc;
import io.netfloor.plan.LeafQdiscKind;
import io.netfloor.plan.ObjectKey;
import io.netfloor.plan.TcObject;
import io.netfloor.plan.U32HashLink;
import io.netfloor.plan.U32HashTable;
import io.netfloor.plan.U32Key;
import io.netfloor.plan.U32MacFilter;
import io.netfloor.plan.U32MatchAllPolice;
import io.netfloor.plan.U32MatchAllRedirect;
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
 * Reads a kernel dump of a bridge back into {@link TcObject}s, restricted to NetFloor's handle space
 * (the root HTB qdisc {@code 1:}, its classes and leaf qdiscs, and the u32 filters at NetFloor's
 * prio), so that {@code PlanDiff} can compute the repairs from "what the kernel holds" to "what the
 * status describes".
 *
 * <p>A dumped object that matches the expected object of the same identity on everything the kernel
 * reports back (rates, ceilings, parent, quantum, prio, keys…) is replaced by the expected object, so
 * the diff sees no change. Fields the kernel reports only in converted form (bursts in ticks) are not
 * compared.
 */
public final class KernelView {
  private final List<TcObject> found = new ArrayList<>();
  private final List<String> notes = new ArrayList<>();

  private KernelView() {}

  /**
   * What the kernel holds in NetFloor's space on the bridge and on every other device the model uses
   * (interfaces' own devices, ifb devices).
   *
   * @param snapshots a dump of each device that exists
   * @param existingIfbs the expected ifb devices that exist
   */
  public static KernelView read(Map<InterfaceName, KernelSnapshot> snapshots,
      java.util.Set<InterfaceName> existingIfbs, NetworkConfig config, List<TcObject> expected) {
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
      int before = view.found.size();
      view.readQdiscs(snapshot, device, config, want);
      List<TcObject> qdiscs = view.found.subList(before, view.found.size());
      boolean haveRoot = qdiscs.stream().anyMatch(o -> o instanceof HtbQdisc);
      boolean haveIngress = qdiscs.stream().anyMatch(o -> o instanceof IngressQdisc);
      if (haveRoot) {
        view.readClasses(snapshot, device, config, want);
        if (device.equals(config.bridge())) {
          view.readFilters(snapshot, config, want);
        }
      }
      if (haveIngress) {
        view.readIngressFilters(snapshot, device, want);
      }
    }
    return view;
  }

  public List<TcObject> objects() {
    return List.copyOf(found);
  }

  public List<String> notes() {
    return List.copyOf(notes);
  }

  /** True when the bridge has a root qdisc that is not NetFloor's HTB {@code 1:}. */
  public static Optional<QdiscInfo> foreignRoot(KernelSnapshot snapshot) {
    return snapshot.qdiscs().stream()
        .filter(q -> q.parent().equals(ClassHandle.ROOT))
        .filter(q -> q.handle().major() != 0) // 0: is a kernel default (noqueue, pfifo_fast, mq…)
        .filter(q -> !(q.kind().equals("htb") && q.handle().equals(HtbTree.ROOT_QDISC)))
        .findFirst();
  }

  private void readQdiscs(KernelSnapshot s, InterfaceName device, NetworkConfig config,
      Map<ObjectKey, TcObject> want) {
    for (QdiscInfo q : s.qdiscs()) {
      if (!q.device().equals(device)) {
        continue;
      }
      if (q.kind().equals("ingress") && q.handle().equals(IngressQdisc.HANDLE)) {
        found.add(new IngressQdisc(device));
        continue;
      }
      if (q.parent().equals(ClassHandle.ROOT) && q.kind().equals("htb")
          && q.handle().equals(HtbTree.ROOT_QDISC)) {
        HtbQdisc dumped = new HtbQdisc(device, q.handle(), q.parent(),
            q.htbDefaultClassMinor().orElse(0), q.htbRateToQuantum().orElse(config.rateToQuantum()),
            OptionalInt.empty());
        TcObject w = want.get(dumped.key());
        found.add(w instanceof HtbQdisc h && h.defaultClassMinor() == dumped.defaultClassMinor()
            ? w : dumped);
      } else if (!q.parent().isQdisc() && q.parent().major() == HtbTree.ROOT_QDISC.major()
          && q.handle().major() != 0) {
        LeafQdiscKind kind = null;
        try {
          kind = LeafQdiscKind.fromKernelName(q.kind());
        } catch (RuntimeException unknownKind) {
          notes.add("leaf qdisc " + q.handle() + " under " + q.parent() + " is a '" + q.kind()
              + "', which NetFloor does not make; it is replaced");
        }
        // an unknown kind is represented as a pfifo of limit 1: it differs from anything expected,
        // so it is deleted (a delete needs only the handle and parent)
        LeafQdisc dumped = new LeafQdisc(device, q.handle(), q.parent(),
            kind == null ? LeafQdiscKind.PFIFO : kind, kind == null ? 1
                : q.leafLimit().orElse(LeafQdisc.DEFAULT_PFIFO_LIMIT));
        TcObject w = want.get(dumped.key());
        found.add(w instanceof LeafQdisc l && kind != null && l.kind() == kind
            && l.parent().equals(dumped.parent())
            && (kind != LeafQdiscKind.PFIFO || q.leafLimit().isEmpty()
                || q.leafLimit().getAsInt() == l.limitPackets()) ? w : dumped);
      }
    }
  }

  private void readClasses(KernelSnapshot s, InterfaceName device, NetworkConfig config,
      Map<ObjectKey, TcObject> want) {
    for (ClassInfo c : s.classes()) {
      if (!c.device().equals(device) || c.classId().major() != HtbTree.ROOT_QDISC.major()) {
        continue;
      }
      ClassHandle parent = c.parent().equals(ClassHandle.ROOT) ? HtbTree.ROOT_QDISC : c.parent();
      TcObject w = want.get(new ObjectKey(ObjectKey.Kind.CLASS, device, 0, 0,
          c.classId().toBits()));
      // the kernel sets quantum and prio of a leaf class only: an inner class (1:1) keeps what it
      // had when it was created, e.g. libvirt's quantum, and no change can alter it
      boolean inner = c.level() > 0;
      if (w instanceof HtbClass h && h.parent().equals(parent) && h.rate().equals(c.rate())
          && h.ceil().equals(c.ceil()) && (inner || h.quantumBytes() == c.quantumBytes())
          && (inner || h.prio() == c.prio())) {
        found.add(h);
        continue;
      }
      found.add(new HtbClass(device, c.classId(), parent, positive(c.rate()),
          io.netfloor.units.Rate.max(positive(c.ceil()), positive(c.rate())), Optional.empty(),
          Optional.empty(), Math.max(1, Math.min(c.quantumBytes(), 0xFFFF_FFFFL)),
          Math.max(0, Math.min(7, c.prio()))));
    }
  }

  private static io.netfloor.units.Rate positive(io.netfloor.units.Rate r) {
    return r.bytesPerSecond() < 1 ? io.netfloor.units.Rate.ofBitsPerSecond(8) : r;
  }

  private void readFilters(KernelSnapshot s, NetworkConfig config, Map<ObjectKey, TcObject> want) {
    for (FilterInfo f : s.filters()) {
      if (!f.device().equals(config.bridge()) || !f.parent().equals(HtbTree.ROOT_QDISC)) {
        continue;
      }
      if (f.prio() != HtbTree.FILTER_PRIO) {
        notes.add("filter " + f.kind() + " " + f.handle() + " at prio " + f.prio()
            + " is not NetFloor's; left alone");
        continue;
      }
      if (!f.kind().equals("u32")) {
        notes.add("filter " + f.kind() + " at prio " + f.prio() + " is not u32; left alone");
        continue;
      }
      if (f.isHashTable() && f.handle().htid() >= HtbTree.ROOT_TABLE_ID) {
        continue; // the prio's root table: the kernel makes it (ids from 800:) and removes it
      }
      TcObject dumped = toObject(f, config);
      TcObject w = want.get(dumped.key());
      found.add(dumped.equals(w) ? w : dumped);
    }
  }

  /** Match-all police/redirect filters on a device's ingress qdisc. */
  private void readIngressFilters(KernelSnapshot s, InterfaceName device,
      Map<ObjectKey, TcObject> want) {
    for (FilterInfo f : s.filters()) {
      if (!f.device().equals(device) || !f.parent().equals(IngressQdisc.HANDLE)) {
        continue;
      }
      if (f.isHashTable() && f.handle().htid() >= HtbTree.ROOT_TABLE_ID) {
        continue;
      }
      ObjectKey key = new ObjectKey(ObjectKey.Kind.FILTER, device, IngressQdisc.HANDLE.toBits(),
          f.prio(), f.handle().toBits());
      TcObject w = want.get(key);
      boolean police = f.actions().contains("police");
      boolean mirred = f.actions().contains("mirred");
      if ((w instanceof U32MatchAllPolice && police) || (w instanceof U32MatchAllRedirect && mirred)) {
        found.add(w); // parameters of actions are not compared
      } else if (f.kind().equals("u32") && f.prio() > 0) {
        // not what is expected there: represent it so that it is deleted (by handle)
        found.add(new U32MatchAllRedirect(device, f.prio(),
            f.handle().node() == 0 ? io.netfloor.plan.U32Handle.of(f.handle().htid(), 0, 1)
                : f.handle(), device));
      } else {
        notes.add("ingress filter " + f.kind() + " at prio " + f.prio() + " on " + device
            + " is not NetFloor's; left alone");
      }
    }
  }

  private static TcObject toObject(FilterInfo f, NetworkConfig config) {
    if (f.divisor().isPresent()) {
      return new U32HashTable(config.bridge(), f.parent(), f.prio(), f.protocol(), f.handle().htid(),
          f.divisor().getAsInt());
    }
    if (f.linkHtid().isPresent()) {
      return new U32HashLink(config.bridge(), f.parent(), f.prio(), f.protocol(), f.handle(),
          f.linkHtid().getAsInt(), f.hashOffset(), f.hashMask());
    }
    MacDecode d = MacDecode.of(f.keys());
    boolean inBucket = f.handle().htid() != HtbTree.ROOT_TABLE_ID;
    // a node NetFloor cannot read as a MAC match is kept with a placeholder MAC: it differs from
    // everything expected and is deleted (deletes go by handle)
    MacAddress mac = d == null ? MacAddress.parse("02:00:00:00:00:01") : d.mac;
    OptionalInt etherType = d == null ? OptionalInt.empty() : d.etherType;
    ClassHandle flow = f.classId().orElse(ClassHandle.of(1, 0xffff));
    return new U32MacFilter(config.bridge(), f.parent(), f.prio(), f.protocol(),
        f.handle().node() == 0 ? io.netfloor.plan.U32Handle.of(f.handle().htid(), f.handle().bucket(), 1)
            : f.handle(), inBucket, mac, etherType, flow);
  }

  /** Reverses {@link U32Key#forMacFilter}. */
  private static final class MacDecode {
    final MacAddress mac;
    final OptionalInt etherType;

    private MacDecode(MacAddress mac, OptionalInt etherType) {
      this.mac = mac;
      this.etherType = etherType;
    }

    static MacDecode of(List<U32Key> keys) {
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
        return new MacDecode(MacAddress.of(b), ether);
      } catch (RuntimeException notUnicast) {
        return null;
      }
    }
  }
}
