// SPDX-License-Identifier: Apache-2.0
package io.netfloor;

/**
 * A bandwidth specification breaks one of the rules of {@code io.netfloor.model.Limits} or
 * {@code Bandwidth} (e.g. {@code peak 5mbit is below average 10mbit}, {@code floor is only allowed
 * on inbound}).
 */
public class InvalidBandwidthException extends InvalidValueException {
  /**
   * A broken bandwidth rule.
   *
   * @param message the limits as given and the rule they break
   */
  public InvalidBandwidthException(String message) {
    super(message);
  }
}
