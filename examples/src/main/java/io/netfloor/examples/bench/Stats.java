// SPDX-License-Identifier: Apache-2.0
package io.netfloor.examples.bench;

import java.util.Arrays;
import java.util.List;

/** Medians, spreads and percentiles of repeated measurements. */
final class Stats {
  private Stats() {}

  /** Median of the repetitions, with their minimum and maximum (the spread). */
  record Summary(double median, double min, double max, int count) {
    static Summary of(List<Double> values) {
      if (values.isEmpty()) {
        throw new IllegalArgumentException("no values");
      }
      double[] v = values.stream().mapToDouble(Double::doubleValue).sorted().toArray();
      int m = v.length / 2;
      double median = v.length % 2 == 1 ? v[m] : (v[m - 1] + v[m]) / 2;
      return new Summary(median, v[0], v[v.length - 1], v.length);
    }

    /** "12.3 (11.9–13.0)", or just the median when there was one repetition. */
    String format(String pattern) {
      if (count < 2) {
        return String.format(pattern, median);
      }
      return String.format(pattern + " (" + pattern + "–" + pattern + ")", median, min, max);
    }
  }

  /** Nearest-rank percentile of sorted values. */
  static double percentile(double[] sorted, double p) {
    if (sorted.length == 0) {
      throw new IllegalArgumentException("no values");
    }
    int rank = (int) Math.ceil(p / 100.0 * sorted.length);
    return sorted[Math.max(0, Math.min(sorted.length - 1, rank - 1))];
  }

  /** Percentile {@code p} of {@code values[from, to)}, in the values' unit. */
  static double percentile(long[] values, int from, int to, double p) {
    double[] v = new double[to - from];
    for (int i = from; i < to; i++) {
      v[i - from] = values[i];
    }
    Arrays.sort(v);
    return percentile(v, p);
  }

  static long sum(long[] values) {
    long s = 0;
    for (long v : values) {
      s += v;
    }
    return s;
  }
}
