package io.netfloor.spi;

import io.netfloor.plan.EtherType;
import io.netfloor.plan.HtbClass;
import io.netfloor.plan.HtbQdisc;
import io.netfloor.plan.IfbDevice;
import io.netfloor.plan.IngressQdisc;
import io.netfloor.plan.LeafQdisc;
import io.netfloor.plan.LeafQdiscKind;
import io.netfloor.plan.ObjectKey;
import io.netfloor.plan.Plan;
import io.netfloor.plan.TcObject;
import io.netfloor.plan.TcOp;
import io.netfloor.plan.U32HashLink;
import io.netfloor.plan.U32HashTable;
import io.netfloor.plan.U32MacFilter;
import io.netfloor.plan.U32MatchAllPolice;
import io.netfloor.plan.U32MatchAllRedirect;
import io.netfloor.plan.U32Key;
import io.netfloor.units.ClassHandle;
import io.netfloor.units.InterfaceName;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Predicate;

/**
 * A {@link TrafficControl} that keeps the kernel's objects in memory and enforces the kernel rules
 * that matter to plans: no duplicate objects ({@code EEXIST}), parents and devices must exist
 * ({@code ENOENT}/{@code ENODEV}), a class with children or with a filter pointing at it cannot be
 * deleted ({@code EBUSY "HTB class in use"}), a linked hash table cannot be deleted, and deleting a
 * root or ingress qdisc or a device removes everything under it. The documented way to test code
 * that drives a {@code TrafficControl}; not a traffic simulator.
 *
 * <p>Devices must be declared with {@link #addDevice} (ifb devices are created by plans).
 * Thread-safe.
 */
public final class InMemoryTrafficControl implements TrafficControl {
  private final Set<InterfaceName> devices = new HashSet<>();
  private final Map<ObjectKey, TcObject> objects = new TreeMap<>();
  private final KernelCapabilities capabilities;
  private long operations;

  /** A simulated kernel with every capability. */
  public InMemoryTrafficControl() {
    this(new KernelCapabilities(EnumSet.allOf(LeafQdiscKind.class), true, true, true));
  }

  public InMemoryTrafficControl(KernelCapabilities capabilities) {
    this.capabilities = capabilities;
  }

  /** Declares a device (a bridge, a tap) that plans may put objects on. */
  public synchronized InMemoryTrafficControl addDevice(InterfaceName device) {
    devices.add(device);
    return this;
  }

  /** Every object held, in key order. */
  public synchronized List<TcObject> objects() {
    return List.copyOf(objects.values());
  }

  /** Objects on one device. */
  public synchronized List<TcObject> objects(InterfaceName device) {
    return objects.values().stream().filter(o -> o.device().equals(device)).toList();
  }

  /** Operations applied successfully so far. */
  public synchronized long operationCount() {
    return operations;
  }

  @Override
  public synchronized void apply(Plan plan) {
    int applied = 0;
    for (TcOp op : plan.ops()) {
      String error = check(op);
      if (error != null) {
        String errno = error.substring(0, error.indexOf(' '));
        String text = error.substring(error.indexOf(' ') + 1);
        throw new TrafficControlException(op.describe() + " failed: " + errno + " " + text, op,
            applied, errnoNumber(errno), errno, text.isEmpty() ? null : text, null);
      }
      perform(op);
      applied++;
      operations++;
    }
  }

  private String check(TcOp op) {
    TcObject o = op.object();
    boolean exists = objects.containsKey(o.key());
    if (!(o instanceof IfbDevice) && !devices.contains(o.device())) {
      return "ENODEV no such device " + o.device();
    }
    if (op instanceof TcOp.Add) {
      if (o instanceof IfbDevice d) {
        return devices.contains(d.device()) ? "EEXIST device exists" : null;
      }
      if (exists) {
        return o instanceof HtbQdisc || o instanceof IngressQdisc
            ? "EEXIST Exclusivity flag on, cannot modify" : "EEXIST ";
      }
      return parentMissing(o);
    }
    if (!exists && !(o instanceof IfbDevice && devices.contains(o.device()))) {
      return "ENOENT ";
    }
    if (op instanceof TcOp.Delete) {
      if (o instanceof HtbClass c) {
        boolean child = objects.values().stream().anyMatch(x -> x instanceof HtbClass h
            && h.device().equals(c.device()) && h.parent().equals(c.classId()));
        boolean filtered = objects.values().stream().anyMatch(x -> x instanceof U32MacFilter f
            && f.device().equals(c.device()) && f.flowId().equals(c.classId()));
        if (child || filtered) {
          return "EBUSY HTB class in use";
        }
      }
      if (o instanceof U32HashTable t) {
        boolean linked = objects.values().stream().anyMatch(x -> x instanceof U32HashLink l
            && l.device().equals(t.device()) && l.linkHtid() == t.htid());
        boolean nodes = objects.values().stream().anyMatch(x -> x instanceof U32MacFilter f
            && f.device().equals(t.device()) && f.inHashBucket() && f.handle().htid() == t.htid());
        if (linked || nodes) {
          return "EBUSY cls_u32: Can not delete in-use filter";
        }
      }
    }
    return null;
  }

