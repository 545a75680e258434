// SPDX-License-Identifier: Apache-2.0
package io.netfloor.model;

import static io.netfloor.model.HtbTree.DEFAULT_CLASS;
import static io.netfloor.model.HtbTree.DEFAULT_LEAF;
import static io.netfloor.model.HtbTree.HASH_BUCKETS;
import static io.netfloor.model.HtbTree.HASH_LINK_HANDLE;
import static io.netfloor.model.HtbTree.HASH_TABLE_ID;
import static io.netfloor.model.HtbTree.INNER_CLASS_QUANTUM_BYTES;
import static io.netfloor.model.HtbTree.OUTBOUND_FILTER_PRIO;
import static io.netfloor.model.HtbTree.ROOT_QDISC;
import static io.netfloor.model.HtbTree.TOP_CLASS;

import com.google.common.collect.ImmutableList;
import io.netfloor.plan.EtherType;
import io.netfloor.plan.HtbClass;
import io.netfloor.plan.HtbQdisc;
import io.netfloor.plan.IfbDevice;
import io.netfloor.plan.IngressQdisc;
import io.netfloor.plan.LeafQdisc;
import io.netfloor.plan.MacField;
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
import io.netfloor.units.Rate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * The kernel objects a tree stands for, rendered from the network's config and the tree's
 * {@link KernelPlacement}: the network's root, mark, classes 1:1 and 1:2 and hash table (per tree
 * that exists: inbound on the bridge, outbound on the outbound floor device), each interface's
 * class, leaf and filter, parked classes, and the interface's own device shaping. The rate, burst,
 * quantum and ceiling policy of every class lives here (see {@link HtbTree} for the values).
 * Immutable; a tree keeps one and passes it on to the trees it makes.
 */
final class KernelObjects {
  /**
   * An interface's objects in the inbound tree: its class, the class's leaf qdisc and the filter
   * that steers frames to its MAC there.
   *
   * @param htbClass the class {@code 1:minor}
   * @param leaf the leaf qdisc {@code minor:} under it
   * @param filter the destination-MAC filter to it
   */
  record InboundClass(HtbClass htbClass, LeafQdisc leaf, U32MacFilter filter) {
    List<TcObject> list() {
      return List.of(htbClass, leaf, filter);
    }
  }

  /**
   * A parked class: rate and ceiling {@link HtbTree#PARKED_RATE}, a leaf, no filter.
   *
   * @param htbClass the class {@code 1:minor}
   * @param leaf the leaf qdisc {@code minor:} under it, the one a plug that takes the class keeps
   */
  record ParkedClass(HtbClass htbClass, LeafQdisc leaf) {
    List<TcObject> list() {
      return List.of(htbClass, leaf);
    }
  }

  private final NetworkConfig config;
  private final KernelPlacement placement;

  KernelObjects(NetworkConfig config, KernelPlacement placement) {
    this.config = config;
    this.placement = placement;
  }

  NetworkConfig config() {
    return config;
  }

  KernelPlacement placement() {
    return placement;
  }

  /** The same config at {@code where}. */
  KernelObjects at(KernelPlacement where) {
    return new KernelObjects(config, where);
  }

  /**
   * Every object: the network's first, then each interface's by class id, then parked classes.
   */
  List<TcObject> all(Collection<PluggedInterface> interfaces, Iterable<Integer> parked, Rate sum,
      Rate outSum) {
    List<TcObject> out = new ArrayList<>(network(sum, outSum));
    interfaces.stream()
        .sorted((a, b) -> Integer.compare(a.classMinor(), b.classMinor()))
        .forEach(p -> out.addAll(ofInterface(p)));
    for (int id : parked) {
      out.addAll(parked(id).list());
    }
    return ImmutableList.copyOf(out);
  }

  // ---------------------------------------------------------------- policy

  /** The rate of the inbound default class 1:2 with floors summing to {@code sum}. */
  Rate defaultRate(Rate sum) {
    return config.floorCapacity()
        .map(c -> Rate.max(c.minusOrZero(sum), HtbTree.MIN_DEFAULT_RATE))
        .orElse(HtbTree.MIN_DEFAULT_RATE);
  }

  /** The rate of the outbound default class 1:2 with outbound floors summing to {@code sum}. */
  Rate outboundDefaultRate(Rate sum) {
    return config.outboundFloorCapacity()
        .map(c -> Rate.max(c.minusOrZero(sum), HtbTree.MIN_DEFAULT_RATE))
        .orElse(HtbTree.MIN_DEFAULT_RATE);
  }

