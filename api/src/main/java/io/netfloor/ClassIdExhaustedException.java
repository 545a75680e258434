// SPDX-License-Identifier: Apache-2.0
package io.netfloor;

/** Every class id a network may hand out is in use; unplug an interface first. */
public final class ClassIdExhaustedException extends NetFloorException {
  public ClassIdExhaustedException(String message) {
    super(message);
  }
}
