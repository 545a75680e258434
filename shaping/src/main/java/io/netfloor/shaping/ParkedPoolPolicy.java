// SPDX-License-Identifier: Apache-2.0
package io.netfloor.shaping;

import io.netfloor.InvalidValueException;
import java.time.Duration;
import java.util.Objects;

/**
 * How a {@link NetworkShaper} keeps parked classes ahead of demand. A plug that takes a parked class
 * costs the kernel a class <em>change</em>; without one it costs a class <em>add</em>, which grows
 * with the size of the tree. The shaper therefore parks {@code minimum} classes at start, and
 * whenever plugs take the pool below {@code minimum}, parks another batch in the background: twice
 * the plugs seen since the previous batch, at least {@code minimum}, at most {@code maximumBatch},
 * never beyond {@code maximum} parked nor beyond the free class ids. After {@code idleRelease}
 * without a plug, it deletes parked classes down to {@code minimum} again.
 *
 * @param enabled whether the shaper manages the pool at all ({@link NetworkShaper#park} works
 *     either way)
 * @param minimum parked classes kept at all times (when ids are free)
 * @param maximumBatch most classes parked by one top-up
 * @param maximum most classes the pool parks (classes parked by {@link NetworkShaper#park} or by
 *     unplugs count too; the pool never deletes those while plugs come)
 * @param idleRelease time without a plug after which the pool shrinks to {@code minimum} (zero:
 *     never)
 */
public record ParkedPoolPolicy(boolean enabled, int minimum, int maximumBatch, int maximum,
    Duration idleRelease) {

  /** On: 16 classes ahead, batches of up to 256, at most 4,096 parked, released after 10 minutes. */
  public static final ParkedPoolPolicy DEFAULT =
      new ParkedPoolPolicy(true, 16, 256, 4096, Duration.ofMinutes(10));

  /** No pool: classes are added on plug unless parked with {@link NetworkShaper#park}. */
  public static final ParkedPoolPolicy OFF = new ParkedPoolPolicy(false, 0, 0, 0, Duration.ZERO);

  /**
   * Checks the bounds.
   *
   * @param enabled whether the shaper manages the pool
   * @param minimum parked classes kept at all times
   * @param maximumBatch most classes parked by one top-up
   * @param maximum most classes the pool parks
   * @param idleRelease time without a plug after which the pool shrinks (zero: never)
   * @throws InvalidValueException if a bound is negative, {@code maximum < minimum}, the batch is
   *     smaller than one class while enabled, or {@code idleRelease} is negative
   */
  public ParkedPoolPolicy {
    Objects.requireNonNull(idleRelease, "idleRelease");
    if (minimum < 0 || maximumBatch < 0 || maximum < minimum || idleRelease.isNegative()) {
      throw new InvalidValueException("parked pool bounds must satisfy 0 <= minimum <= maximum,"
          + " maximumBatch >= 0, idleRelease >= 0; got minimum " + minimum + ", maximumBatch "
          + maximumBatch + ", maximum " + maximum + ", idleRelease " + idleRelease);
    }
    if (enabled && (maximumBatch < 1 || maximum < 1)) {
      throw new InvalidValueException("an enabled parked pool needs maximumBatch >= 1 and"
          + " maximum >= 1; got " + maximumBatch + " and " + maximum + " (use OFF to disable it)");
    }
  }

  /** Classes one top-up parks after {@code recentPlugs} plugs since the previous one. */
  int batchFor(long recentPlugs) {
    long wanted = Math.max(minimum, 2 * recentPlugs);
    return (int) Math.min(Math.max(wanted, 1), maximumBatch);
  }
}
