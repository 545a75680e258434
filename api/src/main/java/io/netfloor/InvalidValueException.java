// SPDX-License-Identifier: Apache-2.0
package io.netfloor;

/**
 * A value (rate, size, MAC address, interface name, handle, XML) could not be parsed or breaks a
 * rule. The message quotes the input and the rule, e.g. {@code rate '10mbits': unknown unit 'mbits'}.
 */
public class InvalidValueException extends NetFloorException {
  /**
   * A value that breaks a rule.
   *
   * @param message the input, quoted, and the rule it breaks
   */
  public InvalidValueException(String message) {
    super(message);
  }

  /**
   * A value that could not be parsed because of another failure.
   *
   * @param message the input, quoted, and the rule it breaks
   * @param cause the underlying failure (e.g. a {@link NumberFormatException})
   */
  public InvalidValueException(String message, Throwable cause) {
    super(message, cause);
  }
}
