// SPDX-License-Identifier: Apache-2.0
package io.netfloor.shaping;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netfloor.InvalidValueException;
import io.netfloor.model.Bandwidth;
import io.netfloor.model.FilterLayout;
import io.netfloor.model.HtbTree;
import io.netfloor.model.NetworkStatus;
import io.netfloor.persistence.InMemoryStatusStore;
import io.netfloor.plan.HtbClass;
import io.netfloor.plan.Plan;
import io.netfloor.plan.TcObject;
import io.netfloor.plan.TcOp;
import io.netfloor.spi.InMemoryTrafficControl;
import io.netfloor.units.ClassHandle;
import io.netfloor.units.InterfaceName;
import io.netfloor.units.MacAddress;
import io.netfloor.units.Rate;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The parked-class pool a shaper keeps by default. */
class ParkedPoolTest {
  private static final InterfaceName BR = InterfaceName.of("br0");

  private final InMemoryTrafficControl memory = new InMemoryTrafficControl().addDevice(BR);
  private final RecordingTrafficControl kernel = new RecordingTrafficControl(memory);
  private final InMemoryStatusStore store = new InMemoryStatusStore();
  private final AtomicLong nanos = new AtomicLong();
  /** Top-ups wait here until the test runs them. */
  private final ArrayDeque<Runnable> tasks = new ArrayDeque<>();
  private final Executor manual = tasks::add;

  private NetworkShaper shaper(ParkedPoolPolicy policy) {
    return NetworkShaper.create(NetworkShaperTest.config(FilterLayout.HASHED), kernel, store,
        ShaperOptions.builder().parkedPool(policy).nanoTicker(nanos::get).poolExecutor(manual)
            .build());
  }

  static MacAddress mac(int i) {
    return MacAddress.parse(String.format("52:54:00:01:%02x:%02x", i / 256, i % 256));
  }

  private void runTasks() {
    while (!tasks.isEmpty()) {
      tasks.poll().run();
    }
  }

  private void assertAgreement(NetworkShaper s) {
    Set<TcObject> inKernel = new HashSet<>(memory.objects());
    assertThat(inKernel).isEqualTo(new HashSet<>(s.tree().kernelObjects()));
    assertThat(store.load("net").orElseThrow()).isEqualTo(NetworkStatus.of(s.tree()));
  }

  private static boolean addsAClass(Plan p) {
    return p.ops().stream().anyMatch(op -> op instanceof TcOp.Add a
        && a.object() instanceof HtbClass);
  }

  @Test
  void aPlugAfterStartTakesAParkedClassWithAClassChangeNotAnAdd() {
    NetworkShaper s = shaper(ParkedPoolPolicy.DEFAULT);
    s.start();
    assertThat(s.poolStats().parked()).isEqualTo(ParkedPoolPolicy.DEFAULT.minimum());
    assertThat(store.load("net").orElseThrow().parkedClassIds()).hasSize(16);
    int from = kernel.plans.size();
    ClassHandle c = s.plug("vm1", mac(1), Bandwidth.floor(Rate.parse("10mbit")));
    List<Plan> plans = kernel.since(from);
    assertThat(plans).hasSize(1);
    assertThat(addsAClass(plans.get(0))).isFalse();
    assertThat(plans.get(0).ops()).anyMatch(op -> op instanceof TcOp.Change ch
        && ch.after() instanceof HtbClass h && h.classId().equals(c));
    assertThat(s.poolStats().plugsFromPool()).isEqualTo(1);
    assertThat(s.poolStats().plugsWithAdd()).isZero();
    assertAgreement(s);
  }

  @Test
  void theDefaultShaperParksAheadAndItsUnplugsKeepTheClass() {
    NetworkShaper s = NetworkShaper.create(NetworkShaperTest.config(FilterLayout.HASHED), kernel,
        store);
    try {
      s.start();
      assertThat(s.poolStats().policy()).isEqualTo(ParkedPoolPolicy.DEFAULT);
      assertThat(s.poolStats().parked()).isEqualTo(16);
      ClassHandle c = s.plug("vm1", mac(1), Bandwidth.floor(Rate.parse("10mbit")));
      int from = kernel.plans.size();
      s.unplug("vm1");
      // the shaper's own thread may be topping the pool up (class adds only): stop it, waiting for
      // a top-up under way, so that kernel, model and store are compared at rest
      s.close();
      assertThat(kernel.since(from)).noneMatch(p -> p.ops().stream()
          .anyMatch(op -> op instanceof TcOp.Delete d && d.object() instanceof HtbClass));
      assertThat(s.tree().parkedClassIds()).contains(c.minor()); // vm1's class, parked again
      assertAgreement(s);
    } finally {
      s.close();
    }
  }

