// SPDX-License-Identifier: Apache-2.0
package io.netfloor.model;

import io.netfloor.AdmissionException;
import io.netfloor.InterfaceConflictException;
import io.netfloor.InvalidValueException;
import io.netfloor.model.KernelObjects.InboundClass;
import io.netfloor.model.KernelObjects.ParkedClass;
import io.netfloor.plan.HtbClass;
import io.netfloor.plan.LeafQdisc;
import io.netfloor.plan.Plan;
import io.netfloor.plan.PlanDiff;
import io.netfloor.plan.TcOp;
import io.netfloor.plan.TcObject;
import io.netfloor.plan.U32Handle;
import io.netfloor.units.ByteSize;
import io.netfloor.units.ClassHandle;
import io.netfloor.units.InterfaceName;
import io.netfloor.units.MacAddress;
import io.netfloor.units.Rate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.SortedSet;
import java.util.TreeSet;
import org.pcollections.PMap;
import org.pcollections.TreePSet;

/**
 * The immutable model of one bridge's HTB tree, and the only place that decides what the kernel
 * should hold. Each operation returns a {@link TreeChange}: the new tree, the exact {@link Plan} of
 * kernel operations from the old tree to the new one, and its undo. Operations that break a rule
 * throw and leave the tree as it was (it is immutable).
 *
 * <p>The tree, as libvirt builds it on network start and plug, with NetFloor's fixes:
 *
 * <pre>
 * qdisc 1: htb default 2                      root, on the bridge's egress (towards the interfaces)
 * └─ class 1:1  rate = net average, ceil = net peak|average
 *    ├─ class 1:2  default: rate = capacity − Σ floors (never below 8kbit), ceil = net ceiling
 *    │   └─ qdisc 2: leaf
 *    └─ class 1:N  one per floored interface: rate = floor, ceil = min(net ceiling, its own peak|average)
 *        └─ qdisc N: leaf
 * filters, prio 2, matching the destination MAC → flowid 1:N
 *   LIBVIRT_LINEAR: one node 800::&lt;node&gt; per class in the root table ({@link #linearHandle}):
 *                   libvirt's own 800::&lt;800+N in decimal&gt; for N = 3..199; from N = 200 (where
 *                   libvirt's handle is invalid) the highest free node, never 800::800
 *   HASHED: table 10: (256 buckets) ← link 800::800 hashing MAC byte 5; node 10:&lt;byte5&gt;:&lt;k&gt;
 * </pre>
 *
 * Interfaces without a floor get no class and no filter: their frames fall into 1:2, as in libvirt;
 * one with a {@link Priority} but no floor gets a class of rate {@link #PRIORITY_ONLY_RATE}, so
 * that its priority orders its borrowing. A class's HTB prio is its interface's priority, 0 without
 * one (as every class had before priorities, 1:1 and 1:2 included).
 * Quantum is set on every class to {@code clamp(rate bytes/s ÷ r2q, 1600, 200000)}: what the kernel
 * would pick, without its "quantum is big/small" warnings, and never libvirt's quantum of 1 byte.
 *
 * <p>Admission: a floor is accepted when the floors of all interfaces then sum to at most
 * {@link NetworkConfig#floorCapacity()}; equality is allowed. The floor sum is recomputed from the
 * interfaces, so it can never underflow (libvirt's unsigned {@code floor_sum} can).
 *
 * <p>All operations cost O(log n) in the number of plugged interfaces (persistent maps share structure
 * between the old and the new tree); only {@link #kernelObjects()} is O(n).
 *
 * <p>This class holds the state and makes the transitions; each concern it decides on has its own
 * class in this package: {@code Admission} (floors against capacity, both directions),
 * {@code FilterHandles} (u32 handles and hash buckets), {@code KernelObjects} (the kernel objects
 * of a tree, with the rate, burst, quantum and ceiling policy), {@code DirectPlan} (the plans of a
 * plain plug or unplug) and {@code TreeRestore} (a tree from recorded state).
 */
