// SPDX-License-Identifier: Apache-2.0
package io.netfloor.model;

import io.netfloor.InvalidValueException;
import io.netfloor.InvalidBandwidthException;
import io.netfloor.plan.LeafQdiscKind;
import io.netfloor.units.InterfaceName;
import io.netfloor.units.Rate;
import java.util.Objects;
import java.util.Optional;

/**
 * A network as NetFloor shapes it: a name, the bridge device, the network's own bandwidth (its
 * inbound average/peak is the capacity floors are carved from) and the options that decide the
 * tree's shape.
 *
 * <p>Build with {@link #builder(String, String)}:
 *
 * <pre>{@code
 * NetworkConfig net = NetworkConfig.builder("default", "virbr0")
 *     .inbound(Limits.builder().average(Rate.parse("100mbit")).build())
 *     .build();
 * }</pre>
 *
 * @param name the network's name (it names the network's status in a store)
 * @param bridge the Linux bridge the network's interfaces are enslaved to; its egress carries the
 *     HTB tree
 * @param bandwidth the network's own limits; a floor is not allowed here
 * @param filterLayout how the u32 filters that steer frames into the interfaces' classes are laid out
 * @param trafficMatch which frames to an interface's MAC go into its floor class
 * @param leafQdisc the queue discipline under every HTB leaf class
 * @param admissionLimit what the sum of floors is checked against
 * @param classStrategy whether an unplugged interface's class is deleted or parked for reuse
 * @param outboundShaping how outbound limits are enforced (police, or redirect to an ifb)
 * @param rateToQuantum HTB r2q for the root qdisc (quantum is always set explicitly, so this only
 *     matters to classes others add)
 * @param outboundFloors where outbound floors are guaranteed ({@link OutboundFloorPlacement#NONE}:
 *     nowhere); anything else needs the network's outbound limits, whose average (or peak, by
 *     {@code admissionLimit}) the outbound floors share
 */
