// SPDX-License-Identifier: Apache-2.0
package io.netfloor.shaping;

/**
 * The network's outbound floor placement cannot be built here: the kernel lacks what it needs
 * (ifb devices and the {@code mirred} action, for the bridge's ingress), or its uplink does not
 * exist. Nothing was changed.
 */
public final class UnsupportedPlacementException extends ShapingException {
  /**
   * A refusal described by its message.
   *
   * @param message what is missing and what to do
   */
  public UnsupportedPlacementException(String message) {
    super(message);
  }
}