  private String parentMissing(TcObject o) {
    if (o instanceof HtbClass c) {
      ObjectKey parentKey = c.parent().isQdisc()
          ? new ObjectKey(ObjectKey.Kind.QDISC, c.device(), 0, 0, c.parent().toBits())
          : new ObjectKey(ObjectKey.Kind.CLASS, c.device(), 0, 0, c.parent().toBits());
      return objects.containsKey(parentKey) ? null : "ENOENT parent " + c.parent() + " not found";
    }
    if (o instanceof LeafQdisc l) {
      ObjectKey parentKey = new ObjectKey(ObjectKey.Kind.CLASS, l.device(), 0, 0, l.parent().toBits());
      if (!objects.containsKey(parentKey)) {
        return "ENOENT Specified class not found";
      }
      boolean occupied = objects.values().stream().anyMatch(x -> x instanceof LeafQdisc y
          && y.device().equals(l.device()) && y.parent().equals(l.parent()));
      return occupied ? "EEXIST class already has a leaf qdisc" : null;
    }
    if (o instanceof HtbQdisc q && !q.parent().equals(ClassHandle.ROOT)) {
      return "EINVAL only root HTB qdiscs are simulated";
    }
    if (o instanceof HtbQdisc || o instanceof IngressQdisc) {
      boolean rootTaken = objects.values().stream().anyMatch(x -> x.device().equals(o.device())
          && x.getClass() == o.getClass());
      return rootTaken ? "EEXIST Exclusivity flag on, cannot modify" : null;
    }
    ClassHandle qdisc = filterParent(o);
    if (qdisc != null) {
      ObjectKey parentKey = new ObjectKey(ObjectKey.Kind.QDISC, o.device(), 0, 0, qdisc.toBits());
      if (!objects.containsKey(parentKey)) {
        return "EINVAL Parent Qdisc doesn't exists";
      }
      if (o instanceof U32HashLink l && !hasTable(l.device(), l.linkHtid())) {
        return "EINVAL cls_u32: Link hash table not found";
      }
      if (o instanceof U32MacFilter f && f.inHashBucket() && !hasTable(f.device(), f.handle().htid())) {
        return "EINVAL cls_u32: Specified hash table not found";
      }
    }
    return null;
  }

  private boolean hasTable(InterfaceName device, int htid) {
    return objects.values().stream().anyMatch(x -> x instanceof U32HashTable t
        && t.device().equals(device) && t.htid() == htid);
  }

  private static ClassHandle filterParent(TcObject o) {
    if (o instanceof U32HashTable f) {
      return f.parent();
    } else if (o instanceof U32HashLink f) {
      return f.parent();
    } else if (o instanceof U32MacFilter f) {
      return f.parent();
    } else if (o instanceof U32MatchAllPolice f) {
      return f.parent();
    } else if (o instanceof U32MatchAllRedirect f) {
      return f.parent();
    }
    return null;
  }

  private void perform(TcOp op) {
    TcObject o = op.object();
    if (op instanceof TcOp.Delete) {
      if (o instanceof IfbDevice d) {
        devices.remove(d.device());
        removeIf(x -> x.device().equals(d.device()));
      } else if (o instanceof HtbQdisc q && q.parent().equals(ClassHandle.ROOT)) {
        removeIf(x -> x.device().equals(q.device()) && !(x instanceof IngressQdisc)
            && !(x instanceof U32MatchAllPolice) && !(x instanceof U32MatchAllRedirect));
      } else if (o instanceof IngressQdisc q) {
        removeIf(x -> x.device().equals(q.device())
            && (x instanceof IngressQdisc || x instanceof U32MatchAllPolice
                || x instanceof U32MatchAllRedirect));
      } else if (o instanceof HtbClass c) {
        objects.remove(o.key());
        removeIf(x -> x instanceof LeafQdisc l && l.device().equals(c.device())
            && l.parent().equals(c.classId()));
      } else {
        objects.remove(o.key());
      }
      return;
    }
    if (o instanceof IfbDevice d) {
      devices.add(d.device());
    }
    objects.put(o.key(), o);
  }

  private void removeIf(Predicate<TcObject> p) {
    objects.values().removeIf(p);
  }

  private static int errnoNumber(String name) {
    return switch (name) {
      case "ENOENT" -> 2;
      case "EEXIST" -> 17;
      case "ENODEV" -> 19;
      case "EINVAL" -> 22;
      case "EBUSY" -> 16;
      default -> 5;
    };
  }

