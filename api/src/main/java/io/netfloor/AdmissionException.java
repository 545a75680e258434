// SPDX-License-Identifier: Apache-2.0
package io.netfloor;

import io.netfloor.units.Rate;

/**
 * Plugging or updating an interface would make the sum of floors exceed what the network can
 * guarantee. Nothing was changed. The fields say by how much.
 */
public final class AdmissionException extends NetFloorException {
  /** The interface whose floor was refused. */
  private final String interfaceAlias;
  /** The floor that was asked for. */
  private final Rate requestedFloor;
  /** Sum of the other interfaces' floors. */
  private final Rate allottedFloors;
  /** The network's admission limit. */
  private final Rate capacity;

  /**
   * A floor that does not fit: the message says how much was asked, how much is taken and how much
   * is left.
   *
   * @param network the network's name
   * @param interfaceAlias the interface whose floor was refused
   * @param requestedFloor the floor asked for
   * @param allottedFloors the sum of the floors of all other plugged interfaces
   * @param capacity what the network guarantees in total (see
   *     {@link io.netfloor.model.AdmissionLimit})
   */
  public AdmissionException(String network, String interfaceAlias, Rate requestedFloor,
      Rate allottedFloors, Rate capacity) {
    this(String.format(
        "cannot give interface '%s' a floor of %s on network '%s': floors already allotted to other"
            + " interfaces sum to %s and the network guarantees at most %s (%s left)",
        interfaceAlias, requestedFloor, network, allottedFloors, capacity,
        capacity.minusOrZero(allottedFloors)), interfaceAlias, requestedFloor, allottedFloors, capacity,
        true);
  }

  private AdmissionException(String message, String interfaceAlias, Rate requestedFloor,
      Rate allottedFloors, Rate capacity, boolean unused) {
    super(message);
    this.interfaceAlias = interfaceAlias;
    this.requestedFloor = requestedFloor;
    this.allottedFloors = allottedFloors;
    this.capacity = capacity;
  }

  /**
   * The network has no inbound QoS, so there is no capacity to carve a floor from (libvirt: "Invalid
   * use of 'floor' … network has no inbound QoS set").
   *
   * @param network the network's name
   * @param interfaceAlias the interface whose floor was refused
   * @param requestedFloor the floor asked for
   * @return the exception, with {@link #allottedFloors()} and {@link #capacity()} zero
   */
  public static AdmissionException noInboundQos(String network, String interfaceAlias,
      Rate requestedFloor) {
    return new AdmissionException("cannot give interface '" + interfaceAlias + "' a floor of "
        + requestedFloor + ": network '" + network + "' has no inbound bandwidth set, so it has"
        + " no capacity to guarantee floors from; give the network an inbound average first",
        interfaceAlias, requestedFloor, Rate.ZERO, Rate.ZERO, true);
  }

  /**
   * An outbound floor that does not fit the network's outbound capacity: the message names the
   * direction, how much was asked, how much is taken and how much is left.
   *
   * @param network the network's name
   * @param interfaceAlias the interface whose outbound floor was refused
   * @param requestedFloor the outbound floor asked for
   * @param allottedFloors the sum of the outbound floors of all other plugged interfaces
   * @param capacity what the network guarantees outbound in total (its outbound average, or peak
   *     by its {@link io.netfloor.model.AdmissionLimit})
   * @return the refusal
   */
  public static AdmissionException outbound(String network, String interfaceAlias,
      Rate requestedFloor, Rate allottedFloors, Rate capacity) {
    return new AdmissionException(String.format(
        "cannot give interface '%s' an outbound floor of %s on network '%s': outbound floors"
            + " already allotted to other interfaces sum to %s and the network guarantees at most"
            + " %s outbound (%s left); lower the outbound floor, unplug interfaces or raise the"
            + " network's outbound average",
        interfaceAlias, requestedFloor, network, allottedFloors, capacity,
        capacity.minusOrZero(allottedFloors)), interfaceAlias, requestedFloor, allottedFloors,
        capacity, true);
  }

  /**
   * The network guarantees no outbound floors (no outbound floor placement is configured).
   *
   * @param network the network's name
   * @param interfaceAlias the interface whose outbound floor was refused
   * @param requestedFloor the outbound floor asked for
   * @return the exception, with {@link #allottedFloors()} and {@link #capacity()} zero
   */
  public static AdmissionException noOutboundFloors(String network, String interfaceAlias,
      Rate requestedFloor) {
    return new AdmissionException("cannot give interface '" + interfaceAlias + "' an outbound"
        + " floor of " + requestedFloor + ": network '" + network + "' guarantees no outbound"
        + " floors; start it with outbound limits and an outbound floor placement (bridge ingress"
        + " or uplink egress)", interfaceAlias, requestedFloor, Rate.ZERO, Rate.ZERO, true);
  }

  /**
   * A resize would give the network less capacity than the floors already allotted. Its
   * {@link #interfaceAlias()} is empty and its {@link #requestedFloor()} zero: no interface asked
   * for anything; {@link #capacity()} is the capacity the resize asked for.
   *
   * @param network the network's name
   * @param allottedFloors the sum of its interfaces' floors
   * @param requestedCapacity the capacity the resize would give
   * @return the refusal, naming both rates
   */
  public static AdmissionException capacityBelowFloors(String network, Rate allottedFloors,
      Rate requestedCapacity) {
    return new AdmissionException("cannot resize network '" + network + "' to a capacity of "
        + requestedCapacity + ": the floors of its interfaces sum to " + allottedFloors
        + "; unplug interfaces or lower their floors first, or give the network at least "
        + allottedFloors + " (nothing was changed)", "", Rate.ZERO, allottedFloors,
        requestedCapacity, true);
  }

  /**
   * The interface whose floor was refused (empty for a refused resize).
   *
   * @return the interface's alias
   */
  public String interfaceAlias() {
    return interfaceAlias;
  }

  /**
   * The floor that was asked for.
   *
   * @return the requested floor
   */
  public Rate requestedFloor() {
    return requestedFloor;
  }

  /**
   * Sum of the floors of all other interfaces already plugged.
   *
   * @return the sum of the other interfaces' floors; zero when the network has no inbound QoS
   */
  public Rate allottedFloors() {
    return allottedFloors;
  }

  /**
   * What the network guarantees in total (its admission limit).
   *
   * @return the capacity; zero when the network has no inbound QoS
   */
  public Rate capacity() {
    return capacity;
  }
}
