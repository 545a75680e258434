// SPDX-License-Identifier: Apache-2.0
package io.netfloor.testkit;

import io.netfloor.model.AdmissionLimit;
import io.netfloor.model.Bandwidth;
import io.netfloor.model.InterfaceAlias;
import io.netfloor.model.NetworkName;
import io.netfloor.model.NetworkStatus;
import io.netfloor.model.Priority;
import io.netfloor.model.ClassStrategy;
import io.netfloor.model.FilterLayout;
import io.netfloor.model.Limits;
import io.netfloor.model.NetworkConfig;
import io.netfloor.model.OutboundFloorPlacement;
import io.netfloor.model.OutboundShaping;
import io.netfloor.model.PluggedInterface;
import io.netfloor.model.StatusChange;
import io.netfloor.model.TrafficMatch;
import io.netfloor.plan.LeafQdiscKind;
import io.netfloor.plan.U32Handle;
import io.netfloor.units.ByteSize;
import io.netfloor.units.ClassHandle;
import io.netfloor.units.InterfaceName;
import io.netfloor.units.MacAddress;
import io.netfloor.units.Rate;
import java.util.List;
import java.util.Optional;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Tuple;

/**
 * jqwik generators of NetFloor's values: every value type, network configurations, statuses and
 * their changes, and sequences of tree operations. Values are valid (their constructors accept
 * them) and cover the edges: rates up to 2<sup>63</sup>−1 bit/s, every shape of {@link Limits} and
 * {@link Bandwidth}, 16-bit class ids, interface names with every character Linux allows.
 *
 * <p>Use them in {@code @Provide} methods:
 *
 * <pre>{@code
 * @Provide
 * Arbitrary<NetworkStatus> statuses() {
 *   return NetFloorArbitraries.networkStatuses("default");
 * }
 * }</pre>
 */
public final class NetFloorArbitraries {
  /** Aliases that {@link #aliases()} draws often, so that generated changes meet each other. */
  public static final List<String> COMMON_ALIASES =
      List.of("vm0-net0", "vm1-net0", "vm2.nic", "port:7", "a");

  private NetFloorArbitraries() {}

  // ---------------------------------------------------------------- units

  /**
   * Bits per second between 1 and {@code max}: small, round (whole Mbit/s) and arbitrary ones.
   *
   * @param max the largest value, at least 1
   * @return an arbitrary of bits per second in 1..{@code max}, with 1 and {@code max} as edge
   *     cases
   */
  public static Arbitrary<Long> bitsPerSecond(long max) {
    return Arbitraries.oneOf(
        Arbitraries.longs().between(1, max),
        Arbitraries.longs().between(1, Math.min(max, 1_000_000)),
        Arbitraries.longs().between(1, Math.max(1, max / 1_000_000)).map(x -> x * 1_000_000))
        .edgeCases(c -> c.includeOnly(1L, max));
  }

  /**
   * Rates from 1 bit/s to {@link Rate#MAX}.
   *
   * @return an arbitrary of rates
   */
  public static Arbitrary<Rate> rates() {
    return bitsPerSecond(Long.MAX_VALUE).map(Rate::ofBitsPerSecond);
  }

  /**
   * Sizes from 0 bytes to 2<sup>63</sup>−1.
   *
   * @return an arbitrary of sizes, often small or whole KiB
   */
  public static Arbitrary<ByteSize> byteSizes() {
    return Arbitraries.oneOf(Arbitraries.longs().between(0, Long.MAX_VALUE),
            Arbitraries.longs().between(0, 1 << 20), Arbitraries.longs().between(0, 1 << 20)
                .map(k -> k * 1024))
        .map(ByteSize::ofBytes);
  }

  /**
   * Unicast, non-zero MAC addresses: what an interface may have.
   *
   * @return an arbitrary of MAC addresses
   */
  public static Arbitrary<MacAddress> macAddresses() {
    return Arbitraries.bytes().array(byte[].class).ofSize(6).map(b -> {
      b[0] = (byte) (b[0] & 0xfe);
      b[5] = b[5] == 0 ? 1 : b[5];
      return MacAddress.of(b);
    });
  }

  /**
   * Interface names of 1 to 15 printable ASCII characters, without '/', ':', '%' or space.
   *
   * @return an arbitrary of valid interface names
   */
  public static Arbitrary<InterfaceName> interfaceNames() {
    return Arbitraries.oneOf(
            Arbitraries.strings().withChars("abtapvethbrXYZ0189._-").ofMinLength(1)
                .ofMaxLength(InterfaceName.MAX_BYTES),
            Arbitraries.strings().withCharRange('!', '~').excludeChars('/', ':', '%')
                .ofMinLength(1).ofMaxLength(InterfaceName.MAX_BYTES))
        .filter(n -> !n.equals(".") && !n.equals(".."))
        .map(InterfaceName::of);
  }

