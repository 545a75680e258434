// SPDX-License-Identifier: Apache-2.0
package io.netfloor.testkit;

import io.netfloor.model.Bandwidth;
import io.netfloor.model.HtbTree;
import io.netfloor.model.Limits;
import io.netfloor.model.Priority;
import io.netfloor.model.TreeChange;
import io.netfloor.units.InterfaceName;
import io.netfloor.units.MacAddress;
import io.netfloor.units.Rate;
import java.util.Optional;

/**
 * One step of a random scenario against an {@link HtbTree} (what
 * {@link NetFloorArbitraries#treeOperations()} generates). Interfaces are numbered: interface
 * {@code i} has alias {@code vm<i>} and, when it has one, host device {@code tap<i>}; MAC number
 * {@code m} maps to an address whose last byte collides with others, so hash buckets hold several
 * filters. Rates are whole Mbit/s; {@code toString} prints the step as a call, for shrunk
 * counterexamples.
 */
public sealed interface TreeOperation {
  /**
   * Performs the step on {@code tree}.
   *
   * @param tree the tree to change
   * @return what the step changed
   * @throws RuntimeException what the tree throws when it refuses the step ({@code
   *     AdmissionException}, {@code InterfaceConflictException}, {@code ClassIdExhaustedException},
   *     {@code InvalidValueException})
   */
  TreeChange applyTo(HtbTree tree);

  /**
   * The alias of interface {@code i}: {@code vm<i>}.
   *
   * @param i the interface's number
   * @return its alias
   */
  static String aliasOf(int i) {
    return "vm" + i;
  }

  /**
   * MAC address number {@code m}.
   *
   * @param m the MAC number, 0 to 1791
   * @return a locally chosen unicast MAC address, different for every {@code m}
   */
  static MacAddress macOf(int m) {
    // the last byte collides across m (m and m+64), so hash buckets hold several nodes
    return MacAddress.parse(String.format("52:54:00:%02x:%02x:%02x", m / 7, m % 5, m % 64));
  }

  /**
   * The host device of interface {@code i}: {@code tap<i>}.
   *
   * @param i the interface's number
   * @return its host device's name
   */
  static InterfaceName deviceOf(int i) {
    return InterfaceName.of("tap" + i);
  }

  /**
   * A bandwidth with an inbound floor and an own average (either 0 for none); an interface with an
   * own average also gets an outbound limit, to exercise the device's ingress.
   *
   * @param floorMbit the inbound floor in Mbit/s, 0 for none
   * @param ownPeakMbit the interface's own inbound average and outbound average in Mbit/s, 0 for
   *     none; the inbound average is raised to the floor when lower
   * @return the bandwidth; {@link Bandwidth#NONE} when both are 0
   */
  static Bandwidth bandwidth(int floorMbit, int ownPeakMbit) {
    return bandwidth(floorMbit, ownPeakMbit, 0);
  }

  /**
   * {@link #bandwidth(int, int)} with an outbound floor as well (capped by the outbound average
   * when there is one).
   *
   * @param floorMbit the inbound floor in Mbit/s, 0 for none
   * @param ownPeakMbit the interface's own inbound and outbound average in Mbit/s, 0 for none
   * @param outFloorMbit the outbound floor in Mbit/s, 0 for none
   * @return the bandwidth; {@link Bandwidth#NONE} when all are 0
   */
  static Bandwidth bandwidth(int floorMbit, int ownPeakMbit, int outFloorMbit) {
    if (floorMbit == 0 && ownPeakMbit == 0) {
      return outFloorMbit == 0 ? Bandwidth.NONE
          : Bandwidth.NONE.withOutboundFloor(Rate.ofMegabits(outFloorMbit));
    }
    Limits.Builder in = Limits.builder();
    if (floorMbit > 0) {
      in.floor(Rate.ofMegabits(floorMbit));
    }
    if (ownPeakMbit > 0) {
      in.average(Rate.ofMegabits(Math.max(ownPeakMbit, floorMbit)));
    }
    Optional<Limits> out = ownPeakMbit > 0
        ? Optional.of(Limits.averageOnly(Rate.ofMegabits(ownPeakMbit))) : Optional.empty();
    Optional<Limits> inbound = floorMbit > 0 || ownPeakMbit > 0 ? Optional.of(in.build())
        : Optional.empty();
    Bandwidth b = new Bandwidth(inbound, out);
    int outFloor = ownPeakMbit > 0 ? Math.min(outFloorMbit, ownPeakMbit) : outFloorMbit;
    return outFloor > 0 ? b.withOutboundFloor(Rate.ofMegabits(outFloor)) : b;
  }

