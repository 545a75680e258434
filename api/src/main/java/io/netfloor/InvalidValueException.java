// SPDX-License-Identifier: Apache-2.0
package io.netfloor;

/**
 * A value (rate, size, MAC address, interface name, handle, XML) could not be parsed or breaks a
 * rule. The message quotes the input and the rule, e.g. {@code rate '10mbits': unknown unit 'mbits'}.
 */
public class InvalidValueException extends NetFloorException {
  public InvalidValueException(String message) {
    super(message);
  }

  public InvalidValueException(String message, Throwable cause) {
    super(message, cause);
  }
}