public final class HtbTree {
  /** The root qdisc {@code 1:}. */
  public static final ClassHandle ROOT_QDISC = ClassHandle.qdisc(1);
  /** The network's top class {@code 1:1}. */
  public static final ClassHandle TOP_CLASS = ClassHandle.of(1, 1);
  /** The default class {@code 1:2}, for interfaces without a floor and unmatched frames. */
  public static final ClassHandle DEFAULT_CLASS = ClassHandle.of(1, 2);
  /** The leaf qdisc of the default class. */
  public static final ClassHandle DEFAULT_LEAF = ClassHandle.qdisc(2);
  /** The u32 prio of every steering filter (libvirt's). */
  public static final int FILTER_PRIO = 2;
  /**
   * The u32 prio of the outbound floor tree's filters and mark: the prio of NetFloor's mark on a
   * device's root qdisc ({@link DeviceShaping#MARK_PRIO}); the tree's qdisc is always NetFloor's.
   */
  public static final int OUTBOUND_FILTER_PRIO = DeviceShaping.MARK_PRIO;
  /** Offset of the word the outbound link hashes: source MAC bytes 4–5 and the EtherType. */
  public static final int SOURCE_HASH_OFFSET = -4;
  /** Mask of that word: source MAC byte 5. */
  public static final int SOURCE_HASH_MASK = 0x00ff0000;
  /** The kernel's id for the first u32 root table on a qdisc. */
  public static final int ROOT_TABLE_ID = 0x800;
  /** The hash table of the {@link FilterLayout#HASHED} layout. */
  public static final int HASH_TABLE_ID = 0x10;
  /** The link node of the {@link FilterLayout#HASHED} layout. */
  public static final U32Handle HASH_LINK_HANDLE = U32Handle.of(ROOT_TABLE_ID, 0, 0x800);
  /** Buckets of the hash table: one per value of the destination MAC's last byte. */
  public static final int HASH_BUCKETS = 256;
  /**
   * The least rate the default class keeps when floors fill the capacity: 8 kbit/s (1 kB/s, libvirt's
   * smallest unit). libvirt would set rate 0 there, which the kernel rejects.
   */
  public static final Rate MIN_DEFAULT_RATE = Rate.ofBitsPerSecond(8_000);
  /** Rate and ceiling of a parked class: the least the kernel accepts. */
  public static final Rate PARKED_RATE = Rate.ofBitsPerSecond(8);
  /**
   * Rate of the class of an interface with a priority but no floor: the least the kernel accepts,
   * so that the class guarantees nothing (admission counts it as floor 0 and the floors keep their
   * guarantee) and lives from what it borrows, at its priority, up to its ceiling.
   */
  public static final Rate PRIORITY_ONLY_RATE = PARKED_RATE;
  /**
   * Least quantum NetFloor gives a class, in bytes: one full-size Ethernet frame with headroom, so a
   * class sends a whole frame per round (the kernel itself only raises quanta below 1000 bytes).
   */
  public static final long MIN_QUANTUM_BYTES = 1600;
  /** Least burst of a class NetFloor makes: one full-size frame with headroom. */
  public static final long MIN_BURST_BYTES = 1600;
  /** Bursts NetFloor gives its classes last this long at the class's rate (ceil for cburst). */
  public static final long BURST_TIME_MS = 10;
  /**
   * Largest quantum NetFloor gives a class, in bytes: the kernel clamps larger quanta to this value
   * with a "quantum is big" warning.
   */
  public static final long MAX_QUANTUM_BYTES = 200_000;
  /**
   * Quantum of an inner class (1:1, on the bridge and on a device). HTB sets quantum and prio only
   * while a class is a leaf and ignores them in a change once it has children, so an inner class
   * keeps the value it was created with: a constant never needs a change the kernel would drop.
   */
  public static final long INNER_CLASS_QUANTUM_BYTES = MIN_QUANTUM_BYTES;

  private final NetworkConfig config;
  /** The renderer of this tree's kernel objects: the config at this tree's placement. */
  private final KernelObjects objects;
  private final ClassIdAllocator ids;
  private final PMap<String, PluggedInterface> interfaces;
  private final PMap<MacAddress, String> aliasByMac;
  private final IdSet parked;
  /** HASHED layout: bucket → node ids in use there (see {@link FilterHandles}). */
  private final PMap<Integer, TreePSet<Integer>> bucketNodes;
  private final Rate floorSum;
  /** Sum of the outbound floors (0 without an outbound floor placement). */
  private final Rate outFloorSum;
  /** Own devices of interfaces → alias, so a plug checks ownership in O(log n). */
  private final PMap<InterfaceName, String> deviceOwners;

  HtbTree(KernelObjects objects, ClassIdAllocator ids, PMap<String, PluggedInterface> interfaces,
      PMap<MacAddress, String> aliasByMac, IdSet parked,
      PMap<Integer, TreePSet<Integer>> bucketNodes, Rate floorSum, Rate outFloorSum,
      PMap<InterfaceName, String> deviceOwners) {
    this.config = objects.config();
    this.objects = objects;
    this.ids = ids;
    this.interfaces = interfaces;
    this.aliasByMac = aliasByMac;
    this.parked = parked;
    this.bucketNodes = bucketNodes;
    this.floorSum = floorSum;
    this.outFloorSum = outFloorSum;
    this.deviceOwners = deviceOwners;
  }

  /**
   * The tree of a freshly started network, and the plan that builds it from nothing. Without inbound
   * bandwidth the network has no HTB tree and the plan is empty.
   *
   * @param config the network; its inbound bandwidth decides whether there is an HTB tree at all
   * @return the empty started tree, with the plan that creates its kernel objects and the plan that
   *     removes them
   */
  public static TreeChange start(NetworkConfig config) {
    HtbTree tree = empty(config);
    return new TreeChange(tree, tree.buildPlan(), tree.teardownPlan(), Optional.empty(),
        List.of());
  }

  /**
   * A started tree with nothing plugged.
   *
   * @param config the network the tree belongs to
   * @return a tree with no interfaces and no parked classes; nothing is sent to the kernel
   */
  public static HtbTree empty(NetworkConfig config) {
    return new HtbTree(
        new KernelObjects(Objects.requireNonNull(config, "config"), KernelPlacement.DEFAULT),
        // parked ids: IdSet (see there); maps by alias, MAC, bucket and device: HamtMap (a plus
        // copies two or three small arrays, where HashTreePMap copies a path of a balanced tree and
        // a list cell, and it takes less heap)
        ClassIdAllocator.forLayout(config.filterLayout()), HamtMap.empty(), HamtMap.empty(),
        IdSet.empty(), HamtMap.empty(), Rate.ZERO, Rate.ZERO, HamtMap.empty());
  }

  /**
   * Rebuilds a tree from recorded state (a status store, or an adopted libvirt network), checking that
   * the state is consistent with {@code config}.
   *
   * @param config the network as it is configured now; the recorded state must fit it
   * @param plugged the recorded interfaces, each with its class id and filter handle (0 and empty
   *     without a floor)
   * @param parkedIds the recorded class minors of parked classes
   * @return the tree holding exactly the recorded interfaces and parked classes
   * @throws InvalidValueException naming the first inconsistency (duplicate alias, MAC or class id, a
   *     filter handle that does not fit the layout, floors above the capacity…)
   */
  public static HtbTree restore(NetworkConfig config, Collection<PluggedInterface> plugged,
      Collection<Integer> parkedIds) {
    return TreeRestore.restore(config, plugged, parkedIds);
  }