  @Test
  void thePoolRefillsOffTheCallersPathInBatchesSizedToDemand() {
    NetworkShaper s = shaper(ParkedPoolPolicy.DEFAULT);
    s.start();
    for (int i = 0; i < 16; i++) {
      s.plug("vm" + i, mac(i), Bandwidth.floor(Rate.parse("1mbit")));
    }
    // the first plug took the pool below its minimum: one top-up is scheduled, none ran yet
    assertThat(tasks).hasSize(1);
    assertThat(s.poolStats().topUpPending()).isTrue();
    assertThat(s.poolStats().parked()).isZero();
    int from = kernel.plans.size();
    runTasks();
    // goal: 15 parked then + a batch of max(minimum, 2 × 1 plug) = 31
    assertThat(s.poolStats().parked()).isEqualTo(31);
    assertThat(s.poolStats().topUpPending()).isFalse();
    assertThat(kernel.since(from)).allMatch(p -> p.ops().stream()
        .allMatch(op -> op instanceof TcOp.Add));
    assertAgreement(s);
    // the next plugs (16 of them) take parked classes; the next batch follows their demand
    for (int i = 16; i < 32; i++) {
      s.plug("vm" + i, mac(i), Bandwidth.floor(Rate.parse("1mbit")));
    }
    assertThat(s.poolStats().plugsWithAdd()).isZero();
    assertThat(s.poolStats().plugsFromPool()).isEqualTo(32);
    runTasks();
    // scheduled when the pool fell to 15 again, after 31 plugs since the first top-up was
    // scheduled (15 while it was pending, 16 since): a batch of 2 × 31
    assertThat(s.poolStats().parked()).isEqualTo(15 + 2 * 31);
    assertAgreement(s);
  }

  @Test
  void boundsHold() {
    ParkedPoolPolicy small = new ParkedPoolPolicy(true, 4, 3, 6, Duration.ofMinutes(1));
    NetworkShaper s = shaper(small);
    s.start();
    for (int i = 0; i < 60; i++) {
      s.plug("vm" + i, mac(i), Bandwidth.floor(Rate.parse("1mbit")));
      long parkedBefore = s.poolStats().classesParked();
      runTasks();
      assertThat(s.poolStats().classesParked() - parkedBefore).isBetween(0L, 3L);
      assertThat(s.poolStats().parked()).isLessThanOrEqualTo(6);
    }
    assertAgreement(s);
  }

  @Test
  void anIdlePoolShrinksToItsMinimum() {
    NetworkShaper s = shaper(ParkedPoolPolicy.DEFAULT);
    s.start();
    for (int i = 0; i < 40; i++) {
      s.plug("vm" + i, mac(i), Bandwidth.floor(Rate.parse("1mbit")));
      runTasks();
    }
    for (int i = 0; i < 40; i++) {
      s.unplug("vm" + i); // classes go back to the pool
    }
    int parked = s.poolStats().parked();
    assertThat(parked).isGreaterThan(40);
    nanos.addAndGet(Duration.ofMinutes(9).toNanos());
    assertThat(s.maintainPool()).isZero();
    nanos.addAndGet(Duration.ofMinutes(1).toNanos());
    assertThat(s.maintainPool()).isEqualTo(-(parked - 16));
    assertThat(s.poolStats().parked()).isEqualTo(16);
    assertThat(s.poolStats().classesReleased()).isEqualTo(parked - 16);
    assertAgreement(s);
    // a plug resets the idle clock
    s.plug("vmx", mac(999), Bandwidth.floor(Rate.parse("1mbit")));
    runTasks();
    nanos.addAndGet(Duration.ofMinutes(5).toNanos());
    assertThat(s.maintainPool()).isZero();
  }

  @Test
  void aRestartKeepsTheParkedClassesAndRepairsNothing() {
    NetworkShaper s = shaper(ParkedPoolPolicy.DEFAULT);
    s.start();
    for (int i = 0; i < 5; i++) {
      s.plug("vm" + i, mac(i), Bandwidth.floor(Rate.parse("1mbit")));
    }
    runTasks();
    HtbTree before = s.tree();
    NetworkShaper again = shaper(ParkedPoolPolicy.DEFAULT);
    ReconcileReport report = again.start();
    assertThat(report.repairs().isEmpty()).isTrue();
    assertThat(again.tree().parkedClassIds()).isEqualTo(before.parkedClassIds());
    assertAgreement(again);
  }

  @Test
  void offMeansNoParkedClassesButParkStillWorks() {
    NetworkShaper s = shaper(ParkedPoolPolicy.OFF);
    s.start();
    assertThat(s.poolStats().parked()).isZero();
    s.plug("vm1", mac(1), Bandwidth.floor(Rate.parse("1mbit")));
    assertThat(tasks).isEmpty();
    assertThat(s.poolStats().plugsWithAdd()).isEqualTo(1);
    s.park(3);
    assertThat(s.poolStats().parked()).isEqualTo(3);
    assertAgreement(s);
  }

  @Test
  void aBadPolicyIsRefused() {
    assertThatThrownBy(() -> new ParkedPoolPolicy(true, 10, 5, 4, Duration.ZERO))
        .isInstanceOf(InvalidValueException.class).hasMessageContaining("maximum 4");
    assertThatThrownBy(() -> new ParkedPoolPolicy(true, 0, 0, 4, Duration.ZERO))
        .isInstanceOf(InvalidValueException.class).hasMessageContaining("OFF");
  }
}
