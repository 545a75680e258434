// SPDX-License-Identifier: Apache-2.0
package io.netfloor.model;

import io.netfloor.InvalidValueException;

/**
 * The caller's name for an interface plugged into a network (a VM NIC, a port id): 1–128
 * characters of {@code [A-Za-z0-9._:@+=-]}. Unique within its network; the status records and the
 * CLI's records hold it as written.
 *
 * @param value the alias
 */
public record InterfaceAlias(String value) implements Comparable<InterfaceAlias> {
  /** The longest alias, in characters. */
  public static final int MAX_LENGTH = 128;

  /**
   * The characters an alias may hold, as a table over ASCII: checked on every plug and record,
   * where a composed {@code CharMatcher} was a few percent of a plug's model time.
   */
  private static final AsciiCharset ALIAS_CHARS = AsciiCharset.alphanumericAnd("._:@+=-");

  /**
   * Checks the alias against the rule above.
   *
   * @param value the alias
   * @throws InvalidValueException quoting the alias and the rule
   */
  public InterfaceAlias {
    if (value == null || value.isEmpty() || value.length() > MAX_LENGTH
        || !ALIAS_CHARS.matchesAll(value)) {
      throw new InvalidValueException("interface alias '" + value
          + "' must be 1-128 characters of A-Z a-z 0-9 . _ : @ + = -");
    }
  }

  /**
   * Validates {@code alias} as an interface alias (see the class documentation).
   *
   * @param alias the candidate alias; may be null (then rejected)
   * @return the alias
   * @throws InvalidValueException quoting the alias and the rule
   */
  public static InterfaceAlias of(String alias) {
    return new InterfaceAlias(alias);
  }

  @Override
  public int compareTo(InterfaceAlias o) {
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
    return o instanceof InterfaceAlias n && n.value.equals(value);
  }

  @Override
  public int hashCode() {
    return value.hashCode();
  }
}
