// SPDX-License-Identifier: Apache-2.0
package io.netfloor.tc;

import io.netfloor.InvalidValueException;
import java.util.Locale;

/**
 * The packet scheduler's clock as {@code /proc/net/psched} describes it: four hex words,
 * {@code t2us us2t clock_res hz}. tc reads it once ({@code tc_core_init}) and derives how many
 * scheduler ticks make one microsecond; the kernel turns ticks into nanoseconds by a left shift of 6
 * (one tick = 64 ns, {@code us2t} = 0x40). Every Linux since 2.6.31 prints
 * {@code 000003e8 00000040 000f4240 3b9aca00} ({@link #LINUX_DEFAULT}).
 *
 * <p>Example: {@code PschedClock.parse("000003e8 00000040 000f4240 3b9aca00").ticksPerMicrosecond()}
 * is 15.625.
 *
 * @param ticksToMicrosNumerator {@code t2us}, first word
 * @param microsToTicksDenominator {@code us2t}, second word
 * @param clockResolutionHz {@code clock_res}, third word (1,000,000 on every modern kernel)
 * @param hz fourth word: what tc's {@code get_hz()} returns when {@code clock_res} is 1,000,000
 *     (1,000,000,000 on high-resolution kernels), used for tc's default burst {@code rate / hz + mtu}
 */
public record PschedClock(long ticksToMicrosNumerator, long microsToTicksDenominator,
    long clockResolutionHz, long hz) {

  /** What every current Linux reports. */
  public static final PschedClock LINUX_DEFAULT = new PschedClock(0x3e8, 0x40, 0xf4240, 0x3b9aca00);

  /** tc's TIME_UNITS_PER_SEC: its "time" unit is the microsecond. */
  static final double TIME_UNITS_PER_SEC = 1_000_000.0;

  /**
   * Checks that every word is positive.
   *
   * @param ticksToMicrosNumerator {@code t2us}, first word
   * @param microsToTicksDenominator {@code us2t}, second word
   * @param clockResolutionHz {@code clock_res}, third word (1,000,000 on every modern kernel)
   * @param hz fourth word: what tc's {@code get_hz()} returns when {@code clock_res} is 1,000,000
   *     (1,000,000,000 on high-resolution kernels), used for tc's default burst {@code rate / hz +
   *     mtu}
   * @throws InvalidValueException if a word is 0 or negative
   */
  public PschedClock {
    if (ticksToMicrosNumerator <= 0 || microsToTicksDenominator <= 0 || clockResolutionHz <= 0
        || hz <= 0) {
      throw new InvalidValueException(String.format(Locale.ROOT,
          "psched clock words must be positive, got %x %x %x %x", ticksToMicrosNumerator,
          microsToTicksDenominator, clockResolutionHz, hz));
    }
  }

  /**
   * Parses the content of {@code /proc/net/psched}: four hexadecimal words separated by blanks.
   *
   * @param text the file's content, e.g. {@code 000003e8 00000040 000f4240 3b9aca00}; surrounding
   *     whitespace is ignored
   * @return the clock
   * @throws InvalidValueException quoting the text when it does not hold four positive hex words
   */
  public static PschedClock parse(String text) {
    if (text == null) {
      throw new InvalidValueException("psched text is missing");
    }
    String[] words = text.strip().split("\\s+");
    if (words.length != 4) {
      throw new InvalidValueException("psched text '" + text.strip()
          + "' must hold four hex words, like '000003e8 00000040 000f4240 3b9aca00'");
    }
    long[] v = new long[4];
    for (int i = 0; i < 4; i++) {
      try {
        v[i] = Long.parseLong(words[i], 16);
      } catch (NumberFormatException e) {
        throw new InvalidValueException("psched word '" + words[i] + "' in '" + text.strip()
            + "' is not hexadecimal", e);
      }
    }
    return new PschedClock(v[0], v[1], v[2], v[3]);
  }

  /**
   * Scheduler ticks per microsecond, as tc computes it ({@code tick_in_usec}): 15.625 on Linux.
   * When the clock resolution is 1 GHz tc takes {@code t2us = us2t}, which this mirrors.
   *
   * @return ticks per microsecond (15.625 with {@link #LINUX_DEFAULT})
   */
  public double ticksPerMicrosecond() {
    long t2us = clockResolutionHz == 1_000_000_000L ? microsToTicksDenominator
        : ticksToMicrosNumerator;
    double clockFactor = clockResolutionHz / TIME_UNITS_PER_SEC;
    return (double) t2us / microsToTicksDenominator * clockFactor;
  }

  /**
   * tc's {@code get_hz()}: {@link #hz} when {@code clock_res} is 1,000,000, else 100 (tc's
   * fallback).
   *
   * @return the HZ tc uses for default bursts
   */
  public long tcHz() {
    return clockResolutionHz == 1_000_000L ? hz : 100;
  }

  @Override
  public String toString() {
    return String.format(Locale.ROOT, "%08x %08x %08x %08x", ticksToMicrosNumerator,
        microsToTicksDenominator, clockResolutionHz, hz);
  }
}