  // ---------------------------------------------------------------- queries

  /**
   * The network this tree belongs to: bridge, bandwidth, filter layout and the other settings that
   * shape the tree.
   *
   * @return the network's configuration, never null
   */
  public NetworkConfig config() {
    return config;
  }

  /**
   * Where the tree sits among other tools' objects on the bridge (see {@link KernelPlacement}).
   *
   * @return the placement the kernel objects are built for; {@link KernelPlacement#DEFAULT} unless
   *     set
   */
  public KernelPlacement placement() {
    return objects.placement();
  }

  /**
   * This tree placed as {@code where} says: the same interfaces and ids, with its root qdisc, filter
   * prio and root table id as found in the kernel. Changes no status.
   *
   * @param where the root qdisc, filter prio and root table id found in the kernel
   * @return this tree if {@code where} is its placement already, else a copy placed there
   */
  public HtbTree withPlacement(KernelPlacement where) {
    Objects.requireNonNull(where, "placement");
    return where.equals(objects.placement()) ? this : new HtbTree(objects.at(where), ids,
        interfaces, aliasByMac, parked, bucketNodes, floorSum, outFloorSum, deviceOwners);
  }

  /**
   * The class ids in use (reserved, floored interfaces and parked classes).
   *
   * @return the allocator holding every class minor this tree uses
   */
  public ClassIdAllocator classIds() {
    return ids;
  }

  /**
   * Plugged interfaces by alias (unmodifiable).
   *
   * @return a read-only view, keyed by alias
   */
  public Map<String, PluggedInterface> interfaces() {
    return Collections.unmodifiableMap(interfaces);
  }

  /**
   * Finds a plugged interface by its alias.
   *
   * @param alias the interface's alias, as given to {@link #plug(String, MacAddress, Bandwidth)}
   * @return the interface, or empty if no interface with this alias is plugged
   */
  public Optional<PluggedInterface> find(String alias) {
    return Optional.ofNullable(interfaces.get(alias));
  }

  /**
   * Class minors pre-created and waiting for a plug, ascending.
   *
   * @return a read-only, ascending set of class minors; empty when none are parked
   */
  public SortedSet<Integer> parkedClassIds() {
    return Collections.unmodifiableSortedSet(parked);
  }

  /**
   * Sum of the floors of all plugged interfaces.
   *
   * @return the sum of all floors; {@link Rate#ZERO} when no interface has a floor
   */
  public Rate floorSum() {
    return floorSum;
  }

  /**
   * Sum of the outbound floors of all plugged interfaces.
   *
   * @return the sum of all outbound floors; {@link Rate#ZERO} when no interface has one
   */
  public Rate outboundFloorSum() {
    return outFloorSum;
  }

  /**
   * What outbound floors may still be granted before admission refuses; empty without an outbound
   * floor placement.
   *
   * @return the network's outbound floor capacity minus {@link #outboundFloorSum()}, never negative
   */
  public Optional<Rate> remainingOutboundCapacity() {
    return config.outboundFloorCapacity().map(c -> c.minusOrZero(outFloorSum));
  }

  /**
   * The rate of the outbound tree's default class 1:2 for the current outbound floors.
   *
   * @return the outbound floor capacity minus the outbound floor sum, at least
   *     {@link #MIN_DEFAULT_RATE}
   */
  public Rate outboundDefaultClassRate() {
    return objects.outboundDefaultRate(outFloorSum);
  }

  /**
   * What floors may still be granted before admission refuses; empty without inbound QoS.
   *
   * @return the network's floor capacity minus {@link #floorSum()}, never negative; empty when the
   *     network has no inbound bandwidth
   */
  public Optional<Rate> remainingCapacity() {
    return config.floorCapacity().map(c -> c.minusOrZero(floorSum));
  }

  /**
   * The rate of the default class 1:2 for the current floors.
   *
   * @return the class's rate: the floor capacity minus the floor sum, at least
   *     {@link #MIN_DEFAULT_RATE}
   */
  public Rate defaultClassRate() {
    return objects.defaultRate(floorSum);
  }

  /**
   * Every kernel object this tree stands for, in a stable order. O(n).
   *
   * @return an immutable list: the network's objects first, then each interface's by class id, then
   *     parked classes
   */
  public List<TcObject> kernelObjects() {
    return objects.all(interfaces.values(), parked, floorSum, outFloorSum);
  }

  /**
   * The plan that builds this tree from nothing (network start, or a rebuild).
   *
   * @return the plan that adds every object of {@link #kernelObjects()}, parents first
   */
  public Plan buildPlan() {
    return PlanDiff.between(List.of(), kernelObjects());
  }

  /**
   * The plan that removes everything this tree made (network stop).
   *
   * @return the plan that deletes every object of {@link #kernelObjects()}, children first
   */
  public Plan teardownPlan() {
    return PlanDiff.teardown(kernelObjects());
  }

  // ---------------------------------------------------------------- operations

  /**
   * Plugs an interface. With a floor (in either direction) or a priority it gets its own class id (an
   * inbound floor or a priority takes a parked class if there is any, else a new id with the lowest
   * free one), with a class, a leaf qdisc and a filter in each tree that needs them; with none of
   * them, it uses the default class.
   *
   * @param alias the interface's name within the network (libvirt's interface alias); unique per
   *     network
   * @param mac the interface's MAC address: frames to it are steered into its class
   * @param bandwidth the interface's limits; only its floors and priority decide whether it gets a
   *     class
   * @return the new tree, the plan that adds the interface's kernel objects, and its undo
   * @throws InterfaceConflictException if the alias is plugged or the MAC belongs to another interface
   * @throws AdmissionException if the floor does not fit the network's capacity
   * @throws io.netfloor.ClassIdExhaustedException if no class id is left
   * @throws io.netfloor.InvalidBandwidthException if it has a priority and the network has no
   *     inbound bandwidth (no HTB tree for the priority to act in)
   */
  public TreeChange plug(String alias, MacAddress mac, Bandwidth bandwidth) {
    return plug(alias, mac, Optional.empty(), bandwidth);
  }

