// SPDX-License-Identifier: Apache-2.0
package io.netfloor.persistence.internal;

import java.nio.charset.StandardCharsets;

/** Small helpers shared by the snapshot and journal formats. */
final class Lines {
  private Lines() {}

  /** A generation id as the files print it: 16 lower-case hex digits. */
  static String generation(long generation) {
    return String.format("%016x", generation);
  }

  static long parseGeneration(String text) throws FormatException {
    if (text.length() != 16 || !text.chars().allMatch(c -> (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) {
      throw new FormatException("generation '" + text + "' is not 16 lower-case hex digits");
    }
    return Long.parseUnsignedLong(text, 16);
  }

  /** A non-negative decimal without sign or leading zeros, so that it has one spelling. */
  static long parseCount(String text, String what) throws FormatException {
    if (text.isEmpty() || text.length() > 18 || !text.chars().allMatch(c -> c >= '0' && c <= '9')
        || (text.length() > 1 && text.charAt(0) == '0')) {
      throw new FormatException(what + " '" + text + "' is not a non-negative decimal number");
    }
    return Long.parseLong(text);
  }

  /** The bytes as text, refusing anything outside printable ASCII (the formats use nothing else). */
  static String ascii(byte[] bytes, int from, int to) throws FormatException {
    for (int i = from; i < to; i++) {
      if (bytes[i] < 0x20 || bytes[i] > 0x7e) {
        throw new FormatException(String.format("byte 0x%02x at offset %d is not printable ASCII",
            bytes[i] & 0xff, i));
      }
    }
    return new String(bytes, from, to - from, StandardCharsets.US_ASCII);
  }

  static String expectPrefix(String line, String key) throws FormatException {
    if (!line.startsWith(key + " ")) {
      throw new FormatException("expected a '" + key + " …' line, found '" + line + "'");
    }
    return line.substring(key.length() + 1);
  }
}
