// SPDX-License-Identifier: Apache-2.0
package io.netfloor.model;

import io.netfloor.InvalidBandwidthException;
import io.netfloor.units.ByteSize;
import io.netfloor.units.Rate;
import java.util.Optional;

/**
 * The limits of one direction, as libvirt's {@code <inbound>}/{@code <outbound>}: {@code average}
 * (the long-term rate), {@code peak} (the ceiling it may burst to), {@code burst} (bytes that may be
 * sent at peak speed) and {@code floor} (the guaranteed minimum; inbound only, checked by
 * {@link Bandwidth}).
 *
 * <p>Rules, checked at construction (each failure is an {@link InvalidBandwidthException} naming the
 * rule):
 *
 * <ol>
 *   <li>at least one of {@code average} and {@code floor} is present (libvirt: "Missing mandatory
 *       average or floor attributes");
 *   <li>{@code peak} and {@code burst} require {@code average} (libvirt: "'peak' and 'burst' require
 *       'average' attribute");
 *   <li>every rate present is positive: libvirt treats 0 as "absent", the kernel rejects rate 0;
 *   <li>{@code peak ≥ average} (the ceiling cannot be below the rate; libvirt does not check this and
 *       tc then fails late);
 *   <li>{@code floor ≤ peak}, else {@code floor ≤ average}, when they are set: a guarantee above the
 *       interface's own ceiling could never be delivered;
 *   <li>{@code burst} is positive and at most 4 GiB − 1 (tc's 32-bit burst).
 * </ol>
 *
 * @param average the long-term rate, or empty (then a floor is required)
 * @param peak the rate the direction may burst to above {@code average}, or empty
 * @param burst how many bytes may be sent in one go at up to {@code peak} speed, or empty for
 *     NetFloor's default burst
 * @param floor the guaranteed minimum rate, or empty; only the inbound direction of an interface
 *     may have one
 */