  /**
   * Plugs an interface whose host-side {@code device} (its tap or veth on the bridge) should also get
   * the interface's own limits (average/peak/burst, both directions; see {@link DeviceShaping}).
   *
   * @param alias the interface's name within the network; unique per network
   * @param mac the interface's MAC address: frames to it are steered into its class
   * @param device the interface's own host-side device to shape too, or empty for none
   * @param bandwidth the interface's limits (floor on the bridge, average/peak/burst on the device)
   * @return the new tree, the plan that adds the interface's kernel objects, and its undo
   * @throws InterfaceConflictException also if another interface has the same device, or the device
   *     is the bridge itself
   * @see #plug(String, MacAddress, Bandwidth)
   */
  public TreeChange plug(String alias, MacAddress mac, Optional<InterfaceName> device,
      Bandwidth bandwidth) {
    InterfaceAlias.of(alias);
    Objects.requireNonNull(mac, "mac");
    Objects.requireNonNull(device, "device");
    Objects.requireNonNull(bandwidth, "bandwidth");
    if (device.isPresent()) {
      requireDeviceFree(device.get(), alias);
    }
    if (interfaces.containsKey(alias)) {
      throw new InterfaceConflictException("interface '" + alias + "' is already plugged into network '"
          + config.name() + "'; unplug it first or use update");
    }
    requireMacFree(mac, alias);
    if (!bandwidth.needsClass()) {
      PluggedInterface p = new PluggedInterface(alias, mac, bandwidth, 0, Optional.empty(), device);
      HtbTree next = with(ids, interfaces.plus(alias, p), aliasByMac.plus(mac, alias), parked,
          bucketNodes, floorSum).withDeviceOwner(device, alias);
      return change(next, List.of(), objects.ofInterface(p), p, set(p));
    }
    Admission.requirePriorityFits(config, alias, bandwidth);
    Rate newSum = bandwidth.hasFloor()
        ? Admission.admit(config, Direction.INBOUND, floorSum, alias, bandwidth.floorOrZero(),
            Rate.ZERO)
        : floorSum;
    Rate newOut = bandwidth.hasOutboundFloor()
        ? Admission.admit(config, Direction.OUTBOUND, outFloorSum, alias,
            bandwidth.outboundFloorOrZero(), Rate.ZERO)
        : outFloorSum;
    return giveClass(alias, mac, device, bandwidth, null, newSum, newOut);
  }

  /**
   * Unplugs an interface: its filter, leaf qdisc and class go (or the class is parked, with
   * {@link ClassStrategy#PARKED_POOL}), its id is released and the default class gets its share back.
   *
   * @param alias the plugged interface's alias
   * @return the new tree, the plan that removes the interface's kernel objects, and its undo
   * @throws InterfaceConflictException if the alias is not plugged
   */
  public TreeChange unplug(String alias) {
    PluggedInterface old = require(alias);
    if (!old.hasOwnClass()) {
      HtbTree next = with(ids, interfaces.minus(alias), aliasByMac.minus(old.mac()), parked,
          bucketNodes, floorSum).withDeviceOwner(old.device(), null);
      return change(next, objects.ofInterface(old), List.of(), null,
          List.of(new StatusChange.InterfaceRemoved(alias)));
    }
    Rate newSum = floorSum.minus(old.bandwidth().floorOrZero());
    Rate newOut = outFloorSum.minus(old.bandwidth().outboundFloorOrZero());
    return takeClass(old, newSum, newOut, List.of(), interfaces.minus(alias),
        aliasByMac.minus(old.mac()), null);
  }

