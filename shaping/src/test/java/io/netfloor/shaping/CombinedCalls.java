// SPDX-License-Identifier: Apache-2.0
package io.netfloor.shaping;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import io.netfloor.NetFloorException;
import io.netfloor.model.Bandwidth;
import io.netfloor.plan.Plan;
import io.netfloor.plan.TcOp;
import io.netfloor.plan.U32MacFilter;
import io.netfloor.spi.ForwardingTrafficControl;
import io.netfloor.spi.TrafficControl;
import io.netfloor.spi.TrafficControlException;
import io.netfloor.units.MacAddress;
import io.netfloor.units.Rate;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/**
 * Concurrent plugs, unplugs and updates on one network, checked against the same calls applied
 * one at a time in the order the shaper applied them. That order is read from the events: every
 * call that changes something or is refused produces exactly one event (Plugged, Unplugged,
 * Updated or Refused, whose reason is the very exception its caller got), in the order the calls
 * were applied; calls that find nothing to do change nothing and produce none.
 */
final class CombinedCalls {
  private CombinedCalls() {}

  /** One call: kind 0 plug, 1 unplug, 2 update. */
  record Op(int kind, String alias, MacAddress mac, Bandwidth bandwidth) {
    Object applyTo(NetworkShaper s) {
      return switch (kind) {
        case 0 -> s.plug(alias, mac, bandwidth);
        case 1 -> s.unplug(alias);
        default -> s.update(alias, bandwidth);
      };
    }
  }

  /** Random calls over few aliases and MACs, so that they collide: refusals of every kind. */
  static List<List<Op>> randomOps(long seed, int threads, int perThread, int aliases) {
    Random r = new Random(seed);
    List<List<Op>> out = new ArrayList<>();
    for (int t = 0; t < threads; t++) {
      List<Op> ops = new ArrayList<>();
      for (int i = 0; i < perThread; i++) {
        int a = r.nextInt(aliases);
        // a MAC usually the alias's own, sometimes another alias's: a conflict
        int m = r.nextInt(8) == 0 ? r.nextInt(aliases) : a;
        ops.add(new Op(r.nextInt(3), "vm" + a, mac(m),
            Bandwidth.floor(Rate.ofMegabits(1 + r.nextInt(30)))));
      }
      out.add(ops);
    }
    return out;
  }

  static MacAddress mac(int i) {
    return MacAddress.parse(String.format("52:54:00:02:%02x:%02x", i / 256, i % 256));
  }

  /** A kernel that refuses every filter for one MAC (EIO, after applying the ops before it). */
  static final class PoisonedMac extends ForwardingTrafficControl {
    private final MacAddress poisoned;
    final List<Plan> plans = new CopyOnWriteArrayList<>();

    PoisonedMac(TrafficControl delegate, MacAddress poisoned) {
      super(delegate);
      this.poisoned = poisoned;
    }

    @Override
    public void apply(Plan plan) {
      plans.add(plan);
      List<TcOp> ok = new ArrayList<>();
      for (TcOp op : plan.ops()) {
        if (op instanceof TcOp.Add a && a.object() instanceof U32MacFilter f
            && f.mac().equals(poisoned)) {
          super.apply(new Plan(ok));
          throw new TrafficControlException("refused filter for " + poisoned, op, ok.size(), 5,
              "EIO", "refused by the test", null);
        }
        ok.add(op);
      }
      super.apply(plan);
    }
  }

  /** Collects the events that calls produce, in order. */
  static final class Events implements NetworkListener {
    final List<NetworkEvent> calls = new CopyOnWriteArrayList<>();
    private final CountDownLatch sentinel = new CountDownLatch(1);

    @Override
    public void onEvent(NetworkEvent event) {
      if (event instanceof NetworkEvent.Plugged p && p.iface().alias().value().equals(SENTINEL)) {
        sentinel.countDown();
      } else if (event instanceof NetworkEvent.Unplugged u
          && u.iface().alias().value().equals(SENTINEL)) {
        return;
      } else if (event instanceof NetworkEvent.Plugged || event instanceof NetworkEvent.Unplugged
          || event instanceof NetworkEvent.Updated || event instanceof NetworkEvent.Refused) {
        calls.add(event);
      }
    }
  }

  private static final String SENTINEL = "sentinel";

  /** What the concurrent run saw: each refusal with the call it refused. */
  record Run(List<NetworkEvent> events, Map<RuntimeException, Op> refusedCalls, int calls) {}

  /** Runs each list of calls in its own thread, all started together, on a started shaper. */
  static Run runConcurrently(NetworkShaper s, List<List<Op>> perThread) throws Exception {
    Events events = new Events();
    s.addListener(events);
    Map<RuntimeException, Op> refused = java.util.Collections.synchronizedMap(
        new IdentityHashMap<>());
    CountDownLatch go = new CountDownLatch(1);
    ExecutorService pool = Executors.newFixedThreadPool(perThread.size());
    List<Future<?>> done = new ArrayList<>();
    int calls = 0;
    for (List<Op> ops : perThread) {
      calls += ops.size();
      done.add(pool.submit(() -> {
        go.await();
        for (Op op : ops) {
          try {
            op.applyTo(s);
          } catch (NetFloorException e) {
            refused.put(e, op);
          }
        }
        return null;
      }));
    }
    go.countDown();
    try {
      for (Future<?> f : done) {
        f.get(5, TimeUnit.MINUTES);
      }
    } finally {
      pool.shutdownNow();
    }
    // events are delivered in order: once the sentinel's arrived, every call's has
    s.plug(SENTINEL, mac(0xfffe), Bandwidth.NONE); // no floor: always admitted
    assertThat(events.sentinel.await(1, TimeUnit.MINUTES)).as("sentinel event").isTrue();
    s.unplug(SENTINEL);
    s.removeListener(events);
    return new Run(List.copyOf(events.calls), Map.copyOf(refused), calls);
  }

  /**
   * Applies the run's calls one at a time to {@code serial} in the order the concurrent shaper
   * applied them, asserting that each has the outcome it had there: the same class, the same kind
   * of refusal.
   */
  static void replay(Run run, NetworkShaper serial) {
    Map<RuntimeException, Op> unseen = new IdentityHashMap<>(run.refusedCalls());
    for (NetworkEvent e : run.events()) {
      if (e instanceof NetworkEvent.Plugged p) {
        assertThat(serial.plug(p.iface().alias(), p.iface().mac(), p.iface().bandwidth()))
            .as("replayed plug of %s", p.iface().alias()).isEqualTo(p.iface().effectiveClass());
      } else if (e instanceof NetworkEvent.Unplugged u) {
        assertThat(serial.unplug(u.iface().alias())).isTrue();
      } else if (e instanceof NetworkEvent.Updated u) {
        assertThat(serial.update(u.after().alias(), u.after().bandwidth()))
            .isEqualTo(u.after().effectiveClass());
      } else {
        NetworkEvent.Refused r = (NetworkEvent.Refused) e;
        Op op = unseen.remove(r.reason());
        assertThat(op).as("the call refused by %s", r.reason().toString()).isNotNull();
        try {
          op.applyTo(serial);
          fail("replayed %s was not refused, concurrently it was: %s", op, r.reason());
        } catch (NetFloorException again) {
          assertThat(again).as("replayed %s", op).isInstanceOf(r.reason().getClass());
        }
      }
    }
    assertThat(unseen).as("refusals without their event").isEmpty();
  }
}
