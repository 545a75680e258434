// SPDX-License-Identifier: Apache-2.0
package io.netfloor.persistence.internal;

import java.nio.charset.StandardCharsets;
import java.util.zip.CRC32C;

/**
 * CRC32C checksums as the files print them: exactly eight lower-case hex digits.
 *
 * <p>Why a fixed, case-sensitive spelling: the checksum text itself must not have two spellings of
 * one value, or a flipped byte in it ({@code a} to {@code A}) would go unnoticed. CRC32C detects
 * every error burst of up to 32 bits, so any single changed byte in the covered text is detected.
 */
public final class Checksums {
  private Checksums() {}

  /** CRC32C of {@code bytes[from, to)}, as eight lower-case hex digits. */
  public static String crc32c(byte[] bytes, int from, int to) {
    CRC32C crc = new CRC32C();
    crc.update(bytes, from, to - from);
    return String.format("%08x", crc.getValue());
  }

  /** CRC32C of the US-ASCII bytes of {@code text}. */
  public static String crc32c(String text) {
    byte[] b = text.getBytes(StandardCharsets.US_ASCII);
    return crc32c(b, 0, b.length);
  }

  /** Whether {@code text} is a checksum as {@link #crc32c} prints it. */
  public static boolean isWellFormed(String text) {
    if (text.length() != 8) {
      return false;
    }
    for (int i = 0; i < 8; i++) {
      char c = text.charAt(i);
      if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) {
        return false;
      }
    }
    return true;
  }
}