  /**
   * Changes an interface's bandwidth live. Only the floor, the priority (and the ceiling its own
   * peak or average imposes) concern the bridge: a changed floor or priority changes its class (a
   * changed priority also deletes and re-adds the class's leaf qdisc, dropping what is queued there,
   * so that HTB serves a busy class at its new priority at once); a new floor or priority gives it a
   * class; when it has neither any more, the class is taken away.
   * Admission is checked against the other interfaces' floors (a priority never changes it).
   *
   * @param alias the plugged interface's alias
   * @param bandwidth the interface's new limits, replacing the old ones entirely
   * @return the new tree, the plan that changes the kernel, and its undo; the plan is empty when
   *     nothing the kernel holds changes
   * @throws InterfaceConflictException if the alias is not plugged
   * @throws AdmissionException if the new floor does not fit
   * @throws io.netfloor.InvalidBandwidthException if it has a priority and the network has no
   *     inbound bandwidth (no HTB tree for the priority to act in)
   */
  public TreeChange update(String alias, Bandwidth bandwidth) {
    PluggedInterface old = require(alias);
    Objects.requireNonNull(bandwidth, "bandwidth");
    Rate oldFloor = old.bandwidth().floorOrZero();
    Rate oldOut = old.bandwidth().outboundFloorOrZero();
    if (!bandwidth.needsClass()) {
      PluggedInterface p = new PluggedInterface(alias, old.mac(), bandwidth, 0, Optional.empty(),
          old.device());
      if (!old.hasOwnClass()) {
        return change(with(ids, interfaces.plus(alias, p), aliasByMac, parked, bucketNodes,
            floorSum), objects.ofInterface(old), objects.ofInterface(p), p, setIfChanged(old, p));
      }
      return takeClass(old, floorSum.minus(oldFloor), outFloorSum.minus(oldOut),
          objects.ofInterface(p), interfaces.plus(alias, p), aliasByMac, p);
    }
    Admission.requirePriorityFits(config, alias, bandwidth);
    Rate newSum = bandwidth.hasFloor()
        ? Admission.admit(config, Direction.INBOUND, floorSum, alias, bandwidth.floorOrZero(),
            oldFloor)
        : floorSum.minus(oldFloor);
    Rate newOut = bandwidth.hasOutboundFloor()
        ? Admission.admit(config, Direction.OUTBOUND, outFloorSum, alias,
            bandwidth.outboundFloorOrZero(), oldOut)
        : outFloorSum.minus(oldOut);
    if (!old.hasOwnClass()) {
      return giveClass(alias, old.mac(), old.device(), bandwidth, old, newSum, newOut);
    }
    PluggedInterface p = new PluggedInterface(alias, old.mac(), bandwidth, old.classMinor(),
        old.filterHandle(), old.device());
    List<TcObject> before = new ArrayList<>(objects.ofInterface(old));
    before.addAll(objects.defaultClasses(floorSum, outFloorSum));
    List<TcObject> after = new ArrayList<>(objects.ofInterface(p));
    after.addAll(objects.defaultClasses(newSum, newOut));
    HtbTree next = with(ids, interfaces.plus(alias, p), aliasByMac, parked, bucketNodes, newSum)
        .withOutboundSum(newOut);
    TreeChange c = change(next, before, after, p, setIfChanged(old, p));
    // the leaf is re-added only where the inbound class stays: one added or deleted needs nothing
    boolean reprioritised = old.hasInboundClass() && p.hasInboundClass()
        && KernelObjects.classPrio(old) != KernelObjects.classPrio(p);
    return reprioritised ? withLeafReadded(c, p.classMinor()) : c;
  }

  /**
   * {@code c} followed, in its plan and its undo, by deleting and re-adding the leaf qdisc of class
   * {@code 1:minor}. HTB files a busy class under the prio it had when it last became busy and
   * keeps it there, whatever a class change sets, until its queue empties: a saturated class would
   * keep its old priority indefinitely. Deleting its leaf empties the queue (the packets queued there
   * are dropped) and takes the class out of HTB's rounds; its next packet files it under the new prio.
   * The records stay {@code c}'s: the leaf is no state of the status.
   */
  private TreeChange withLeafReadded(TreeChange c, int minor) {
    LeafQdisc leaf = objects.leaf(minor);
    Plan readd = new Plan(List.of(new TcOp.Delete(leaf), new TcOp.Add(leaf)));
    return new TreeChange(c.tree(), c.plan().then(readd), c.undo().then(readd), c.affected(),
        c.records());
  }

  /**
   * Changes an interface's MAC address (libvirt: the guest changed it): its filter is replaced.
   *
   * @param alias the plugged interface's alias
   * @param mac the interface's new MAC address
   * @return the new tree, the plan that replaces the filter (empty without a floor, or when the MAC
   *     is unchanged), and its undo
   * @throws InterfaceConflictException if the alias is not plugged or the MAC belongs to another
   *     interface
   */
  public TreeChange changeMac(String alias, MacAddress mac) {
    PluggedInterface old = require(alias);
    if (old.mac().equals(mac)) {
      return new TreeChange(this, Plan.EMPTY, Plan.EMPTY, Optional.of(old), List.of());
    }
    requireMacFree(mac, alias);
    PMap<MacAddress, String> macs = aliasByMac.minus(old.mac()).plus(mac, alias);
    if (!old.hasOwnClass()) {
      PluggedInterface p = new PluggedInterface(alias, mac, old.bandwidth(), 0, Optional.empty(),
          old.device());
      return new TreeChange(with(ids, interfaces.plus(alias, p), macs, parked, bucketNodes, floorSum),
          Plan.EMPTY, Plan.EMPTY, Optional.of(p), set(p));
    }
    FilterLayout layout = config.filterLayout();
    PMap<Integer, TreePSet<Integer>> buckets =
        FilterHandles.release(layout, bucketNodes, old.filterHandle().orElseThrow());
    U32Handle handle = FilterHandles.choose(layout, buckets, old.classMinor(), mac);
    buckets = FilterHandles.use(layout, buckets, handle);
    PluggedInterface p = new PluggedInterface(alias, mac, old.bandwidth(), old.classMinor(),
        Optional.of(handle), old.device());
    HtbTree next = with(ids, interfaces.plus(alias, p), macs, parked, buckets, floorSum);
    return change(next, objects.ofInterface(old), objects.ofInterface(p), p, set(p));
  }

  /**
   * Pre-creates {@code count} parked classes (rate 8bit, a leaf qdisc, no filter) with the lowest free
   * ids, so that later plugs take them with a class <em>change</em> instead of an add.
   *
   * @param count how many classes to park, at least 0
   * @return the new tree, the plan that adds the parked classes and their leaf qdiscs, and its undo
   * @throws InvalidValueException if the network has no inbound QoS (no tree to park in)
   * @throws io.netfloor.ClassIdExhaustedException if fewer than {@code count} ids are free
   * @throws InvalidValueException also if {@code count} is negative
   */
  public TreeChange park(int count) {
    if (count < 0) {
      throw new InvalidValueException("cannot park " + count + " classes");
    }
    if (!config.supportsFloors()) {
      throw new InvalidValueException("network '" + config.name()
          + "' has no inbound bandwidth, so it has no HTB tree to park classes in");
    }
    ClassIdAllocator a = ids;
    IdSet p = parked;
    List<TcObject> after = new ArrayList<>();
    SortedSet<Integer> moved = new TreeSet<>();
    for (int i = 0; i < count; i++) {
      int id = a.lowestFree();
      a = a.withUsed(id);
      p = p.plus(id);
      moved.add(id);
      after.addAll(objects.parked(id).list());
    }
    return change(with(a, interfaces, aliasByMac, p, bucketNodes, floorSum), List.of(), after, null,
        moved.isEmpty() ? List.of() : List.of(new StatusChange.ClassesParked(moved)));
  }

