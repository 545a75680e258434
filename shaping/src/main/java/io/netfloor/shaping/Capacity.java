// SPDX-License-Identifier: Apache-2.0
package io.netfloor.shaping;

import io.netfloor.model.AdmissionLimit;
import io.netfloor.model.HtbTree;
import io.netfloor.model.NetworkConfig;
import io.netfloor.units.Rate;
import java.util.Objects;

/**
 * A network's floor inventory at one instant: what it can guarantee, what is promised, what is left.
 * What an orchestrator needs to place a VM only where its floor fits. Immutable.
 *
 * @param network the network's name
 * @param floorsSupported false when the network has no inbound bandwidth: it then guarantees
 *     nothing, and {@code capacity}, {@code allotted} and {@code remaining} are zero
 * @param admissionLimit which of the network's rates floors are admitted against
 * @param capacity what the floors may sum to: the network's inbound average, or with
 *     {@link AdmissionLimit#PEAK_LIKE_LIBVIRT} its peak (else average)
 * @param allotted the sum of the floors of the plugged interfaces
 * @param remaining {@code capacity − allotted}: the largest floor a plug would be admitted with
 * @param interfaces how many interfaces are plugged, with or without a floor
 */
public record Capacity(String network, boolean floorsSupported, AdmissionLimit admissionLimit,
    Rate capacity, Rate allotted, Rate remaining, int interfaces) {

  /**
   * Checks that no component is null.
   *
   * @param network the network's name
   * @param floorsSupported false when the network has no inbound bandwidth
   * @param admissionLimit which of the network's rates floors are admitted against
   * @param capacity what the floors may sum to (zero without floors)
   * @param allotted the sum of the floors of the plugged interfaces
   * @param remaining the largest floor a plug would be admitted with
   * @param interfaces how many interfaces are plugged
   * @throws NullPointerException if a reference component is null
   */
  public Capacity {
    Objects.requireNonNull(network, "network");
    Objects.requireNonNull(admissionLimit, "admissionLimit");
    Objects.requireNonNull(capacity, "capacity");
    Objects.requireNonNull(allotted, "allotted");
    Objects.requireNonNull(remaining, "remaining");
  }

  /**
   * The outbound floor inventory of {@code tree}: the network's outbound floor capacity, the
   * outbound floors allotted and what remains ({@link #floorsSupported()} false without an
   * outbound floor placement). O(1).
   *
   * @param tree a network's tree
   * @return its outbound capacity, outbound floors allotted and remaining, and interface count
   */
  public static Capacity outboundOf(HtbTree tree) {
    NetworkConfig c = tree.config();
    return new Capacity(c.name().value(), c.supportsOutboundFloors(), c.admissionLimit(),
        c.outboundFloorCapacity().orElse(Rate.ZERO), tree.outboundFloorSum(),
        tree.remainingOutboundCapacity().orElse(Rate.ZERO), tree.interfaces().size());
  }

  /**
   * The inventory of {@code tree}. O(1).
   *
   * @param tree a network's tree
   * @return its capacity, floors allotted and remaining, and interface count
   */
  public static Capacity of(HtbTree tree) {
    Rate capacity = tree.config().floorCapacity().orElse(Rate.ZERO);
    return new Capacity(tree.config().name().value(), tree.config().supportsFloors(),
        tree.config().admissionLimit(), capacity, tree.floorSum(),
        tree.remainingCapacity().orElse(Rate.ZERO), tree.interfaces().size());
  }

  /**
   * Whether a floor of {@code floor} would be admitted now (zero always is).
   *
   * @param floor the floor asked for
   * @return true when it fits what remains
   */
  public boolean fits(Rate floor) {
    return floor.isZero() || (floorsSupported && floor.compareTo(remaining) <= 0);
  }

  @Override
  public String toString() {
    return floorsSupported ? "capacity " + capacity + " (" + admissionLimit.name().toLowerCase()
        + "), allotted " + allotted + ", remaining " + remaining + ", " + interfaces
        + " interface(s)"
        : "no inbound bandwidth (no floors), " + interfaces + " interface(s)";
  }
}
