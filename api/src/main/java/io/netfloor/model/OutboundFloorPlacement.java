// SPDX-License-Identifier: Apache-2.0
package io.netfloor.model;

import io.netfloor.InvalidValueException;
import io.netfloor.units.InterfaceName;
import java.util.Objects;
import java.util.Optional;

/**
 * Where a network guarantees outbound floors (what its interfaces send), if anywhere. The tree is
 * the inbound one's shape — {@code 1:1} at the network's outbound average, the default class
 * {@code 1:2}, a class {@code 1:N} per interface with an outbound floor — with u32 filters on the
 * frames' <em>source</em> MAC.
 *
 * @param kind where the tree sits
 * @param uplink the bridge port the tree shapes, for {@link Kind#UPLINK_EGRESS}; empty otherwise
 */
public record OutboundFloorPlacement(Kind kind, Optional<InterfaceName> uplink) {
  /** No outbound floors: the network's outbound limits, if any, shape the bridge's ingress. */
  public static final OutboundFloorPlacement NONE =
      new OutboundFloorPlacement(Kind.NONE, Optional.empty());

  /**
   * Where an outbound floor tree sits.
   */
  public enum Kind {
    /** No outbound floor tree (interfaces may not have outbound floors). */
    NONE,
    /**
     * Routed and NAT networks: frames from the guests enter the host through the bridge, so the
     * bridge's ingress is redirected (u32 match-all, {@code mirred}) to an ifb device
     * ({@link DeviceShaping#ifbFor} of the bridge) whose egress carries the tree. Needs ifb and
     * mirred.
     */
    BRIDGE_INGRESS,
    /**
     * Bridged networks whose uplink is a port of the bridge: the tree sits on the uplink's egress,
     * where the guests' frames leave the host.
     */
    UPLINK_EGRESS
  }

  /**
   * Checks that an uplink is given exactly for {@link Kind#UPLINK_EGRESS}.
   *
   * @param kind where the tree sits
   * @param uplink the bridge port the tree shapes, for {@link Kind#UPLINK_EGRESS}; empty otherwise
   * @throws InvalidValueException if the uplink is missing for, or given without,
   *     {@link Kind#UPLINK_EGRESS}
   * @throws NullPointerException if a component is null
   */
  public OutboundFloorPlacement {
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(uplink, "uplink");
    if ((kind == Kind.UPLINK_EGRESS) != uplink.isPresent()) {
      throw new InvalidValueException(kind == Kind.UPLINK_EGRESS
          ? "outbound floors on the uplink's egress need the uplink device (a port of the bridge)"
          : "an uplink device is only used with outbound floors on the uplink's egress, not with "
              + kind);
    }
  }

  /**
   * The tree on an ifb fed from the bridge's ingress.
   *
   * @return the placement {@link Kind#BRIDGE_INGRESS}
   */
  public static OutboundFloorPlacement bridgeIngress() {
    return new OutboundFloorPlacement(Kind.BRIDGE_INGRESS, Optional.empty());
  }

  /**
   * The tree on {@code uplink}'s egress.
   *
   * @param uplink the uplink device, a port of the network's bridge
   * @return the placement {@link Kind#UPLINK_EGRESS}
   */
  public static OutboundFloorPlacement uplinkEgress(InterfaceName uplink) {
    return new OutboundFloorPlacement(Kind.UPLINK_EGRESS, Optional.of(uplink));
  }

  /**
   * The device whose root qdisc carries the outbound floor tree of a network on {@code bridge}.
   *
   * @param bridge the network's bridge
   * @return the bridge's ifb, the uplink, or empty for {@link Kind#NONE}
   */
  public Optional<InterfaceName> treeDevice(InterfaceName bridge) {
    return switch (kind) {
      case NONE -> Optional.empty();
      case BRIDGE_INGRESS -> Optional.of(DeviceShaping.ifbFor(bridge));
      case UPLINK_EGRESS -> uplink;
    };
  }

  @Override
  public String toString() {
    return kind == Kind.UPLINK_EGRESS ? "UPLINK_EGRESS(" + uplink.get() + ")" : kind.name();
  }
}
