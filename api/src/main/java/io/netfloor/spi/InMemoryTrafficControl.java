// SPDX-License-Identifier: Apache-2.0
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
import io.netfloor.plan.U32OwnerMark;
import io.netfloor.plan.U32Instance;
import io.netfloor.plan.U32Handle;
import io.netfloor.plan.U32Key;
import io.netfloor.units.ClassHandle;
import io.netfloor.units.InterfaceName;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
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
 * root or ingress qdisc or a device removes everything under it. Like the kernel, it keeps a class's
 * quantum and prio when a change reaches a class that has children (HTB sets them on leaves only),
 * reports rates in whole bytes per second, and gives each u32 instance (filters of one qdisc and
 * prio) a root table of its own: {@code 800:} for the first on a qdisc, then {@code 801:},
 * {@code 802:}… (a node addressed to another instance's root table is refused, as the kernel
 * does). The documented way to test code that drives a {@code TrafficControl}; not a traffic
 * simulator.
 *
 * <p>Devices must be declared with {@link #addDevice} (ifb devices are created by plans, with
 * kind {@code ifb}). Thread-safe.
 */
public final class InMemoryTrafficControl implements TrafficControl {
  /** Declared devices and their kinds ("" for a device without one). */
  private final Map<InterfaceName, String> devices = new HashMap<>();
  private final Map<ObjectKey, TcObject> objects = new TreeMap<>();
  private final KernelCapabilities capabilities;
  /** Root table id of each u32 instance, by (device, parent qdisc, prio). */
  private final Map<List<Object>, Integer> rootTables = new HashMap<>();
  /** The next automatic table id per qdisc (the kernel allocates them cyclically). */
  private final Map<List<Object>, Integer> nextTableIds = new HashMap<>();
  private long operations;

  /** A simulated kernel with every capability. */
  public InMemoryTrafficControl() {
    this(new KernelCapabilities(EnumSet.allOf(LeafQdiscKind.class), true, true, true));
  }

  /**
   * A simulated kernel with the given capabilities; it does not refuse objects the capabilities
   * lack (the engine is expected to check them first).
   *
   * @param capabilities what {@link #capabilities()} reports
   */
  public InMemoryTrafficControl(KernelCapabilities capabilities) {
    this.capabilities = capabilities;
  }

  /**
   * Declares a device that plans may put objects on, of kind {@value TrafficControl#BRIDGE_KIND}:
   * what a network's bridge must be. Plans only need a device to exist, so the taps of a test may be
   * declared this way too; {@link #addDevice(InterfaceName, String)} declares another kind.
   *
   * @param device the device's name
   * @return this simulator, for chaining
   */
  public synchronized InMemoryTrafficControl addDevice(InterfaceName device) {
    return addDevice(device, BRIDGE_KIND);
  }

  /**
   * Declares a device of {@code kind} ({@code veth}, {@code tun}…; {@code ""} for a device without
   * a kind, as a physical NIC), as {@link #deviceKind} will report it.
   *
   * @param device the device's name
   * @param kind the device's kind, {@code ""} for none
   * @return this simulator, for chaining
   */
  public synchronized InMemoryTrafficControl addDevice(InterfaceName device, String kind) {
    devices.put(Objects.requireNonNull(device, "device"), Objects.requireNonNull(kind, "kind"));
    return this;
  }

  /**
   * Every object held, in key order.
   *
   * @return an immutable copy of the objects on every device
   */
  public synchronized List<TcObject> objects() {
    return List.copyOf(objects.values());
  }

  /**
   * Objects on one device.
   *
   * @param device the device
   * @return an immutable list of the objects on {@code device}, in key order
   */
  public synchronized List<TcObject> objects(InterfaceName device) {
    return objects.values().stream().filter(o -> o.device().equals(device)).toList();
  }