public record NetworkConfig(NetworkName name, InterfaceName bridge, Bandwidth bandwidth,
    FilterLayout filterLayout, TrafficMatch trafficMatch, LeafQdiscKind leafQdisc,
    AdmissionLimit admissionLimit, ClassStrategy classStrategy, OutboundShaping outboundShaping,
    int rateToQuantum, OutboundFloorPlacement outboundFloors) {

  /**
   * Checks every component.
   *
   * @param name the network's name (it names the network's status in a store)
   * @param bridge the Linux bridge the network's interfaces are enslaved to; its egress carries the
   *     HTB tree
   * @param bandwidth the network's own limits; a floor is not allowed here
   * @param filterLayout how the u32 filters that steer frames into the interfaces' classes are laid
   *     out
   * @param trafficMatch which frames to an interface's MAC go into its floor class
   * @param leafQdisc the queue discipline under every HTB leaf class
   * @param admissionLimit what the sum of floors is checked against
   * @param classStrategy whether an unplugged interface's class is deleted or parked for reuse
   * @param outboundShaping how outbound limits are enforced (police, or redirect to an ifb)
   * @param rateToQuantum HTB r2q for the root qdisc (quantum is always set explicitly, so this only
   *     matters to classes others add)
   * @param outboundFloors where outbound floors are guaranteed ({@link OutboundFloorPlacement#NONE}:
   *     nowhere); anything else needs the network's outbound limits
   * @throws NullPointerException if a component is null
   * @throws InvalidValueException if {@code rateToQuantum} is below 1, an outbound floor placement lacks the network's outbound
   *     limits, or its uplink is the bridge itself
   * @throws InvalidBandwidthException if {@code bandwidth} has a floor or a priority, or inbound
   *     limits without an average
   */
  public NetworkConfig {
    Objects.requireNonNull(bridge, "bridge");
    Objects.requireNonNull(bandwidth, "bandwidth");
    Objects.requireNonNull(filterLayout, "filterLayout");
    Objects.requireNonNull(trafficMatch, "trafficMatch");
    Objects.requireNonNull(leafQdisc, "leafQdisc");
    Objects.requireNonNull(admissionLimit, "admissionLimit");
    Objects.requireNonNull(classStrategy, "classStrategy");
    Objects.requireNonNull(outboundShaping, "outboundShaping");
    Objects.requireNonNull(outboundFloors, "outboundFloors");
    Objects.requireNonNull(name, "name");
    bandwidth.requireNoFloor("network '" + name + "'");
    if (bandwidth.priority().isPresent()) {
      throw new InvalidBandwidthException("network '" + name + "': priority "
          + bandwidth.priority().get() + " is not supported for a network; a priority belongs to"
          + " an interface plugged into it");
    }
    if (bandwidth.inbound().isPresent() && bandwidth.inbound().get().average().isEmpty()) {
      throw new InvalidBandwidthException("network '" + name + "': inbound limits "
          + bandwidth.inbound().get() + " need an average");
    }
    if (rateToQuantum < 1) {
      throw new InvalidValueException("r2q must be at least 1, got " + rateToQuantum);
    }
    if (outboundFloors.kind() != OutboundFloorPlacement.Kind.NONE
        && bandwidth.outbound().isEmpty()) {
      throw new InvalidValueException("network '" + name + "': outbound floors (" + outboundFloors
          + ") need the network's outbound limits, whose average is the capacity they share;"
          + " give the network an outbound average");
    }
    if (outboundFloors.uplink().isPresent() && outboundFloors.uplink().get().equals(bridge)) {
      throw new InvalidValueException("network '" + name + "': the uplink of outbound floors must"
          + " be a port of bridge " + bridge + ", not the bridge itself");
    }
  }

  /**
   * Starts a config with the given name and bridge and every option at its default (see
   * {@link Builder}).
   *
   * @param name network name (see {@link NetworkName}), checked when the config is built
   * @param bridge the bridge's interface name (see {@link InterfaceName})
   * @return a new builder
   * @throws InvalidValueException if {@code bridge} is not a valid interface name
   */
  public static Builder builder(String name, String bridge) {
    return new Builder(name, InterfaceName.of(bridge));
  }

  /**
   * Starts a config with the given name and bridge and every option at its default (see
   * {@link Builder}).
   *
   * @param name the network's name
   * @param bridge the bridge
   * @return a new builder
   * @throws NullPointerException if an argument is null
   */
  public static Builder builder(NetworkName name, InterfaceName bridge) {
    return new Builder(name.value(), Objects.requireNonNull(bridge, "bridge"));
  }

  /**
   * A builder initialised from this config.
   *
   * @return a new builder holding every component of this config; changing it leaves this config
   *     unchanged
   */
  public Builder toBuilder() {
    Builder b = new Builder(name.value(), bridge);
    b.bandwidth = bandwidth;
    b.filterLayout = filterLayout;
    b.trafficMatch = trafficMatch;
    b.leafQdisc = leafQdisc;
    b.admissionLimit = admissionLimit;
    b.classStrategy = classStrategy;
    b.outboundShaping = outboundShaping;
    b.rateToQuantum = rateToQuantum;
    b.outboundFloors = outboundFloors;
    return b;
  }

  /**
   * True when interfaces may have outbound floors: an outbound floor placement is configured.
   *
   * @return true unless the placement is {@link OutboundFloorPlacement#NONE}
   */
  public boolean supportsOutboundFloors() {
    return outboundFloors.kind() != OutboundFloorPlacement.Kind.NONE;
  }

  /**
   * The device whose root qdisc carries the outbound floor tree.
   *
   * @return the bridge's ifb or the uplink; empty without outbound floors
   */
  public Optional<InterfaceName> outboundFloorDevice() {
    return outboundFloors.treeDevice(bridge);
  }

  /**
   * The ceiling of the outbound tree's class 1:1: outbound peak, else average.
   *
   * @return the outbound peak if set, else the outbound average; empty without outbound limits
   */
  public Optional<Rate> outboundCeiling() {
    return bandwidth.outbound().flatMap(Limits::ceiling);
  }

  /**
   * What the sum of outbound floors may reach, by the same {@link AdmissionLimit} as inbound;
   * empty without outbound floors.
   *
   * @return the outbound average (or ceiling with {@link AdmissionLimit#PEAK_LIKE_LIBVIRT}), when
   *     {@link #supportsOutboundFloors()}
   */
  public Optional<Rate> outboundFloorCapacity() {
    if (!supportsOutboundFloors()) {
      return Optional.empty();
    }
    return admissionLimit == AdmissionLimit.AVERAGE
        ? bandwidth.outbound().flatMap(Limits::average) : outboundCeiling();
  }

  /**
   * What the floor sum of {@code direction} may reach.
   *
   * @param direction the direction
   * @return {@link #floorCapacity()} or {@link #outboundFloorCapacity()}
   */
  public Optional<Rate> floorCapacity(Direction direction) {
    return direction == Direction.INBOUND ? floorCapacity() : outboundFloorCapacity();
  }

  /**
   * True when the network has inbound QoS, so interfaces may have floors.
   *
   * @return true when inbound limits are set
   */
  public boolean supportsFloors() {
    return bandwidth.inbound().isPresent();
  }

  /**
   * The rate of class 1:1: the network's inbound average.
   *
   * @return the inbound average, or empty without inbound QoS
   */
  public Optional<Rate> inboundAverage() {
    return bandwidth.inbound().flatMap(Limits::average);
  }

  /**
   * The ceiling of class 1:1: inbound peak, else average.
   *
   * @return the inbound peak if set, else the inbound average; empty without inbound QoS
   */
  public Optional<Rate> inboundCeiling() {
    return bandwidth.inbound().flatMap(Limits::ceiling);
  }

  /**
   * What the sum of floors may reach (see {@link AdmissionLimit}); empty without inbound QoS.
   *
   * @return the inbound average with {@link AdmissionLimit#AVERAGE}, the inbound ceiling with
   *     {@link AdmissionLimit#PEAK_LIKE_LIBVIRT}
   */
  public Optional<Rate> floorCapacity() {
    return admissionLimit == AdmissionLimit.AVERAGE ? inboundAverage() : inboundCeiling();
  }

  /**
   * Builds a {@link NetworkConfig}; defaults: no bandwidth, HASHED, all EtherTypes, fq_codel leaves
   * (an engine falls back to sfq, then pfifo, on kernels without it),
   * admission against the average, classes added on plug, outbound limits policed, r2q 10.
   */
  public static final class Builder {
    private final String name;
    private final InterfaceName bridge;
    private Bandwidth bandwidth = Bandwidth.NONE;
    private FilterLayout filterLayout = FilterLayout.HASHED;
    private TrafficMatch trafficMatch = TrafficMatch.ALL_ETHERTYPES;
    private LeafQdiscKind leafQdisc = LeafQdiscKind.FQ_CODEL;
    private AdmissionLimit admissionLimit = AdmissionLimit.AVERAGE;
    private ClassStrategy classStrategy = ClassStrategy.ADD_ON_PLUG;
    private OutboundShaping outboundShaping = OutboundShaping.POLICE;
    private int rateToQuantum = 10;
    private OutboundFloorPlacement outboundFloors = OutboundFloorPlacement.NONE;

    private Builder(String name, InterfaceName bridge) {
      this.name = name;
      this.bridge = bridge;
    }

    /**
     * Sets both directions' limits at once, replacing what was set before.
     *
     * @param value the network's limits; must have no floor
     * @return this builder
     */
    public Builder bandwidth(Bandwidth value) {
      this.bandwidth = value;
      return this;
    }

    /**
     * Sets the inbound limits, keeping the outbound ones.
     *
     * @param inbound limits on traffic towards the interfaces; needs an average, must have no floor
     * @return this builder
     */
    public Builder inbound(Limits inbound) {
      this.bandwidth = new Bandwidth(Optional.of(inbound), bandwidth.outbound());
      return this;
    }

    /**
     * Sets the outbound limits, keeping the inbound ones.
     *
     * @param outbound limits on traffic from the interfaces into the bridge; must have no floor
     * @return this builder
     */
    public Builder outbound(Limits outbound) {
      this.bandwidth = new Bandwidth(bandwidth.inbound(), Optional.of(outbound));
      return this;
    }

    /**
     * Sets the filter layout (default {@link FilterLayout#HASHED}).
     *
     * @param value the layout
     * @return this builder
     */
    public Builder filterLayout(FilterLayout value) {
      this.filterLayout = value;
      return this;
    }

    /**
     * Sets which frames are steered into floor classes (default
     * {@link TrafficMatch#ALL_ETHERTYPES}).
     *
     * @param value the match
     * @return this builder
     */
    public Builder trafficMatch(TrafficMatch value) {
      this.trafficMatch = value;
      return this;
    }

    /**
     * Sets the queue discipline under each leaf class (default {@link LeafQdiscKind#FQ_CODEL}).
     *
     * @param value the leaf kind
     * @return this builder
     */
    public Builder leafQdisc(LeafQdiscKind value) {
      this.leafQdisc = value;
      return this;
    }

    /**
     * Sets what the floor sum is checked against (default {@link AdmissionLimit#AVERAGE}).
     *
     * @param value the admission rule
     * @return this builder
     */
    public Builder admissionLimit(AdmissionLimit value) {
      this.admissionLimit = value;
      return this;
    }

    /**
     * Sets what happens to a class on unplug (default {@link ClassStrategy#ADD_ON_PLUG}).
     *
     * @param value the strategy
     * @return this builder
     */
    public Builder classStrategy(ClassStrategy value) {
      this.classStrategy = value;
      return this;
    }

    /**
     * How outbound limits are enforced; the engine sets it from the kernel's capabilities.
     *
     * @param value the enforcement (default {@link OutboundShaping#POLICE})
     * @return this builder
     */
    public Builder outboundShaping(OutboundShaping value) {
      this.outboundShaping = value;
      return this;
    }

    /**
     * Sets HTB's r2q for the root qdisc (default 10).
     *
     * @param value the rate-to-quantum divisor, at least 1
     * @return this builder
     */
    public Builder rateToQuantum(int value) {
      this.rateToQuantum = value;
      return this;
    }

    /**
     * Sets where outbound floors are guaranteed (default {@link OutboundFloorPlacement#NONE}).
     *
     * @param value the placement; anything but NONE needs outbound limits
     * @return this builder
     */
    public Builder outboundFloors(OutboundFloorPlacement value) {
      this.outboundFloors = value;
      return this;
    }

    /**
     * Builds the config, checking every rule.
     *
     * @return the new config
     * @throws InvalidValueException if the name or r2q is invalid
     * @throws InvalidBandwidthException if the bandwidth has a floor, or inbound limits without an
     *     average
     * @throws NullPointerException if an option was set to null
     */
    public NetworkConfig build() {
      return new NetworkConfig(NetworkName.of(name), bridge, bandwidth, filterLayout, trafficMatch, leafQdisc,
          admissionLimit, classStrategy, outboundShaping, rateToQuantum, outboundFloors);
    }
  }
}