  @Override
  public synchronized KernelSnapshot dump(InterfaceName device) {
    if (!devices.contains(device)) {
      throw new TrafficControlException("cannot dump " + device + ": no such device", null, 0, 19,
          "ENODEV", null, null);
    }
    List<QdiscInfo> qdiscs = new ArrayList<>();
    List<ClassInfo> classes = new ArrayList<>();
    Map<ClassHandle, ClassHandle> leafOf = new HashMap<>();
    for (TcObject o : objects(device)) {
      if (o instanceof LeafQdisc l) {
        leafOf.put(l.parent(), l.handle());
      }
    }
    for (TcObject o : objects(device)) {
      if (o instanceof HtbQdisc q) {
        qdiscs.add(new QdiscInfo(device, q.handle(), q.parent(), "htb",
            OptionalInt.of(q.defaultClassMinor()), OptionalInt.of(q.rateToQuantum()),
            OptionalInt.empty(), 0, 0, 0));
      } else if (o instanceof LeafQdisc l) {
        qdiscs.add(new QdiscInfo(device, l.handle(), l.parent(), l.kind().kernelName(),
            OptionalInt.empty(), OptionalInt.empty(),
            l.kind() == LeafQdiscKind.PFIFO ? OptionalInt.of(l.limitPackets()) : OptionalInt.empty(),
            0, 0, 0));
      } else if (o instanceof IngressQdisc q) {
        qdiscs.add(new QdiscInfo(device, IngressQdisc.HANDLE, ClassHandle.INGRESS, "ingress",
            OptionalInt.empty(), OptionalInt.empty(), OptionalInt.empty(), 0, 0, 0));
      } else if (o instanceof HtbClass c) {
        boolean inner = objects(device).stream().anyMatch(x -> x instanceof HtbClass h
            && h.parent().equals(c.classId()));
        classes.add(new ClassInfo(device, c.classId(), c.parent(), c.rate(), c.ceil(), 0, 0,
            c.quantumBytes(), c.prio(), inner ? 7 : 0, Optional.ofNullable(leafOf.get(c.classId())),
            ClassStats.ZERO));
      }
    }
    return new KernelSnapshot(device, qdiscs, classes, filters(device));
  }

  private List<FilterInfo> filters(InterfaceName device) {
    List<FilterInfo> out = new ArrayList<>();
    for (TcObject o : objects(device)) {
      if (o instanceof U32HashTable t) {
        out.add(new FilterInfo(device, t.parent(), t.prio(), t.protocol(), "u32", t.handle(),
            Optional.empty(), OptionalInt.empty(), OptionalInt.of(t.divisor()), 0, 0, 0, List.of(),
            List.of()));
      } else if (o instanceof U32HashLink l) {
        out.add(new FilterInfo(device, l.parent(), l.prio(), l.protocol(), "u32", l.handle(),
            Optional.empty(), OptionalInt.of(l.linkHtid()), OptionalInt.empty(), 0, l.hashOffset(),
            l.hashMask(), List.of(new U32Key(0, 0, 0, 0)), List.of()));
      } else if (o instanceof U32MacFilter f) {
        out.add(new FilterInfo(device, f.parent(), f.prio(), f.protocol(), "u32", f.handle(),
            Optional.of(f.flowId()), OptionalInt.empty(), OptionalInt.empty(), 1, 0, 0,
            U32Key.forMacFilter(f), List.of()));
      } else if (o instanceof U32MatchAllPolice f) {
        out.add(new FilterInfo(device, f.parent(), f.prio(), EtherType.ALL, "u32", f.handle(),
            Optional.empty(), OptionalInt.empty(), OptionalInt.empty(), 1, 0, 0,
            List.of(new U32Key(0, 0, 0, 0)), List.of("police")));
      } else if (o instanceof U32MatchAllRedirect f) {
        out.add(new FilterInfo(device, f.parent(), f.prio(), EtherType.ALL, "u32", f.handle(),
            Optional.empty(), OptionalInt.empty(), OptionalInt.empty(), 1, 0, 0,
            List.of(new U32Key(0, 0, 0, 0)), List.of("mirred")));
      }
    }
    return out;
  }

  @Override
  public synchronized Map<ClassHandle, ClassStats> classStats(InterfaceName device) {
    Map<ClassHandle, ClassStats> out = new TreeMap<>((a, b) -> Integer.compareUnsigned(a.toBits(),
        b.toBits()));
    for (ClassInfo c : dump(device).classes()) {
      out.put(c.classId(), c.stats());
    }
    return out;
  }

  @Override
  public synchronized boolean deviceExists(InterfaceName device) {
    return devices.contains(device);
  }

  @Override
  public KernelCapabilities capabilities() {
    return capabilities;
  }

  @Override
  public void close() {}
}