  /** See {@link HtbTree#defaultBurst}. */
  static ByteSize defaultBurst(Rate rate) {
    long bytes = rate.bytesPerSecond();
    // bytes × ms ÷ 1000 without the product, which overflows above about 7.4 Ebit/s
    long burst = bytes / 1000 * HtbTree.BURST_TIME_MS
        + bytes % 1000 * HtbTree.BURST_TIME_MS / 1000;
    return ByteSize.ofBytes(Math.max(HtbTree.MIN_BURST_BYTES, burst));
  }

  /** {@code clamp(rate bytes/s ÷ r2q, 1600, 200000)}: what the kernel picks, minus its warnings. */
  static long quantumFor(Rate rate, int rateToQuantum) {
    long q = rate.bytesPerSecond() / rateToQuantum;
    return Math.max(HtbTree.MIN_QUANTUM_BYTES, Math.min(HtbTree.MAX_QUANTUM_BYTES, q));
  }

  private long quantum(Rate rate) {
    return quantumFor(rate, config.rateToQuantum());
  }

  /** See {@link HtbTree#ceilingOf}. */
  Rate ceilingOf(PluggedInterface p) {
    return ceiling(config.inboundCeiling(), p.bandwidth().inbound(), p.bandwidth().floorOrZero());
  }

  /** See {@link HtbTree#outboundCeilingOf}. */
  Rate outboundCeilingOf(PluggedInterface p) {
    return ceiling(config.outboundCeiling(), p.bandwidth().outbound(),
        p.bandwidth().outboundFloorOrZero());
  }

  /**
   * An interface's ceiling in one direction: its own ceiling within the network's, never below its
   * floor; zero when the network has no ceiling in that direction.
   */
  private static Rate ceiling(Optional<Rate> network, Optional<Limits> own, Rate floor) {
    if (network.isEmpty()) {
      return Rate.ZERO;
    }
    Rate ceil = own.flatMap(Limits::ceiling).map(c -> Rate.min(c, network.get()))
        .orElse(network.get());
    return Rate.max(ceil, floor);
  }

  /** The HTB prio of {@code p}'s class: its priority, else HTB's default 0 (as before priorities). */
  static int classPrio(PluggedInterface p) {
    return p.bandwidth().priority().map(Priority::value).orElse(0);
  }

  private int protocol() {
    return config.trafficMatch() == TrafficMatch.IPV4_ONLY ? EtherType.IPV4 : EtherType.ALL;
  }

  private OptionalInt filterEtherType() {
    return config.trafficMatch() == TrafficMatch.IPV4_ONLY
        ? OptionalInt.of(EtherType.IPV4) : OptionalInt.empty();
  }

  // ---------------------------------------------------------------- the network's objects

  /** See {@link HtbTree#hashLinkHandle}. */
  U32Handle hashLinkHandle() {
    return U32Handle.of(placement.rootTableId(), 0, HASH_LINK_HANDLE.node());
  }

