// SPDX-License-Identifier: Apache-2.0
package io.netfloor.model;

import io.netfloor.AdmissionException;
import io.netfloor.InvalidBandwidthException;
import io.netfloor.InvalidValueException;
import io.netfloor.units.Rate;

/**
 * Whether floors fit a network, in both directions: a floor is admitted when the floors of all
 * interfaces in its direction then sum to at most the network's {@link NetworkConfig#floorCapacity
 * floor capacity} of that direction (equality allowed). Sums are kept by the tree and recomputed
 * from the interfaces on restore, so they never underflow (libvirt's unsigned {@code floor_sum}
 * can). Stateless: the tree passes its sums in and keeps the ones returned.
 */
final class Admission {
  private Admission() {}

  /**
   * Admits {@code floor} in place of {@code replaced} (zero for a new interface).
   *
   * @param config the network
   * @param direction the direction of the floor
   * @param sum the current floor sum of that direction, {@code replaced} included
   * @param alias the interface asking
   * @param floor the floor asked for
   * @param replaced the interface's floor in that direction before, or zero
   * @return the new floor sum, at most the capacity
   * @throws AdmissionException if the network has no floors in that direction, or the floor does
   *     not fit what the other interfaces leave
   */
  static Rate admit(NetworkConfig config, Direction direction, Rate sum, String alias, Rate floor,
      Rate replaced) {
    boolean supported = direction == Direction.INBOUND ? config.supportsFloors()
        : config.supportsOutboundFloors();
    if (!supported) {
      throw switch (direction) {
        case INBOUND -> AdmissionException.noInboundQos(config.name().value(), alias, floor);
        case OUTBOUND -> AdmissionException.noOutboundFloors(config.name().value(), alias, floor);
      };
    }
    Rate others = sum.minus(replaced);
    Rate capacity = config.floorCapacity(direction).orElseThrow();
    // compared with what is left rather than by adding: a floor near 2^63 bit/s added to the others
    // would overflow, and it is simply more than any network can guarantee
    if (floor.compareTo(capacity.minusOrZero(others)) > 0) {
      throw switch (direction) {
        case INBOUND -> new AdmissionException(config.name().value(), alias, floor, others, capacity);
        case OUTBOUND -> AdmissionException.outbound(config.name().value(), alias, floor, others, capacity);
      };
    }
    return others.plus(floor);
  }

  /**
   * A priority without a floor needs the HTB tree (a floor's absence is checked by
   * {@link #admit}).
   *
   * @throws InvalidBandwidthException if {@code bandwidth} has a priority and no floor, and the
   *     network has no inbound bandwidth
   */
  static void requirePriorityFits(NetworkConfig config, String alias, Bandwidth bandwidth) {
    if (bandwidth.priority().isPresent() && !bandwidth.hasFloor() && !config.supportsFloors()) {
      throw new InvalidBandwidthException("interface '" + alias + "' has priority "
          + bandwidth.priority().orElseThrow() + " but network '" + config.name() + "' has no"
          + " inbound bandwidth, so no HTB tree for it to act in; give the network an inbound"
          + " average, or plug the interface without a priority");
    }
  }

  /**
   * A resize to {@code capacity} must leave room for the floors already granted.
   *
   * @throws AdmissionException if {@code floorSum} is above {@code capacity}
   */
  static void requireCapacityHolds(NetworkConfig config, Rate floorSum, Rate capacity) {
    if (floorSum.compareTo(capacity) > 0) {
      throw AdmissionException.capacityBelowFloors(config.name().value(), floorSum, capacity);
    }
  }

  /**
   * {@code sum} plus a recorded interface's floor, refusing a sum no rate can hold.
   *
   * @throws InvalidValueException if the sum would pass {@link Long#MAX_VALUE} bit/s
   */
  static Rate addRecorded(Direction direction, Rate sum, Rate floor, String alias) {
    if (!sum.canAdd(floor)) {
      throw new InvalidValueException(direction == Direction.INBOUND
          ? "recorded floors sum to more than " + Long.MAX_VALUE + " bit/s at interface '" + alias
              + "' (floor " + floor + "); no network can guarantee that: the recorded state is"
              + " damaged"
          : "recorded outbound floors sum to more than " + Long.MAX_VALUE + " bit/s at interface '"
              + alias + "' (outbound floor " + floor + "); the recorded state is damaged");
    }
    return sum.plus(floor);
  }

  /**
   * Recorded floors must fit the network as it is configured now.
   *
   * @throws InvalidValueException if {@code sum} is above the capacity of {@code direction}
   */
  static void requireRecordedFits(NetworkConfig config, Direction direction, Rate sum) {
    var capacity = config.floorCapacity(direction);
    if (capacity.isPresent() && sum.compareTo(capacity.get()) > 0) {
      throw new InvalidValueException(direction == Direction.INBOUND
          ? "recorded floors sum to " + sum + " but network '" + config.name()
              + "' now guarantees at most " + capacity.get()
              + "; raise the network's inbound bandwidth or unplug interfaces"
          : "recorded outbound floors sum to " + sum + " but network '" + config.name()
              + "' now guarantees at most " + capacity.get()
              + " outbound; raise the network's outbound bandwidth or unplug interfaces");
    }
  }
}