  /**
   * Operations applied successfully so far.
   *
   * @return the number of operations applied without error since creation
   */
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
    if (!(o instanceof IfbDevice) && !devices.containsKey(o.device())) {
      return "ENODEV no such device " + o.device();
    }
    if ((o instanceof io.netfloor.plan.UnrecognizedObject || o instanceof U32Instance)
        && !(op instanceof TcOp.Delete)) {
      return "EOPNOTSUPP only ever deleted";
    }
    if (o instanceof U32Instance i) {
      return objects.values().stream().anyMatch(x -> x.device().equals(i.device())
          && i.parent().equals(filterParent(x)) && filterPrio(x) == i.prio()) ? null
          : "ENOENT Cannot find specified filter chain";
    }
    if (op instanceof TcOp.Add) {
      if (o instanceof IfbDevice d) {
        return devices.containsKey(d.device()) ? "EEXIST device exists" : null;
      }
      if (exists) {
        return o instanceof HtbQdisc || o instanceof IngressQdisc
            ? "EEXIST Exclusivity flag on, cannot modify" : "EEXIST ";
      }
      return parentMissing(o);
    }
    if (!exists && !(o instanceof IfbDevice && devices.containsKey(o.device()))) {
      return "ENOENT ";
    }
    if (op instanceof TcOp.Delete) {
      return inUse(o);
    }
    return null;
  }

  /** Why the kernel refuses to delete {@code o} while other objects use it, or null. */
  private String inUse(TcObject o) {
    return switch (o.objectKind()) {
      case HTB_CLASS -> {
        HtbClass c = (HtbClass) o;
        boolean child = objects.values().stream().anyMatch(x -> x instanceof HtbClass h
            && h.device().equals(c.device()) && h.parent().equals(c.classId()));
        boolean filtered = objects.values().stream().anyMatch(x -> x instanceof U32MacFilter f
            && f.device().equals(c.device()) && f.flowId().equals(c.classId()));
        yield child || filtered ? "EBUSY HTB class in use" : null;
      }
      case U32_HASH_TABLE -> {
        U32HashTable t = (U32HashTable) o;
        boolean linked = objects.values().stream().anyMatch(x -> x instanceof U32HashLink l
            && l.device().equals(t.device()) && l.linkHtid() == t.htid());
        boolean nodes = objects.values().stream().anyMatch(x -> x instanceof U32MacFilter f
            && f.device().equals(t.device()) && f.inHashBucket() && f.handle().htid() == t.htid());
        yield linked || nodes ? "EBUSY cls_u32: Can not delete in-use filter" : null;
      }
      case HTB_QDISC, LEAF_QDISC, INGRESS_QDISC, U32_HASH_LINK, U32_MAC_FILTER,
          U32_MATCH_ALL_POLICE, U32_MATCH_ALL_REDIRECT, U32_OWNER_MARK, U32_INSTANCE,
          UNRECOGNIZED, IFB_DEVICE -> null;
    };
  }

  private String parentMissing(TcObject o) {
    return switch (o.objectKind()) {
      case HTB_CLASS -> classParentMissing((HtbClass) o);
      case LEAF_QDISC -> leafParentMissing((LeafQdisc) o);
      case HTB_QDISC, INGRESS_QDISC -> rootTaken(o);
      case U32_HASH_TABLE, U32_HASH_LINK, U32_MAC_FILTER, U32_MATCH_ALL_POLICE,
          U32_MATCH_ALL_REDIRECT, U32_OWNER_MARK -> filterParentMissing(o);
      // never added (refused before), or no parent to look for
      case U32_INSTANCE, UNRECOGNIZED, IFB_DEVICE -> null;
    };
  }

  private String classParentMissing(HtbClass c) {
    ObjectKey parentKey = c.parent().isQdisc()
        ? new ObjectKey(ObjectKey.Kind.QDISC, c.device(), 0, 0, c.parent().toBits())
        : new ObjectKey(ObjectKey.Kind.CLASS, c.device(), 0, 0, c.parent().toBits());
    return objects.containsKey(parentKey) ? null : "ENOENT parent " + c.parent() + " not found";
  }

  private String leafParentMissing(LeafQdisc l) {
    ObjectKey parentKey = new ObjectKey(ObjectKey.Kind.CLASS, l.device(), 0, 0, l.parent().toBits());
    if (!objects.containsKey(parentKey)) {
      return "ENOENT Specified class not found";
    }
    boolean occupied = objects.values().stream().anyMatch(x -> x instanceof LeafQdisc y
        && y.device().equals(l.device()) && y.parent().equals(l.parent()));
    return occupied ? "EEXIST class already has a leaf qdisc" : null;
  }

  private String rootTaken(TcObject o) {
    if (o instanceof HtbQdisc q && !q.parent().equals(ClassHandle.ROOT)) {
      return "EINVAL only root HTB qdiscs are simulated";
    }
    boolean rootTaken = objects.values().stream().anyMatch(x -> x.device().equals(o.device())
        && x.getClass() == o.getClass());
    return rootTaken ? "EEXIST Exclusivity flag on, cannot modify" : null;
  }

  private String filterParentMissing(TcObject o) {
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
      U32Handle inRoot = rootTableNode(o);
      if (inRoot != null) {
        Integer root = rootTables.get(tpKey(o.device(), qdisc, filterPrio(o)));
        int expected = root != null ? root : firstFreeTableId(o.device(), qdisc);
        if (inRoot.htid() != expected) {
          return "EINVAL cls_u32: Handle specified hash table address mismatch";
        }
      }
    }
    return null;
  }

  /** The handle of a node that lives in its prio's root table, else null. */
  private static U32Handle rootTableNode(TcObject o) {
    return switch (o.objectKind()) {
      case U32_HASH_LINK -> ((U32HashLink) o).handle();
      case U32_MAC_FILTER -> ((U32MacFilter) o).inHashBucket() ? null : ((U32MacFilter) o).handle();
      case U32_MATCH_ALL_POLICE -> ((U32MatchAllPolice) o).handle();
      case U32_MATCH_ALL_REDIRECT -> ((U32MatchAllRedirect) o).handle();
      case HTB_QDISC, LEAF_QDISC, INGRESS_QDISC, HTB_CLASS, U32_HASH_TABLE, U32_OWNER_MARK,
          U32_INSTANCE, UNRECOGNIZED, IFB_DEVICE -> null;
    };
  }

  private static int filterPrio(TcObject o) {
    return o.key().prio();
  }

  private static List<Object> tpKey(InterfaceName device, ClassHandle qdisc, int prio) {
    return List.of(device, qdisc, prio);
  }

  private static List<Object> commonKey(InterfaceName device, ClassHandle qdisc) {
    return List.of(device, qdisc);
  }

  /** The root table id a new u32 instance on {@code qdisc} would get. */
  private int firstFreeTableId(InterfaceName device, ClassHandle qdisc) {
    boolean common = rootTables.keySet().stream()
        .anyMatch(k -> k.get(0).equals(device) && k.get(1).equals(qdisc));
    return common ? 0x800 | nextTableIds.getOrDefault(commonKey(device, qdisc), 1) : 0x800;
  }

  private boolean hasTable(InterfaceName device, int htid) {
    return objects.values().stream().anyMatch(x -> x instanceof U32HashTable t
        && t.device().equals(device) && t.htid() == htid);
  }

  private static ClassHandle filterParent(TcObject o) {
    return switch (o.objectKind()) {
      case U32_HASH_TABLE -> ((U32HashTable) o).parent();
      case U32_HASH_LINK -> ((U32HashLink) o).parent();
      case U32_MAC_FILTER -> ((U32MacFilter) o).parent();
      case U32_MATCH_ALL_POLICE -> ((U32MatchAllPolice) o).parent();
      case U32_MATCH_ALL_REDIRECT -> ((U32MatchAllRedirect) o).parent();
      case U32_OWNER_MARK -> ((U32OwnerMark) o).parent();
      case HTB_QDISC, LEAF_QDISC, INGRESS_QDISC, HTB_CLASS, U32_INSTANCE, UNRECOGNIZED,
          IFB_DEVICE -> null;
    };
  }

  private void perform(TcOp op) {
    TcObject o = op.object();
    if (op instanceof TcOp.Delete) {
      // true: the object goes alone (a node, a table, a leaf, a mark…); else what goes with it
      // has been removed here
      TcObject target = o;
      boolean alone = switch (target.objectKind()) {
        case U32_INSTANCE -> {
          U32Instance i = (U32Instance) o;
          removeIf(x -> x.device().equals(i.device()) && i.parent().equals(filterParent(x))
              && filterPrio(x) == i.prio());
          rootTables.remove(tpKey(i.device(), i.parent(), i.prio()));
          yield false;
        }
        case IFB_DEVICE -> {
          devices.remove(o.device());
          removeIf(x -> x.device().equals(target.device()));
          yield false;
        }
        case HTB_QDISC -> {
          if (!((HtbQdisc) o).parent().equals(ClassHandle.ROOT)) {
            yield true;
          }
          removeIf(x -> x.device().equals(target.device()) && !underIngress(x)
              && !(x instanceof IfbDevice)); // the device itself stays
          yield false;
        }
        case INGRESS_QDISC -> {
          removeIf(x -> x.device().equals(target.device()) && underIngress(x));
          yield false;
        }
        case HTB_CLASS -> {
          HtbClass c = (HtbClass) o;
          objects.remove(o.key());
          removeIf(x -> x instanceof LeafQdisc l && l.device().equals(c.device())
              && l.parent().equals(c.classId()));
          yield false;
        }
        case LEAF_QDISC, U32_HASH_TABLE, U32_HASH_LINK, U32_MAC_FILTER, U32_MATCH_ALL_POLICE,
            U32_MATCH_ALL_REDIRECT, U32_OWNER_MARK, UNRECOGNIZED -> true;
      };
      if (alone) {
        objects.remove(o.key());
        dropInstanceIfLast(o);
      }
      forgetEmptyInstances();
      return;
    }
    if (o instanceof IfbDevice d) {
      devices.put(d.device(), "ifb");
    }
    ClassHandle qdisc = filterParent(o);
    if (qdisc != null) {
      List<Object> tp = tpKey(o.device(), qdisc, filterPrio(o));
      if (!rootTables.containsKey(tp)) {
        int id = firstFreeTableId(o.device(), qdisc);
        rootTables.put(tp, id);
        if (id != 0x800) {
          nextTableIds.put(commonKey(o.device(), qdisc), ((id & 0x7ff) % 0x7fe) + 1);
        }
      }
    }
    if (op instanceof TcOp.Change && o instanceof HtbClass c && objects.get(o.key()) instanceof
        HtbClass was && hasChildren(c)) {
      // HTB takes quantum and prio only for leaf classes: an inner class keeps what it had
      o = new HtbClass(c.device(), c.classId(), c.parent(), c.rate(), c.ceil(), c.burst(),
          c.cburst(), was.quantumBytes(), was.prio());
    }
    objects.put(o.key(), o);
  }

  /**
   * cls_u32 destroys an instance, tables included, when its last node goes and it is the only u32
   * instance on its qdisc.
   */
  private void dropInstanceIfLast(TcObject deleted) {
    ClassHandle qdisc = filterParent(deleted);
    if (qdisc == null || deleted instanceof U32HashTable) {
      return;
    }
    InterfaceName device = deleted.device();
    boolean nodesLeft = objects.values().stream().anyMatch(x -> x.device().equals(device)
        && qdisc.equals(filterParent(x)) && !(x instanceof U32HashTable));
    boolean otherInstance = objects.values().stream().anyMatch(x -> x.device().equals(device)
        && qdisc.equals(filterParent(x)) && filterPrio(x) != filterPrio(deleted));
    if (!nodesLeft && !otherInstance) {
      removeIf(x -> x.device().equals(device) && qdisc.equals(filterParent(x)));
    }
  }

  private boolean hasChildren(HtbClass c) {
    return objects.values().stream().anyMatch(x -> x instanceof HtbClass h
        && h.device().equals(c.device()) && h.parent().equals(c.classId()));
  }

  private static boolean underIngress(TcObject x) {
    return x instanceof IngressQdisc || IngressQdisc.HANDLE.equals(filterParent(x));
  }

  /**
   * Drops the root tables of u32 instances left without filters, as the kernel does when the last
   * filter of the last instance on a qdisc goes (an empty instance stays while another one shares
   * its qdisc).
   */
  private void forgetEmptyInstances() {
    Set<List<Object>> live = new HashSet<>();
    for (TcObject x : objects.values()) {
      ClassHandle qdisc = filterParent(x);
      if (qdisc != null) {
        live.add(tpKey(x.device(), qdisc, filterPrio(x)));
      }
    }
    Map<List<Object>, Long> perQdisc = new HashMap<>();
    for (List<Object> tp : rootTables.keySet()) {
      perQdisc.merge(commonKey((InterfaceName) tp.get(0), (ClassHandle) tp.get(1)), 1L, Long::sum);
    }
    rootTables.keySet().removeIf(tp -> {
      List<Object> common = commonKey((InterfaceName) tp.get(0), (ClassHandle) tp.get(1));
      boolean qdiscGone = !objects.containsKey(new ObjectKey(ObjectKey.Kind.QDISC,
          (InterfaceName) tp.get(0), 0, 0, ((ClassHandle) tp.get(1)).toBits()));
      boolean anyFilterOnQdisc = live.stream().anyMatch(l -> commonKey((InterfaceName) l.get(0),
          (ClassHandle) l.get(1)).equals(common));
      return qdiscGone || (!live.contains(tp) && !anyFilterOnQdisc);
    });
    nextTableIds.keySet().removeIf(common -> rootTables.keySet().stream()
        .noneMatch(tp -> commonKey((InterfaceName) tp.get(0), (ClassHandle) tp.get(1))
            .equals(common)));
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
      case "EOPNOTSUPP" -> 95;
      default -> 5;
    };
  }

  @Override
  public synchronized KernelSnapshot dump(InterfaceName device) {
    if (!devices.containsKey(device)) {
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
      QdiscInfo qdisc = qdiscInfo(device, o);
      if (qdisc != null) {
        qdiscs.add(qdisc);
      }
      if (o instanceof HtbClass c) {
        boolean inner = objects(device).stream().anyMatch(x -> x instanceof HtbClass h
            && h.parent().equals(c.classId()));
        classes.add(new ClassInfo(device, c.classId(), c.parent(), wholeBytes(c.rate()),
            wholeBytes(c.ceil()), 0, 0,
            c.quantumBytes(), c.prio(), inner ? 7 : 0, Optional.ofNullable(leafOf.get(c.classId())),
            ClassStats.ZERO));
      }
    }
    return new KernelSnapshot(device, qdiscs, classes, filters(device));
  }

  /** The dump line of {@code o} if it is a qdisc, else null. */
  private static QdiscInfo qdiscInfo(InterfaceName device, TcObject o) {
    return switch (o.objectKind()) {
      case HTB_QDISC -> {
        HtbQdisc q = (HtbQdisc) o;
        yield new QdiscInfo(device, q.handle(), q.parent(), "htb",
            OptionalInt.of(q.defaultClassMinor()), OptionalInt.of(q.rateToQuantum()),
            OptionalInt.empty(), 0, 0, 0);
      }
      case LEAF_QDISC -> {
        LeafQdisc l = (LeafQdisc) o;
        yield new QdiscInfo(device, l.handle(), l.parent(), l.kind().kernelName(),
            OptionalInt.empty(), OptionalInt.empty(),
            l.kind() == LeafQdiscKind.PFIFO ? OptionalInt.of(l.limitPackets()) : OptionalInt.empty(),
            0, 0, 0);
      }
      case INGRESS_QDISC -> new QdiscInfo(device, IngressQdisc.HANDLE, ClassHandle.INGRESS,
          "ingress", OptionalInt.empty(), OptionalInt.empty(), OptionalInt.empty(), 0, 0, 0);
      case HTB_CLASS, U32_HASH_TABLE, U32_HASH_LINK, U32_MAC_FILTER, U32_MATCH_ALL_POLICE,
          U32_MATCH_ALL_REDIRECT, U32_OWNER_MARK, U32_INSTANCE, UNRECOGNIZED, IFB_DEVICE -> null;
    };
  }

  /** The kernel keeps rates in bytes per second. */
  private static io.netfloor.units.Rate wholeBytes(io.netfloor.units.Rate r) {
    return io.netfloor.units.Rate.ofBitsPerSecond(r.bytesPerSecond() * 8);
  }

  private List<FilterInfo> filters(InterfaceName device) {
    List<FilterInfo> out = new ArrayList<>();
    rootTables.forEach((tp, htid) -> {
      if (tp.get(0).equals(device)) {
        int protocol = objects(device).stream()
            .filter(o -> filterParent(o) != null
                && tpKey(device, filterParent(o), filterPrio(o)).equals(tp))
            .map(InMemoryTrafficControl::protocolOf).findFirst().orElse(EtherType.ALL);
        out.add(new FilterInfo(device, (ClassHandle) tp.get(1), (Integer) tp.get(2), protocol,
            "u32", U32Handle.table(htid), Optional.empty(), OptionalInt.empty(), OptionalInt.of(1),
            0, 0, 0, List.of(), List.of()));
      }
    });
    for (TcObject o : objects(device)) {
      out.addAll(filterInfos(device, o));
    }
    return out;
  }

  /** The dump lines of {@code o} if it is a filter (a mark is a table and a node), else none. */
  private static List<FilterInfo> filterInfos(InterfaceName device, TcObject o) {
    return switch (o.objectKind()) {
      case U32_HASH_TABLE -> {
        U32HashTable t = (U32HashTable) o;
        yield List.of(new FilterInfo(device, t.parent(), t.prio(), t.protocol(), "u32", t.handle(),
            Optional.empty(), OptionalInt.empty(), OptionalInt.of(t.divisor()), 0, 0, 0, List.of(),
            List.of()));
      }
      case U32_HASH_LINK -> {
        U32HashLink l = (U32HashLink) o;
        yield List.of(new FilterInfo(device, l.parent(), l.prio(), l.protocol(), "u32", l.handle(),
            Optional.empty(), OptionalInt.of(l.linkHtid()), OptionalInt.empty(), 0, l.hashOffset(),
            l.hashMask(), List.of(new U32Key(0, 0, 0, 0)), List.of()));
      }
      case U32_MAC_FILTER -> {
        U32MacFilter f = (U32MacFilter) o;
        yield List.of(new FilterInfo(device, f.parent(), f.prio(), f.protocol(), "u32", f.handle(),
            Optional.of(f.flowId()), OptionalInt.empty(), OptionalInt.empty(), 1, 0, 0,
            U32Key.forMacFilter(f), List.of()));
      }
      case U32_MATCH_ALL_POLICE -> {
        U32MatchAllPolice f = (U32MatchAllPolice) o;
        yield List.of(new FilterInfo(device, f.parent(), f.prio(), EtherType.ALL, "u32",
            f.handle(), Optional.empty(), OptionalInt.empty(), OptionalInt.empty(), 1, 0, 0,
            List.of(new U32Key(0, 0, 0, 0)), List.of("police")));
      }
      case U32_MATCH_ALL_REDIRECT -> {
        U32MatchAllRedirect f = (U32MatchAllRedirect) o;
        yield List.of(new FilterInfo(device, f.parent(), f.prio(), EtherType.ALL, "u32",
            f.handle(), Optional.empty(), OptionalInt.empty(), OptionalInt.empty(), 1, 0, 0,
            List.of(new U32Key(0, 0, 0, 0)), List.of("mirred")));
      }
      case U32_OWNER_MARK -> {
        U32OwnerMark m = (U32OwnerMark) o;
        yield List.of(
            new FilterInfo(device, m.parent(), m.prio(), m.protocol(), "u32",
                m.table().handle(), Optional.empty(), OptionalInt.empty(), OptionalInt.of(1), 0, 0,
                0, List.of(), List.of()),
            new FilterInfo(device, m.parent(), m.prio(), m.protocol(), "u32", m.handle(),
                Optional.empty(), OptionalInt.empty(), OptionalInt.empty(), 0, 0, 0, m.keys(),
                List.of()));
      }
      case HTB_QDISC, LEAF_QDISC, INGRESS_QDISC, HTB_CLASS, U32_INSTANCE, UNRECOGNIZED,
          IFB_DEVICE -> List.of();
    };
  }

  private static int protocolOf(TcObject o) {
    return switch (o.objectKind()) {
      case U32_HASH_TABLE -> ((U32HashTable) o).protocol();
      case U32_HASH_LINK -> ((U32HashLink) o).protocol();
      case U32_MAC_FILTER -> ((U32MacFilter) o).protocol();
      case U32_OWNER_MARK -> ((U32OwnerMark) o).protocol();
      case HTB_QDISC, LEAF_QDISC, INGRESS_QDISC, HTB_CLASS, U32_MATCH_ALL_POLICE,
          U32_MATCH_ALL_REDIRECT, U32_INSTANCE, UNRECOGNIZED, IFB_DEVICE -> EtherType.ALL;
    };
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
    return devices.containsKey(device);
  }

  @Override
  public synchronized Optional<String> deviceKind(InterfaceName device) {
    String kind = devices.get(device);
    if (kind == null) {
      throw new TrafficControlException("cannot read the kind of " + device + ": no such device",
          null, 0, 19, "ENODEV", null, null);
    }
    return kind.isEmpty() ? Optional.empty() : Optional.of(kind);
  }

  @Override
  public KernelCapabilities capabilities() {
    return capabilities;
  }

  @Override
  public void close() {}
}
