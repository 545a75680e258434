// SPDX-License-Identifier: Apache-2.0
package io.netfloor.units;

import io.netfloor.InvalidBandwidthException;
import io.netfloor.InvalidValueException;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.Locale;

/**
 * A data rate in bits per second (64-bit, so rates far above the 34 Gbit/s that 32-bit byte rates
 * reach are representable).
 *
 * <p>{@link #parse} accepts tc's syntax, with tc's meanings (iproute2 {@code lib/utils_math.c},
 * suffixes matched case-insensitively):
 *
 * <ul>
 *   <li>{@code bit}, {@code kbit}, {@code mbit}, {@code gbit}, {@code tbit}: powers of 1000 bits/s;
 *   <li>{@code kibit}, {@code mibit}, {@code gibit}, {@code tibit}: powers of 1024 bits/s;
 *   <li>{@code bps}, {@code kbps}, {@code mbps}, {@code gbps}, {@code tbps}: <em>bytes</em>/s, powers
 *       of 1000 (so {@code kbps} is 8000 bit/s, as tc and libvirt mean it);
 *   <li>{@code kibps}, {@code mibps}, {@code gibps}, {@code tibps}: bytes/s, powers of 1024;
 *   <li>a bare number: bits/s. Decimals are allowed ({@code 1.5mbit}) when the result is a whole
 *       number of bits/s.
 * </ul>
 *
 * <p>{@link #toString()} prints the largest decimal bit unit that represents the rate exactly
 * ({@code 100mbit}, {@code 1500kbit}, {@code 8bit}), so {@code Rate.parse(r.toString()).equals(r)}.
 * libvirt's unit (kilobytes per second, 1 = 8000 bit/s) is {@link #ofKilobytesPerSecond}.
 *
 * <p>Zero is a valid {@code Rate} (a sum of no floors); the bandwidth rules reject it where the kernel
 * needs a positive rate.
 *
 * @param bitsPerSecond the rate in bits per second, 0 or more
 */
public record Rate(long bitsPerSecond) implements Comparable<Rate> {
  /** No bandwidth. */
  public static final Rate ZERO = new Rate(0);
  /** The largest rate: 2<sup>63</sup>−1 bit/s (about 9.2 Ebit/s). */
  public static final Rate MAX = new Rate(Long.MAX_VALUE);
  /**
   * The longest text {@link #parse} reads. The largest rate has 19 digits; the bound leaves room for
   * decimals and a unit, and refuses a huge input before it reaches {@link BigDecimal}, whose
   * parsing of a long digit string takes time quadratic in its length.
   */
  public static final int MAX_TEXT_LENGTH = 64;

  private static final String[][] SUFFIXES = {
    {"bit", "1"}, {"kbit", "1000"}, {"mbit", "1000000"}, {"gbit", "1000000000"},
    {"tbit", "1000000000000"},
    {"kibit", "1024"}, {"mibit", "1048576"}, {"gibit", "1073741824"}, {"tibit", "1099511627776"},
    {"bps", "8"}, {"kbps", "8000"}, {"mbps", "8000000"}, {"gbps", "8000000000"},
    {"tbps", "8000000000000"},
    {"kibps", "8192"}, {"mibps", "8388608"}, {"gibps", "8589934592"}, {"tibps", "8796093022208"},
  };
  private static final String[] FORMAT_UNITS = {"bit", "kbit", "mbit", "gbit", "tbit"};

  /**
   * Checks the sign.
   *
   * @param bitsPerSecond the rate in bits per second, 0 or more
   * @throws InvalidValueException if {@code bitsPerSecond} is negative
   */
  public Rate {
    if (bitsPerSecond < 0) {
      throw new InvalidValueException("rate must not be negative, got " + bitsPerSecond + " bit/s");
    }
  }

  /**
   * A rate of {@code bitsPerSecond} bits per second.
   *
   * @param bitsPerSecond bits per second, 0 or more
   * @return the rate
   * @throws InvalidValueException if {@code bitsPerSecond} is negative
   */
  public static Rate ofBitsPerSecond(long bitsPerSecond) {
    return new Rate(bitsPerSecond);
  }