public record Limits(Optional<Rate> average, Optional<Rate> peak, Optional<ByteSize> burst,
    Optional<Rate> floor) {
  /** tc's burst fits in a u32 of bytes. */
  public static final long MAX_BURST_BYTES = 0xFFFF_FFFFL;

  /**
   * Checks the rules listed above.
   *
   * @param average the long-term rate, or empty (then a floor is required)
   * @param peak the rate the direction may burst to above {@code average}, or empty
   * @param burst how many bytes may be sent in one go at up to {@code peak} speed, or empty for
   *     NetFloor's default burst
   * @param floor the guaranteed minimum rate, or empty; only the inbound direction of an interface
   *     may have one
   * @throws InvalidBandwidthException naming the first rule that is broken
   * @throws NullPointerException if a component is null (use {@link Optional#empty()} for an absent
   *     one)
   */
  public Limits {
    if (average.isEmpty() && floor.isEmpty()) {
      throw new InvalidBandwidthException("limits need an average or a floor (libvirt: missing"
          + " mandatory average or floor attributes), got " + describe(average, peak, burst, floor));
    }
    if (average.isEmpty() && (peak.isPresent() || burst.isPresent())) {
      throw new InvalidBandwidthException("peak and burst require an average, got "
          + describe(average, peak, burst, floor));
    }
    positive("average", average);
    positive("peak", peak);
    positive("floor", floor);
    if (peak.isPresent() && peak.get().compareTo(average.get()) < 0) {
      throw new InvalidBandwidthException("peak " + peak.get() + " is below average " + average.get()
          + "; the ceiling cannot be lower than the rate");
    }
    Optional<Rate> ceiling = peak.or(() -> average);
    if (floor.isPresent() && ceiling.isPresent() && floor.get().compareTo(ceiling.get()) > 0) {
      throw new InvalidBandwidthException("floor " + floor.get() + " exceeds ceiling " + ceiling.get()
          + " (" + (peak.isPresent() ? "peak" : "average") + "); a guarantee above the interface's"
          + " own limit could never be delivered");
    }
    if (burst.isPresent()
        && (burst.get().bytes() == 0 || burst.get().bytes() > MAX_BURST_BYTES)) {
      throw new InvalidBandwidthException("burst " + burst.get() + " must be between 1 byte and "
          + MAX_BURST_BYTES + " bytes");
    }
  }

  private static void positive(String name, Optional<Rate> rate) {
    if (rate.isPresent() && rate.get().isZero()) {
      throw new InvalidBandwidthException(name + " " + rate.get()
          + " must be positive; leave it out instead of 0");
    }
  }

  /**
   * Only a guaranteed minimum: what most floored VM interfaces need.
   *
   * @param floor the guaranteed rate, positive
   * @return limits with only a floor
   * @throws InvalidBandwidthException if {@code floor} is zero
   */
  public static Limits floorOnly(Rate floor) {
    return new Limits(Optional.empty(), Optional.empty(), Optional.empty(), Optional.of(floor));
  }

  /**
   * Only an average rate.
   *
   * @param average the long-term rate, positive
   * @return limits with only an average
   * @throws InvalidBandwidthException if {@code average} is zero
   */
  public static Limits averageOnly(Rate average) {
    return new Limits(Optional.of(average), Optional.empty(), Optional.empty(), Optional.empty());
  }

  /**
   * Starts limits with every field absent.
   *
   * @return a new builder
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * The rate this direction may reach: {@code peak}, else {@code average}, if either is set.
   *
   * @return the peak if set, else the average; empty for floor-only limits
   */
  public Optional<Rate> ceiling() {
    return peak.or(() -> average);
  }

  /**
   * The floor, or zero when there is none.
   *
   * @return the floor, or {@link Rate#ZERO} when none is set
   */
  public Rate floorOrZero() {
    return floor.orElse(Rate.ZERO);
  }

  /**
   * A copy with another floor ({@code null} removes it).
   *
   * @param newFloor the new floor, or {@code null} for none
   * @return new limits; this one is unchanged
   * @throws InvalidBandwidthException if the copy breaks a rule (a floor above the ceiling, or no
   *     average and no floor left)
   */
  public Limits withFloor(Rate newFloor) {
    return new Limits(average, peak, burst, Optional.ofNullable(newFloor));
  }

  @Override
  public String toString() {
    return describe(average, peak, burst, floor);
  }

  private static String describe(Optional<Rate> average, Optional<Rate> peak,
      Optional<ByteSize> burst, Optional<Rate> floor) {
    if (average.isEmpty() && peak.isEmpty() && burst.isEmpty() && floor.isEmpty()) {
      return "{}";
    }
    StringBuilder sb = new StringBuilder("{");
    average.ifPresent(r -> sb.append("average=").append(r).append(' '));
    peak.ifPresent(r -> sb.append("peak=").append(r).append(' '));
    floor.ifPresent(r -> sb.append("floor=").append(r).append(' '));
    burst.ifPresent(b -> sb.append("burst=").append(b).append(' '));
    sb.setLength(sb.length() - 1);
    return sb.append('}').toString();
  }

  /** Builds {@link Limits}; absent fields stay absent. */
  public static final class Builder {
    private Rate average;
    private Rate peak;
    private ByteSize burst;
    private Rate floor;

    private Builder() {}

    /**
     * Sets the long-term rate.
     *
     * @param value the average, or {@code null} for absent
     * @return this builder
     */
    public Builder average(Rate value) {
      this.average = value;
      return this;
    }

    /**
     * Sets the rate the direction may burst to.
     *
     * @param value the peak, or {@code null} for absent
     * @return this builder
     */
    public Builder peak(Rate value) {
      this.peak = value;
      return this;
    }

    /**
     * Sets how many bytes may be sent at peak speed.
     *
     * @param value the burst, or {@code null} for absent
     * @return this builder
     */
    public Builder burst(ByteSize value) {
      this.burst = value;
      return this;
    }

    /**
     * Sets the guaranteed minimum rate.
     *
     * @param value the floor, or {@code null} for absent
     * @return this builder
     */
    public Builder floor(Rate value) {
      this.floor = value;
      return this;
    }

    /**
     * Builds the limits, checking every rule of {@link Limits}.
     *
     * @return the new limits
     * @throws InvalidBandwidthException when a rule is broken
     */
    public Limits build() {
      return new Limits(Optional.ofNullable(average), Optional.ofNullable(peak),
          Optional.ofNullable(burst), Optional.ofNullable(floor));
    }
  }
}
