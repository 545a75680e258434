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
  public StatsSample {
    Objects.requireNonNull(network, "network");
    Objects.requireNonNull(takenAt, "takenAt");
    interfaces = List.copyOf(interfaces);
  }
}