  /**
   * A rate of {@code bytesPerSecond} bytes per second.
   *
   * @param bytesPerSecond bytes per second, 0 or more
   * @return the rate, {@code 8 × bytesPerSecond} bit/s
   * @throws InvalidValueException if the value is negative or its bits do not fit in 64 bits
   */
  public static Rate ofBytesPerSecond(long bytesPerSecond) {
    return new Rate(multiplyExact(bytesPerSecond, 8, bytesPerSecond + " bytes/s"));
  }

  /**
   * A rate in libvirt's unit: kilobytes per second, where 1 kB/s is 8000 bit/s.
   *
   * @param kilobytesPerSecond kilobytes (1000 bytes) per second, 0 or more
   * @return the rate, {@code 8000 × kilobytesPerSecond} bit/s
   * @throws InvalidValueException if the value is negative or its bits do not fit in 64 bits
   */
  public static Rate ofKilobytesPerSecond(long kilobytesPerSecond) {
    return new Rate(multiplyExact(kilobytesPerSecond, 8000, kilobytesPerSecond + " kB/s"));
  }

  /**
   * {@code n} megabits per second, a convenience for tests and examples.
   *
   * @param megabitsPerSecond megabits (10<sup>6</sup> bits) per second, 0 or more
   * @return the rate
   * @throws InvalidValueException if the value is negative or its bits do not fit in 64 bits
   */
  public static Rate ofMegabits(long megabitsPerSecond) {
    return new Rate(multiplyExact(megabitsPerSecond, 1_000_000, megabitsPerSecond + " mbit/s"));
  }

  /**
   * Parses tc's rate syntax (see the class documentation).
   *
   * @param text a rate such as {@code 10mbit}, {@code 1.5gbit} or {@code 125kbps}; surrounding
   *     whitespace is ignored
   * @return the rate
   * @throws InvalidValueException quoting the input when it is empty, longer than
   *     {@value #MAX_TEXT_LENGTH} characters, has an unknown unit, is negative, not a whole number
   *     of bits/s, or does not fit in 64 bits
   */
  public static Rate parse(String text) {
    if (text == null || text.isBlank()) {
      throw new InvalidValueException("rate is empty; expected e.g. '10mbit', '1gbit' or '125kbps'");
    }
    String s = text.strip();
    if (s.length() > MAX_TEXT_LENGTH) {
      throw new InvalidValueException("rate '" + s.substring(0, 20) + "…' is " + s.length()
          + " characters long; a rate is at most " + MAX_TEXT_LENGTH + " (e.g. '10mbit')");
    }
    int split = 0;
    while (split < s.length() && (isAsciiDigit(s.charAt(split)) || s.charAt(split) == '.')) {
      split++;
    }
    if (split == 0) {
      throw new InvalidValueException("rate '" + text + "' does not start with a number");
    }
    String unit = s.substring(split).toLowerCase(Locale.ROOT);
    BigDecimal number;
    try {
      number = new BigDecimal(s.substring(0, split));
    } catch (NumberFormatException e) {
      throw new InvalidValueException("rate '" + text + "' has a malformed number", e);
    }
    BigDecimal scale = null;
    if (unit.isEmpty()) {
      scale = BigDecimal.ONE;
    } else {
      for (String[] suffix : SUFFIXES) {
        if (suffix[0].equals(unit)) {
          scale = new BigDecimal(suffix[1]);
          break;
        }
      }
    }
    if (scale == null) {
      throw new InvalidValueException("rate '" + text + "' has unknown unit '" + s.substring(split)
          + "'; use bit, kbit, mbit, gbit, tbit, kibit…, or bytes/s: bps, kbps, mbps…");
    }
    BigDecimal bits = number.multiply(scale);
    BigDecimal whole = bits.setScale(0, RoundingMode.DOWN);
    if (whole.compareTo(bits) != 0) {
      throw new InvalidValueException("rate '" + text + "' is not a whole number of bits/s");
    }
    if (whole.compareTo(BigDecimal.valueOf(Long.MAX_VALUE)) > 0) {
      throw new InvalidValueException("rate '" + text + "' exceeds the maximum of "
          + Long.MAX_VALUE + " bit/s");
    }
    return new Rate(whole.longValueExact());
  }

  /**
   * The rate in bytes per second, rounded down (what the kernel's HTB attributes carry).
   *
   * @return {@code bitsPerSecond / 8}
   */
  public long bytesPerSecond() {
    return bitsPerSecond / 8;
  }

  /**
   * The rate in libvirt's kilobytes per second, rounded down.
   *
   * @return {@code bitsPerSecond / 8000}
   */
  public long kilobytesPerSecond() {
    return bitsPerSecond / 8000;
  }

