// SPDX-License-Identifier: Apache-2.0
package io.netfloor.shaping;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netfloor.AdmissionException;
import io.netfloor.model.AdmissionLimit;
import io.netfloor.model.Bandwidth;
import io.netfloor.model.NetworkConfig;
import io.netfloor.persistence.InMemoryStatusStore;
import io.netfloor.spi.InMemoryTrafficControl;
import io.netfloor.spi.TrafficControlException;
import io.netfloor.units.InterfaceName;
import io.netfloor.units.MacAddress;
import io.netfloor.units.Rate;
import io.netfloor.testkit.FaultyTrafficControl;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class NetworkEventsTest {
  private static final InterfaceName BR = InterfaceName.of("br0");
  private static final long WAIT_SECONDS = 60; // a bound for a stuck test, not a timing claim

  private final InMemoryTrafficControl kernel = new InMemoryTrafficControl().addDevice(BR);
  private final InMemoryStatusStore store = new InMemoryStatusStore();

  private static NetworkConfig config() {
    return OrchestrationTest.config(OrchestrationTest.limits("1gbit", null),
        AdmissionLimit.AVERAGE);
  }

  private static MacAddress mac(int i) {
    return MacAddress.parse(String.format("52:54:00:00:%02x:%02x", i / 256, i % 256));
  }

  /** Collects events; {@link #await} waits for a number of them. */
  static final class Recorder implements NetworkListener {
    final List<NetworkEvent> events = Collections.synchronizedList(new ArrayList<>());
    private final java.util.concurrent.Semaphore arrived = new java.util.concurrent.Semaphore(0);

    @Override
    public void onEvent(NetworkEvent event) {
      events.add(event);
      arrived.release();
    }

    /** Waits until an event matching {@code wanted} has arrived. */
    void awaitOne(java.util.function.Predicate<NetworkEvent> wanted) throws InterruptedException {
      while (List.copyOf(events).stream().noneMatch(wanted)) {
        assertThat(arrived.tryAcquire(WAIT_SECONDS, TimeUnit.SECONDS)).as("an awaited event")
            .isTrue();
      }
    }

    void await(int count) throws InterruptedException {
      assertThat(arrived.tryAcquire(count, WAIT_SECONDS, TimeUnit.SECONDS))
          .as("%d events delivered", count).isTrue();
    }
  }

  @Test
  void eachChangeIsToldOnceInOrderAfterItIsStored() throws Exception {
    NetworkShaper shaper = NetworkShaperTest.create(config(), kernel, store);
    shaper.start();
    List<Boolean> storedWhenTold = Collections.synchronizedList(new ArrayList<>());
    Recorder rec = new Recorder();
    shaper.addListener(e -> {
      if (e instanceof NetworkEvent.Plugged p) {
        storedWhenTold.add(store.load("net").orElseThrow().interfaces()
            .containsKey(p.iface().alias()));
      }
    });
    shaper.addListener(rec);
    shaper.plug("vm1", mac(1), Bandwidth.floor(Rate.parse("100mbit")));
    // the first listener reads the store when told; the unplug below must not race it
    rec.await(1);
    shaper.update("vm1", Bandwidth.floor(Rate.parse("200mbit")));
    assertThatThrownBy(() -> shaper.plug("vm2", mac(2), Bandwidth.floor(Rate.parse("900mbit"))))
        .isInstanceOf(AdmissionException.class);
    shaper.unplug("vm1");
    shaper.reconcile();
    rec.await(4);
    assertThat(rec.events).extracting(e -> e.getClass().getSimpleName())
        .containsExactly("Plugged", "Updated", "Refused", "Unplugged", "Reconciled");
    assertThat(rec.events).extracting(NetworkEvent::sequence).containsExactly(1L, 2L, 3L, 4L, 5L);
    NetworkEvent.Updated updated = (NetworkEvent.Updated) rec.events.get(1);
    assertThat(updated.before().bandwidth().floorOrZero()).isEqualTo(Rate.parse("100mbit"));
    assertThat(updated.capacity().allotted()).isEqualTo(Rate.parse("200mbit"));
    NetworkEvent.Refused refused = (NetworkEvent.Refused) rec.events.get(2);
    assertThat(refused.operation()).isEqualTo("plug");
    assertThat(refused.alias()).contains("vm2");
    assertThat(refused.reason()).isInstanceOf(AdmissionException.class);
    assertThat(((NetworkEvent.Unplugged) rec.events.get(3)).capacity().allotted())
        .isEqualTo(Rate.ZERO);
    assertThat(storedWhenTold).containsExactly(true);
  }

  @Test
  void concurrentPlugsAreToldInTheOrderTheyHappened() throws Exception {
    NetworkShaper shaper = NetworkShaperTest.create(config(), kernel, store);
    shaper.start();
    Recorder rec = new Recorder();
    shaper.addListener(rec);
    int threads = 4;
    int perThread = 25;
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      List<Future<?>> done = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        int base = t * perThread;
        done.add(pool.submit(() -> {
          for (int i = 0; i < perThread; i++) {
            shaper.plug("vm" + (base + i), mac(base + i), Bandwidth.floor(Rate.parse("1mbit")));
          }
        }));
      }
      for (Future<?> f : done) {
        f.get(WAIT_SECONDS, TimeUnit.SECONDS);
      }
    } finally {
      pool.shutdownNow();
    }
    int n = threads * perThread;
    rec.await(n);
    List<NetworkEvent> events = List.copyOf(rec.events);
    assertThat(events).hasSize(n).allMatch(e -> e instanceof NetworkEvent.Plugged);
    // in order of the changes: sequence 1..n, and each event's allotted floor one step higher
    for (int i = 0; i < n; i++) {
      NetworkEvent.Plugged p = (NetworkEvent.Plugged) events.get(i);
      assertThat(p.sequence()).isEqualTo(i + 1);
      assertThat(p.capacity().allotted()).isEqualTo(Rate.ofMegabits(i + 1));
      assertThat(p.capacity().interfaces()).isEqualTo(i + 1);
    }
    assertThat(events).extracting(e -> ((NetworkEvent.Plugged) e).iface().alias())
        .doesNotHaveDuplicates();
  }

  @Test
  void aSlowListenerDoesNotBlockPlugs() throws Exception {
    NetworkShaper shaper = NetworkShaperTest.create(config(), kernel, store);
    shaper.start();
    CountDownLatch release = new CountDownLatch(1);
    CountDownLatch listenerEntered = new CountDownLatch(1);
    shaper.addListener(e -> {
      listenerEntered.countDown();
      try {
        release.await();
      } catch (InterruptedException interrupted) {
        Thread.currentThread().interrupt();
      }
    });
    Recorder rec = new Recorder();
    shaper.addListener(rec);
    CountDownLatch plugsDone = new CountDownLatch(1);
    Thread plugger = new Thread(() -> {
      for (int i = 0; i < 20; i++) {
        shaper.plug("vm" + i, mac(i), Bandwidth.floor(Rate.parse("1mbit")));
      }
      plugsDone.countDown();
    });
    plugger.start();
    try {
      assertThat(listenerEntered.await(WAIT_SECONDS, TimeUnit.SECONDS)).isTrue();
      // the first listener is still stuck in the first event, yet all plugs complete
      assertThat(plugsDone.await(WAIT_SECONDS, TimeUnit.SECONDS)).isTrue();
      assertThat(release.getCount()).isEqualTo(1);
      assertThat(rec.events).isEmpty(); // later listeners wait their turn, in order
    } finally {
      release.countDown();
    }
    rec.await(20);
    assertThat(rec.events).extracting(NetworkEvent::sequence)
        .isSortedAccordingTo(Long::compare).hasSize(20);
  }

  @Test
  void aListenerThatThrowsAffectsNeitherTheOthersNorTheOperation() throws Exception {
    NetworkShaper shaper = NetworkShaperTest.create(config(), kernel, store);
    shaper.start();
    shaper.addListener(e -> {
      throw new IllegalStateException("listener bug");
    });
    Recorder rec = new Recorder();
    shaper.addListener(rec);
    shaper.plug("vm1", mac(1), Bandwidth.floor(Rate.parse("1mbit")));
    shaper.plug("vm2", mac(2), Bandwidth.floor(Rate.parse("1mbit")));
    rec.await(2);
    assertThat(shaper.tree().interfaces()).containsOnlyKeys("vm1", "vm2");
    assertThat(rec.events).hasSize(2);
    assertThat(shaper.removeListener(rec)).isTrue();
    shaper.unplug("vm1");
    Recorder after = new Recorder();
    shaper.addListener(after);
    shaper.unplug("vm2");
    after.await(1);
    assertThat(rec.events).hasSize(2); // removed: not told of the unplugs
  }

  @Test
  void aKernelRefusalIsToldAsSuspectThenRefused() throws Exception {
    FaultyTrafficControl faulty = new FaultyTrafficControl(kernel, Set.of(1000L));
    faulty.setEnabled(false);
    NetworkShaper shaper = NetworkShaperTest.create(config(), faulty, store);
    shaper.start();
    Recorder rec = new Recorder();
    shaper.addListener(rec);
    faulty.setEnabled(true);
    for (int i = 0; faulty.faults() == 0 && i < 2000; i++) {
      try {
        shaper.plug("vm" + i, mac(i), Bandwidth.floor(Rate.parse("100kbit")));
      } catch (TrafficControlException expected) {
        // the one injected fault
      }
    }
    assertThat(faulty.faults()).isEqualTo(1);
    int plugged = shaper.tree().interfaces().size();
    rec.await(plugged + 2);
    List<NetworkEvent> last = rec.events.subList(rec.events.size() - 2, rec.events.size());
    NetworkEvent.KernelSuspect suspect = (NetworkEvent.KernelSuspect) last.get(0);
    assertThat(suspect.reconcilePending()).isFalse(); // the undo worked
    assertThat(suspect.cause()).get().isInstanceOf(TrafficControlException.class);
    assertThat(((NetworkEvent.Refused) last.get(1)).reason())
        .isInstanceOf(TrafficControlException.class);
  }

  @Test
  void aFailedUndoIsToldAsSuspectWithAReconcilePendingAndTheRepairFollows() throws Exception {
    FaultyTrafficControl faulty = new FaultyTrafficControl(kernel, Set.of(1000L, 1001L));
    faulty.setEnabled(false);
    NetworkShaper shaper = NetworkShaperTest.create(config(), faulty, store);
    shaper.start();
    Recorder rec = new Recorder();
    shaper.addListener(rec);
    faulty.setEnabled(true);
    int i = 0;
    for (; faulty.faults() < 2 && i < 2000; i++) {
      try {
        shaper.plug("vm" + i, mac(i), Bandwidth.floor(Rate.parse("100kbit")));
      } catch (TrafficControlException expected) {
        // the injected fault, whose undo fails too
      }
    }
    assertThat(faulty.faults()).isEqualTo(2);
    String last = "vm" + i;
    shaper.plug(last, mac(i), Bandwidth.floor(Rate.parse("100kbit"))); // repairs first
    rec.awaitOne(e -> e instanceof NetworkEvent.Plugged p && p.iface().alias().value().equals(last));
    List<NetworkEvent> events = List.copyOf(rec.events);
    NetworkEvent.KernelSuspect suspect = events.stream()
        .filter(e -> e instanceof NetworkEvent.KernelSuspect).map(e -> (NetworkEvent.KernelSuspect) e)
        .findFirst().orElseThrow();
    assertThat(suspect.reconcilePending()).isTrue();
    assertThat(suspect.reason()).contains("undo");
    int at = events.indexOf(suspect);
    assertThat(events.get(at + 1)).isInstanceOf(NetworkEvent.Refused.class);
    // the next plug reconciled first: a Reconciled event comes before its Plugged
    assertThat(events.subList(at + 2, events.size()))
        .extracting(e -> e.getClass().getSimpleName()).contains("Reconciled")
        .last().isEqualTo("Plugged");
  }

  @Test
  void aReconcileThatRepairsDamageIsToldAsSuspectThenReconciled() throws Exception {
    NetworkShaper shaper = NetworkShaperTest.create(config(), kernel, store);
    shaper.start();
    shaper.plug("vm1", mac(1), Bandwidth.floor(Rate.parse("100mbit")));
    io.netfloor.plan.HtbClass c = kernel.objects().stream()
        .filter(o -> o instanceof io.netfloor.plan.HtbClass k
            && k.classId().equals(shaper.tree().find("vm1").orElseThrow().effectiveClass()))
        .map(o -> (io.netfloor.plan.HtbClass) o).findFirst().orElseThrow();
    io.netfloor.plan.HtbClass damaged = new io.netfloor.plan.HtbClass(c.device(), c.classId(),
        c.parent(), Rate.parse("7mbit"), c.ceil(), c.burst(), c.cburst(), c.quantumBytes(), c.prio());
    kernel.apply(new io.netfloor.plan.Plan(List.of(
        new io.netfloor.plan.TcOp.Change(c, damaged))));
    Recorder rec = new Recorder();
    shaper.addListener(rec);
    ReconcileReport report = shaper.reconcile();
    assertThat(report.wasClean()).isFalse();
    rec.await(2);
    NetworkEvent.KernelSuspect suspect = (NetworkEvent.KernelSuspect) rec.events.get(0);
    assertThat(suspect.reconcilePending()).isFalse();
    assertThat(((NetworkEvent.Reconciled) rec.events.get(1)).report()).isEqualTo(report);
  }
}
