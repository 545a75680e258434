// SPDX-License-Identifier: Apache-2.0
package io.netfloor.shaping;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * The kernel's cumulative counters of a network's interfaces at one instant
 * ({@link NetworkShaper#sample()}); two samples give rates ({@link InterfaceRates#between}).
 *
 * @param network the network's name
 * @param nanoTime {@link System#nanoTime()} when the counters were read: what rates divide by
 * @param takenAt the wall-clock time of the same instant, for display
 * @param interfaces each plugged interface's counters, by alias
 */
public record StatsSample(String network, long nanoTime, Instant takenAt,
    List<InterfaceStats> interfaces) {
  /**
   * Checks the components and copies the counters into an immutable list.
   *
   * @param network the network's name; not null
   * @param nanoTime {@link System#nanoTime()} when the counters were read
   * @param takenAt the wall-clock time of the same instant; not null
   * @param interfaces each plugged interface's counters; copied
   * @throws NullPointerException if a reference component, or one of the counters, is null
   */
  public StatsSample {
    Objects.requireNonNull(network, "network");
    Objects.requireNonNull(takenAt, "takenAt");
    interfaces = List.copyOf(interfaces);
  }
}
