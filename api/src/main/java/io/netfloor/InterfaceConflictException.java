// SPDX-License-Identifier: Apache-2.0
package io.netfloor;

/**
 * The operation does not fit the interfaces the network holds: the alias is already plugged, the
 * MAC address is used by another interface, or the alias is not plugged at all.
 */
public final class InterfaceConflictException extends NetFloorException {
  /**
   * A conflict with the interfaces the network holds.
   *
   * @param message the alias or MAC, the network, and what to do instead
   */
  public InterfaceConflictException(String message) {
    super(message);
  }
}
