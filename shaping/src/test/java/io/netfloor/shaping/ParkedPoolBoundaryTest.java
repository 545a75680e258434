// SPDX-License-Identifier: Apache-2.0
package io.netfloor.shaping;

import static org.assertj.core.api.Assertions.assertThat;

import io.netfloor.model.Bandwidth;
import io.netfloor.units.Rate;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The pool's decisions exactly at their limits: the minimum, the idle time, a restart. */
class ParkedPoolBoundaryTest {
  private static final Duration IDLE = Duration.ofMinutes(10);

  private final TreeOnlyShaper shaper = new TreeOnlyShaper();
  private final ArrayDeque<Runnable> tasks = new ArrayDeque<>();
  private final AtomicLong nanos = new AtomicLong(1_000);
  private final ParkedPool pool = new ParkedPool(ShaperOptions.builder()
      .parkedPool(new ParkedPoolPolicy(true, 16, 256, 4096, IDLE)).nanoTicker(nanos::get)
      .poolExecutor(tasks::add).build(), shaper);

  private void plug(int i) {
    shaper.tree = shaper.tree.plug("vm" + i, ParkedPoolTest.mac(i), Optional.empty(),
        Bandwidth.floor(Rate.parse("1mbit"))).tree();
  }

  @Test
  void aPlugThatLeavesThePoolAtItsMinimumSchedulesNothing() {
    pool.atStart();
    shaper.tree = shaper.tree.park(1).tree(); // 17 parked
    plug(0); // takes one: 16, the minimum
    pool.afterPlugs(1, 0, 1);
    assertThat(tasks).isEmpty();
    assertThat(pool.stats().topUpPending()).isFalse();
    plug(1); // 15: below it
    pool.afterPlugs(1, 0, 1);
    assertThat(tasks).hasSize(1);
  }

  @Test
  void aRestartWithSomeClassesParkedParksOnlyWhatTheMinimumLacks() {
    shaper.tree = shaper.tree.park(10).tree();
    pool.atStart();
    assertThat(pool.stats().parked()).isEqualTo(16);
    assertThat(pool.stats().classesParked()).isEqualTo(6);
  }

  @Test
  void theIdlePoolShrinksOnceTheIdleTimeHasPassedToTheNanosecond() {
    pool.atStart();
    shaper.tree = shaper.tree.park(20).tree(); // 36 parked, 20 above the minimum
    nanos.addAndGet(IDLE.toNanos() - 1);
    assertThat(pool.maintain()).as("one nanosecond early").isZero();
    nanos.incrementAndGet();
    assertThat(pool.maintain()).isEqualTo(-20);
    assertThat(pool.stats().parked()).isEqualTo(16);
    assertThat(pool.stats().classesReleased()).isEqualTo(20);
    assertThat(pool.maintain()).as("at the minimum: nothing more").isZero();
  }

  @Test
  void maintenanceRefillsAPoolBelowItsMinimum() {
    pool.atStart();
    plug(0);
    plug(1);
    assertThat(pool.maintain()).isEqualTo(2);
    assertThat(pool.stats().parked()).isEqualTo(16);
  }

  @Test
  void aTopUpNeverParksBeyondTheMaximumEvenWhenItsBatchWouldFit() {
    // a batch of up to 8, but at most 6 parked: from 3 parked, the top-up parks 3, not 4
    ParkedPool small = new ParkedPool(ShaperOptions.builder()
        .parkedPool(new ParkedPoolPolicy(true, 4, 8, 6, IDLE)).nanoTicker(nanos::get)
        .poolExecutor(tasks::add).build(), shaper);
    small.atStart();
    plug(0);
    small.afterPlugs(1, 0, 1);
    tasks.poll().run();
    assertThat(small.stats().parked()).isEqualTo(6);
  }
}
