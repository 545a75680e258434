// SPDX-License-Identifier: Apache-2.0
package io.netfloor.shaping;

import static org.assertj.core.api.Assertions.assertThat;

import io.netfloor.model.Bandwidth;
import io.netfloor.model.FilterLayout;
import io.netfloor.model.NetworkStatus;
import io.netfloor.persistence.InMemoryStatusStore;
import io.netfloor.spi.InMemoryTrafficControl;
import io.netfloor.units.InterfaceName;
import io.netfloor.units.Rate;
import java.util.HashSet;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The pool's top-up gives way while callers run concurrently (their combined changes add the
 * classes they need, instead of waiting while the top-up holds the lock), and resumes once they are
 * gone.
 */
class PoolGivesWayTest {
  private static final InterfaceName BR = InterfaceName.of("br0");
  private static final Bandwidth ONE = Bandwidth.floor(Rate.parse("1mbit"));

  private final InMemoryTrafficControl memory = new InMemoryTrafficControl().addDevice(BR);
  private final CombinedCallsTest.Gate gate = new CombinedCallsTest.Gate(memory);
  private final InMemoryStatusStore store = new InMemoryStatusStore();
  /** Top-ups wait here until the test runs them. */
  private final ConcurrentLinkedQueue<Runnable> tasks = new ConcurrentLinkedQueue<>();
  private final NetworkShaper s = NetworkShaper.create(
      NetworkShaperTest.config(FilterLayout.HASHED), gate, store, ShaperOptions.builder()
          .parkedPool(ParkedPoolPolicy.DEFAULT).poolExecutor(tasks::add).build());
  private CompletableFuture<Object> first;
  private Thread second;

  /**
   * Starts the network and plugs one interface, which schedules a top-up; then one plug holds the
   * lock (held in the kernel) while a second one waits for it. Returns the scheduled top-up.
   */
  private Runnable topUpWhileTwoPlugsRun() throws InterruptedException {
    s.start();
    s.plug("vm0", ParkedPoolTest.mac(0), ONE);
    assertThat(tasks).as("the pool fell below its minimum: a top-up is scheduled").hasSize(1);
    Runnable topUp = tasks.poll();
    gate.arm();
    first = CompletableFuture.supplyAsync(() -> s.plug("vm1", ParkedPoolTest.mac(1), ONE));
    gate.awaitEntered();
    second = new Thread(() -> s.plug("vm2", ParkedPoolTest.mac(2), ONE));
    second.start();
    while (second.getState() != Thread.State.WAITING) {
      Thread.sleep(1);
    }
    return topUp;
  }

  /** Lets the two plugs finish. */
  private void finishPlugs() throws Exception {
    gate.open();
    first.get(1, TimeUnit.MINUTES);
    second.join(TimeUnit.MINUTES.toMillis(1));
  }

  @Test
  void aTopUpDuringConcurrentCallsWaitsForThemAndThenFillsThePool() throws Exception {
    Runnable topUp = topUpWhileTwoPlugsRun();
    // the top-up would block on the lock if it did not give way: it returns at once instead
    CompletableFuture.runAsync(topUp).get(10, TimeUnit.SECONDS);
    assertThat(tasks).isEmpty();
    finishPlugs();
    assertThat(s.poolStats().parked()).as("vm1 and vm2 took parked classes")
        .isEqualTo(ParkedPoolPolicy.DEFAULT.minimum() - 3);
    // the last caller to return resumed the top-up (deferred, not dropped)
    assertThat(s.poolStats().topUpPending()).isTrue();
    assertThat(tasks).hasSize(1);
    tasks.poll().run();
    assertThat(s.poolStats().topUpPending()).isFalse();
    assertThat(s.poolStats().parked()).isGreaterThanOrEqualTo(ParkedPoolPolicy.DEFAULT.minimum());
    assertThat(new HashSet<>(memory.objects())).isEqualTo(new HashSet<>(s.tree().kernelObjects()));
    assertThat(store.load("net").orElseThrow()).isEqualTo(NetworkStatus.of(s.tree()));
    assertThat(s.tree().interfaces().keySet()).containsExactlyInAnyOrder("vm0", "vm1", "vm2");
    s.close();
    assertThat(List.copyOf(tasks)).isEmpty();
  }

  @Test
  void aTopUpDeferredUntilAfterCloseDoesNothing() throws Exception {
    Runnable topUp = topUpWhileTwoPlugsRun();
    CompletableFuture.runAsync(topUp).get(10, TimeUnit.SECONDS);
    CompletableFuture<Void> closing = CompletableFuture.runAsync(s::close);
    finishPlugs();
    closing.get(1, TimeUnit.MINUTES);
    int parked = s.poolStats().parked();
    assertThat(s.poolStats().topUpPending()).isFalse();
    tasks.forEach(Runnable::run); // a top-up resumed around the close parks nothing
    assertThat(s.poolStats().parked()).isEqualTo(parked);
  }
}
