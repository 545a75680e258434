// SPDX-License-Identifier: Apache-2.0
package io.netfloor.model;

import com.google.common.collect.ImmutableSortedMap;
import com.google.common.collect.ImmutableSortedSet;
import io.netfloor.InvalidBandwidthException;
import io.netfloor.InvalidValueException;
import io.netfloor.units.InterfaceName;
import io.netfloor.units.Rate;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * What must survive a restart of the host application for one network: which interface holds which
 * class id, filter and bandwidth, and which class ids are parked. The sum of floors and the set of
 * used class ids are derived from it (so they can never disagree with the interfaces, as libvirt's
 * separately stored {@code floor_sum} can).
 *
 * <p>Compared with libvirt's {@code <networkstatus>}: {@link #usedClassIds()} is its
 * {@code class_id bitmap}, {@link #floorSum()} its {@code floor sum}, and the per-interface records
 * are what libvirt keeps in each port's and domain's status file.
 *
 * @param network the network's name
 * @param bridge the network's bridge
 * @param interfaces the plugged interfaces by alias; copied into an immutable sorted map
 * @param parkedClassIds class minors of parked classes; copied into an immutable sorted set
 * @param inbound the network's inbound limits as last resized while it ran
 *     ({@code NetworkShaper.resize}); they take the place of the config's inbound limits when the
 *     network starts again. Empty (the usual case) when the network was never resized: the
 *     config's limits apply.
 */
public record NetworkStatus(NetworkName network, InterfaceName bridge,
    SortedMap<InterfaceAlias, PluggedInterface> interfaces, SortedSet<Integer> parkedClassIds,
    Optional<Limits> inbound) {

  /**
   * Checks the components and copies the collections.
   *
   * @param network the network's name
   * @param bridge the network's bridge
   * @param interfaces the plugged interfaces by alias; copied into an immutable sorted map
   * @param parkedClassIds class minors of parked classes; copied into an immutable sorted set
   * @param inbound the inbound limits as last resized, or empty when never resized
   * @throws InvalidValueException if an interface is filed under another key than its alias, or {@code inbound} has no average or has a floor
   * @throws NullPointerException if a component, a key or a value is null
   */
  public NetworkStatus {
    Objects.requireNonNull(network, "network");
    Objects.requireNonNull(bridge, "bridge");
    Objects.requireNonNull(inbound, "inbound");
    if (inbound.isPresent() && (inbound.get().average().isEmpty()
        || inbound.get().floor().isPresent())) {
      throw new InvalidValueException("status of network '" + network + "' records inbound limits "
          + inbound.get() + "; a network's inbound limits need an average and have no floor");
    }
    interfaces = ImmutableSortedMap.copyOf(interfaces);
    parkedClassIds = ImmutableSortedSet.copyOf(parkedClassIds);
    for (Map.Entry<InterfaceAlias, PluggedInterface> e : interfaces.entrySet()) {
      if (!e.getKey().equals(e.getValue().alias())) {
        throw new InvalidValueException("status of network '" + network + "' files interface '"
            + e.getValue().alias() + "' under the key '" + e.getKey() + "'");
      }
    }
  }

  /**
   * A status of a network that was never resized (its config's inbound limits apply).
   *
   * @param network the network's name
   * @param bridge the network's bridge
   * @param interfaces the plugged interfaces by alias
   * @param parkedClassIds class minors of parked classes
   */
  public NetworkStatus(NetworkName network, InterfaceName bridge,
      SortedMap<InterfaceAlias, PluggedInterface> interfaces, SortedSet<Integer> parkedClassIds) {
    this(network, bridge, interfaces, parkedClassIds, Optional.empty());
  }

  /**
   * An empty status: nothing plugged.
   *
   * @param network the network's name
   * @param bridge the network's bridge
   * @return a status with no interfaces and no parked classes
   */
  public static NetworkStatus empty(NetworkName network, InterfaceName bridge) {
    return new NetworkStatus(network, bridge, ImmutableSortedMap.of(), ImmutableSortedSet.of());
  }

  /**
   * The status a tree stands for.
   *
   * @param tree a tree of the network
   * @return the tree's interfaces and parked class ids
   */
  public static NetworkStatus of(HtbTree tree) {
    SortedMap<InterfaceAlias, PluggedInterface> byAlias = new TreeMap<>();
    tree.interfaces().values().forEach(p -> byAlias.put(p.alias(), p));
    return new NetworkStatus(tree.config().name(), tree.config().bridge(), byAlias,
        tree.parkedClassIds());
  }

  /**
   * The tree this status describes under {@code config}, with the recorded {@link #inbound} limits
   * in place of the config's when there are any.
   *
   * @param config the network's current configuration; its name and bridge must be this status's
   * @return the tree holding exactly this status's interfaces and parked classes
   * @throws InvalidValueException if the status does not fit the config (see {@link HtbTree#restore})
   */
  public HtbTree toTree(NetworkConfig config) {
    if (!config.name().equals(network) || !config.bridge().equals(bridge)) {
      throw new InvalidValueException("status is for network '" + network + "' on bridge " + bridge
          + ", not for '" + config.name() + "' on " + config.bridge());
    }
    return HtbTree.restore(applyInbound(config), interfaces.values(), parkedClassIds);
  }

  /**
   * {@code config} with the recorded {@link #inbound} limits, when there are any.
   *
   * @param config the network's configuration
   * @return {@code config}, its inbound limits replaced by the recorded ones
   */
  public NetworkConfig applyInbound(NetworkConfig config) {
    return inbound.isEmpty() || config.bandwidth().inbound().equals(inbound) ? config
        : config.toBuilder().inbound(inbound.get()).build();
  }

  /**
   * With {@code limits} recorded as the network's inbound limits (see {@link #inbound}).
   *
   * @param limits the limits, or empty for none recorded
   * @return the new status; this one is unchanged
   */
  public NetworkStatus withInbound(Optional<Limits> limits) {
    return new NetworkStatus(network, bridge, interfaces, parkedClassIds, limits);
  }

  /**
   * Sum of the interfaces' floors.
   *
   * @return the sum of all floors; {@link Rate#ZERO} when none has a floor
   * @throws InvalidBandwidthException if they sum to more than {@link Rate#MAX}: no network can
   *     guarantee that, so no tree holds such a status ({@link HtbTree#restore} refuses it)
   */
  public Rate floorSum() {
    Rate sum = Rate.ZERO;
    for (PluggedInterface p : interfaces.values()) {
      Rate floor = p.bandwidth().floorOrZero();
      if (!sum.canAdd(floor)) {
        throw new InvalidBandwidthException("the floors of network '" + network + "' sum to more"
            + " than " + Long.MAX_VALUE + " bit/s at interface '" + p.alias() + "' (floor " + floor
            + "); no network can guarantee that");
      }
      sum = sum.plus(floor);
    }
    return sum;
  }

  /**
   * Class minors in use, reserved 0–2 included, as libvirt's bitmap lists them.
   *
   * @return an immutable ascending set: 0, 1, 2, the interfaces' class minors and the parked ones
   */
  public SortedSet<Integer> usedClassIds() {
    SortedSet<Integer> used = new TreeSet<>(List.of(0, 1, 2));
    interfaces.values().forEach(p -> {
      if (p.classMinor() != 0) {
        used.add(p.classMinor());
      }
    });
    used.addAll(parkedClassIds);
    return ImmutableSortedSet.copyOf(used);
  }

  /**
   * With {@code iface} recorded (added or replaced). A class id it holds leaves the parked set: taking
   * a parked class is one change, so a journal never holds a state where an id is both parked and
   * assigned.
   *
   * @param iface the interface as it is now
   * @return the new status; this one is unchanged
   */
  public NetworkStatus withInterface(PluggedInterface iface) {
    SortedMap<InterfaceAlias, PluggedInterface> m = new TreeMap<>(interfaces);
    m.put(iface.alias(), iface);
    SortedSet<Integer> p = parkedClassIds;
    if (iface.classMinor() != 0 && p.contains(iface.classMinor())) {
      p = new TreeSet<>(p);
      p.remove(iface.classMinor());
    }
    return new NetworkStatus(network, bridge, m, p, inbound);
  }

  /**
   * Without the interface {@code alias}; its class id, if any, is free afterwards (not parked).
   *
   * @param alias the interface's alias; an alias not recorded changes nothing
   * @return the new status; this one is unchanged
   */
  public NetworkStatus withoutInterface(InterfaceAlias alias) {
    SortedMap<InterfaceAlias, PluggedInterface> m = new TreeMap<>(interfaces);
    m.remove(alias);
    return new NetworkStatus(network, bridge, m, parkedClassIds, inbound);
  }

  /**
   * With {@code ids} added to ({@code parked}) or removed from the parked set.
   *
   * @param ids class minors
   * @param parked true to add them to the parked set, false to remove them
   * @return the new status; this one is unchanged
   */
  public NetworkStatus withParked(Collection<Integer> ids, boolean parked) {
    SortedSet<Integer> s = new TreeSet<>(parkedClassIds);
    if (parked) {
      s.addAll(ids);
    } else {
      s.removeAll(ids);
    }
    return new NetworkStatus(network, bridge, interfaces, s, inbound);
  }
}
