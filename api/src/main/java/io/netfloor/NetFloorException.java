// SPDX-License-Identifier: Apache-2.0
package io.netfloor;

/**
 * Root of every exception NetFloor throws on purpose. Unchecked, like {@link IllegalArgumentException}:
 * each subtype names one kind of failure a caller can act on, and its message quotes the offending
 * input and the rule it broke.
 */
public class NetFloorException extends RuntimeException {
  public NetFloorException(String message) {
    super(message);
  }

  public NetFloorException(String message, Throwable cause) {
    super(message, cause);
  }
}