  /** The network's own objects: inbound tree, then outbound tree or the bridge's shaping. */
  List<TcObject> network(Rate sum, Rate outSum) {
    List<TcObject> outbound = config.supportsOutboundFloors() ? outboundTree(outSum)
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
   * The outbound floor tree: with {@link OutboundFloorPlacement.Kind#BRIDGE_INGRESS}, the bridge's
   * ingress redirected to its ifb first; then, on the tree's device, the root, its mark, 1:1 at the
   * network's outbound average/ceiling, the default class and, hashed, the table and a link that
   * hashes the word at −4 with mask 0x00ff0000: the source MAC's last byte, the byte the inbound
   * link hashes in the destination, so an interface's filter handle is valid in both trees.
   */
  private List<TcObject> outboundTree(Rate outSum) {
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
          HASH_TABLE_ID, HtbTree.SOURCE_HASH_OFFSET, HtbTree.SOURCE_HASH_MASK));
    }
    return out;
  }

  /** The default classes of the trees the network has: inbound 1:2, then outbound 1:2. */
  List<TcObject> defaultClasses(Rate sum, Rate outSum) {
    List<TcObject> out = new ArrayList<>(2);
    if (config.supportsFloors()) {
      out.add(defaultClass(sum));
    }
    if (config.supportsOutboundFloors()) {
      out.add(outboundDefaultClass(outSum));
    }
    return out;
  }

  /** The inbound default class 1:2 with floors summing to {@code sum}. */
  HtbClass defaultClass(Rate sum) {
    Limits in = config.bandwidth().inbound().orElseThrow();
    Rate rate = defaultRate(sum);
    Rate ceil = Rate.max(in.ceiling().orElseThrow(), rate);
    // the default class's burst does not follow its rate (which moves with every plug), so that a
    // plug changes its rate only
    Rate capacity = config.floorCapacity().orElse(rate);
    return new HtbClass(config.bridge(), DEFAULT_CLASS, TOP_CLASS, rate, ceil,
        Optional.of(in.burst().orElse(defaultBurst(capacity))),
        Optional.of(in.burst().orElse(defaultBurst(ceil))), quantum(rate), 0);
  }

  private HtbClass outboundDefaultClass(Rate outSum) {
    InterfaceName dev = config.outboundFloorDevice().orElseThrow();
    Limits o = config.bandwidth().outbound().orElseThrow();
    Rate rate = outboundDefaultRate(outSum);
    Rate ceil = Rate.max(o.ceiling().orElseThrow(), rate);
    Rate capacity = config.outboundFloorCapacity().orElse(rate);
    return new HtbClass(dev, DEFAULT_CLASS, TOP_CLASS, rate, ceil,
        Optional.of(o.burst().orElse(defaultBurst(capacity))),
        Optional.of(o.burst().orElse(defaultBurst(ceil))), quantum(rate), 0);
  }

  // ---------------------------------------------------------------- an interface's objects

  /** The interface's class objects on the bridge and the outbound tree, then its own device's. */
  List<TcObject> ofInterface(PluggedInterface p) {
    // a floor-only outbound limit shapes nothing on the device: only an average is enforced there
    List<TcObject> own = p.device()
        .map(d -> DeviceShaping.objects(d, p.bandwidth().inbound().orElse(null),
            p.bandwidth().outbound().filter(l -> l.average().isPresent()).orElse(null),
            config.outboundShaping(), config.leafQdisc(), config.rateToQuantum(), config.name().value()))
        .orElse(List.of());
    if (!p.hasOwnClass()) {
      return own;
    }
    List<TcObject> out = new ArrayList<>(p.hasInboundClass() ? inboundClass(p).list() : List.of());
    if (p.bandwidth().hasOutboundFloor() && config.supportsOutboundFloors()) {
      out.addAll(outboundClass(p));
    }
    out.addAll(own);
    return out;
  }

  /** {@code p}'s class, leaf and filter in the inbound tree; {@code p} has an inbound class. */
  InboundClass inboundClass(PluggedInterface p) {
    ClassHandle classId = ClassHandle.of(1, p.classMinor());
    Rate rate = p.bandwidth().hasFloor() ? p.bandwidth().floorOrZero() : HtbTree.PRIORITY_ONLY_RATE;
    Rate ceil = Rate.max(ceilingOf(p), rate);
    U32Handle handle = p.filterHandle().orElseThrow();
    return new InboundClass(
        new HtbClass(config.bridge(), classId, TOP_CLASS, rate, ceil, Optional.of(defaultBurst(rate)),
            Optional.of(defaultBurst(ceil)), quantum(rate), classPrio(p)),
        leaf(p.classMinor(), classId),
        new U32MacFilter(config.bridge(), ROOT_QDISC, placement.filterPrio(), protocol(), handle,
            config.filterLayout() == FilterLayout.HASHED, p.mac(), filterEtherType(), classId));
  }

  /**
   * The interface's class, leaf and source-MAC filter in the outbound floor tree. Its class there
   * always has HTB's prio 0: a priority orders only the inbound tree.
   */
  private List<TcObject> outboundClass(PluggedInterface p) {
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
            filterEtherType(), classId, MacField.SOURCE));
  }

  /** The leaf qdisc {@code minor:} of the inbound class {@code 1:minor}. */
  LeafQdisc leaf(int minor) {
    return leaf(minor, ClassHandle.of(1, minor));
  }

  private LeafQdisc leaf(int minor, ClassHandle classId) {
    return LeafQdisc.of(config.bridge(), ClassHandle.qdisc(minor), classId, config.leafQdisc());
  }

  /** The parked class {@code 1:id} and its leaf. */
  ParkedClass parked(int id) {
    ClassHandle classId = ClassHandle.of(1, id);
    return new ParkedClass(
        new HtbClass(config.bridge(), classId, TOP_CLASS, HtbTree.PARKED_RATE, HtbTree.PARKED_RATE,
            Optional.empty(), Optional.empty(), HtbTree.MIN_QUANTUM_BYTES, 0),
        leaf(id, classId));
  }
}
