// SPDX-License-Identifier: Apache-2.0
package io.netfloor;

/** Every class id a network may hand out is in use; unplug an interface first. */
public final class ClassIdExhaustedException extends NetFloorException {
  /**
   * An exhaustion with a message that says which ids and what to do.
   *
   * @param message the id range in use and what to do, e.g. unplug an interface
   */
  public ClassIdExhaustedException(String message) {
    super(message);
  }
}
