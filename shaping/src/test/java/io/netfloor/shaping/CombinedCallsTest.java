// SPDX-License-Identifier: Apache-2.0
package io.netfloor.shaping;

import static org.assertj.core.api.Assertions.assertThat;

import io.netfloor.InterfaceConflictException;
import io.netfloor.model.Bandwidth;
import io.netfloor.model.FilterLayout;
import io.netfloor.model.NetworkStatus;
import io.netfloor.persistence.InMemoryStatusStore;
import io.netfloor.plan.Plan;
import io.netfloor.plan.TcOp;
import io.netfloor.plan.U32MacFilter;
import io.netfloor.spi.ForwardingTrafficControl;
import io.netfloor.spi.InMemoryTrafficControl;
import io.netfloor.spi.StatusStore;
import io.netfloor.spi.TrafficControl;
import io.netfloor.spi.TrafficControlException;
import io.netfloor.testkit.FaultyStatusStore;
import io.netfloor.units.InterfaceName;
import io.netfloor.units.Rate;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/**
 * Calls that wait for the network's lock while another call holds it are applied together by the
 * next caller to get it: one kernel exchange and one record for all of them, each admitted or
 * refused on its own, and a kernel refusal of the combined exchange failing only the call at fault.
 */
class CombinedCallsTest {
  private static final InterfaceName BR = InterfaceName.of("br0");
  private static final Bandwidth TEN = Bandwidth.floor(Rate.parse("10mbit"));

  /** Holds the first plan applied after {@link #arm()} until {@link #open()}. */
  static final class Gate extends ForwardingTrafficControl {
    final List<Plan> plans = new java.util.concurrent.CopyOnWriteArrayList<>();
    private volatile CountDownLatch held;
    private final CountDownLatch entered = new CountDownLatch(1);
    private final CountDownLatch opened = new CountDownLatch(1);

    Gate(TrafficControl delegate) {
      super(delegate);
    }

    void arm() {
      held = opened;
    }

    void awaitEntered() throws InterruptedException {
      assertThat(entered.await(1, TimeUnit.MINUTES)).as("a plan reached the gate").isTrue();
    }

    void open() {
      opened.countDown();
    }

    @Override
    public void apply(Plan plan) {
      CountDownLatch h = held;
      if (h != null) {
        held = null;
        entered.countDown();
        try {
          assertThat(h.await(1, TimeUnit.MINUTES)).isTrue();
        } catch (InterruptedException e) {
          throw new IllegalStateException(e);
        }
      }
      plans.add(plan);
      super.apply(plan);
    }
  }

  /**
   * One call holds the lock (its kernel exchange is held at the gate) while {@code calls} queue up;
   * once all of them wait, the gate opens. Returns each queued call's outcome: its result or the
   * exception it threw.
   */
  static List<Object> queueBehindOneCall(NetworkShaper s, Gate gate, Runnable first,
      List<Supplier<Object>> calls) throws Exception {
    gate.arm();
    CompletableFuture<Void> holder = CompletableFuture.runAsync(first);
    gate.awaitEntered();
    List<Thread> threads = new ArrayList<>();
    List<Object> outcomes = new ArrayList<>();
    for (int i = 0; i < calls.size(); i++) {
      outcomes.add(null);
    }
    for (int i = 0; i < calls.size(); i++) {
      int k = i;
      Thread t = new Thread(() -> {
        try {
          outcomes.set(k, calls.get(k).get());
        } catch (RuntimeException e) {
          outcomes.set(k, e);
        }
      });
      threads.add(t);
      t.start();
      // one at a time, so that they queue in this order
      while (t.getState() != Thread.State.WAITING && t.isAlive()) {
        Thread.sleep(1);
      }
    }
    gate.open();
    holder.get(1, TimeUnit.MINUTES);
    for (Thread t : threads) {
      t.join(TimeUnit.MINUTES.toMillis(1));
      assertThat(t.isAlive()).isFalse();
    }
    return outcomes;
  }

  static void assertAgreement(NetworkShaper s, InMemoryTrafficControl memory, StatusStore store) {
    assertThat(new HashSet<>(memory.objects())).isEqualTo(new HashSet<>(s.tree().kernelObjects()));
    assertThat(store.load("net").orElseThrow()).isEqualTo(NetworkStatus.of(s.tree()));
  }

