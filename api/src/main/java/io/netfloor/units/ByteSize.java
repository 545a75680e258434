// SPDX-License-Identifier: Apache-2.0
package io.netfloor.units;

import io.netfloor.InvalidValueException;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.Locale;

/**
 * A size in bytes, e.g. an HTB burst.
 *
 * <p>{@link #parse} accepts tc's size syntax (iproute2 {@code get_size}): a bare number or {@code b}
 * is bytes; {@code k}/{@code kb}, {@code m}/{@code mb}, {@code g}/{@code gb} are binary (1024-based)
 * bytes; {@code kbit}, {@code mbit}, {@code gbit} are binary bits (1024/8 bytes…). libvirt's
 * {@code burst} attribute counts kilobytes of 1024 bytes ({@link #ofKibibytes}), emitted to tc as
 * {@code <n>kb}. {@link #toString()} prints the largest of {@code b}, {@code kb}, {@code mb}, {@code gb}
 * that is exact, so {@code parse(s.toString()).equals(s)}.
 *
 * @param bytes the size in bytes, 0 or more
 */
public record ByteSize(long bytes) implements Comparable<ByteSize> {
  /** Zero bytes. */
  public static final ByteSize ZERO = new ByteSize(0);
  /**
   * The longest text {@link #parse} reads: the largest size has 19 digits; the bound refuses a huge
   * input before it reaches {@link BigDecimal}, whose parsing of a long digit string takes time
   * quadratic in its length.
   */
  public static final int MAX_TEXT_LENGTH = 64;

  /**
   * Checks the sign.
   *
   * @param bytes the size in bytes, 0 or more
   * @throws InvalidValueException if {@code bytes} is negative
   */
  public ByteSize {
    if (bytes < 0) {
      throw new InvalidValueException("size must not be negative, got " + bytes + " bytes");
    }
  }

  /**
   * A size of {@code bytes} bytes.
   *
   * @param bytes the size in bytes, 0 or more
   * @return the size
   * @throws InvalidValueException if {@code bytes} is negative
   */
  public static ByteSize ofBytes(long bytes) {
    return new ByteSize(bytes);
  }

  /**
   * libvirt's burst unit: kilobytes of 1024 bytes.
   *
   * @param kibibytes kilobytes of 1024 bytes, 0 or more
   * @return the size, {@code 1024 × kibibytes} bytes
   * @throws InvalidValueException if the value is negative or the bytes do not fit in 64 bits
   */
  public static ByteSize ofKibibytes(long kibibytes) {
    if (kibibytes < 0) {
      throw new InvalidValueException("size must not be negative, got " + kibibytes + " kB");
    }
    try {
      return new ByteSize(Math.multiplyExact(kibibytes, 1024L));
    } catch (ArithmeticException e) {
      throw new InvalidValueException("size " + kibibytes + " kB does not fit in 64 bits");
    }
  }

  /**
   * Parses tc's size syntax.
   *
   * @param text a size such as {@code 15k}, {@code 1600b} or {@code 1mb}; surrounding whitespace is
   *     ignored
   * @return the size
   * @throws InvalidValueException quoting the input on an unknown unit, a negative or fractional
   *     byte count, overflow, or more than {@value #MAX_TEXT_LENGTH} characters
   */
  public static ByteSize parse(String text) {
    if (text == null || text.isBlank()) {
      throw new InvalidValueException("size is empty; expected e.g. '15k', '1600b' or '1mb'");
    }
    String s = text.strip();
    if (s.length() > MAX_TEXT_LENGTH) {
      throw new InvalidValueException("size '" + s.substring(0, 20) + "…' is " + s.length()
          + " characters long; a size is at most " + MAX_TEXT_LENGTH + " (e.g. '64kb')");
    }
    int split = 0;
    while (split < s.length() && (isAsciiDigit(s.charAt(split)) || s.charAt(split) == '.')) {
      split++;
    }
    if (split == 0) {
      throw new InvalidValueException("size '" + text + "' does not start with a number");
    }
    BigDecimal number;
    try {
      number = new BigDecimal(s.substring(0, split));
    } catch (NumberFormatException e) {
      throw new InvalidValueException("size '" + text + "' has a malformed number", e);
    }
    long scale = switch (s.substring(split).toLowerCase(Locale.ROOT)) {
      case "", "b" -> 1;
      case "k", "kb" -> 1024;
      case "m", "mb" -> 1024 * 1024;
      case "g", "gb" -> 1024L * 1024 * 1024;
      case "kbit" -> 1024 / 8;
      case "mbit" -> 1024 * 1024 / 8;
      case "gbit" -> 1024L * 1024 * 1024 / 8;
      default -> throw new InvalidValueException("size '" + text + "' has unknown unit '"
          + s.substring(split) + "'; use b, k/kb, m/mb, g/gb, kbit, mbit or gbit");
    };
    BigDecimal bytes = number.multiply(BigDecimal.valueOf(scale));
    if (bytes.setScale(0, RoundingMode.DOWN).compareTo(bytes) != 0) {
      throw new InvalidValueException("size '" + text + "' is not a whole number of bytes");
    }
    if (bytes.compareTo(BigDecimal.valueOf(Long.MAX_VALUE)) > 0) {
      throw new InvalidValueException("size '" + text + "' does not fit in 64 bits");
    }
    return new ByteSize(bytes.longValueExact());
  }

  /**
   * Size in libvirt's kilobytes (1024 bytes), rounded down.
   *
   * @return {@code bytes / 1024}
   */
  public long kibibytes() {
    return bytes / 1024;
  }

  @Override
  public int compareTo(ByteSize other) {
    return Long.compare(bytes, other.bytes);
  }

  @Override
  public String toString() {
    String[] units = {"b", "kb", "mb", "gb"};
    long value = bytes;
    int unit = 0;
    while (unit < units.length - 1 && value != 0 && value % 1024 == 0) {
      value /= 1024;
      unit++;
    }
    return value + units[unit];
  }

  /** tc reads ASCII digits only; {@link Character#isDigit} would also take e.g. fullwidth digits. */
  private static boolean isAsciiDigit(char c) {
    return c >= '0' && c <= '9';
  }

  // equals and hashCode written out, computing what the record's own would: those are linked
  // through method handles on first use, which a short-lived JVM (each CLI command) pays anew
  @Override
  public boolean equals(Object o) {
    return o instanceof ByteSize b && b.bytes == bytes;
  }

  @Override
  public int hashCode() {
    return Long.hashCode(bytes);
  }
}
