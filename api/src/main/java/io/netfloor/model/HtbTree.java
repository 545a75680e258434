// SPDX-License-Identifier: Apache-2.0
package io.netfloor.model;

import com.google.common.collect.ImmutableList;
import io.netfloor.AdmissionException;
import io.netfloor.InterfaceConflictException;
import io.netfloor.InvalidValueException;
import io.netfloor.plan.EtherType;
import io.netfloor.plan.HtbClass;
import io.netfloor.plan.HtbQdisc;
import io.netfloor.plan.IfbDevice;
import io.netfloor.plan.IngressQdisc;
import io.netfloor.plan.LeafQdisc;
import io.netfloor.plan.MacField;
import io.netfloor.plan.Plan;
import io.netfloor.plan.PlanDiff;
import io.netfloor.plan.TcOp;
import io.netfloor.plan.TcObject;
import io.netfloor.plan.U32HashLink;
import io.netfloor.plan.U32HashTable;
import io.netfloor.plan.U32Handle;
import io.netfloor.plan.U32MacFilter;
import io.netfloor.plan.U32MatchAllRedirect;
import io.netfloor.plan.U32OwnerMark;
import io.netfloor.units.ByteSize;
import io.netfloor.units.ClassHandle;
import io.netfloor.units.InterfaceName;
import io.netfloor.units.MacAddress;
import io.netfloor.units.Rate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
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
  /** The last class id whose libvirt filter handle is valid: {@code 800+199 = 999}, node 0x999. */
  private static final int LAST_LIBVIRT_LINEAR_ID = 199;
  private static final short[] LINEAR_NODES = linearNodes();
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
  private final ClassIdAllocator ids;
  private final PMap<String, PluggedInterface> interfaces;
  private final PMap<MacAddress, String> aliasByMac;
  private final IdSet parked;
  /** HASHED layout: bucket → node ids in use there. */
  private final PMap<Integer, TreePSet<Integer>> bucketNodes;
  private final Rate floorSum;
  /** Sum of the outbound floors (0 without an outbound floor placement). */
  private final Rate outFloorSum;
  /** Own devices of interfaces → alias, so a plug checks ownership in O(log n). */
  private final PMap<InterfaceName, String> deviceOwners;
  private final KernelPlacement placement;

  private HtbTree(NetworkConfig config, ClassIdAllocator ids, PMap<String, PluggedInterface> interfaces,
      PMap<MacAddress, String> aliasByMac, IdSet parked,
      PMap<Integer, TreePSet<Integer>> bucketNodes, Rate floorSum, Rate outFloorSum,
      PMap<InterfaceName, String> deviceOwners, KernelPlacement placement) {
    this.outFloorSum = outFloorSum;
    this.placement = placement;
    this.config = config;
    this.ids = ids;
    this.interfaces = interfaces;
    this.aliasByMac = aliasByMac;
    this.parked = parked;
    this.bucketNodes = bucketNodes;
    this.floorSum = floorSum;
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
    return new HtbTree(Objects.requireNonNull(config, "config"),
        // parked ids: IdSet (see there); maps by alias, MAC, bucket and device: HamtMap (a plus
        // copies two or three small arrays, where HashTreePMap copies a path of a balanced tree and
        // a list cell, and it takes less heap)
        ClassIdAllocator.forLayout(config.filterLayout()), HamtMap.empty(), HamtMap.empty(),
        IdSet.empty(), HamtMap.empty(), Rate.ZERO, Rate.ZERO, HamtMap.empty(),
        KernelPlacement.DEFAULT);
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
    HtbTree t = empty(config);
    ClassIdAllocator ids = t.ids;
    PMap<String, PluggedInterface> ifs = t.interfaces;
    PMap<MacAddress, String> macs = t.aliasByMac;
    PMap<Integer, TreePSet<Integer>> buckets = t.bucketNodes;
    PMap<InterfaceName, String> devs = t.deviceOwners;
    Rate sum = Rate.ZERO;
    Rate outSum = Rate.ZERO;
    for (PluggedInterface p : plugged) {
      if (p.device().isPresent()) {
        InterfaceName d = p.device().get();
        if (devs.containsKey(d) || d.equals(config.bridge())) {
          throw new InvalidValueException("recorded state gives device " + d + " to '" + p.alias()
              + "', but it is " + (d.equals(config.bridge()) ? "the bridge"
                  : "also the device of '" + devs.get(d) + "'"));
        }
        devs = devs.plus(d, p.alias().value());
      }
      if (ifs.containsKey(p.alias().value())) {
        throw new InvalidValueException("recorded state lists interface '" + p.alias() + "' twice");
      }
      if (macs.containsKey(p.mac())) {
        throw new InvalidValueException("recorded state gives MAC " + p.mac() + " to both '"
            + macs.get(p.mac()) + "' and '" + p.alias() + "'");
      }
      if (p.classMinor() != 0) {
        if (p.hasInboundClass() && !config.supportsFloors()) {
          throw new InvalidValueException("recorded interface '" + p.alias() + "' has a "
              + (p.bandwidth().hasFloor() ? "floor" : "priority") + " but network '"
              + config.name() + "' has no inbound bandwidth");
        }
        if (p.bandwidth().hasOutboundFloor() && !config.supportsOutboundFloors()) {
          throw new InvalidValueException("recorded interface '" + p.alias() + "' has an outbound"
              + " floor but network '" + config.name() + "' has no outbound floor placement;"
              + " start it with the outbound floor placement the status was recorded with");
        }
        if (ids.isUsed(p.classMinor())) {
          throw new InvalidValueException("recorded interface '" + p.alias() + "' has class id "
              + p.classMinor() + ", which is reserved or taken by another interface");
        }
        ids = ids.withUsed(p.classMinor());
        U32Handle h = p.filterHandle().orElseThrow();
        if (config.filterLayout() == FilterLayout.LIBVIRT_LINEAR) {
          // the handle is a function of the class id (injective, see linearHandle), so unique ids
          // give unique handles and only the match with the id needs checking
          U32Handle expected = linearHandle(p.classMinor());
          if (!h.equals(expected)) {
            throw new InvalidValueException("recorded interface '" + p.alias() + "' has filter "
                + h + " but in the LIBVIRT_LINEAR layout class " + p.classMinor() + " (hex "
                + Integer.toHexString(p.classMinor()) + ") has filter " + expected
                + "; start the network with the filter layout the status was recorded with, or"
                + " adopt it again from a status that carries these handles");
          }
        } else {
          if (h.htid() != HASH_TABLE_ID || h.bucket() != p.mac().octet(5)) {
            throw new InvalidValueException("recorded interface '" + p.alias() + "' has filter " + h
                + ", which is not in bucket " + Integer.toHexString(p.mac().octet(5)) + " of table "
                + Integer.toHexString(HASH_TABLE_ID) + ":");
          }
          TreePSet<Integer> nodes = buckets.getOrDefault(h.bucket(), TreePSet.empty());
          if (nodes.contains(h.node())) {
            throw new InvalidValueException("recorded filter handle " + h + " is used twice");
          }
          buckets = buckets.plus(h.bucket(), nodes.plus(h.node()));
        }
        Rate floor = p.bandwidth().floorOrZero();
        if (!sum.canAdd(floor)) {
          throw new InvalidValueException("recorded floors sum to more than " + Long.MAX_VALUE
              + " bit/s at interface '" + p.alias() + "' (floor " + floor + "); no network can"
              + " guarantee that: the recorded state is damaged");
        }
        sum = sum.plus(floor);
        Rate outFloor = p.bandwidth().outboundFloorOrZero();
        if (!outSum.canAdd(outFloor)) {
          throw new InvalidValueException("recorded outbound floors sum to more than "
              + Long.MAX_VALUE + " bit/s at interface '" + p.alias() + "' (outbound floor "
              + outFloor + "); the recorded state is damaged");
        }
        outSum = outSum.plus(outFloor);
      }
      ifs = ifs.plus(p.alias().value(), p);
      macs = macs.plus(p.mac(), p.alias().value());
    }
    IdSet park = IdSet.empty();
    for (int id : parkedIds) {
      if (ids.isUsed(id)) {
        throw new InvalidValueException("recorded parked class id " + id
            + " is reserved or taken by an interface");
      }
      ids = ids.withUsed(id);
      park = park.plus(id);
    }
    if (config.floorCapacity().isPresent() && sum.compareTo(config.floorCapacity().get()) > 0) {
      throw new InvalidValueException("recorded floors sum to " + sum + " but network '"
          + config.name() + "' now guarantees at most " + config.floorCapacity().get()
          + "; raise the network's inbound bandwidth or unplug interfaces");
    }
    if (config.outboundFloorCapacity().isPresent()
        && outSum.compareTo(config.outboundFloorCapacity().get()) > 0) {
      throw new InvalidValueException("recorded outbound floors sum to " + outSum + " but network '"
          + config.name() + "' now guarantees at most " + config.outboundFloorCapacity().get()
          + " outbound; raise the network's outbound bandwidth or unplug interfaces");
    }
    return new HtbTree(config, ids, ifs, macs, park, buckets, sum, outSum, devs,
        KernelPlacement.DEFAULT);
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
    return placement;
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
    return where.equals(placement) ? this : new HtbTree(config, ids, interfaces, aliasByMac, parked,
        bucketNodes, floorSum, outFloorSum, deviceOwners, where);
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
    return outboundDefaultRateFor(outFloorSum);
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
    return defaultRateFor(floorSum);
  }

  /**
   * Every kernel object this tree stands for, in a stable order. O(n).
   *
   * @return an immutable list: the network's objects first, then each interface's by class id, then
   *     parked classes
   */
  public List<TcObject> kernelObjects() {
    List<TcObject> out = new ArrayList<>(networkObjects(floorSum, outFloorSum));
    interfaces.values().stream()
        .sorted((a, b) -> Integer.compare(a.classMinor(), b.classMinor()))
        .forEach(p -> out.addAll(interfaceObjects(p)));
    for (int id : parked) {
      out.addAll(parkedObjects(id));
    }
    return ImmutableList.copyOf(out);
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
      return change(next, List.of(), interfaceObjects(p), p, set(p));
    }
    requirePriorityFits(alias, bandwidth);
    Rate newSum = bandwidth.hasFloor() ? admit(alias, bandwidth.floorOrZero(), Rate.ZERO)
        : floorSum;
    Rate newOut = bandwidth.hasOutboundFloor()
        ? admitOutbound(alias, bandwidth.outboundFloorOrZero(), Rate.ZERO) : outFloorSum;
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
    if (old.classMinor() == 0) {
      HtbTree next = with(ids, interfaces.minus(alias), aliasByMac.minus(old.mac()), parked,
          bucketNodes, floorSum).withDeviceOwner(old.device(), null);
      return change(next, interfaceObjects(old), List.of(), null,
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
      if (old.classMinor() == 0) {
        return change(with(ids, interfaces.plus(alias, p), aliasByMac, parked, bucketNodes,
            floorSum), interfaceObjects(old), interfaceObjects(p), p, setIfChanged(old, p));
      }
      return takeClass(old, floorSum.minus(oldFloor), outFloorSum.minus(oldOut),
          interfaceObjects(p), interfaces.plus(alias, p), aliasByMac, p);
    }
    requirePriorityFits(alias, bandwidth);
    Rate newSum = bandwidth.hasFloor() ? admit(alias, bandwidth.floorOrZero(), oldFloor)
        : floorSum.minus(oldFloor);
    Rate newOut = bandwidth.hasOutboundFloor()
        ? admitOutbound(alias, bandwidth.outboundFloorOrZero(), oldOut) : outFloorSum.minus(oldOut);
    if (old.classMinor() == 0) {
      return giveClass(alias, old.mac(), old.device(), bandwidth, old, newSum, newOut);
    }
    PluggedInterface p = new PluggedInterface(alias, old.mac(), bandwidth, old.classMinor(),
        old.filterHandle(), old.device());
    List<TcObject> before = new ArrayList<>(interfaceObjects(old));
    before.addAll(defaultClasses(floorSum, outFloorSum));
    List<TcObject> after = new ArrayList<>(interfaceObjects(p));
    after.addAll(defaultClasses(newSum, newOut));
    HtbTree next = with(ids, interfaces.plus(alias, p), aliasByMac, parked, bucketNodes, newSum)
        .withOutboundSum(newOut);
    TreeChange c = change(next, before, after, p, setIfChanged(old, p));
    // the leaf is re-added only where the inbound class stays: one added or deleted needs nothing
    boolean reprioritised = old.hasInboundClass() && p.hasInboundClass()
        && classPrio(old) != classPrio(p);
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
    LeafQdisc leaf = LeafQdisc.of(config.bridge(), ClassHandle.qdisc(minor), ClassHandle.of(1, minor),
        config.leafQdisc());
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
    if (old.classMinor() == 0) {
      PluggedInterface p = new PluggedInterface(alias, mac, old.bandwidth(), 0, Optional.empty(),
          old.device());
      return new TreeChange(with(ids, interfaces.plus(alias, p), macs, parked, bucketNodes, floorSum),
          Plan.EMPTY, Plan.EMPTY, Optional.of(p), set(p));
    }
    PMap<Integer, TreePSet<Integer>> buckets = releaseNode(bucketNodes, old.filterHandle().get());
    U32Handle handle = config.filterLayout() == FilterLayout.LIBVIRT_LINEAR
        ? linearHandle(old.classMinor()) : hashedHandle(buckets, mac);
    buckets = useNode(buckets, handle);
    PluggedInterface p = new PluggedInterface(alias, mac, old.bandwidth(), old.classMinor(),
        Optional.of(handle), old.device());
    HtbTree next = with(ids, interfaces.plus(alias, p), macs, parked, buckets, floorSum);
    return change(next, interfaceObjects(old), interfaceObjects(p), p, set(p));
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
      after.addAll(parkedObjects(id));
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
      before.addAll(parkedObjects(id));
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
    if (floorSum.compareTo(newCapacity) > 0) {
      throw AdmissionException.capacityBelowFloors(config.name().value(), floorSum, newCapacity);
    }
    HtbTree resized = restore(next, interfaces.values(), parked).withPlacement(placement);
    List<TcObject> old = kernelObjects();
    List<TcObject> now = resized.kernelObjects();
    return new TreeChange(resized, PlanDiff.between(old, now), PlanDiff.between(now, old),
        Optional.empty(), List.of(new StatusChange.InboundResized(inbound)));
  }

  // ---------------------------------------------------------------- internals

  private TreeChange giveClass(String alias, MacAddress mac, Optional<InterfaceName> device,
      Bandwidth bandwidth, PluggedInterface old, Rate newSum, Rate newOut) {
    List<TcObject> before = new ArrayList<>(defaultClasses(floorSum, outFloorSum));
    if (old != null) {
      before.addAll(interfaceObjects(old));
    }
    ClassIdAllocator a = ids;
    IdSet p = parked;
    int id;
    // parked classes sit in the inbound tree: only an inbound class (an inbound floor or a
    // priority) takes one
    if (!parked.isEmpty() && (bandwidth.hasFloor() || bandwidth.priority().isPresent())) {
      id = parked.first();
      p = p.minus(id);
      before.addAll(parkedObjects(id));
    } else {
      id = a.lowestFree();
      a = a.withUsed(id);
    }
    U32Handle handle = config.filterLayout() == FilterLayout.LIBVIRT_LINEAR
        ? linearHandle(id) : hashedHandle(bucketNodes, mac);
    PluggedInterface plugged = new PluggedInterface(alias, mac, bandwidth, id, Optional.of(handle),
        device);
    List<TcObject> after = new ArrayList<>(interfaceObjects(plugged));
    after.addAll(defaultClasses(newSum, newOut));
    PMap<MacAddress, String> macs = old == null ? aliasByMac.plus(mac, alias) : aliasByMac;
    HtbTree next = with(a, interfaces.plus(alias, plugged), macs, p, useNode(bucketNodes, handle),
        newSum).withOutboundSum(newOut);
    // one record even when a parked class is taken: the interface's record unparks its id
    List<StatusChange> records = set(plugged);
    if (old == null) {
      next = next.withDeviceOwner(device, alias);
      if (device.isEmpty() && !config.supportsOutboundFloors()) {
        // the hot path (a plain plug): the plan is built directly, see swapPlan
        List<TcObject> floor = after.subList(0, after.size() - 1);
        HtbClass parkedClass = p == parked ? null : (HtbClass) before.get(1);
        LeafQdisc parkedLeaf = p == parked ? null : (LeafQdisc) before.get(2);
        TreeChange direct = directChange(next, (HtbClass) before.get(0), parkedClass, parkedLeaf,
            false, after.get(after.size() - 1), floor, plugged, records);
        if (direct != null) {
          return direct;
        }
      }
    }
    return change(next, before, after, plugged, records);
  }

  /**
   * Takes {@code old}'s class away (deleted or parked); {@code affected} is what remains of it, with
   * {@code remaining} its kernel objects (its device's, if any).
   */
  private TreeChange takeClass(PluggedInterface old, Rate newSum, Rate newOut,
      List<TcObject> remaining, PMap<String, PluggedInterface> ifs, PMap<MacAddress, String> macs,
      PluggedInterface affected) {
    List<TcObject> before = new ArrayList<>(interfaceObjects(old));
    before.addAll(defaultClasses(floorSum, outFloorSum));
    List<TcObject> after = new ArrayList<>(remaining);
    after.addAll(defaultClasses(newSum, newOut));
    ClassIdAllocator a = ids;
    IdSet p = parked;
    if (config.classStrategy() == ClassStrategy.PARKED_POOL && config.supportsFloors()) {
      p = p.plus(old.classMinor());
      after.addAll(parkedObjects(old.classMinor()));
    } else {
      a = a.withReleased(old.classMinor());
    }
    PMap<Integer, TreePSet<Integer>> buckets = releaseNode(bucketNodes, old.filterHandle().get());
    HtbTree next = with(a, ifs, macs, p, buckets, newSum).withOutboundSum(newOut);
    // the interface's record first: parking its id while the interface still held it would leave
    // a status (after a crash between the two) with the id both parked and assigned
    StatusChange interfaceRecord = affected == null
        ? new StatusChange.InterfaceRemoved(old.alias()) : new StatusChange.InterfaceSet(affected);
    List<StatusChange> records = p == parked ? List.of(interfaceRecord)
        : List.of(interfaceRecord, new StatusChange.ClassesParked(new TreeSet<>(
            List.of(old.classMinor()))));
    if (affected == null) {
      next = next.withDeviceOwner(old.device(), null); // unplugged: its device is free again
      if (old.device().isEmpty() && !config.supportsOutboundFloors()) {
        // the hot path (a plain unplug): the plan is built directly, see swapPlan
        boolean parks = p != parked;
        List<TcObject> floor = before.subList(0, 3);
        TreeChange direct = directChange(next, (HtbClass) before.get(3),
            parks ? (HtbClass) after.get(1) : null, parks ? (LeafQdisc) after.get(2) : null,
            true, after.get(0), floor, null, records);
        if (direct != null) {
          return direct;
        }
      }
    }
    return change(next, before, after, affected, records);
  }

  /**
   * The change of a plain plug ({@code unplugging} false) or unplug (true) of an interface without a
   * device of its own, with the plan and undo built directly instead of by two
   * {@link PlanDiff#between} calls (a plug's share of time outside the kernel was mostly the model).
   * The objects involved are fixed: the default class 1:2 ({@code defaultOld} → {@code defaultNew}),
   * the interface's {@code floor} objects (class, leaf, filter) and, with a parked class, that class
   * and its leaf ({@code parkedClass}, {@code parkedLeaf}) on the side without the interface. Returns
   * null, and the caller falls back to {@code PlanDiff}, for any shape this does not cover.
   * {@code HtbTreeProperties#directPlansAreWhatPlanDiffMakes} checks the plans are identical.
   */
  private TreeChange directChange(HtbTree next, HtbClass defaultOld, HtbClass parkedClass,
      LeafQdisc parkedLeaf, boolean unplugging, TcObject defaultNew, List<TcObject> floor,
      PluggedInterface affected, List<StatusChange> records) {
    if (floor.size() != 3 || !(floor.get(0) instanceof HtbClass cls)
        || !(floor.get(1) instanceof LeafQdisc leaf) || !(floor.get(2) instanceof U32MacFilter filter)
        || !(defaultNew instanceof HtbClass defNew)
        || (parkedLeaf != null && !parkedLeaf.equals(leaf))
        || (parkedClass != null && !parkedClass.parent().equals(cls.parent()))
        || !defaultOld.parent().equals(defNew.parent())) {
      return null;
    }
    // side A holds the interface's objects, side B the parked class (or nothing) instead
    HtbClass defA = unplugging ? defaultOld : defNew;
    HtbClass defB = unplugging ? defNew : defaultOld;
    Plan toB = swapPlan(defA, defB, cls, parkedClass, leaf, filter, true);
    Plan toA = swapPlan(defB, defA, parkedClass, cls, leaf, filter, false);
    return unplugging ? new TreeChange(next, toB, toA, Optional.ofNullable(affected), records)
        : new TreeChange(next, toA, toB, Optional.ofNullable(affected), records);
  }

  /**
   * Exactly {@code PlanDiff.between(from, to)} for {@code from} = {defFrom, clsFrom?, leaf if
   * clsFrom, filter if filterFrom} and {@code to} = {defTo, clsTo?, leaf if clsTo, filter if not
   * filterFrom}, where a class present on both sides has the same id and parent (so it is changed
   * in place) and the default class 1:2 sorts before the interface's class (ids from 3 up). In
   * PlanDiff's order: filter deletes, lowering class changes (by key), leaf then class deletes,
   * class adds, raising class changes (by key), leaf adds, filter adds.
   */
  private static Plan swapPlan(HtbClass defFrom, HtbClass defTo, HtbClass clsFrom, HtbClass clsTo,
      LeafQdisc leaf, U32MacFilter filter, boolean filterFrom) {
    TcOp defChange = defFrom.equals(defTo) ? null : new TcOp.Change(defFrom, defTo);
    boolean defLowers = defChange != null && defTo.rate().compareTo(defFrom.rate()) < 0;
    TcOp clsChange = clsFrom == null || clsTo == null || clsFrom.equals(clsTo) ? null
        : new TcOp.Change(clsFrom, clsTo);
    boolean clsLowers = clsChange != null && clsTo.rate().compareTo(clsFrom.rate()) < 0;
    TcOp[] ops = new TcOp[7];
    int n = 0;
    if (filterFrom) {
      ops[n++] = new TcOp.Delete(filter);
    }
    if (defLowers) {
      ops[n++] = defChange;
    }
    if (clsLowers) {
      ops[n++] = clsChange;
    }
    if (clsFrom != null && clsTo == null) {
      ops[n++] = new TcOp.Delete(leaf);
      ops[n++] = new TcOp.Delete(clsFrom);
    }
    if (clsFrom == null && clsTo != null) {
      ops[n++] = new TcOp.Add(clsTo);
    }
    if (defChange != null && !defLowers) {
      ops[n++] = defChange;
    }
    if (clsChange != null && !clsLowers) {
      ops[n++] = clsChange;
    }
    if (clsFrom == null && clsTo != null) {
      ops[n++] = new TcOp.Add(leaf);
    }
    if (!filterFrom) {
      ops[n++] = new TcOp.Add(filter);
    }
    return new Plan(ImmutableList.copyOf(Arrays.asList(ops).subList(0, n)));
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

  /** A priority without a floor needs the HTB tree (a floor's absence is checked by admission). */
  private void requirePriorityFits(String alias, Bandwidth bandwidth) {
    if (bandwidth.priority().isPresent() && !bandwidth.hasFloor() && !config.supportsFloors()) {
      throw new io.netfloor.InvalidBandwidthException("interface '" + alias + "' has priority "
          + bandwidth.priority().orElseThrow() + " but network '" + config.name() + "' has no"
          + " inbound bandwidth, so no HTB tree for it to act in; give the network an inbound"
          + " average, or plug the interface without a priority");
    }
  }

  /** Returns the new floor sum, or throws when {@code floor} replacing {@code oldFloor} does not fit. */
  private Rate admit(String alias, Rate floor, Rate oldFloor) {
    if (!config.supportsFloors()) {
      throw AdmissionException.noInboundQos(config.name().value(), alias, floor);
    }
    Rate others = floorSum.minus(oldFloor);
    Rate capacity = config.floorCapacity().orElseThrow();
    // compared with what is left rather than by adding: a floor near 2^63 bit/s added to the others
    // would overflow, and it is simply more than any network can guarantee
    if (floor.compareTo(capacity.minusOrZero(others)) > 0) {
      throw new AdmissionException(config.name().value(), alias, floor, others, capacity);
    }
    return others.plus(floor); // at most the capacity
  }

  /** The new outbound floor sum, or throws when {@code floor} replacing {@code oldFloor} does not fit. */
  private Rate admitOutbound(String alias, Rate floor, Rate oldFloor) {
    if (!config.supportsOutboundFloors()) {
      throw AdmissionException.noOutboundFloors(config.name().value(), alias, floor);
    }
    Rate others = outFloorSum.minus(oldFloor);
    Rate capacity = config.outboundFloorCapacity().orElseThrow();
    if (floor.compareTo(capacity.minusOrZero(others)) > 0) {
      throw AdmissionException.outbound(config.name().value(), alias, floor, others, capacity);
    }
    return others.plus(floor);
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
    return new HtbTree(config, a, ifs, macs, p, buckets, sum, outFloorSum, deviceOwners,
        placement);
  }

  /** This tree with {@code outSum} as its outbound floor sum. */
  private HtbTree withOutboundSum(Rate outSum) {
    return outSum.equals(outFloorSum) ? this : new HtbTree(config, ids, interfaces, aliasByMac,
        parked, bucketNodes, floorSum, outSum, deviceOwners, placement);
  }

  /** This tree with {@code device} owned by {@code alias}, or released when {@code alias} is null. */
  private HtbTree withDeviceOwner(Optional<InterfaceName> device, String alias) {
    if (device.isEmpty()) {
      return this;
    }
    PMap<InterfaceName, String> devs = alias == null ? deviceOwners.minus(device.get())
        : deviceOwners.plus(device.get(), alias);
    return new HtbTree(config, ids, interfaces, aliasByMac, parked, bucketNodes, floorSum,
        outFloorSum, devs, placement);
  }

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
    int node = classMinor >= 0 && classMinor < LINEAR_NODES.length ? LINEAR_NODES[classMinor] : 0;
    if (node == 0) {
      throw new InvalidValueException("class id " + classMinor + " (hex "
          + Integer.toHexString(classMinor) + ") has no filter node in the LIBVIRT_LINEAR layout,"
          + " which holds class ids 3..fff hex except 800 hex");
    }
    return U32Handle.of(ROOT_TABLE_ID, 0, node);
  }

  /** libvirt's node of a class id: its decimal {@code 800 + id}, read as hex by tc. */
  private static int libvirtNode(int classMinor) {
    return Integer.parseInt(Integer.toString(800 + classMinor), 16);
  }

  /** Node ids of {@link #linearHandle} by class id; 0 where the layout holds no class. */
  private static short[] linearNodes() {
    short[] nodes = new short[0x1000];
    boolean[] taken = new boolean[0x1000];
    taken[ROOT_TABLE_ID] = true; // the DHCP checksum filter of libvirt's nftables backend
    for (int id = ClassIdAllocator.FIRST_ASSIGNABLE; id <= LAST_LIBVIRT_LINEAR_ID; id++) {
      int node = libvirtNode(id);
      nodes[id] = (short) node;
      taken[node] = true;
    }
    ClassIdAllocator ids = ClassIdAllocator.forLayout(FilterLayout.LIBVIRT_LINEAR);
    int node = 0xfff;
    for (int id = LAST_LIBVIRT_LINEAR_ID + 1; id < nodes.length; id++) {
      if (ids.isReserved(id)) {
        continue;
      }
      while (taken[node]) {
        node--;
      }
      nodes[id] = (short) node;
      taken[node] = true;
    }
    return nodes;
  }

  private static U32Handle hashedHandle(PMap<Integer, TreePSet<Integer>> buckets, MacAddress mac) {
    int bucket = mac.octet(5);
    int node = hashedNode(buckets.getOrDefault(bucket, TreePSet.empty()));
    if (node == 0) {
      throw new io.netfloor.ClassIdExhaustedException(String.format("hash bucket %02x of the"
          + " filter table already holds %d interfaces, one per u32 node id; unplug one whose MAC"
          + " ends in %02x, or give the new interface a MAC with another last byte", bucket,
          MAX_HASH_NODE, bucket));
    }
    return U32Handle.of(HASH_TABLE_ID, bucket, node);
  }

  /** The largest u32 node id (12 bits); node 0 asks the kernel to pick one, so ids are 1..fff. */
  static final int MAX_HASH_NODE = 0xfff;

  /**
   * The node id for a new filter in a hash bucket whose nodes {@code used} hold, or 0 when all
   * {@value #MAX_HASH_NODE} are taken.
   *
   * <p>The kernel keeps a bucket's filters in a list sorted by node id, and an add walks that list
   * from the head to its place; so does the lookup of every packet. A node below all others goes in
   * at the head without a walk, so that is the first choice: the highest free node below the
   * lowest used one. Plugs and unplugs alternating in one bucket therefore move its nodes down one
   * by one; when node 1 is taken there is nothing below, and the new node goes into the first free
   * gap above the run of nodes that starts at 1, at the gap's top. The add then walks only that run
   * (usually a node or two), the following plugs take the nodes below it again, and the nodes an
   * unplug freed are reused as the ids come round. So churn never exhausts a bucket: only
   * {@value #MAX_HASH_NODE} interfaces plugged at once in one bucket do.
   *
   * @param used the bucket's node ids in use, ascending, each in 1..{@value #MAX_HASH_NODE}
   */
  static int hashedNode(SortedSet<Integer> used) {
    if (used.isEmpty()) {
      return MAX_HASH_NODE;
    }
    int lowest = used.first();
    if (lowest > 1) {
      return lowest - 1; // at the head
    }
    // node 1 is taken: the first gap above the run 1, 2, … k, at its top
    int previous = 0;
    for (int node : used) {
      if (node > previous + 1) {
        return node - 1;
      }
      previous = node;
    }
    return previous < MAX_HASH_NODE ? MAX_HASH_NODE : 0;
  }

  private PMap<Integer, TreePSet<Integer>> useNode(PMap<Integer, TreePSet<Integer>> buckets,
      U32Handle h) {
    if (config.filterLayout() != FilterLayout.HASHED) {
      return buckets;
    }
    return buckets.plus(h.bucket(), buckets.getOrDefault(h.bucket(), TreePSet.empty()).plus(h.node()));
  }

  private PMap<Integer, TreePSet<Integer>> releaseNode(PMap<Integer, TreePSet<Integer>> buckets,
      U32Handle h) {
    if (config.filterLayout() != FilterLayout.HASHED) {
      return buckets;
    }
    TreePSet<Integer> left = buckets.getOrDefault(h.bucket(), TreePSet.empty()).minus(h.node());
    return left.isEmpty() ? buckets.minus(h.bucket()) : buckets.plus(h.bucket(), left);
  }

  // ---------------------------------------------------------------- objects

  private Rate outboundDefaultRateFor(Rate sum) {
    return config.outboundFloorCapacity()
        .map(c -> Rate.max(c.minusOrZero(sum), MIN_DEFAULT_RATE))
        .orElse(MIN_DEFAULT_RATE);
  }

  private Rate defaultRateFor(Rate sum) {
    return config.floorCapacity()
        .map(c -> Rate.max(c.minusOrZero(sum), MIN_DEFAULT_RATE))
        .orElse(MIN_DEFAULT_RATE);
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
    long bytes = rate.bytesPerSecond();
    // bytes × ms ÷ 1000 without the product, which overflows above about 7.4 Ebit/s
    long burst = bytes / 1000 * BURST_TIME_MS + bytes % 1000 * BURST_TIME_MS / 1000;
    return ByteSize.ofBytes(Math.max(MIN_BURST_BYTES, burst));
  }

  private long quantum(Rate rate) {
    return quantumFor(rate, config.rateToQuantum());
  }

  /** {@code clamp(rate bytes/s ÷ r2q, 1600, 200000)}: what the kernel picks, minus its warnings. */
  static long quantumFor(Rate rate, int rateToQuantum) {
    long q = rate.bytesPerSecond() / rateToQuantum;
    return Math.max(MIN_QUANTUM_BYTES, Math.min(MAX_QUANTUM_BYTES, q));
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
    Optional<Rate> net = config.inboundCeiling();
    if (net.isEmpty()) {
      return Rate.ZERO;
    }
    Rate ceil = p.bandwidth().inbound().flatMap(Limits::ceiling)
        .map(own -> Rate.min(own, net.get())).orElse(net.get());
    return Rate.max(ceil, p.bandwidth().floorOrZero());
  }

  private int protocol() {
    return config.trafficMatch() == TrafficMatch.IPV4_ONLY ? EtherType.IPV4 : EtherType.ALL;
  }

  private List<TcObject> networkObjects(Rate sum, Rate outSum) {
    List<TcObject> outbound = config.supportsOutboundFloors() ? outboundTreeObjects(outSum)
        : config.bandwidth().outbound()
        .map(o -> DeviceShaping.objects(config.bridge(), null, o, config.outboundShaping(),
            config.leafQdisc(), config.rateToQuantum(), config.name().value()))
        .orElse(List.of());
    if (!config.supportsFloors()) {
      return outbound;
    }
    Limits in = config.bandwidth().inbound().orElseThrow();
    Rate average = in.average().orElseThrow();
    Rate ceiling = in.ceiling().orElseThrow();
    List<TcObject> out = new ArrayList<>();
    if (placement.ownsRootQdisc()) {
      out.add(new HtbQdisc(config.bridge(), ROOT_QDISC, ClassHandle.ROOT, DEFAULT_CLASS.minor(),
          config.rateToQuantum(), OptionalInt.empty()));
    }
    out.add(new U32OwnerMark(config.bridge(), ROOT_QDISC, placement.filterPrio(), protocol(),
        placement.ownsRootQdisc(), config.name().value()));
    out.add(new HtbClass(config.bridge(), TOP_CLASS, ROOT_QDISC, average, ceiling,
        Optional.of(in.burst().orElse(defaultBurst(average))),
        Optional.of(in.burst().orElse(defaultBurst(ceiling))), INNER_CLASS_QUANTUM_BYTES, 0));
    out.add(defaultClass(sum));
    out.add(LeafQdisc.of(config.bridge(), DEFAULT_LEAF, DEFAULT_CLASS, config.leafQdisc()));
    if (config.filterLayout() == FilterLayout.HASHED) {
      out.add(new U32HashTable(config.bridge(), ROOT_QDISC, placement.filterPrio(), protocol(),
          HASH_TABLE_ID, HASH_BUCKETS));
      // hash on the word at -12 (destination MAC bytes 2-5), mask 0xff: byte 5
      out.add(new U32HashLink(config.bridge(), ROOT_QDISC, placement.filterPrio(), protocol(),
          hashLinkHandle(), HASH_TABLE_ID, -12, 0xff));
    }
    out.addAll(outbound);
    return out;
  }

  /**
   * The hashed layout's link node: node 800 of the prio's root table.
   *
   * @return the handle {@code <root table>::800} at this tree's placement
   */
  public U32Handle hashLinkHandle() {
    return U32Handle.of(placement.rootTableId(), 0, HASH_LINK_HANDLE.node());
  }

  /**
   * The outbound floor tree: with {@link OutboundFloorPlacement.Kind#BRIDGE_INGRESS}, the bridge's
   * ingress redirected to its ifb first; then, on the tree's device, the root, its mark, 1:1 at the
   * network's outbound average/ceiling, the default class and, hashed, the table and a link that
   * hashes the word at −4 with mask 0x00ff0000: the source MAC's last byte, the byte the inbound
   * link hashes in the destination, so an interface's filter handle is valid in both trees.
   */
  private List<TcObject> outboundTreeObjects(Rate outSum) {
    InterfaceName dev = config.outboundFloorDevice().orElseThrow();
    List<TcObject> out = new ArrayList<>();
    if (config.outboundFloors().kind() == OutboundFloorPlacement.Kind.BRIDGE_INGRESS) {
      out.add(new IngressQdisc(config.bridge()));
      out.add(new U32OwnerMark(config.bridge(), IngressQdisc.HANDLE, DeviceShaping.MARK_PRIO,
          EtherType.ALL, true, config.name().value()));
      out.add(new IfbDevice(dev));
      out.add(new U32MatchAllRedirect(config.bridge(), DeviceShaping.INGRESS_FILTER_PRIO,
          DeviceShaping.INGRESS_FILTER_HANDLE, dev));
    }
    Limits o = config.bandwidth().outbound().orElseThrow();
    Rate average = o.average().orElseThrow();
    Rate ceiling = o.ceiling().orElseThrow();
    out.add(new HtbQdisc(dev, ROOT_QDISC, ClassHandle.ROOT, DEFAULT_CLASS.minor(),
        config.rateToQuantum(), OptionalInt.empty()));
    out.add(new U32OwnerMark(dev, ROOT_QDISC, OUTBOUND_FILTER_PRIO, protocol(), true,
        config.name().value()));
    out.add(new HtbClass(dev, TOP_CLASS, ROOT_QDISC, average, ceiling,
        Optional.of(o.burst().orElse(defaultBurst(average))),
        Optional.of(o.burst().orElse(defaultBurst(ceiling))), INNER_CLASS_QUANTUM_BYTES, 0));
    out.add(outboundDefaultClass(outSum));
    out.add(LeafQdisc.of(dev, DEFAULT_LEAF, DEFAULT_CLASS, config.leafQdisc()));
    if (config.filterLayout() == FilterLayout.HASHED) {
      out.add(new U32HashTable(dev, ROOT_QDISC, OUTBOUND_FILTER_PRIO, protocol(), HASH_TABLE_ID,
          HASH_BUCKETS));
      out.add(new U32HashLink(dev, ROOT_QDISC, OUTBOUND_FILTER_PRIO, protocol(), HASH_LINK_HANDLE,
          HASH_TABLE_ID, SOURCE_HASH_OFFSET, SOURCE_HASH_MASK));
    }
    return out;
  }

  private HtbClass outboundDefaultClass(Rate outSum) {
    InterfaceName dev = config.outboundFloorDevice().orElseThrow();
    Limits o = config.bandwidth().outbound().orElseThrow();
    Rate rate = outboundDefaultRateFor(outSum);
    Rate ceil = Rate.max(o.ceiling().orElseThrow(), rate);
    Rate capacity = config.outboundFloorCapacity().orElse(rate);
    return new HtbClass(dev, DEFAULT_CLASS, TOP_CLASS, rate, ceil,
        Optional.of(o.burst().orElse(defaultBurst(capacity))),
        Optional.of(o.burst().orElse(defaultBurst(ceil))), quantum(rate), 0);
  }

  /** The default classes of the trees the network has: inbound 1:2, then outbound 1:2. */
  private List<TcObject> defaultClasses(Rate sum, Rate outSum) {
    List<TcObject> out = new ArrayList<>(2);
    if (config.supportsFloors()) {
      out.add(defaultClass(sum));
    }
    if (config.supportsOutboundFloors()) {
      out.add(outboundDefaultClass(outSum));
    }
    return out;
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
    Optional<Rate> net = config.outboundCeiling();
    if (net.isEmpty()) {
      return Rate.ZERO;
    }
    Rate ceil = p.bandwidth().outbound().flatMap(Limits::ceiling)
        .map(own -> Rate.min(own, net.get())).orElse(net.get());
    return Rate.max(ceil, p.bandwidth().outboundFloorOrZero());
  }

  private HtbClass defaultClass(Rate sum) {
    Limits in = config.bandwidth().inbound().orElseThrow();
    Rate rate = defaultRateFor(sum);
    Rate ceil = Rate.max(in.ceiling().orElseThrow(), rate);
    // the default class's burst does not follow its rate (which moves with every plug), so that a
    // plug changes its rate only
    Rate capacity = config.floorCapacity().orElse(rate);
    return new HtbClass(config.bridge(), DEFAULT_CLASS, TOP_CLASS, rate, ceil,
        Optional.of(in.burst().orElse(defaultBurst(capacity))),
        Optional.of(in.burst().orElse(defaultBurst(ceil))), quantum(rate), 0);
  }

  /** The interface's floor objects on the bridge, then its own device's. */
  private List<TcObject> interfaceObjects(PluggedInterface p) {
    // a floor-only outbound limit shapes nothing on the device: only an average is enforced there
    List<TcObject> own = p.device()
        .map(d -> DeviceShaping.objects(d, p.bandwidth().inbound().orElse(null),
            p.bandwidth().outbound().filter(l -> l.average().isPresent()).orElse(null),
            config.outboundShaping(), config.leafQdisc(), config.rateToQuantum(), config.name().value()))
        .orElse(List.of());
    if (p.classMinor() == 0) {
      return own;
    }
    List<TcObject> out = new ArrayList<>(p.hasInboundClass() ? floorObjects(p) : List.of());
    if (p.bandwidth().hasOutboundFloor() && config.supportsOutboundFloors()) {
      out.addAll(outboundFloorObjects(p));
    }
    out.addAll(own);
    return out;
  }

  /**
   * The interface's class, leaf and source-MAC filter in the outbound floor tree. Its class there
   * always has HTB's prio 0: a priority orders only the inbound tree.
   */
  private List<TcObject> outboundFloorObjects(PluggedInterface p) {
    InterfaceName dev = config.outboundFloorDevice().orElseThrow();
    ClassHandle classId = ClassHandle.of(1, p.classMinor());
    Rate floor = p.bandwidth().outboundFloorOrZero();
    Rate ceil = outboundCeilingOf(p);
    return List.of(
        new HtbClass(dev, classId, TOP_CLASS, floor, ceil, Optional.of(defaultBurst(floor)),
            Optional.of(defaultBurst(ceil)), quantum(floor), 0),
        LeafQdisc.of(dev, ClassHandle.qdisc(p.classMinor()), classId, config.leafQdisc()),
        new U32MacFilter(dev, ROOT_QDISC, OUTBOUND_FILTER_PRIO, protocol(),
            p.filterHandle().orElseThrow(), config.filterLayout() == FilterLayout.HASHED, p.mac(),
            config.trafficMatch() == TrafficMatch.IPV4_ONLY
                ? OptionalInt.of(EtherType.IPV4) : OptionalInt.empty(),
            classId, MacField.SOURCE));
  }

  private List<TcObject> floorObjects(PluggedInterface p) {
    ClassHandle classId = ClassHandle.of(1, p.classMinor());
    Rate rate = p.bandwidth().hasFloor() ? p.bandwidth().floorOrZero() : PRIORITY_ONLY_RATE;
    Rate ceil = Rate.max(ceilingOf(p), rate);
    U32Handle handle = p.filterHandle().orElseThrow();
    return List.of(
        new HtbClass(config.bridge(), classId, TOP_CLASS, rate, ceil, Optional.of(defaultBurst(rate)),
            Optional.of(defaultBurst(ceil)), quantum(rate), classPrio(p)),
        LeafQdisc.of(config.bridge(), ClassHandle.qdisc(p.classMinor()), classId, config.leafQdisc()),
        new U32MacFilter(config.bridge(), ROOT_QDISC, placement.filterPrio(), protocol(), handle,
            config.filterLayout() == FilterLayout.HASHED, p.mac(),
            config.trafficMatch() == TrafficMatch.IPV4_ONLY
                ? OptionalInt.of(EtherType.IPV4) : OptionalInt.empty(),
            classId));
  }

  /** The HTB prio of {@code p}'s class: its priority, else HTB's default 0 (as before priorities). */
  private static int classPrio(PluggedInterface p) {
    return p.bandwidth().priority().map(Priority::value).orElse(0);
  }

  private List<TcObject> parkedObjects(int id) {
    ClassHandle classId = ClassHandle.of(1, id);
    return List.of(
        new HtbClass(config.bridge(), classId, TOP_CLASS, PARKED_RATE, PARKED_RATE, Optional.empty(),
            Optional.empty(), MIN_QUANTUM_BYTES, 0),
        LeafQdisc.of(config.bridge(), ClassHandle.qdisc(id), classId, config.leafQdisc()));
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