  /**
   * Whether this is the zero rate.
   *
   * @return true for 0 bit/s
   */
  public boolean isZero() {
    return bitsPerSecond == 0;
  }

  /**
   * {@code this + other}.
   *
   * @param other the rate to add
   * @return the sum
   * @throws InvalidBandwidthException if the sum exceeds {@link #MAX} (2<sup>63</sup>−1 bit/s); no
   *     link carries that, so such a sum only comes from a mistyped rate
   */
  public Rate plus(Rate other) {
    if (other.bitsPerSecond > Long.MAX_VALUE - bitsPerSecond) {
      throw new InvalidBandwidthException("rates " + this + " and " + other + " add up to more than"
          + " the maximum of " + Long.MAX_VALUE + " bit/s (about 9.2 Ebit/s); check the rates for"
          + " a mistyped unit or extra digits");
    }
    return new Rate(bitsPerSecond + other.bitsPerSecond);
  }

  /**
   * Whether {@code this + other} is at most {@link #MAX}, i.e. {@link #plus} succeeds.
   *
   * @param other the rate to add
   * @return true when the sum fits in 64 bits
   */
  public boolean canAdd(Rate other) {
    return other.bitsPerSecond <= Long.MAX_VALUE - bitsPerSecond;
  }

  /**
   * {@code this - other}.
   *
   * @param other the rate to subtract, at most this rate
   * @return the difference
   * @throws InvalidValueException if the result would be negative (a sum of floors must never
   *     underflow, unlike libvirt's unsigned floor_sum)
   */
  public Rate minus(Rate other) {
    if (other.bitsPerSecond > bitsPerSecond) {
      throw new InvalidValueException("cannot subtract " + other + " from " + this
          + ": the result would be negative");
    }
    return new Rate(bitsPerSecond - other.bitsPerSecond);
  }

  /**
   * {@code max(0, this - other)}.
   *
   * @param other the rate to subtract
   * @return the difference, or {@link #ZERO} when {@code other} is at least this rate
   */
  public Rate minusOrZero(Rate other) {
    return other.bitsPerSecond >= bitsPerSecond ? ZERO : new Rate(bitsPerSecond - other.bitsPerSecond);
  }

  /**
   * The smaller of two rates.
   *
   * @param a a rate
   * @param b another rate
   * @return {@code a} if it is at most {@code b}, else {@code b}
   */
  public static Rate min(Rate a, Rate b) {
    return a.compareTo(b) <= 0 ? a : b;
  }

  /**
   * The larger of two rates.
   *
   * @param a a rate
   * @param b another rate
   * @return {@code a} if it is at least {@code b}, else {@code b}
   */
  public static Rate max(Rate a, Rate b) {
    return a.compareTo(b) >= 0 ? a : b;
  }

  @Override
  public int compareTo(Rate other) {
    return Long.compare(bitsPerSecond, other.bitsPerSecond);
  }

  /** tc's syntax, exact: the largest of bit/kbit/mbit/gbit/tbit that divides the rate. */
  @Override
  public String toString() {
    long value = bitsPerSecond;
    int unit = 0;
    while (unit < FORMAT_UNITS.length - 1 && value != 0 && value % 1000 == 0) {
      value /= 1000;
      unit++;
    }
    return value + FORMAT_UNITS[unit];
  }

  private static long multiplyExact(long a, long b, String what) {
    if (a < 0) {
      throw new InvalidValueException("rate must not be negative, got " + what);
    }
    try {
      return Math.multiplyExact(a, b);
    } catch (ArithmeticException e) {
      throw new InvalidValueException("rate " + what + " exceeds the maximum of " + Long.MAX_VALUE
          + " bit/s");
    }
  }

  /** tc reads ASCII digits only; {@link Character#isDigit} would also take e.g. fullwidth digits. */
  private static boolean isAsciiDigit(char c) {
    return c >= '0' && c <= '9';
  }

  // equals and hashCode written out, computing what the record's own would: those are linked
  // through method handles on first use, which a short-lived JVM (each CLI command) pays anew
  @Override
  public boolean equals(Object o) {
    return o instanceof Rate r && r.bitsPerSecond == bitsPerSecond;
  }

  @Override
  public int hashCode() {
    return Long.hashCode(bitsPerSecond);
  }
}
