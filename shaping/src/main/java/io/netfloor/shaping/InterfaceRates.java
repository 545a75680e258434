// SPDX-License-Identifier: Apache-2.0
package io.netfloor.shaping;

import io.netfloor.spi.ClassStats;
import io.netfloor.units.ClassHandle;
import io.netfloor.units.Rate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * One interface's traffic between two {@link StatsSample samples}: the counters' differences divided
 * by the time between the samples. For an interface without a floor they are the default class's,
 * which every such interface shares.
 *
 * <p>HTB counts, per class, the packets it sent within the class's own rate ({@code lends}) and
 * those it sent above it by borrowing from the parent ({@code borrows}): an interface borrowing
 * uses more than its floor, which it may while the network has spare capacity.
 *
 * @param alias the interface
 * @param classId its class
 * @param seconds the time between the two samples
 * @param throughput layer-2 bits per second sent to the interface
 * @param packetsPerSecond packets per second sent to it
 * @param dropsPerSecond packets per second dropped in its class
 * @param borrowedPacketsPerSecond packets per second sent above its floor, borrowed from the
 *     network's spare capacity
 * @param withinFloorPacketsPerSecond packets per second sent within its floor
 */
public record InterfaceRates(String alias, ClassHandle classId, double seconds, Rate throughput,
    double packetsPerSecond, double dropsPerSecond, double borrowedPacketsPerSecond,
    double withinFloorPacketsPerSecond) {

  /**
   * The share of its packets sent by borrowing.
   *
   * @return 0..1; 0 when nothing was sent
   */
  public double borrowingShare() {
    double all = borrowedPacketsPerSecond + withinFloorPacketsPerSecond;
    return all == 0 ? 0 : borrowedPacketsPerSecond / all;
  }

  /**
   * The rates of every interface present in both samples with the same class. An interface whose
   * counters went down in between (its class was deleted and made again) is left out, as is one
   * plugged or unplugged in between.
   *
   * @param earlier the first sample
   * @param later a sample of the same network taken after it
   * @return one entry per interface with rates, in {@code later}'s order
   * @throws IllegalArgumentException if {@code later} was not taken after {@code earlier}, or they
   *     are of different networks
   */
  public static List<InterfaceRates> between(StatsSample earlier, StatsSample later) {
    if (!earlier.network().equals(later.network())) {
      throw new IllegalArgumentException("samples of networks '" + earlier.network() + "' and '"
          + later.network() + "' give no rates");
    }
    long nanos = later.nanoTime() - earlier.nanoTime();
    if (nanos <= 0) {
      throw new IllegalArgumentException("the second sample must be taken after the first");
    }
    double seconds = nanos / 1e9;
    Map<String, InterfaceStats> before = new HashMap<>();
    earlier.interfaces().forEach(s -> before.put(s.alias(), s));
    List<InterfaceRates> out = new ArrayList<>();
    for (InterfaceStats now : later.interfaces()) {
      InterfaceStats then = before.get(now.alias());
      if (then == null || !then.classId().equals(now.classId())) {
        continue;
      }
      ClassStats a = then.counters();
      ClassStats b = now.counters();
      if (b.bytes() < a.bytes() || b.packets() < a.packets() || b.drops() < a.drops()
          || b.lends() < a.lends() || b.borrows() < a.borrows()) {
        continue; // counters restarted: the class was recreated
      }
      long bytes = b.bytes() - a.bytes();
      long bits = bytes > Long.MAX_VALUE / 8 ? Long.MAX_VALUE : bytes * 8;
      out.add(new InterfaceRates(now.alias(), now.classId(), seconds,
          Rate.ofBitsPerSecond(Math.round(bits / seconds)),
          (b.packets() - a.packets()) / seconds, (b.drops() - a.drops()) / seconds,
          (b.borrows() - a.borrows()) / seconds, (b.lends() - a.lends()) / seconds));
    }
    return out;
  }
}
