// SPDX-License-Identifier: Apache-2.0
package io.netfloor.shaping;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Per-interface rates of one network from successive samples of its kernel counters: each
 * {@link #measure()} reads the counters and returns the rates since the previous call. The kernel's
 * own rate estimator is not used: NetFloor's classes have none, and a sample pair gives the same
 * figure over exactly the interval the caller chose. Thread-safe.
 *
 * <pre>{@code
 * RateMeter meter = new RateMeter(shaper);
 * meter.measure();                       // the first call only takes the baseline
 * ... every 10 s:
 * for (InterfaceRates r : meter.measure()) { r.throughput(); r.dropsPerSecond(); }
 * }</pre>
 */
public final class RateMeter {
  private final NetworkShaper shaper;
  private StatsSample last;

  /**
   * A meter of {@code shaper}'s interfaces.
   *
   * @param shaper a started shaper
   */
  public RateMeter(NetworkShaper shaper) {
    this.shaper = Objects.requireNonNull(shaper, "shaper");
  }

  /**
   * Samples the counters and returns each interface's rates since the previous call; empty on the
   * first call.
   *
   * @return each interface's rates since the previous call
   * @throws ShapingException if the shaper is not started
   */
  public synchronized List<InterfaceRates> measure() {
    StatsSample now = shaper.sample();
    StatsSample before = last;
    last = now;
    if (before == null || now.nanoTime() <= before.nanoTime()) {
      return List.of();
    }
    return InterfaceRates.between(before, now);
  }

  /**
   * The sample the next {@link #measure()} compares with.
   *
   * @return the last sample; empty before the first call
   */
  public synchronized Optional<StatsSample> lastSample() {
    return Optional.ofNullable(last);
  }
}