  /**
   * Deletes up to {@code count} parked classes, highest ids first, releasing their ids.
   *
   * @param count how many parked classes to delete, at least 0; more than are parked deletes them
   *     all
   * @return the new tree, the plan that deletes the released classes, and its undo
   * @throws InvalidValueException if {@code count} is negative
   */
  public TreeChange releaseParked(int count) {
    if (count < 0) {
      throw new InvalidValueException("cannot release " + count + " parked classes");
    }
    ClassIdAllocator a = ids;
    IdSet p = parked;
    List<TcObject> before = new ArrayList<>();
    SortedSet<Integer> moved = new TreeSet<>();
    for (int i = 0; i < count && !p.isEmpty(); i++) {
      int id = p.last();
      p = p.minus(id);
      a = a.withReleased(id);
      moved.add(id);
      before.addAll(objects.parked(id).list());
    }
    return change(with(a, interfaces, aliasByMac, p, bucketNodes, floorSum), before, List.of(), null,
        moved.isEmpty() ? List.of() : List.of(new StatusChange.ClassesUnparked(moved)));
  }

  /**
   * Gives the running network new inbound limits: the same interfaces, class ids, filters and
   * placement, the network's classes re-rated. Its record is {@link StatusChange.InboundResized}:
   * a status read back later keeps the new limits in place of the config's.
   *
   * @param inbound the network's new inbound limits: an average, optionally a peak and a burst, no
   *     floor
   * @return the resized tree, the plan of class changes that re-rates the kernel, and its undo
   * @throws InvalidValueException if the network has no inbound bandwidth (no tree whose classes
   *     could change) or {@code inbound} is not a network's limits
   * @throws AdmissionException if the new capacity is below the sum of the floors
   */
  public TreeChange resize(Limits inbound) {
    Objects.requireNonNull(inbound, "inbound");
    if (!config.supportsFloors()) {
      throw new InvalidValueException("network '" + config.name() + "' has no inbound bandwidth,"
          + " so it has no tree to resize; stop it and start it with inbound limits");
    }
    NetworkConfig next = config.toBuilder().inbound(inbound).build(); // checks the limits
    Rate newCapacity = next.floorCapacity().orElseThrow();
    Admission.requireCapacityHolds(config, floorSum, newCapacity);
    HtbTree resized = restore(next, interfaces.values(), parked).withPlacement(placement());
    List<TcObject> old = kernelObjects();
    List<TcObject> now = resized.kernelObjects();
    return new TreeChange(resized, PlanDiff.between(old, now), PlanDiff.between(now, old),
        Optional.empty(), List.of(new StatusChange.InboundResized(inbound)));
  }

  // ---------------------------------------------------------------- internals

  /**
   * Gives an interface a class of its own: a parked one if it has an inbound class and one is
   * parked, else the lowest free id. {@code old} is the interface as it was (null for a plug).
   */
  private TreeChange giveClass(String alias, MacAddress mac, Optional<InterfaceName> device,
      Bandwidth bandwidth, PluggedInterface old, Rate newSum, Rate newOut) {
    // parked classes sit in the inbound tree: only an inbound class (an inbound floor or a
    // priority) takes one
    boolean takesParked = !parked.isEmpty()
        && (bandwidth.hasFloor() || bandwidth.priority().isPresent());
    int id = takesParked ? parked.first() : ids.lowestFree();
    ClassIdAllocator a = takesParked ? ids : ids.withUsed(id);
    IdSet p = takesParked ? parked.minus(id) : parked;
    FilterLayout layout = config.filterLayout();
    U32Handle handle = FilterHandles.choose(layout, bucketNodes, id, mac);
    PluggedInterface plugged = new PluggedInterface(alias, mac, bandwidth, id, Optional.of(handle),
        device);
    PMap<MacAddress, String> macs = old == null ? aliasByMac.plus(mac, alias) : aliasByMac;
    HtbTree next = with(a, interfaces.plus(alias, plugged), macs, p,
        FilterHandles.use(layout, bucketNodes, handle), newSum).withOutboundSum(newOut);
    // one record even when a parked class is taken: the interface's record unparks its id
    List<StatusChange> records = set(plugged);
    if (old == null) {
      next = next.withDeviceOwner(device, alias);
      if (isPlain(plugged)) {
        // the hot path (a plain plug): the plan is built directly, see DirectPlan
        HtbClass defaultWithout = objects.defaultClass(floorSum);
        HtbClass defaultWith = objects.defaultClass(newSum);
        InboundClass own = objects.inboundClass(plugged);
        ParkedClass taken = takesParked ? objects.parked(id) : null;
        return new TreeChange(next, DirectPlan.adding(defaultWithout, defaultWith, own, taken),
            DirectPlan.removing(defaultWith, defaultWithout, own, taken), Optional.of(plugged),
            records);
      }
    }
    List<TcObject> before = new ArrayList<>(objects.defaultClasses(floorSum, outFloorSum));
    if (old != null) {
      before.addAll(objects.ofInterface(old));
    }
    if (takesParked) {
      before.addAll(objects.parked(id).list());
    }
    List<TcObject> after = new ArrayList<>(objects.ofInterface(plugged));
    after.addAll(objects.defaultClasses(newSum, newOut));
    return change(next, before, after, plugged, records);
  }