  @Test
  void queuedCallsShareOneKernelExchangeAndOneRecordAndAreRefusedOneByOne() throws Exception {
    InMemoryTrafficControl memory = new InMemoryTrafficControl().addDevice(BR);
    Gate gate = new Gate(memory);
    InMemoryStatusStore backing = new InMemoryStatusStore();
    FaultyStatusStore store = new FaultyStatusStore(backing, Set.of());
    NetworkShaper s = NetworkShaperTest.create(NetworkShaperTest.config(FilterLayout.HASHED),
        gate, store);
    s.start();
    s.plug("old", CombinedCalls.mac(100), TEN);
    int plans = gate.plans.size();
    long writes = store.writes();
    // capacity 100mbit, 10 allotted: vm1..vm8 take 80 (vm9 is refused), vm2's MAC is taken, ...
    List<Supplier<Object>> calls = new ArrayList<>();
    for (int i = 1; i <= 9; i++) {
      int k = i;
      calls.add(() -> s.plug("vm" + k, CombinedCalls.mac(k), TEN));
    }
    calls.add(() -> s.plug("thief", CombinedCalls.mac(2), TEN));
    calls.add(() -> s.update("nobody", TEN));
    calls.add(() -> s.unplug("vm1"));
    calls.add(() -> s.plug("vm9", CombinedCalls.mac(9), TEN)); // fits now that vm1 is gone
    List<Object> out = queueBehindOneCall(s, gate, () -> s.update("old", Bandwidth.floor(
        Rate.parse("20mbit"))), calls);

    assertThat(gate.plans.size() - plans).as("the held update, then one combined exchange")
        .isEqualTo(2);
    assertThat(store.writes() - writes).as("one record each").isEqualTo(2);
    for (int i = 0; i < 8; i++) {
      assertThat(out.get(i)).as("vm%d", i + 1).isInstanceOf(io.netfloor.units.ClassHandle.class);
    }
    assertThat(out.get(8)).isInstanceOf(io.netfloor.AdmissionException.class);
    assertThat(out.get(9)).isInstanceOf(InterfaceConflictException.class);
    assertThat(out.get(10)).isInstanceOf(InterfaceConflictException.class);
    assertThat(out.get(11)).isEqualTo(true);
    assertThat(out.get(12)).isInstanceOf(io.netfloor.units.ClassHandle.class);
    assertThat(s.tree().interfaces().keySet()).containsExactlyInAnyOrder("old", "vm2", "vm3",
        "vm4", "vm5", "vm6", "vm7", "vm8", "vm9");
    assertAgreement(s, memory, backing);
  }

  @Test
  void aKernelRefusalOfTheCombinedExchangeFailsOnlyTheCallAtFault() throws Exception {
    InMemoryTrafficControl memory = new InMemoryTrafficControl().addDevice(BR);
    CombinedCalls.PoisonedMac poisoned = new CombinedCalls.PoisonedMac(memory,
        CombinedCalls.mac(3));
    Gate gate = new Gate(poisoned);
    InMemoryStatusStore store = new InMemoryStatusStore();
    NetworkShaper s = NetworkShaperTest.create(NetworkShaperTest.config(FilterLayout.HASHED),
        gate, store);
    s.start();
    NetworkEventsTest.Recorder events = new NetworkEventsTest.Recorder();
    s.addListener(events);
    List<Supplier<Object>> calls = new ArrayList<>();
    for (int i = 1; i <= 5; i++) {
      int k = i;
      calls.add(() -> s.plug("vm" + k, CombinedCalls.mac(k), TEN));
    }
    int before = poisoned.plans.size();
    List<Object> out = queueBehindOneCall(s, gate, () -> s.plug("first", CombinedCalls.mac(50),
        TEN), calls);

    assertThat(out.get(2)).isInstanceOf(TrafficControlException.class);
    assertThat(out).filteredOn(o -> o instanceof io.netfloor.units.ClassHandle).hasSize(4);
    assertThat(s.tree().interfaces().keySet()).containsExactlyInAnyOrder("first", "vm1", "vm2",
        "vm4", "vm5");
    assertAgreement(s, memory, store);
    // first alone; the five combined (refused, undone); then each alone
    List<Plan> applied = poisoned.plans.subList(before, poisoned.plans.size());
    assertThat(applied.get(1).ops()).filteredOn(op -> op instanceof TcOp.Add a
        && a.object() instanceof U32MacFilter).hasSize(5);
    // one Plugged per success, one Refused for vm3, in call order
    events.awaitOne(e -> e instanceof NetworkEvent.Plugged p && p.iface().alias().value().equals("vm5"));
    List<String> told = new ArrayList<>();
    for (NetworkEvent e : List.copyOf(events.events)) {
      if (e instanceof NetworkEvent.Plugged p) {
        told.add(p.iface().alias().value());
      } else if (e instanceof NetworkEvent.Refused r) {
        told.add("refused " + r.alias().orElseThrow());
        assertThat(r.reason()).isSameAs(out.get(2));
      }
    }
    assertThat(told).containsExactly("first", "vm1", "vm2", "refused vm3", "vm4", "vm5");
  }
}
