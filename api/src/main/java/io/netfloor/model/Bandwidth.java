// SPDX-License-Identifier: Apache-2.0
package io.netfloor.model;

import io.netfloor.InvalidBandwidthException;
import io.netfloor.units.Rate;
import java.util.Optional;

/**
 * The bandwidth of a network or an interface: optional {@link Limits} per {@link Direction}, as
 * libvirt's {@code <bandwidth>} element.
 *
 * <p>Rule: a {@code floor} is allowed in either direction, but only where the context allows
 * it: an interface may have one, a network may not ({@link #requireNoFloor}). An inbound floor is
 * guaranteed on the bridge's egress (as libvirt's {@code <inbound floor>}); an outbound floor, for
 * what the interface sends, on the network's outbound floor tree (see
 * {@link OutboundFloorPlacement}; libvirt has no outbound floor). Outbound limits need an average,
 * a floor, or both; only an outbound average is enforced on the interface's own device.
 *
 * @param inbound limits on traffic towards the interface (for a network: towards all its
 *     interfaces)
 * @param outbound limits on traffic from the interface into the bridge
 * @param priority the interface's HTB priority on the bridge ({@link Priority}); empty: HTB's
 *     default, 0, as without priorities. An interface with a priority gets a class of its own even
 *     without a floor, so that the priority can act (on the inbound tree only)
 */