  /**
   * Class handles with any 16-bit major and minor.
   *
   * @return an arbitrary of class handles
   */
  public static Arbitrary<ClassHandle> classHandles() {
    return Combinators.combine(Arbitraries.integers().between(0, 0xffff),
        Arbitraries.integers().between(0, 0xffff)).as(ClassHandle::of);
  }

  /**
   * u32 filter handles (htid 12 bits, bucket 8 bits, node 12 bits).
   *
   * @return an arbitrary of filter handles
   */
  public static Arbitrary<U32Handle> u32Handles() {
    return Combinators.combine(Arbitraries.integers().between(0, 0xfff),
        Arbitraries.integers().between(0, 0xff), Arbitraries.integers().between(0, 0xfff))
        .as(U32Handle::of);
  }

  // ---------------------------------------------------------------- bandwidth

  /**
   * Limits of every shape: average alone or with peak and burst, a floor alone or with them.
   *
   * @param floorAllowed whether a floor may appear (an interface's inbound limits: yes; a
   *     network's or an outbound limit: no)
   * @return an arbitrary of valid limits
   */
  public static Arbitrary<Limits> limits(boolean floorAllowed) {
    long half = Long.MAX_VALUE / 2;
    return Combinators.combine(Arbitraries.integers().between(0, 15), bitsPerSecond(half),
            bitsPerSecond(half), Arbitraries.longs().between(0, Long.MAX_VALUE),
            Arbitraries.longs().between(1, Limits.MAX_BURST_BYTES))
        .as((flags, avg, extra, floorSeed, burst) -> {
          boolean hasAvg = (flags & 1) != 0 || !floorAllowed;
          boolean hasPeak = hasAvg && (flags & 2) != 0;
          boolean hasBurst = hasAvg && (flags & 4) != 0;
          boolean hasFloor = floorAllowed && ((flags & 8) != 0 || !hasAvg);
          long ceiling = hasPeak ? avg + extra : hasAvg ? avg : Long.MAX_VALUE;
          Limits.Builder b = Limits.builder();
          if (hasAvg) {
            b.average(Rate.ofBitsPerSecond(avg));
          }
          if (hasPeak) {
            b.peak(Rate.ofBitsPerSecond(avg + extra));
          }
          if (hasBurst) {
            b.burst(ByteSize.ofBytes(burst));
          }
          if (hasFloor) {
            b.floor(Rate.ofBitsPerSecond(1 + Math.floorMod(floorSeed, ceiling)));
          }
          return b.build();
        });
  }

  /**
   * An interface's bandwidth: inbound and outbound limits, each optional, each may carry a floor,
   * and an optional priority.
   *
   * @return an arbitrary of bandwidths
   */
  public static Arbitrary<Bandwidth> bandwidths() {
    return Combinators.combine(limits(true).optional(), limits(true).optional(),
            priorities().optional(0.3))
        .as(Bandwidth::new);
  }

  /**
   * Interface priorities, 0 to 7.
   *
   * @return an arbitrary of every priority
   */
  public static Arbitrary<Priority> priorities() {
    return Arbitraries.integers().between(0, 7).map(Priority::of);
  }

  // ---------------------------------------------------------------- networks

  /** The uplink of configurations whose outbound floors sit on an uplink's egress. */
  public static final InterfaceName UPLINK = InterfaceName.of("up0");

  /**
   * Network configurations named {@code net} on bridge {@code br0}, with every filter layout, traffic
   * match, admission limit, class strategy, outbound shaping and leaf qdisc, an inbound average of
   * 10-200 Mbit/s (sometimes with a peak) and sometimes an outbound limit, then with each outbound
   * floor placement (none, the bridge's ingress, the egress of {@link #UPLINK}). Their rates suit
   * {@link #treeOperations()}.
   *
   * @return an arbitrary of valid network configurations
   */
  public static Arbitrary<NetworkConfig> networkConfigs() {
    return networkConfigs(Arbitraries.of(LeafQdiscKind.class));
  }

