// SPDX-License-Identifier: Apache-2.0
package io.netfloor;

/**
 * Root of every exception NetFloor throws on purpose. Unchecked, like {@link IllegalArgumentException}:
 * each subtype names one kind of failure a caller can act on, and its message quotes the offending
 * input and the rule it broke.
 */
public class NetFloorException extends RuntimeException {
  /**
   * A failure described by its message.
   *
   * @param message what failed, quoting the input and the rule
   */
  public NetFloorException(String message) {
    super(message);
  }

  /**
   * A failure caused by another exception.
   *
   * @param message what failed, quoting the input and the rule
   * @param cause the underlying failure
   */
  public NetFloorException(String message, Throwable cause) {
    super(message, cause);
  }
}
