// SPDX-License-Identifier: Apache-2.0
package io.netfloor.model;

import io.netfloor.units.MacAddress;
import io.netfloor.units.Rate;
import java.util.Optional;

/**
 * One step of a random scenario against {@link HtbTree}. Aliases and MACs are drawn from small pools
 * so that duplicates, unknown aliases and admission failures happen often.
 */
sealed interface TreeCommand {
  TreeChange applyTo(HtbTree tree);

  static String aliasOf(int i) {
    return "vm" + i;
  }

  static MacAddress macOf(int i) {
    // the last byte collides across i (i and i+64), so hash buckets hold several nodes
    return MacAddress.parse(String.format("52:54:00:%02x:%02x:%02x", i / 7, i % 5, i % 64));
  }

  static Bandwidth bandwidth(int floorMbit, int ownPeakMbit) {
    if (floorMbit == 0 && ownPeakMbit == 0) {
      return Bandwidth.NONE;
    }
    Bandwidth in = inbound(floorMbit, ownPeakMbit);
    // interfaces with an own rate also get an outbound limit, to exercise the device's ingress
    return ownPeakMbit > 0
        ? new Bandwidth(in.inbound(), Optional.of(Limits.averageOnly(Rate.ofMegabits(ownPeakMbit))))
        : in;
  }

  private static Bandwidth inbound(int floorMbit, int ownPeakMbit) {
    Limits.Builder in = Limits.builder();
    if (floorMbit > 0) {
      in.floor(Rate.ofMegabits(floorMbit));
    }
    if (ownPeakMbit > 0) {
      in.average(Rate.ofMegabits(Math.max(ownPeakMbit, floorMbit)));
    }
    return new Bandwidth(Optional.of(in.build()), Optional.empty());
  }

  /** Host-side device of interface {@code i}, when it has one ({@code tap<i>}). */
  static io.netfloor.units.InterfaceName deviceOf(int i) {
    return io.netfloor.units.InterfaceName.of("tap" + i);
  }

  record Plug(int alias, int mac, int floorMbit, int ownPeakMbit, boolean withDevice)
      implements TreeCommand {
    @Override
    public TreeChange applyTo(HtbTree tree) {
      return tree.plug(TreeCommand.aliasOf(alias), TreeCommand.macOf(mac),
          withDevice ? Optional.of(deviceOf(alias)) : Optional.empty(),
          bandwidth(floorMbit, ownPeakMbit));
    }

    @Override
    public String toString() {
      return "plug(" + TreeCommand.aliasOf(alias) + ", " + TreeCommand.macOf(mac)
          + (withDevice ? ", dev=" + deviceOf(alias) : "") + ", floor=" + floorMbit + "mbit"
          + (ownPeakMbit > 0 ? ", average=" + Math.max(ownPeakMbit, floorMbit) + "mbit" : "") + ")";
    }
  }

  record Unplug(int alias) implements TreeCommand {
    @Override
    public TreeChange applyTo(HtbTree tree) {
      return tree.unplug(TreeCommand.aliasOf(alias));
    }

    @Override
    public String toString() {
      return "unplug(" + TreeCommand.aliasOf(alias) + ")";
    }
  }

  record Update(int alias, int floorMbit, int ownPeakMbit) implements TreeCommand {
    @Override
    public TreeChange applyTo(HtbTree tree) {
      return tree.update(TreeCommand.aliasOf(alias), bandwidth(floorMbit, ownPeakMbit));
    }

    @Override
    public String toString() {
      return "update(" + TreeCommand.aliasOf(alias) + ", floor=" + floorMbit + "mbit)";
    }
  }

  record ChangeMac(int alias, int mac) implements TreeCommand {
    @Override
    public TreeChange applyTo(HtbTree tree) {
      return tree.changeMac(TreeCommand.aliasOf(alias), TreeCommand.macOf(mac));
    }

    @Override
    public String toString() {
      return "changeMac(" + TreeCommand.aliasOf(alias) + ", " + TreeCommand.macOf(mac) + ")";
    }
  }

  record Park(int count) implements TreeCommand {
    @Override
    public TreeChange applyTo(HtbTree tree) {
      return tree.park(count);
    }

    @Override
    public String toString() {
      return "park(" + count + ")";
    }
  }

  record ReleaseParked(int count) implements TreeCommand {
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