  /**
   * {@link #networkConfigs()} with the leaf qdiscs drawn from {@code leafQdiscs}.
   *
   * @param leafQdiscs the leaf qdisc kinds to draw from
   * @return an arbitrary of valid network configurations
   */
  public static Arbitrary<NetworkConfig> networkConfigs(Arbitrary<LeafQdiscKind> leafQdiscs) {
    Arbitrary<Integer> averageMbit = Arbitraries.integers().between(10, 200);
    Arbitrary<Integer> extraPeakMbit = Arbitraries.integers().between(0, 100);
    Arbitrary<Integer> outboundMbit = Arbitraries.oneOf(Arbitraries.just(0),
        Arbitraries.integers().between(1, 100));
    Arbitrary<Integer> outboundFloors = Arbitraries.integers().between(0, 2);
    Arbitrary<NetworkConfig.Builder> shape = Combinators.combine(Arbitraries.of(FilterLayout.class),
            Arbitraries.of(TrafficMatch.class), Arbitraries.of(AdmissionLimit.class),
            Arbitraries.of(ClassStrategy.class), Arbitraries.of(OutboundShaping.class), leafQdiscs)
        .as((layout, match, admission, strategy, outboundShaping, leaf) ->
            NetworkConfig.builder("net", "br0").filterLayout(layout).trafficMatch(match)
                .admissionLimit(admission).classStrategy(strategy).outboundShaping(outboundShaping)
                .leafQdisc(leaf));
    return Combinators.combine(shape, averageMbit, extraPeakMbit, outboundMbit, outboundFloors)
        .as((b, avg, extra, out, placement) -> {
          Limits.Builder in = Limits.builder().average(Rate.ofMegabits(avg));
          if (extra > 0) {
            in.peak(Rate.ofMegabits(avg + extra));
          }
          b.inbound(in.build());
          if (out > 0) {
            b.outbound(Limits.averageOnly(Rate.ofMegabits(out)));
            b.outboundFloors(placement == 0 ? OutboundFloorPlacement.NONE : placement == 1
                ? OutboundFloorPlacement.bridgeIngress()
                : OutboundFloorPlacement.uplinkEgress(UPLINK));
          }
          return b.build();
        });
  }

  /**
   * Sequences of up to 40 plug/unplug/update/changeMac/park/releaseParked operations, valid and
   * not: aliases and MAC addresses come from small pools, so duplicates, unknown aliases and
   * admission refusals happen often.
   *
   * @return an arbitrary of operation sequences, to apply in order
   */
  public static Arbitrary<List<TreeOperation>> treeOperations() {
    return treeOperation().list().ofMaxSize(40);
  }

  /**
   * One operation of {@link #treeOperations()}.
   *
   * @return an arbitrary of single operations
   */
  public static Arbitrary<TreeOperation> treeOperation() {
    Arbitrary<Integer> alias = Arbitraries.integers().between(0, 11);
    Arbitrary<Integer> mac = Arbitraries.integers().between(0, 140);
    Arbitrary<Integer> floor = Arbitraries.integers().between(0, 60);
    Arbitrary<Integer> ownPeak = Arbitraries.oneOf(Arbitraries.just(0),
        Arbitraries.integers().between(1, 300));
    Arbitrary<Integer> outFloor = Arbitraries.oneOf(Arbitraries.just(0),
        Arbitraries.integers().between(1, 40));
    Arbitrary<TreeOperation> plug = Combinators.combine(alias, mac, floor, ownPeak,
        Arbitraries.of(true, false), outFloor).as(TreeOperation.Plug::new);
    Arbitrary<TreeOperation> unplug = alias.map(TreeOperation.Unplug::new);
    Arbitrary<TreeOperation> update = Combinators.combine(alias, floor, ownPeak, outFloor)
        .as(TreeOperation.Update::new);
    Arbitrary<TreeOperation> changeMac = Combinators.combine(alias, mac)
        .as(TreeOperation.ChangeMac::new);
    Arbitrary<TreeOperation> park = Arbitraries.integers().between(0, 4)
        .map(TreeOperation.Park::new);
    Arbitrary<TreeOperation> release = Arbitraries.integers().between(0, 4)
        .map(TreeOperation.ReleaseParked::new);
    Arbitrary<TreeOperation> prioritise = Combinators.combine(alias,
        Arbitraries.integers().between(-1, 7)).as(TreeOperation.Prioritise::new);
    return Arbitraries.frequencyOf(Tuple.of(6, plug), Tuple.of(3, unplug), Tuple.of(3, update),
        Tuple.of(1, changeMac), Tuple.of(1, park), Tuple.of(1, release), Tuple.of(2, prioritise));
  }