  /**
   * Takes {@code old}'s class away (deleted or parked); {@code affected} is what remains of it, with
   * {@code remaining} its kernel objects (its device's, if any).
   */
  private TreeChange takeClass(PluggedInterface old, Rate newSum, Rate newOut,
      List<TcObject> remaining, PMap<String, PluggedInterface> ifs, PMap<MacAddress, String> macs,
      PluggedInterface affected) {
    int id = old.classMinor();
    boolean parks = config.classStrategy() == ClassStrategy.PARKED_POOL && config.supportsFloors();
    ClassIdAllocator a = parks ? ids : ids.withReleased(id);
    IdSet p = parks ? parked.plus(id) : parked;
    PMap<Integer, TreePSet<Integer>> buckets = FilterHandles.release(config.filterLayout(),
        bucketNodes, old.filterHandle().orElseThrow());
    HtbTree next = with(a, ifs, macs, p, buckets, newSum).withOutboundSum(newOut);
    // the interface's record first: parking its id while the interface still held it would leave
    // a status (after a crash between the two) with the id both parked and assigned
    StatusChange interfaceRecord = affected == null
        ? new StatusChange.InterfaceRemoved(old.alias()) : new StatusChange.InterfaceSet(affected);
    List<StatusChange> records = parks
        ? List.of(interfaceRecord, new StatusChange.ClassesParked(new TreeSet<>(List.of(id))))
        : List.of(interfaceRecord);
    if (affected == null) {
      next = next.withDeviceOwner(old.device(), null); // unplugged: its device is free again
      if (isPlain(old)) {
        // the hot path (a plain unplug): the plan is built directly, see DirectPlan
        HtbClass defaultWith = objects.defaultClass(floorSum);
        HtbClass defaultWithout = objects.defaultClass(newSum);
        InboundClass own = objects.inboundClass(old);
        ParkedClass left = parks ? objects.parked(id) : null;
        return new TreeChange(next, DirectPlan.removing(defaultWith, defaultWithout, own, left),
            DirectPlan.adding(defaultWithout, defaultWith, own, left), Optional.empty(), records);
      }
    }
    List<TcObject> before = new ArrayList<>(objects.ofInterface(old));
    before.addAll(objects.defaultClasses(floorSum, outFloorSum));
    List<TcObject> after = new ArrayList<>(remaining);
    after.addAll(objects.defaultClasses(newSum, newOut));
    if (parks) {
      after.addAll(objects.parked(id).list());
    }
    return change(next, before, after, affected, records);
  }

  /**
   * Whether plugging or unplugging {@code p} touches only the inbound tree's default class and
   * {@code p}'s {@link InboundClass} (and a parked class), so {@link DirectPlan} builds its plans:
   * it has an inbound class, no device of its own, and the network no outbound floor tree.
   */
  private boolean isPlain(PluggedInterface p) {
    return p.device().isEmpty() && p.hasInboundClass() && config.supportsFloors()
        && !config.supportsOutboundFloors();
  }

  private TreeChange change(HtbTree next, List<TcObject> before, List<TcObject> after,
      PluggedInterface affected, List<StatusChange> records) {
    return new TreeChange(next, PlanDiff.between(before, after), PlanDiff.between(after, before),
        Optional.ofNullable(affected), records);
  }

  /** The record of an interface plugged or changed: it is now {@code p}. */
  private static List<StatusChange> set(PluggedInterface p) {
    return List.of(new StatusChange.InterfaceSet(p));
  }

  /** {@link #set}, or no record when the interface is exactly as it was. */
  private static List<StatusChange> setIfChanged(PluggedInterface old, PluggedInterface p) {
    return p.equals(old) ? List.of() : set(p);
  }
  private PluggedInterface require(String alias) {
    PluggedInterface p = interfaces.get(alias);
    if (p == null) {
      throw new InterfaceConflictException("interface '" + alias + "' is not plugged into network '"
          + config.name() + "'");
    }
    return p;
  }

  private void requireDeviceFree(InterfaceName device, String alias) {
    if (device.equals(config.bridge())) {
      throw new InterfaceConflictException("interface '" + alias + "' cannot have the bridge "
          + device + " as its own device");
    }
    if (config.outboundFloorDevice().map(device::equals).orElse(false)) {
      throw new InterfaceConflictException("interface '" + alias + "' cannot have " + device
          + " as its own device: it carries network '" + config.name() + "''s outbound floors");
    }
    String owner = deviceOwners.get(device);
    if (owner != null && !owner.equals(alias)) {
      throw new InterfaceConflictException("device " + device + " already belongs to interface '"
          + owner + "' on network '" + config.name() + "'");
    }
  }

  private void requireMacFree(MacAddress mac, String alias) {
    String holder = aliasByMac.get(mac);
    if (holder != null && !holder.equals(alias)) {
      throw new InterfaceConflictException("MAC " + mac + " is already used by interface '" + holder
          + "' on network '" + config.name() + "'; two interfaces cannot share a floor filter");
    }
  }

  private HtbTree with(ClassIdAllocator a, PMap<String, PluggedInterface> ifs,
      PMap<MacAddress, String> macs, IdSet p, PMap<Integer, TreePSet<Integer>> buckets,
      Rate sum) {
    return new HtbTree(objects, a, ifs, macs, p, buckets, sum, outFloorSum, deviceOwners);
  }

  /** This tree with {@code outSum} as its outbound floor sum. */
  private HtbTree withOutboundSum(Rate outSum) {
    return outSum.equals(outFloorSum) ? this : new HtbTree(objects, ids, interfaces, aliasByMac,
        parked, bucketNodes, floorSum, outSum, deviceOwners);
  }