public record Bandwidth(Optional<Limits> inbound, Optional<Limits> outbound,
    Optional<Priority> priority) {
  /** No limits at all. */
  public static final Bandwidth NONE = new Bandwidth(Optional.empty(), Optional.empty());

  /**
   * Checks the rules above.
   *
   * @param inbound limits on traffic towards the interface (for a network: towards all its
   *     interfaces)
   * @param outbound limits on traffic from the interface into the bridge
   * @param priority the interface's HTB priority on the bridge; empty: HTB's default, 0
   * @throws NullPointerException if a component is null (use {@link Optional#empty()} for none)
   */
  public Bandwidth {
    java.util.Objects.requireNonNull(inbound, "inbound");
    java.util.Objects.requireNonNull(outbound, "outbound");
    java.util.Objects.requireNonNull(priority, "priority");
  }

  /**
   * Bandwidth without a priority.
   *
   * @param inbound limits on traffic towards the interface
   * @param outbound limits on traffic from the interface into the bridge
   * @throws NullPointerException if a component is null (use {@link Optional#empty()} for none)
   */
  public Bandwidth(Optional<Limits> inbound, Optional<Limits> outbound) {
    this(inbound, outbound, Optional.empty());
  }

  /**
   * Bandwidth from nullable limits.
   *
   * @param inbound the inbound limits, or {@code null} for none
   * @param outbound the outbound limits, or {@code null} for none
   * @return the bandwidth
   */
  public static Bandwidth of(Limits inbound, Limits outbound) {
    return new Bandwidth(Optional.ofNullable(inbound), Optional.ofNullable(outbound));
  }

  /**
   * Bandwidth limited in the inbound direction only.
   *
   * @param inbound the inbound limits, not null
   * @return the bandwidth, with no outbound limits
   */
  public static Bandwidth inboundOnly(Limits inbound) {
    return new Bandwidth(Optional.of(inbound), Optional.empty());
  }

  /**
   * An interface whose only wish is a guaranteed inbound minimum.
   *
   * @param floor the guaranteed inbound rate, positive
   * @return bandwidth with an inbound floor and nothing else
   * @throws InvalidBandwidthException if {@code floor} is zero
   */
  public static Bandwidth floor(Rate floor) {
    return inboundOnly(Limits.floorOnly(floor));
  }

  /**
   * The inbound floor, or zero.
   *
   * @return the inbound floor, or {@link Rate#ZERO} when there is none
   */
  public Rate floorOrZero() {
    return inbound.map(Limits::floorOrZero).orElse(Rate.ZERO);
  }

  /**
   * Whether the inbound limits carry a floor, so that the interface needs a class of its own.
   *
   * @return true when there is an inbound floor
   */
  public boolean hasFloor() {
    return inbound.flatMap(Limits::floor).isPresent();
  }

  /**
   * The outbound floor, or zero.
   *
   * @return the floor of the outbound limits, or {@link Rate#ZERO} when there is none
   */
  public Rate outboundFloorOrZero() {
    return outbound.map(Limits::floorOrZero).orElse(Rate.ZERO);
  }

  /**
   * Whether the outbound limits carry a floor.
   *
   * @return true when there is an outbound floor
   */
  public boolean hasOutboundFloor() {
    return outbound.flatMap(Limits::floor).isPresent();
  }

  /**
   * Whether the interface needs a floor class of its own: it has a floor in either direction.
   *
   * @return true when there is an inbound or an outbound floor
   */
  public boolean hasAnyFloor() {
    return hasFloor() || hasOutboundFloor();
  }

  /**
   * The floor in {@code direction}, or zero.
   *
   * @param direction the direction
   * @return {@link #floorOrZero()} or {@link #outboundFloorOrZero()}
   */
  public Rate floorOrZero(Direction direction) {
    return direction == Direction.INBOUND ? floorOrZero() : outboundFloorOrZero();
  }

  /**
   * A copy whose outbound floor is {@code floor} ({@code null} or zero removes it).
   *
   * @param floor the new outbound floor, or {@code null} or {@link Rate#ZERO} for none
   * @return new bandwidth with the other limits kept (floor-only outbound limits without a floor
   *     are dropped); this one is unchanged
   * @throws InvalidBandwidthException if the new floor exceeds the outbound ceiling
   */
  public Bandwidth withOutboundFloor(Rate floor) {
    Rate f = floor == null || floor.isZero() ? null : floor;
    if (outbound.isEmpty()) {
      return f == null ? this : new Bandwidth(inbound, Optional.of(Limits.floorOnly(f)), priority);
    }
    Limits out = outbound.get();
    if (f == null && out.average().isEmpty()) {
      return new Bandwidth(inbound, Optional.empty(), priority);
    }
    return new Bandwidth(inbound, Optional.of(out.withFloor(f)), priority);
  }

  /**
   * Whether the interface needs a class of its own on the bridge: for a floor (in either
   * direction), or for its priority (an interface with neither shares the default class).
   *
   * @return true when there is a floor (in either direction) or a priority
   */
  public boolean needsClass() {
    return hasAnyFloor() || priority.isPresent();
  }

  /**
   * A copy with priority {@code priority} ({@code null} removes it).
   *
   * @param priority the new priority, or {@code null} for none (HTB's default, 0)
   * @return new bandwidth with the limits kept; this one is unchanged
   */
  public Bandwidth withPriority(Priority priority) {
    return new Bandwidth(inbound, outbound, Optional.ofNullable(priority));
  }

  /**
   * A copy whose inbound floor is {@code floor} ({@code null} or zero removes it).
   *
   * @param floor the new floor, or {@code null} or {@link Rate#ZERO} for none
   * @return new bandwidth with the other limits kept (floor-only inbound limits without a floor are
   *     dropped); this one is unchanged
   * @throws InvalidBandwidthException if the new floor exceeds the inbound ceiling
   */
  public Bandwidth withFloor(Rate floor) {
    Rate f = floor == null || floor.isZero() ? null : floor;
    if (inbound.isEmpty()) {
      return f == null ? this : new Bandwidth(Optional.of(Limits.floorOnly(f)), outbound, priority);
    }
    Limits in = inbound.get();
    if (f == null && in.average().isEmpty()) {
      return new Bandwidth(Optional.empty(), outbound, priority); // a floor-only inbound without floor is nothing
    }
    return new Bandwidth(Optional.of(in.withFloor(f)), outbound, priority);
  }

  /**
   * Checks that there is no floor, for contexts that cannot take one (a network's own bandwidth).
   *
   * @param context what the bandwidth belongs to, for the message (e.g. {@code network 'default'})
   * @return this bandwidth, when it has no floor
   * @throws InvalidBandwidthException naming {@code context}
   */
  public Bandwidth requireNoFloor(String context) {
    if (hasFloor()) {
      throw new InvalidBandwidthException("floor " + floorOrZero() + " is not supported for "
          + context + "; a floor belongs to an interface plugged into a network");
    }
    if (hasOutboundFloor()) {
      throw new InvalidBandwidthException("outbound floor " + outboundFloorOrZero()
          + " is not supported for " + context + "; a floor belongs to an interface plugged into"
          + " a network (the network's outbound average is the capacity outbound floors share)");
    }
    return this;
  }

  @Override
  public String toString() {
    return "Bandwidth{inbound=" + inbound.map(Limits::toString).orElse("-")
        + ", outbound=" + outbound.map(Limits::toString).orElse("-")
        + priority.map(p -> ", priority=" + p).orElse("") + "}";
  }
}
