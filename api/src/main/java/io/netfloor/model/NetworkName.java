// SPDX-License-Identifier: Apache-2.0
package io.netfloor.model;

import io.netfloor.InvalidValueException;

/**
 * The name of a network: 1–64 characters of {@code [A-Za-z0-9._-]}, not starting with a dot. It
 * names the network's status in a store (a file name, a database key), so a valid name can never
 * act as a path that escapes the store's directory.
 *
 * @param value the name
 */
public record NetworkName(String value) implements Comparable<NetworkName> {
  /** The longest name, in characters. */
  public static final int MAX_LENGTH = 64;

  /**
   * The characters a network name may hold, as a table over ASCII: status stores check the name on
   * every record (each plug), where a composed {@code CharMatcher} cost more than the record.
   */
  private static final AsciiCharset NAME_CHARS = AsciiCharset.alphanumericAnd("._-");

  /**
   * Checks the name against the rule above.
   *
   * @param value the name
   * @throws InvalidValueException quoting the name and the rule
   */
  public NetworkName {
    if (value == null || value.isEmpty() || value.length() > MAX_LENGTH
        || !NAME_CHARS.matchesAll(value) || value.startsWith(".")) {
      throw new InvalidValueException("network name '" + value + "' must be 1-64 characters of"
          + " A-Z a-z 0-9 . _ - and must not start with '.'");
    }
  }

  /**
   * Validates {@code name} as a network name (see the class documentation).
   *
   * @param name the candidate name; may be null (then rejected)
   * @return the name
   * @throws InvalidValueException quoting the name and the rule
   */
  public static NetworkName of(String name) {
    return new NetworkName(name);
  }

  @Override
  public int compareTo(NetworkName o) {
    return value.compareTo(o.value);
  }

  @Override
  public String toString() {
    return value;
  }

  // equals and hashCode written out, computing what the record's own would: those are linked
  // through method handles on first use, which a short-lived JVM (each CLI command) pays anew
  @Override
  public boolean equals(Object o) {
    return o instanceof NetworkName n && n.value.equals(value);
  }

  @Override
  public int hashCode() {
    return value.hashCode();
  }
}