  /** Plugs interface {@code alias} with MAC number {@code mac}. */
  record Plug(int alias, int mac, int floorMbit, int ownPeakMbit, boolean withDevice,
      int outFloorMbit) implements TreeOperation {
    /**
     * A plug without an outbound floor.
     *
     * @param alias the interface's number
     * @param mac the MAC number
     * @param floorMbit the inbound floor in Mbit/s, 0 for none
     * @param ownPeakMbit the interface's own average in Mbit/s, 0 for none
     * @param withDevice whether the interface has its own host device
     */
    public Plug(int alias, int mac, int floorMbit, int ownPeakMbit, boolean withDevice) {
      this(alias, mac, floorMbit, ownPeakMbit, withDevice, 0);
    }

    @Override
    public TreeChange applyTo(HtbTree tree) {
      return tree.plug(aliasOf(alias), macOf(mac),
          withDevice ? Optional.of(deviceOf(alias)) : Optional.empty(),
          bandwidth(floorMbit, ownPeakMbit, outFloorMbit));
    }

    @Override
    public String toString() {
      return "plug(" + aliasOf(alias) + ", " + macOf(mac)
          + (withDevice ? ", dev=" + deviceOf(alias) : "") + ", floor=" + floorMbit + "mbit"
          + (ownPeakMbit > 0 ? ", average=" + Math.max(ownPeakMbit, floorMbit) + "mbit" : "")
          + (outFloorMbit > 0 ? ", outboundFloor=" + outFloorMbit + "mbit" : "") + ")";
    }
  }

  /** Unplugs interface {@code alias}. */
  record Unplug(int alias) implements TreeOperation {
    @Override
    public TreeChange applyTo(HtbTree tree) {
      return tree.unplug(aliasOf(alias));
    }

    @Override
    public String toString() {
      return "unplug(" + aliasOf(alias) + ")";
    }
  }

  /** Changes the bandwidth of interface {@code alias}. */
  record Update(int alias, int floorMbit, int ownPeakMbit, int outFloorMbit)
      implements TreeOperation {
    /**
     * An update without an outbound floor.
     *
     * @param alias the interface's number
     * @param floorMbit the inbound floor in Mbit/s, 0 for none
     * @param ownPeakMbit the interface's own average in Mbit/s, 0 for none
     */
    public Update(int alias, int floorMbit, int ownPeakMbit) {
      this(alias, floorMbit, ownPeakMbit, 0);
    }

    @Override
    public TreeChange applyTo(HtbTree tree) {
      return tree.update(aliasOf(alias), bandwidth(floorMbit, ownPeakMbit, outFloorMbit));
    }

    @Override
    public String toString() {
      return "update(" + aliasOf(alias) + ", floor=" + floorMbit + "mbit"
          + (ownPeakMbit > 0 ? ", average=" + Math.max(ownPeakMbit, floorMbit) + "mbit" : "")
          + (outFloorMbit > 0 ? ", outboundFloor=" + outFloorMbit + "mbit" : "") + ")";
    }
  }

  /**
   * Gives interface {@code alias} priority {@code priority} ({@code -1}: none), keeping the rest of
   * its bandwidth.
   */
  record Prioritise(int alias, int priority) implements TreeOperation {
    @Override
    public TreeChange applyTo(HtbTree tree) {
      Bandwidth now = tree.find(aliasOf(alias)).map(p -> p.bandwidth()).orElse(Bandwidth.NONE);
      return tree.update(aliasOf(alias),
          now.withPriority(priority < 0 ? null : Priority.of(priority)));
    }

    @Override
    public String toString() {
      return "prioritise(" + aliasOf(alias) + ", " + (priority < 0 ? "none" : priority) + ")";
    }
  }

  /** Gives interface {@code alias} MAC number {@code mac}. */
  record ChangeMac(int alias, int mac) implements TreeOperation {
    @Override
    public TreeChange applyTo(HtbTree tree) {
      return tree.changeMac(aliasOf(alias), macOf(mac));
    }

    @Override
    public String toString() {
      return "changeMac(" + aliasOf(alias) + ", " + macOf(mac) + ")";
    }
  }

  /** Pre-creates {@code count} parked classes. */
  record Park(int count) implements TreeOperation {
    @Override
    public TreeChange applyTo(HtbTree tree) {
      return tree.park(count);
    }

    @Override
    public String toString() {
      return "park(" + count + ")";
    }
  }

  /** Deletes up to {@code count} parked classes. */
  record ReleaseParked(int count) implements TreeOperation {
    @Override
    public TreeChange applyTo(HtbTree tree) {
      return tree.releaseParked(count);
    }

    @Override
    public String toString() {
      return "releaseParked(" + count + ")";
    }
  }
}
