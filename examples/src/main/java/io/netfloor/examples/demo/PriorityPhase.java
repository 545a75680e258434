// SPDX-License-Identifier: Apache-2.0
package io.netfloor.examples.demo;

import io.netfloor.examples.Units;
import io.netfloor.examples.traffic.UdpFlow;
import io.netfloor.model.Bandwidth;
import io.netfloor.model.Priority;
import io.netfloor.shaping.NetworkShaper;
import io.netfloor.units.ClassHandle;
import io.netfloor.units.Rate;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.Locale;
import java.util.Objects;

/**
 * Priority on real traffic: two VMs without floors, both sent more than the bandwidth left to
 * them, are given priorities live ({@link NetworkShaper#update}); HTB lends the spare bandwidth to
 * the lower priority value first. Measured at layer 2 from what each VM's receiver got, as the
 * demo's other phases.
 */
public final class PriorityPhase {
  /** The share the high-priority VM must have over the low one when their priorities differ. */
  public static final double MIN_RATIO = 2.0;

  private PriorityPhase() {}

  /**
   * One VM of the phase.
   *
   * @param vm the VM's name
   * @param alias its interface's alias
   * @param classId the class its frames went through (its own, for its priority)
   * @param priority its priority
   * @param atVmBitsPerSecond what its receiver got, as Ethernet frames
   */
  public record Share(String vm, String alias, ClassHandle classId, Priority priority,
      double atVmBitsPerSecond) {}

  /**
   * What the two VMs got.
   *
   * @param high the VM given the higher priority (the lower value), or either when they are equal
   * @param low the other VM
   * @param capacity the network's capacity
   * @param measured how long the rates were measured
   */
  public record Outcome(Share high, Share low, Rate capacity, Duration measured) {
    /** How many times the low VM's rate the high VM got ({@code +∞} when the low VM got nothing). */
    public double ratio() {
      return low.atVmBitsPerSecond() == 0 ? Double.POSITIVE_INFINITY
          : high.atVmBitsPerSecond() / low.atVmBitsPerSecond();
    }

    /** Whether the priorities differ. */
    public boolean prioritised() {
      return high.priority().compareTo(low.priority()) < 0;
    }

    /**
     * With different priorities, the high one got at least {@link #MIN_RATIO} times the low one's
     * rate; with equal ones, neither got more than {@link #MIN_RATIO} times the other's.
     */
    public boolean passed() {
      double r = ratio();
      return prioritised() ? r >= MIN_RATIO : r < MIN_RATIO && r > 1 / MIN_RATIO;
    }

    /** The sum of both VMs' rates. */
    public double totalBitsPerSecond() {
      return high.atVmBitsPerSecond() + low.atVmBitsPerSecond();
    }
  }

  /**
   * Gives {@code high} and {@code low} no floor and the priorities {@code highPriority} and
   * {@code lowPriority} (a class change each, applied live), waits {@code warmup}, then measures
   * both flows for {@code length}. Both flows must be sending.
   *
   * @param shaper the network the VMs are plugged into
   * @param capacity the network's capacity, for the outcome
   * @return the two VMs' rates
   */
  public static Outcome run(NetworkShaper shaper, Rate capacity, String highAlias,
      UdpFlow highFlow, Priority highPriority, String lowAlias, UdpFlow lowFlow,
      Priority lowPriority, Duration warmup, Duration length) {
    Objects.requireNonNull(shaper, "shaper");
    ClassHandle highClass = shaper.update(highAlias, Bandwidth.NONE.withPriority(highPriority));
    ClassHandle lowClass = shaper.update(lowAlias, Bandwidth.NONE.withPriority(lowPriority));
    sleep(warmup);
    UdpFlow.Counters h0 = highFlow.counters();
    UdpFlow.Counters l0 = lowFlow.counters();
    long start = System.nanoTime();
    sleep(length);
    UdpFlow.Counters h1 = highFlow.counters();
    UdpFlow.Counters l1 = lowFlow.counters();
    double seconds = (System.nanoTime() - start) / 1e9;
    return new Outcome(
        new Share(highFlow.name(), highAlias, highClass, highPriority,
            (h1.l2Bytes() - h0.l2Bytes()) * 8 / seconds),
        new Share(lowFlow.name(), lowAlias, lowClass, lowPriority,
            (l1.l2Bytes() - l0.l2Bytes()) * 8 / seconds),
        capacity, Duration.ofNanos((long) (seconds * 1e9)));
  }

  /** Prints the phase's table, in the style of the demo's other phases. */
  public static void printTable(String title, Outcome o, PrintWriter out) {
    out.printf("%s, %.0f s measured%n", title, o.measured().toMillis() / 1000.0);
    out.printf("  %-5s %-9s %-6s %-5s %-9s %14s %9s  %s%n", "VM", "INTERFACE", "CLASS", "PRIO",
        "FLOOR", "AT THE VM", "OF LINK", "RESULT");
    double link = o.capacity().bitsPerSecond();
    boolean passed = o.passed();
    for (Share s : new Share[] {o.high(), o.low()}) {
      String verdict = !o.prioritised() ? "equal priority: shares evenly"
          : s == o.high() ? (passed ? "PASS: served first" : "FAIL: not served first")
          : "lower priority: gets what is left";
      out.printf(Locale.ROOT, "  %-5s %-9s %-6s %-5s %-9s %14s %9s  %s%n", s.vm(), s.alias(),
          s.classId(), s.priority(), "-", Units.bitsPerSecond(s.atVmBitsPerSecond()),
          Units.percent(s.atVmBitsPerSecond(), link), verdict);
    }
    out.printf(Locale.ROOT, "  total link use: %s of %s (%s); %s%n",
        Units.bitsPerSecond(o.totalBitsPerSecond()), o.capacity(),
        Units.percent(o.totalBitsPerSecond(), link), Double.isInfinite(o.ratio())
            ? o.low().vm() + " got nothing" : String.format(Locale.ROOT, "%s got %.1fx the rate of %s",
                o.high().vm(), o.ratio(), o.low().vm()));
  }

  private static void sleep(Duration d) {
    try {
      Thread.sleep(d.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }
}
