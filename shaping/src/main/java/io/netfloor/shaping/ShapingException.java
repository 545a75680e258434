// SPDX-License-Identifier: Apache-2.0
package io.netfloor.shaping;

import io.netfloor.NetFloorException;

/**
 * The engine cannot do what was asked in the state it finds: the network is not started, the bridge
 * is missing, or the bridge holds a root qdisc NetFloor did not make.
 */
public class ShapingException extends NetFloorException {
  /**
   * A refusal described by its message.
   *
   * @param message what is wrong and what to do
   */
  public ShapingException(String message) {
    super(message);
  }

  /**
   * A refusal caused by another exception.
   *
   * @param message what is wrong and what to do
   * @param cause the underlying failure
   */
  public ShapingException(String message, Throwable cause) {
    super(message, cause);
  }
}
