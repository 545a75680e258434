// SPDX-License-Identifier: Apache-2.0
package io.netfloor.model;

import io.netfloor.InvalidValueException;
import io.netfloor.units.InterfaceName;
import io.netfloor.units.MacAddress;
import io.netfloor.units.Rate;
import java.util.Collection;
import org.pcollections.PMap;
import org.pcollections.TreePSet;

/**
 * Builds a tree from recorded state (a status store's, or one imported from another tool's
 * kernel objects) in one pass, checking every rule a transition would have checked: unique
 * aliases, MACs, devices, class ids and filter handles, handles that fit the layout, floors that
 * fit the network as configured now. What it builds equals the tree the recorded transitions
 * built.
 */
final class TreeRestore {
  private TreeRestore() {}

  /** See {@link HtbTree#restore}. */
  static HtbTree restore(NetworkConfig config, Collection<PluggedInterface> plugged,
      Collection<Integer> parkedIds) {
    HtbTree empty = HtbTree.empty(config);
    ClassIdAllocator ids = empty.classIds();
    PMap<String, PluggedInterface> ifs = HamtMap.empty();
    PMap<MacAddress, String> macs = HamtMap.empty();
    PMap<Integer, TreePSet<Integer>> buckets = HamtMap.empty();
    PMap<InterfaceName, String> devs = HamtMap.empty();
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
      if (p.hasOwnClass()) {
        requireDirectionsSupported(config, p);
        if (ids.isUsed(p.classMinor())) {
          throw new InvalidValueException("recorded interface '" + p.alias() + "' has class id "
              + p.classMinor() + ", which is reserved or taken by another interface");
        }
        ids = ids.withUsed(p.classMinor());
        buckets = FilterHandles.useRecorded(config.filterLayout(), buckets, p);
        sum = Admission.addRecorded(Direction.INBOUND, sum, p.bandwidth().floorOrZero(),
            p.alias().value());
        outSum = Admission.addRecorded(Direction.OUTBOUND, outSum,
            p.bandwidth().outboundFloorOrZero(), p.alias().value());
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
    Admission.requireRecordedFits(config, Direction.INBOUND, sum);
    Admission.requireRecordedFits(config, Direction.OUTBOUND, outSum);
    return new HtbTree(new KernelObjects(config, KernelPlacement.DEFAULT), ids, ifs, macs, park,
        buckets, sum, outSum, devs);
  }

  private static void requireDirectionsSupported(NetworkConfig config, PluggedInterface p) {
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
  }
}