  // ---------------------------------------------------------------- statuses

  /**
   * Interface aliases: often one of {@link #COMMON_ALIASES}, else up to 128 allowed characters.
   *
   * @return an arbitrary of valid aliases
   */
  public static Arbitrary<String> aliases() {
    return Arbitraries.oneOf(Arbitraries.of(COMMON_ALIASES),
        Arbitraries.strings().withChars("abcXYZ0189._:@+=-").ofMinLength(1).ofMaxLength(128));
  }

  /**
   * Plugged interfaces: one with a floor holds a class id and a filter handle, one without holds
   * neither; half of them name their own host device.
   *
   * @return an arbitrary of valid plugged interfaces
   */
  public static Arbitrary<PluggedInterface> pluggedInterfaces() {
    Arbitrary<Optional<InterfaceName>> devices = Arbitraries.strings()
        .withChars("abtapvethXYZ0189._-").ofMinLength(3).ofMaxLength(InterfaceName.MAX_BYTES)
        .filter(n -> !n.equals(".") && !n.equals("..")).map(InterfaceName::of).optional(0.5);
    return Combinators.combine(aliases(), macAddresses(), bandwidths(),
            Arbitraries.integers().between(3, 0xfffe), u32Handles(), devices)
        .as((alias, mac, bw, id, handle, dev) -> bw.needsClass()
            ? new PluggedInterface(alias, mac, bw, id, Optional.of(handle), dev)
            : new PluggedInterface(alias, mac, bw, 0, Optional.empty(), dev));
  }

  /**
   * Sets of up to six class minors (3 to 0xfffe: the ids a network gives interfaces).
   *
   * @return an arbitrary of sorted sets of class minors, possibly empty
   */
  public static Arbitrary<SortedSet<Integer>> classIdSets() {
    return Arbitraries.integers().between(3, 0xfffe).set().ofMaxSize(6).map(TreeSet::new);
  }

  /**
   * Statuses of network {@code network}: up to five interfaces, up to six parked ids, and in about
   * a third of them inbound limits from a live resize ({@link NetworkStatus#inbound()}).
   *
   * @param network the name every status carries
   * @return an arbitrary of valid statuses
   */
  public static Arbitrary<NetworkStatus> networkStatuses(String network) {
    return Combinators.combine(Arbitraries.of("virbr0", "br-floor", "b"),
            pluggedInterfaces().list().ofMaxSize(5), classIdSets(),
            networkInboundLimits().optional(0.35))
        .as((bridge, ifs, parked, inbound) -> {
          TreeMap<InterfaceAlias, PluggedInterface> m = new TreeMap<>();
          ifs.forEach(p -> m.put(p.alias(), p));
          return new NetworkStatus(NetworkName.of(network), InterfaceName.of(bridge), m, parked, inbound);
        });
  }

  /**
   * A network's inbound limits, as a live resize sets them: an average, maybe peak and burst.
   *
   * @return an arbitrary of limits without a floor
   */
  public static Arbitrary<Limits> networkInboundLimits() {
    return limits(false);
  }

  /**
   * Every kind of {@link StatusChange}, batches ({@code StatusChange.Batch}) of them included.
   *
   * @return an arbitrary of valid changes
   */
  public static Arbitrary<StatusChange> statusChanges() {
    return Arbitraries.frequencyOf(
        Tuple.of(5, singleStatusChanges()),
        Tuple.of(1, statusChangeBatches()));
  }

  /**
   * Every kind of {@link StatusChange} but a batch: interface set and removed, classes parked and
   * unparked, inbound limits resized.
   *
   * @return an arbitrary of valid single changes
   */
  public static Arbitrary<StatusChange> singleStatusChanges() {
    return Arbitraries.oneOf(
        pluggedInterfaces().map(StatusChange.InterfaceSet::new),
        aliases().map(StatusChange.InterfaceRemoved::new),
        classIdSets().map(StatusChange.ClassesParked::new),
        classIdSets().map(StatusChange.ClassesUnparked::new),
        networkInboundLimits().map(StatusChange.InboundResized::new));
  }

  /**
   * Batches ({@link StatusChange.Batch}) of one to four changes of any other kind; batches do not
   * nest.
   *
   * @return an arbitrary of valid batches
   */
  public static Arbitrary<StatusChange> statusChangeBatches() {
    return singleStatusChanges().list().ofMinSize(1).ofMaxSize(4)
        .map(changes -> (StatusChange) new StatusChange.Batch(changes));
  }
}
