// SPDX-License-Identifier: Apache-2.0
package io.netfloor.model;

import io.netfloor.InvalidValueException;
import io.netfloor.plan.U32Handle;
import io.netfloor.units.ClassHandle;
import io.netfloor.units.InterfaceName;
import io.netfloor.units.MacAddress;
import java.util.Objects;
import java.util.Optional;

/**
 * An interface plugged into a network, as the model (and the status store) records it.
 *
 * @param alias the caller's name for the interface (a VM NIC, a port id)
 * @param mac its MAC address: frames to this address are steered into its floor class; unique within
 *     the network
 * @param bandwidth its limits: the inbound floor is guaranteed on the bridge, the rest is applied on
 *     {@code device} if there is one
 * @param classMinor the minor of its own class {@code 1:<minor>} (for a floor in either direction,
 *     a priority or both), or 0 when it has none of them and uses the default class; one minor for
 *     both directions: the class {@code 1:<minor>} exists in the inbound tree when it has an
 *     inbound floor or a priority, and in the outbound floor tree when it has an outbound floor
 * @param filterHandle the u32 node that steers its frames, when it has a floor class
 * @param device its host-side device (a tap or veth on the bridge), when NetFloor should also apply
 *     the interface's own average/peak/burst limits there (as libvirt does on the tap); empty:
 *     floor only
 */
public record PluggedInterface(InterfaceAlias alias, MacAddress mac, Bandwidth bandwidth, int classMinor,
    Optional<U32Handle> filterHandle, Optional<InterfaceName> device) {

  /**
   * Checks the alias and that class, filter and floor agree.
   *
   * @param alias the caller's name for the interface (a VM NIC, a port id)
   * @param mac its MAC address: frames to this address are steered into its floor class; unique
   *     within the network
   * @param bandwidth its limits: the inbound floor is guaranteed on the bridge, the rest is applied
   *     on {@code device} if there is one
   * @param classMinor the minor of its own class {@code 1:<minor>} (for a floor in either
   *     direction, a priority or both), or 0 when it has none and uses the default class
   * @param filterHandle the u32 node that steers its frames, when it has a floor class
   * @param device its host-side device (a tap or veth on the bridge), when NetFloor should also
   *     apply the interface's own average/peak/burst limits there (as libvirt does on the tap);
   *     empty: floor only
   * @throws InvalidValueException if {@code classMinor} is neither 0 nor in 3..0xfffe, or the class and filter handle are not
   *     present exactly when the bandwidth has a floor or a priority
   * @throws NullPointerException if an object component is null
   */
  public PluggedInterface {
    Objects.requireNonNull(alias, "alias");
    Objects.requireNonNull(mac, "mac");
    Objects.requireNonNull(bandwidth, "bandwidth");
    Objects.requireNonNull(filterHandle, "filterHandle");
    Objects.requireNonNull(device, "device");
    if (classMinor != 0 && (classMinor < ClassIdAllocator.FIRST_ASSIGNABLE || classMinor > 0xfffe)) {
      throw new InvalidValueException("interface '" + alias + "': class id " + classMinor
          + " is not assignable (3..0xfffe)");
    }
    if ((classMinor == 0) != filterHandle.isEmpty()) {
      throw new InvalidValueException("interface '" + alias
          + "': a floor class and its filter go together");
    }
    if ((classMinor != 0) != bandwidth.needsClass()) {
      throw new InvalidValueException("interface '" + alias + "': it has a class of its own exactly"
          + " when its bandwidth has a floor (in either direction) or a priority");
    }
  }

  /**
   * An interface whose own limits NetFloor does not apply (no device).
   *
   * @param alias the interface's alias
   * @param mac the interface's MAC address
   * @param bandwidth the interface's limits
   * @param classMinor the minor of its floor class, or 0 without a floor
   * @param filterHandle the u32 node of its filter, present exactly when {@code classMinor} is not
   *     0
   * @throws InvalidValueException as the canonical constructor
   */
  public PluggedInterface(InterfaceAlias alias, MacAddress mac, Bandwidth bandwidth,
      int classMinor, Optional<U32Handle> filterHandle) {
    this(alias, mac, bandwidth, classMinor, filterHandle, Optional.empty());
  }

  /**
   * An interface named by a plain alias (see {@link InterfaceAlias}), as the tree's transitions
   * make them.
   *
   * @param alias the interface's alias
   * @param mac the interface's MAC address
   * @param bandwidth the interface's limits
   * @param classMinor the minor of its own class, or 0 without one
   * @param filterHandle the u32 node of its filter, present exactly when {@code classMinor} is not
   *     0
   * @param device its host-side device, when NetFloor applies its own limits there
   * @throws InvalidValueException if the alias is not valid, or as the canonical constructor
   */
  public PluggedInterface(String alias, MacAddress mac, Bandwidth bandwidth, int classMinor,
      Optional<U32Handle> filterHandle, Optional<InterfaceName> device) {
    this(InterfaceAlias.of(alias), mac, bandwidth, classMinor, filterHandle, device);
  }

  /**
   * An interface named by a plain alias, whose own limits NetFloor does not apply (no device).
   *
   * @param alias the interface's alias
   * @param mac the interface's MAC address
   * @param bandwidth the interface's limits
   * @param classMinor the minor of its own class, or 0 without one
   * @param filterHandle the u32 node of its filter, present exactly when {@code classMinor} is not
   *     0
   * @throws InvalidValueException if the alias is not valid, or as the canonical constructor
   */
  public PluggedInterface(String alias, MacAddress mac, Bandwidth bandwidth, int classMinor,
      Optional<U32Handle> filterHandle) {
    this(InterfaceAlias.of(alias), mac, bandwidth, classMinor, filterHandle, Optional.empty());
  }

  /**
   * Its own class, when it has one (for a floor, a priority or both).
   *
   * @return the class {@code 1:classMinor}, or empty with neither floor nor priority
   */
  public Optional<ClassHandle> floorClass() {
    return hasOwnClass() ? Optional.of(ClassHandle.of(1, classMinor)) : Optional.empty();
  }

  /**
   * Whether it has a class of its own, {@code 1:classMinor} (for a floor in either direction or a
   * priority); without, {@link #classMinor()} is 0 and {@link #filterHandle()} empty, as recorded.
   *
   * @return whether {@link #floorClass()} is present
   */
  public boolean hasOwnClass() {
    return classMinor != 0;
  }

  /**
   * The class its inbound frames land in on the bridge: its own class when it has an inbound
   * floor or a priority, else the network's default class.
   *
   * @return its own class, or {@link HtbTree#DEFAULT_CLASS}
   */
  public ClassHandle effectiveClass() {
    return hasInboundClass() ? floorClass().orElseThrow() : HtbTree.DEFAULT_CLASS;
  }

  /**
   * Whether its class exists in the inbound tree: it has an inbound floor or a priority (a
   * priority acts on the inbound tree only).
   *
   * @return true when the inbound tree holds the class {@code 1:classMinor}
   */
  public boolean hasInboundClass() {
    return bandwidth.hasFloor() || bandwidth.priority().isPresent();
  }

  /**
   * The class its outbound frames land in on the outbound floor tree: its floor class when it has
   * an outbound floor, else that tree's default class.
   *
   * @return the class {@code 1:classMinor}, or {@link HtbTree#DEFAULT_CLASS}
   */
  public ClassHandle outboundClass() {
    return bandwidth.hasOutboundFloor() ? floorClass().orElseThrow() : HtbTree.DEFAULT_CLASS;
  }
}