  /** This tree with {@code device} owned by {@code alias}, or released when {@code alias} is null. */
  private HtbTree withDeviceOwner(Optional<InterfaceName> device, String alias) {
    if (device.isEmpty()) {
      return this;
    }
    PMap<InterfaceName, String> devs = alias == null ? deviceOwners.minus(device.get())
        : deviceOwners.plus(device.get(), alias);
    return new HtbTree(objects, ids, interfaces, aliasByMac, parked, bucketNodes, floorSum,
        outFloorSum, devs);
  }

  // ---------------------------------------------------------------- filter handles, rendering policy

  /**
   * The u32 filter handle of class {@code 1:classMinor} in the {@link FilterLayout#LIBVIRT_LINEAR}
   * layout, always a node of the root table {@code 800:}.
   *
   * <p>Class ids 3..199 get exactly libvirt's handle: libvirt writes {@code 800::} followed by the
   * <em>decimal</em> digits of {@code 800 + id}, which tc reads as hex, so id 10 has node
   * {@code 0x810} and id 150 node {@code 0x950}. A tree libvirt built is therefore adopted without
   * touching its filters. From id 200 on, libvirt's digits ({@code 1000} and up) are no valid 12-bit
   * node and libvirt's plug fails; NetFloor gives each further id, in ascending order, the highest
   * node not yet given, counting down from {@code 0xfff} and skipping libvirt's nodes of ids 3..199
   * and node {@code 0x800} (libvirt's nftables backend keeps its DHCP checksum filter there). So the
   * map is injective, no id ever takes a node libvirt uses for another id, ids 200..2050 take the
   * nodes above {@code 0x800} and, like libvirt's own, come after that DHCP filter in the kernel's
   * node-sorted list, and each new node sorts before the previous ones of its range, so the kernel's
   * sorted insert stops early. The 4,092 ids of the layout take 4,092 of the 4,094 nodes other
   * than {@code 0x800}; nodes 1 and 2 stay free. The table is built once; a lookup is O(1).
   *
   * @param classMinor the minor of the interface's class {@code 1:classMinor}
   * @return the handle {@code 800::node} of the class's filter
   * @throws InvalidValueException if the layout cannot hold {@code classMinor} (it holds 3..0xfff
   *     except 0x800, see {@link ClassIdAllocator#forLayout})
   */
  public static U32Handle linearHandle(int classMinor) {
    return FilterHandles.linear(classMinor);
  }

  /** See {@link FilterHandles#MAX_HASH_NODE}. */
  static final int MAX_HASH_NODE = FilterHandles.MAX_HASH_NODE;

  /** See {@link FilterHandles#hashedNode}. */
  static int hashedNode(SortedSet<Integer> used) {
    return FilterHandles.hashedNode(used);
  }

  /**
   * The burst NetFloor gives a class that has none configured: {@link #BURST_TIME_MS} of its rate,
   * at least {@link #MIN_BURST_BYTES}. tc's default (rate/HZ + 1600 bytes, about one packet) makes a
   * class whose ceiling is below its parent's drop out of HTB's borrowing rounds after every packet:
   * measured, a 30mbit floor with a 50mbit ceiling borrowed up to 31.5mbit with tc's default and to
   * 49.6mbit with 10 ms.
   *
   * @param rate the class's rate (its ceil for cburst)
   * @return {@code rate} over {@link #BURST_TIME_MS} milliseconds, at least
   *     {@link #MIN_BURST_BYTES}
   */
  public static ByteSize defaultBurst(Rate rate) {
    return KernelObjects.defaultBurst(rate);
  }

  /** {@code clamp(rate bytes/s ÷ r2q, 1600, 200000)}: what the kernel picks, minus its warnings. */
  static long quantumFor(Rate rate, int rateToQuantum) {
    return KernelObjects.quantumFor(rate, rateToQuantum);
  }

  /**
   * The rate {@code p}'s frames may reach on the bridge (its class's ceil): its own peak, else
   * average, capped by the network's inbound ceiling, never below its floor. Zero when the network
   * has no inbound limits.
   *
   * @param p an interface plugged into this tree
   * @return the class's ceiling; {@link Rate#ZERO} when the network has no inbound bandwidth
   */
  public Rate ceilingOf(PluggedInterface p) {
    return objects.ceilingOf(p);
  }

  /**
   * The rate {@code p}'s frames may reach on the outbound floor tree (its class's ceil): its own
   * outbound peak, else average, capped by the network's outbound ceiling, never below its outbound
   * floor. Zero when the network has no outbound limits.
   *
   * @param p an interface plugged into this tree
   * @return the outbound class's ceiling
   */
  public Rate outboundCeilingOf(PluggedInterface p) {
    return objects.outboundCeilingOf(p);
  }

  /**
   * The hashed layout's link node: node 800 of the prio's root table.
   *
   * @return the handle {@code <root table>::800} at this tree's placement
   */
  public U32Handle hashLinkHandle() {
    return objects.hashLinkHandle();
  }

  // ---------------------------------------------------------------- identity

  /** Trees are equal when they hold the same config, interfaces, ids and parked classes. */
  @Override
  public boolean equals(Object o) {
    return o instanceof HtbTree t && t.config.equals(config) && t.ids.equals(ids)
        && t.interfaces.equals(interfaces) && t.parked.equals(parked) && t.floorSum.equals(floorSum)
        && t.outFloorSum.equals(outFloorSum);
  }

  @Override
  public int hashCode() {
    return Objects.hash(config, interfaces, parked);
  }

  @Override
  public String toString() {
    return "HtbTree{network=" + config.name() + ", bridge=" + config.bridge() + ", interfaces="
        + interfaces.size() + ", floorSum=" + floorSum + ", ids=" + ids.toRanges() + ", parked="
        + parked + "}";
  }
}
