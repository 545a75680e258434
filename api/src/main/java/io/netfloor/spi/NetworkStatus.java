// SPDX-License-Identifier: Apache-2.0
package io.netfloor.spi;

import com.google.common.collect.ImmutableSortedMap;
import com.google.common.collect.ImmutableSortedSet;
import io.netfloor.InvalidBandwidthException;
import io.netfloor.InvalidValueException;
import io.netfloor.model.HtbTree;
import io.netfloor.model.NetworkConfig;
import io.netfloor.model.PluggedInterface;
import io.netfloor.units.InterfaceName;
import io.netfloor.units.Rate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Objects;
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
 * @param network the network's name (see {@link NetworkConfig#checkName})
 * @param bridge the network's bridge
 * @param interfaces the plugged interfaces by alias; copied into an immutable sorted map
 * @param parkedClassIds class minors of parked classes; copied into an immutable sorted set
 */
public record NetworkStatus(String network, InterfaceName bridge,
    SortedMap<String, PluggedInterface> interfaces, SortedSet<Integer> parkedClassIds) {

  /**
   * Checks the name and copies the collections.
   *
   * @param network the network's name (see {@link NetworkConfig#checkName})
   * @param bridge the network's bridge
   * @param interfaces the plugged interfaces by alias; copied into an immutable sorted map
   * @param parkedClassIds class minors of parked classes; copied into an immutable sorted set
   * @throws InvalidValueException if the name is invalid or an interface is filed under another key
   *     than its alias
   * @throws NullPointerException if a component, a key or a value is null
   */
  public NetworkStatus {
    NetworkConfig.checkName(network);
    Objects.requireNonNull(bridge, "bridge");
    interfaces = ImmutableSortedMap.copyOf(interfaces);
    parkedClassIds = ImmutableSortedSet.copyOf(parkedClassIds);
    for (Map.Entry<String, PluggedInterface> e : interfaces.entrySet()) {
      if (!e.getKey().equals(e.getValue().alias())) {
        throw new InvalidValueException("status of network '" + network + "' files interface '"
            + e.getValue().alias() + "' under the key '" + e.getKey() + "'");
      }
    }
  }

  /**
   * An empty status: nothing plugged.
   *
   * @param network the network's name
   * @param bridge the network's bridge
   * @return a status with no interfaces and no parked classes
   * @throws InvalidValueException if the name is invalid
   */
  public static NetworkStatus empty(String network, InterfaceName bridge) {
    return new NetworkStatus(network, bridge, ImmutableSortedMap.of(), ImmutableSortedSet.of());
  }

  /**
   * The status a tree stands for.
   *
   * @param tree a tree of the network
   * @return the tree's interfaces and parked class ids
   */
  public static NetworkStatus of(HtbTree tree) {
    return new NetworkStatus(tree.config().name(), tree.config().bridge(),
        new TreeMap<>(tree.interfaces()), tree.parkedClassIds());
  }

  /**
   * The tree this status describes under {@code config}.
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
    return HtbTree.restore(config, interfaces.values(), parkedClassIds);
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
    SortedMap<String, PluggedInterface> m = new TreeMap<>(interfaces);
    m.put(iface.alias(), iface);
    SortedSet<Integer> p = parkedClassIds;
    if (iface.classMinor() != 0 && p.contains(iface.classMinor())) {
      p = new TreeSet<>(p);
      p.remove(iface.classMinor());
    }
    return new NetworkStatus(network, bridge, m, p);
  }

  /**
   * Without the interface {@code alias}; its class id, if any, is free afterwards (not parked).
   *
   * @param alias the interface's alias; an alias not recorded changes nothing
   * @return the new status; this one is unchanged
   */
  public NetworkStatus withoutInterface(String alias) {
    SortedMap<String, PluggedInterface> m = new TreeMap<>(interfaces);
    m.remove(alias);
    return new NetworkStatus(network, bridge, m, parkedClassIds);
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
    return new NetworkStatus(network, bridge, interfaces, s);
  }

  /**
   * The changes that turn {@code before} into {@code after} (for journaling a tree change), ordered
   * so that every prefix is itself a consistent status: a crash between two records never leaves an
   * id both parked and assigned.
   *
   * @param before the tree before the operation
   * @param after the tree after it
   * @param alias the interface the operation was about, or {@code null} for operations on no single
   *     interface (park, release)
   * @return the changes in the order they must be recorded; empty when the status did not change
   */
  public static List<StatusChange> changesBetween(HtbTree before, HtbTree after, String alias) {
    List<StatusChange> out = new ArrayList<>();
    int taken = 0;
    PluggedInterface was = null;
    PluggedInterface now = null;
    if (alias != null) {
      was = before.interfaces().get(alias);
      now = after.interfaces().get(alias);
      if (now == null && was != null) {
        out.add(new StatusChange.InterfaceRemoved(alias));
      } else if (now != null && !now.equals(was)) {
        out.add(new StatusChange.InterfaceSet(now));
        taken = now.classMinor();
      }
    }
    SortedSet<Integer> beforeParked = before.parkedClassIds();
    SortedSet<Integer> afterParked = after.parkedClassIds();
    // made only when an id moves (a plug that takes a parked class moves one, which InterfaceSet
    // already records): two TreeSets per plug were a measurable part of recording it
    SortedSet<Integer> added = null;
    SortedSet<Integer> removed = null;
    // Fast path (performance: copying both parked sets cost O(P log P) per plug, most of a plug's
    // time with a pool of a few thousand parked classes). A change of one interface can only move
    // that interface's own class ids (old and new) into or out of the parked set; when the sizes
    // agree with what those candidates explain, nothing else moved and the diff is exact in
    // O(log P). Otherwise (a bulk park/release, or anything unexpected) diff the whole sets.
    boolean fast = false;
    if (alias != null) {
      for (PluggedInterface p : new PluggedInterface[] {was, now}) {
        if (p != null && p.classMinor() != 0) {
          int id = p.classMinor();
          boolean inBefore = beforeParked.contains(id);
          boolean inAfter = afterParked.contains(id);
          if (inAfter && !inBefore) {
            added = added == null ? new TreeSet<>() : added;
            added.add(id);
          } else if (inBefore && !inAfter) {
            removed = removed == null ? new TreeSet<>() : removed;
            removed.add(id);
          }
        }
      }
      fast = beforeParked.size() + (added == null ? 0 : added.size())
          - (removed == null ? 0 : removed.size()) == afterParked.size();
    }
    if (!fast) {
      added = new TreeSet<>(afterParked);
      added.removeAll(beforeParked);
      removed = new TreeSet<>(beforeParked);
      removed.removeAll(afterParked);
    }
    if (removed != null) {
      removed.remove(taken); // InterfaceSet already unparks it
    }
    if (removed != null && !removed.isEmpty()) {
      out.add(new StatusChange.ClassesUnparked(removed));
    }
    if (added != null && !added.isEmpty()) {
      out.add(new StatusChange.ClassesParked(added));
    }
    return out;
  }
}
