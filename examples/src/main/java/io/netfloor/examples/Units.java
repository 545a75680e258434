// SPDX-License-Identifier: Apache-2.0
package io.netfloor.examples;

import io.netfloor.units.Rate;
import java.util.Locale;

/** Formatting of rates and byte counts for people: {@code 59.9 Mbit/s}, {@code 74.2 MB}. */
public final class Units {
  private Units() {}

  /** A measured rate, SI units, one decimal: {@code 59.9 Mbit/s}. */
  public static String bitsPerSecond(double bitsPerSecond) {
    if (Double.isNaN(bitsPerSecond)) {
      return "-";
    }
    String[] units = {"bit/s", "kbit/s", "Mbit/s", "Gbit/s", "Tbit/s"};
    double v = bitsPerSecond;
    int u = 0;
    while (Math.abs(v) >= 1000 && u < units.length - 1) {
      v /= 1000;
      u++;
    }
    return u == 0 ? String.format(Locale.ROOT, "%.0f %s", v, units[u])
        : String.format(Locale.ROOT, "%.1f %s", v, units[u]);
  }

  /** A configured rate in tc's syntax ({@code 60mbit}), or {@code -} when absent. */
  public static String rate(Rate rate) {
    return rate == null ? "-" : rate.toString();
  }

  /** A byte count, SI units: {@code 74.2 MB}. */
  public static String bytes(long bytes) {
    String[] units = {"B", "kB", "MB", "GB", "TB", "PB"};
    double v = bytes;
    int u = 0;
    while (Math.abs(v) >= 1000 && u < units.length - 1) {
      v /= 1000;
      u++;
    }
    return u == 0 ? bytes + " B" : String.format(Locale.ROOT, "%.1f %s", v, units[u]);
  }

  /** {@code part / whole} as a percentage with one decimal. */
  public static String percent(double part, double whole) {
    return whole <= 0 ? "-" : String.format(Locale.ROOT, "%.1f%%", 100.0 * part / whole);
  }

  /** The CLI's name of a filter layout: {@code hashed} or {@code libvirt}. */
  public static String layout(io.netfloor.model.FilterLayout layout) {
    return layout == io.netfloor.model.FilterLayout.LIBVIRT_LINEAR ? "libvirt" : "hashed";
  }

  /** Megabits per second, as a plain number with one decimal (for tables). */
  public static String mbit(double bitsPerSecond) {
    return String.format(Locale.ROOT, "%.1f", bitsPerSecond / 1e6);
  }
}
