// SPDX-License-Identifier: Apache-2.0
package io.netfloor.shaping;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayDeque;
import org.junit.jupiter.api.Test;

/**
 * When the pool's top-up gives way: to concurrent callers (more than one call under way), not to a
 * lone caller waiting for the lock. One thread plugging back to back always has its next plug
 * waiting or about to; a top-up that gave way to it would run one chunk per plug, each started
 * just as the next plug arrives, instead of working in the plugs' disk flushes.
 */
class ParkedPoolDeferralTest {
  private final TreeOnlyShaper shaper = new TreeOnlyShaper();
  private final ArrayDeque<Runnable> tasks = new ArrayDeque<>();
  private final ParkedPool pool = new ParkedPool(ShaperOptions.builder()
      .parkedPool(ParkedPoolPolicy.DEFAULT).poolExecutor(tasks::add).build(), shaper);

  /** Starts the pool (16 parked), takes one class as a plug would, and schedules the top-up. */
  private void drainOneAndSchedule() {
    pool.atStart();
    shaper.tree = shaper.tree.plug("vm0", ParkedPoolTest.mac(0), java.util.Optional.empty(),
        io.netfloor.model.Bandwidth.floor(io.netfloor.units.Rate.parse("1mbit"))).tree();
    pool.afterPlugs(1, 0, 1);
    assertThat(tasks).hasSize(1);
  }

  @Test
  void aLoneCallerWaitingForTheLockDoesNotStopTheTopUp() {
    drainOneAndSchedule();
    pool.callStarted(); // the one caller, queued for the lock
    shaper.callsWaiting = true;
    tasks.poll().run();
    assertThat(pool.stats().topUpPending()).isFalse();
    assertThat(pool.stats().parked()).as("15 left + a batch of 16").isEqualTo(31);
  }

  @Test
  void twoCallersUnderWayDeferTheTopUpUntilTheyAreGone() {
    drainOneAndSchedule();
    pool.callStarted();
    pool.callStarted();
    tasks.poll().run();
    assertThat(pool.stats().parked()).as("nothing parked meanwhile").isEqualTo(15);
    assertThat(pool.stats().topUpPending()).isTrue();
    pool.callEnded();
    assertThat(tasks).as("one caller left: resumed").hasSize(1);
    tasks.poll().run();
    assertThat(pool.stats().parked()).isEqualTo(31);
    pool.callEnded();
    assertThat(tasks).isEmpty();
  }
}
