// SPDX-License-Identifier: Apache-2.0
package io.netfloor.model;

/**
 * A set of ASCII characters as a lookup table: ASCII letters and digits plus a few punctuation
 * characters. Names and aliases are checked on every plug and every status record, where a composed
 * Guava {@code CharMatcher} cost more than the record itself.
 */
final class AsciiCharset {
  private final boolean[] allowed = new boolean[128];

  private AsciiCharset(String punctuation) {
    for (char c = 'a'; c <= 'z'; c++) {
      allowed[c] = true;
    }
    for (char c = 'A'; c <= 'Z'; c++) {
      allowed[c] = true;
    }
    for (char c = '0'; c <= '9'; c++) {
      allowed[c] = true;
    }
    for (char c : punctuation.toCharArray()) {
      allowed[c] = true;
    }
  }

  /** ASCII letters, digits and the characters of {@code punctuation}. */
  static AsciiCharset alphanumericAnd(String punctuation) {
    return new AsciiCharset(punctuation);
  }

  /** Whether every character of {@code s} is in the set. */
  boolean matchesAll(String s) {
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c >= 128 || !allowed[c]) {
        return false;
      }
    }
    return true;
  }
}
