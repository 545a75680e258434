// SPDX-License-Identifier: Apache-2.0
package io.netfloor.shaping;

import static org.assertj.core.api.Assertions.assertThat;

import io.netfloor.model.FilterLayout;
import io.netfloor.model.HtbTree;
import io.netfloor.model.NetworkConfig;
import io.netfloor.model.TreeChange;
import java.util.ArrayDeque;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/**
 * When the pool's top-up gives way: to concurrent callers (more than one call under way), not to a
 * lone caller waiting for the lock. One thread plugging back to back always has its next plug
 * waiting or about to; a top-up that gave way to it would run one chunk per plug, each started
 * just as the next plug arrives, instead of working in the plugs' disk flushes.
 */
class ParkedPoolDeferralTest {
  /** A shaper that only holds a tree; calls waiting for the lock as the test says. */
  private static final class TreeOnly implements ParkedPool.Shaper {
    final NetworkConfig config = NetworkShaperTest.config(FilterLayout.HASHED);
    HtbTree tree = HtbTree.empty(config);
    boolean callsWaiting;

    @Override
    public <T> T locked(Supplier<T> body) {
      return body.get();
    }

    @Override
    public boolean started() {
      return true;
    }

    @Override
    public NetworkConfig config() {
      return config;
    }

    @Override
    public HtbTree tree() {
      return tree;
    }

    @Override
    public void commit(String what, TreeChange change) {
      tree = change.tree();
    }

    @Override
    public void commitUnflushed(String what, TreeChange change) {
      tree = change.tree();
    }

    @Override
    public boolean callsWaiting() {
      return callsWaiting;
    }

    @Override
    public boolean lockWanted() {
      return false;
    }
  }

  private final TreeOnly shaper = new TreeOnly();
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
