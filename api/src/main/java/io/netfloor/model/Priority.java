// SPDX-License-Identifier: Apache-2.0
package io.netfloor.model;

import io.netfloor.InvalidBandwidthException;

/**
 * An interface's HTB priority on the bridge, 0 (highest) to 7 (lowest): when classes borrow
 * bandwidth that no class's own rate covers (floors unused, the default class's share unused),
 * HTB serves the lowest value first, and classes of equal value in proportion to their quanta. An
 * interface without a priority is served as HTB's default, 0 (what NetFloor and libvirt always
 * set), so a priority above 0 makes an interface yield spare bandwidth to the others.
 *
 * @param value the priority, 0..7
 */
public record Priority(int value) implements Comparable<Priority> {
  private static final int HIGHEST_VALUE = 0;
  private static final int LOWEST_VALUE = 7;

  /** The highest priority, 0: served first; also what an interface without a priority gets. */
  public static final Priority HIGHEST = new Priority(0);
  /** The lowest priority, 7: served last. */
  public static final Priority LOWEST = new Priority(7);

  /**
   * Checks the range.
   *
   * @param value the priority, 0..7
   * @throws InvalidBandwidthException if {@code value} is outside 0..7
   */
  public Priority {
    if (value < HIGHEST_VALUE || value > LOWEST_VALUE) {
      throw new InvalidBandwidthException("priority " + value + " is not in 0..7: 0 is served"
          + " first when interfaces borrow spare bandwidth, 7 last; give a value in between");
    }
  }

  /**
   * The priority {@code value}.
   *
   * @param value 0 (highest) to 7 (lowest)
   * @return the priority
   * @throws InvalidBandwidthException if {@code value} is outside 0..7
   */
  public static Priority of(int value) {
    return new Priority(value);
  }

  /**
   * Reads a priority as {@link #toString()} writes it: one digit 0..7.
   *
   * @param text the priority's text, not null
   * @return the priority
   * @throws InvalidBandwidthException quoting {@code text} if it is not one digit 0..7
   */
  public static Priority parse(String text) {
    if (text.length() != 1 || text.charAt(0) < '0' || text.charAt(0) > '9') {
      throw new InvalidBandwidthException("priority '" + text + "' is not a number 0..7 (0 is"
          + " served first when interfaces borrow spare bandwidth, 7 last)");
    }
    return of(text.charAt(0) - '0');
  }

  /** Lower values first: {@link #HIGHEST} sorts before {@link #LOWEST}. */
  @Override
  public int compareTo(Priority o) {
    return Integer.compare(value, o.value);
  }

  /** The value's digit, as {@link #parse} reads it. */
  @Override
  public String toString() {
    return Integer.toString(value);
  }
}
