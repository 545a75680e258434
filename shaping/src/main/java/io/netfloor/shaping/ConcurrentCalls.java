// SPDX-License-Identifier: Apache-2.0
package io.netfloor.shaping;

import io.netfloor.model.Bandwidth;
import io.netfloor.model.HtbTree;
import io.netfloor.model.NetworkConfig;
import io.netfloor.model.PluggedInterface;
import io.netfloor.model.StatusChange;
import io.netfloor.model.TreeChange;
import io.netfloor.plan.ObjectKey;
import io.netfloor.plan.Plan;
import io.netfloor.plan.TcOp;
import io.netfloor.shaping.NetworkShaper.Unsynced;
import io.netfloor.shaping.internal.Combiner;
import io.netfloor.units.ClassHandle;
import io.netfloor.units.InterfaceName;
import io.netfloor.units.MacAddress;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Function;
import java.util.function.LongFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The plugs, unplugs and updates of one {@link NetworkShaper} that arrive concurrently, combined:
 * each call queues (through {@link Combiner}), and the caller that gets the shaper's lock decides
 * every call queued by then in arrival order, each on the tree the calls before it left, and
 * applies a run of them as one change (one kernel exchange, one record, one disk flush); when the
 * kernel or the store refuses the combined change, the calls run again one at a time, so that only
 * the call at fault fails. Then, with the lock released, it waits until the records are durable,
 * so that each caller wakes once, with its outcome.
 *
 * <p>It decides how calls are grouped and which outcome each gets; a call alone, and applying and
 * recording a change, are the shaper's ({@link Shaper}), which owns the model, the kernel, the
 * store and the lock. Also home of the merging of several changes' plans into one, which the
 * shaper's batch of plugs uses too.
 */
final class ConcurrentCalls {
  // NetworkShaper's category: the calls are logged as the shaper's other operations
  private static final Logger log = LoggerFactory.getLogger(NetworkShaper.class);

  /** What combined calls need of their shaper: its model, its calls alone, its commits. */
  interface Shaper {
    /** Under the lock: whether the network is shaped. */
    boolean started();

    /** Under the lock: whether the kernel must be reconciled before the next change. */
    boolean kernelSuspect();

    /** Under the lock: the tree as last committed. */
    HtbTree tree();

    /** The configuration in effect (the network's name). */
    NetworkConfig config();

    /** Under the lock: a plug on its own (decision, kernel, record, event). */
    ClassHandle plugAlone(String alias, MacAddress mac, Optional<InterfaceName> device,
        Bandwidth bandwidth);

    /** Under the lock: an unplug on its own. */
    boolean unplugAlone(String alias);

    /** Under the lock: an update on its own. */
    ClassHandle updateAlone(String alias, Bandwidth bandwidth);

    /**
     * Under the lock: applies {@code plan} and appends {@code records} as one entry, and the model
     * becomes {@code next}; or brings the kernel back and returns false.
     */
    boolean applyAllOrNothing(String what, Plan plan, Plan undo, List<StatusChange> records,
        HtbTree next);

    /** Under the lock: the record the last change left to await, which the caller now carries. */
    Unsynced takeUnsynced();

    /** Under the lock: {@code u} is awaited when the calling thread releases the lock. */
    void putUnsynced(Unsynced u);

    /** Outside the lock: waits until {@code u} is durable, else undoes its change and throws. */
    void awaitDurable(Unsynced u);

    /** Releases the lock after applying calls (the records travel with their calls). */
    void releaseLock();

    /** Under the lock: counts plugs for the pool, which may schedule a top-up. */
    void afterPlugs(int fromPool, int withAdd, int plugs);
  }

  private final ReentrantLock lock;
  /** Plugs, unplugs and updates waiting for the lock, applied together by whoever gets it. */
  private final Combiner<Call> queue;
  private final EventDispatcher events;
  private final Shaper shaper;

  ConcurrentCalls(ReentrantLock lock, EventDispatcher events, Shaper shaper) {
    this.lock = lock;
    this.queue = new Combiner<>(lock);
    this.events = events;
    this.shaper = shaper;
  }

  /**
   * {@link NetworkShaper#plug(String, MacAddress, Optional, Bandwidth)}: returns once the plug is
   * durable, or throws its refusal.
   */
  ClassHandle plug(String alias, MacAddress mac, Optional<InterfaceName> device,
      Bandwidth bandwidth) {
    return submit(new PlugCall(alias, mac, device, bandwidth),
        c -> "class " + c + ", floor " + floorOf(bandwidth));
  }

  /** {@link NetworkShaper#unplug(String)}, as {@link #plug}. */
  boolean unplug(String alias) {
    return submit(new UnplugCall(alias), done -> done ? "done" : "was not plugged");
  }

  /** {@link NetworkShaper#update(String, Bandwidth)}, as {@link #plug}. */
  ClassHandle update(String alias, Bandwidth bandwidth) {
    return submit(new UpdateCall(alias, bandwidth),
        c -> "class " + c + ", floor " + floorOf(bandwidth));
  }

  /**
   * After every release of the shaper's lock: wakes a queued caller to lead (see
   * {@link Combiner#wakeNext()}).
   */
  void wakeNext() {
    queue.wakeNext();
  }

  /** Whether calls are queued for the lock. */
  boolean hasWaiting() {
    return queue.hasWaiting();
  }

  /**
   * A plug, unplug or update queued for whichever caller holds the lock, so that concurrent calls on
   * one network share one kernel exchange, one record and one disk flush (see {@link #applyCalls}).
   */
  private abstract class Call extends Combiner.Request {
    final String kind;
    final String alias;
    Object result;
    Throwable failure;
    /** The record of the call's change, when it made one that is not yet known durable. */
    Unsynced unsynced;

    Call(String kind, String alias) {
      this.kind = kind;
      this.alias = alias;
    }

    /** Under the lock: the call on its own (decision, kernel, record, event), as without others. */
    abstract Object alone();

    /**
     * Whether the call, decided on {@code on}, can be part of a combined change: not when a
     * host-side device is involved (its checks read and clean the device first). This default
     * looks at the interface as plugged in {@code on}; a plug names its own device.
     */
    boolean combinable(HtbTree on) {
      PluggedInterface p = on.interfaces().get(alias);
      return p == null || p.device().isEmpty();
    }

    /** Under the lock: what the call does to {@code on}; throws the refusal the call would. */
    abstract Decision decide(HtbTree on);
  }

  /** A call decided on a tree: its result and change (none when there is nothing to do). */
  private record Decision(Object result, TreeChange change, LongFunction<NetworkEvent> event,
      boolean plug, boolean needsClass) {
    static Decision none(Object result) {
      return new Decision(result, null, null, false, false);
    }
  }

  private final class PlugCall extends Call {
    final MacAddress mac;
    final Optional<InterfaceName> device;
    final Bandwidth bandwidth;

    PlugCall(String alias, MacAddress mac, Optional<InterfaceName> device, Bandwidth bandwidth) {
      super("plug", alias);
      this.mac = mac;
      this.device = device;
      this.bandwidth = bandwidth;
    }

    @Override
    Object alone() {
      return shaper.plugAlone(alias, mac, device, bandwidth);
    }

    @Override
    boolean combinable(HtbTree on) {
      return device.isEmpty();
    }

    @Override
    Decision decide(HtbTree on) {
      PluggedInterface existing = on.interfaces().get(alias);
      if (existing != null && existing.mac().equals(mac) && existing.device().equals(device)
          && existing.bandwidth().equals(bandwidth)) {
        return Decision.none(existing.effectiveClass());
      }
      TreeChange change = on.plug(alias, mac, device, bandwidth);
      PluggedInterface plugged = change.affected().orElseThrow();
      Capacity after = Capacity.of(change.tree());
      return new Decision(plugged.effectiveClass(), change,
          seq -> new NetworkEvent.Plugged(shaper.config().name().value(), seq, plugged, after),
          true, existing == null && !bandwidth.floorOrZero().isZero());
    }
  }

  private final class UnplugCall extends Call {
    UnplugCall(String alias) {
      super("unplug", alias);
    }

    @Override
    Object alone() {
      return shaper.unplugAlone(alias);
    }

    @Override
    Decision decide(HtbTree on) {
      PluggedInterface was = on.interfaces().get(alias);
      if (was == null) {
        return Decision.none(false);
      }
      TreeChange change = on.unplug(alias);
      Capacity after = Capacity.of(change.tree());
      return new Decision(true, change,
          seq -> new NetworkEvent.Unplugged(shaper.config().name().value(), seq, was, after),
          false, false);
    }
  }

  private final class UpdateCall extends Call {
    final Bandwidth bandwidth;

    UpdateCall(String alias, Bandwidth bandwidth) {
      super("update", alias);
      this.bandwidth = bandwidth;
    }

    @Override
    Object alone() {
      return shaper.updateAlone(alias, bandwidth);
    }

    @Override
    Decision decide(HtbTree on) {
      PluggedInterface before = on.interfaces().get(alias);
      TreeChange change = on.update(alias, bandwidth);
      PluggedInterface after = change.affected().orElseThrow();
      Capacity capacity = Capacity.of(change.tree());
      return new Decision(after.effectiveClass(), change,
          seq -> new NetworkEvent.Updated(shaper.config().name().value(), seq, before, after,
              capacity), false, false);
    }
  }

  /**
   * Runs {@code call}, with the calls of other threads that wait for the lock at the same time, and
   * returns its result once its change is durable. Logged at DEBUG as the shaper logs its other
   * operations.
   */
  @SuppressWarnings("unchecked")
  private <T> T submit(Call call, Function<T, String> outcome) {
    long start = System.nanoTime();
    if (lock.isHeldByCurrentThread()) {
      runAlone(call); // from this shaper's own code under its lock: nothing to combine with
      if (call.unsynced != null) {
        shaper.putUnsynced(call.unsynced); // awaited when the lock is released, as before
        call.unsynced = null;
      }
    } else {
      // the caller that applies the call also waits until it is durable (see makeDurable)
      queue.submit(call, this::applyCalls, this::releaseAfterCalls, this::makeDurable);
    }
    String where = call.alias == null ? "" : " of '" + call.alias + "'";
    if (call.failure != null) {
      log.debug("network {}: {}{} refused after {} us: {}", shaper.config().name(), call.kind,
          where, (System.nanoTime() - start) / 1000, call.failure.getMessage());
      if (call.failure instanceof Error error) {
        throw error;
      }
      throw (RuntimeException) call.failure;
    }
    T result = (T) call.result;
    if (log.isDebugEnabled()) {
      log.debug("network {}: {}{}: {} ({} us)", shaper.config().name(), call.kind, where,
          outcome.apply(result), (System.nanoTime() - start) / 1000);
    }
    return result;
  }

  /**
   * Under the lock, by the caller that got it: the calls queued by then, in their order. Each call
   * is decided on the tree the calls before it left (so it is admitted or refused exactly as if the
   * calls had come one at a time); a run of calls that involve no host-side device is applied as
   * one change: one kernel exchange, one record, one disk flush. When the kernel or the store
   * refuses a combined change, nothing of it stays, and its calls are applied again one at a time,
   * so that only the call at fault fails.
   */
  private void applyCalls(List<Call> batch) {
    int i = 0;
    try {
      while (i < batch.size()) {
        i += applyCombined(batch.subList(i, batch.size()));
      }
    } catch (RuntimeException | Error e) {
      // a failure outside every call's own handling: the calls not yet given an outcome get it
      for (Call c : batch.subList(i, batch.size())) {
        if (c.result == null && c.failure == null) {
          c.failure = e;
        }
      }
    }
  }

  /**
   * Applies the longest combinable run at the start of {@code rest} as one change (or the first
   * call alone); returns how many calls it gave an outcome.
   */
  private int applyCombined(List<Call> rest) {
    if (rest.size() == 1 || !shaper.started() || shaper.kernelSuspect()
        || !rest.get(0).combinable(shaper.tree())) {
      runAlone(rest.get(0));
      return 1;
    }
    HtbTree next = shaper.tree();
    List<Call> group = new ArrayList<>();
    List<Decision> decisions = new ArrayList<>();
    List<Plan> plans = new ArrayList<>();
    List<Plan> undos = new ArrayList<>();
    List<StatusChange> records = new ArrayList<>();
    int plugs = 0;
    int fromPool = 0;
    int withAdd = 0;
    for (Call c : rest) {
      if (!c.combinable(next)) {
        break;
      }
      Decision d;
      try {
        d = c.decide(next);
      } catch (RuntimeException refused) {
        c.failure = refused; // its outcome, unless the combined change fails and it runs alone
        d = Decision.none(null);
      }
      group.add(c);
      decisions.add(d);
      if (d.change() != null) {
        int parkedBefore = next.parkedClassIds().size();
        next = d.change().tree();
        plans.add(d.change().plan());
        undos.add(0, d.change().undo());
        records.addAll(d.change().records());
        if (d.plug()) {
          boolean tookParked = next.parkedClassIds().size() < parkedBefore;
          plugs++;
          fromPool += tookParked ? 1 : 0;
          withAdd += !tookParked && d.needsClass() ? 1 : 0;
        }
      }
    }
    if (group.size() == 1) {
      group.get(0).failure = null;
      runAlone(group.get(0));
      return 1;
    }
    if (!plans.isEmpty() && !shaper.applyAllOrNothing("change of " + plans.size() + " interfaces"
        + " combined", plans.size() == 1 ? plans.get(0) : mergeChanges(concat(plans)),
        plans.size() == 1 ? undos.get(0) : mergeChanges(concat(undos)), records, next)) {
      for (Call c : group) {
        c.failure = null;
        runAlone(c);
      }
      return group.size();
    }
    Unsynced u = shaper.takeUnsynced();
    for (int k = 0; k < group.size(); k++) {
      Call c = group.get(k);
      Decision d = decisions.get(k);
      if (c.failure != null) {
        refused(c);
      } else {
        c.result = d.result();
        if (d.change() != null) {
          c.unsynced = u;
          events.publish(d.event());
        }
      }
    }
    if (plugs > 0) {
      shaper.afterPlugs(fromPool, withAdd, plugs);
    }
    return group.size();
  }

  /** Under the lock: {@code call} on its own, as its caller would apply it without others. */
  private void runAlone(Call call) {
    try {
      call.result = call.alone();
    } catch (RuntimeException e) {
      call.failure = e;
      refused(call);
    }
    call.unsynced = shaper.takeUnsynced();
  }

  /** Under the lock: tells listeners that {@code call} was refused, as other operations do. */
  private void refused(Call call) {
    RuntimeException e = (RuntimeException) call.failure;
    events.publish(seq -> new NetworkEvent.Refused(shaper.config().name().value(), seq, call.kind,
        Optional.ofNullable(call.alias), e));
  }

  /**
   * By the caller that applied {@code batch}, after releasing the lock (the next caller may already
   * apply the next calls): waits until the records of the batch's changes are durable (one disk
   * flush for all of them, shared with concurrent ones), so that their callers return as soon as
   * they wake; a call whose record cannot be made durable fails with the store's exception.
   */
  private void makeDurable(List<Call> batch) {
    for (Call c : batch) {
      if (c.unsynced == null) {
        continue;
      }
      try {
        shaper.awaitDurable(c.unsynced);
      } catch (RuntimeException notDurable) {
        if (c.failure == null) {
          c.failure = notDurable;
        } else {
          c.failure.addSuppressed(notDurable);
        }
      } finally {
        c.unsynced = null;
      }
    }
  }

  /** Releases the lock after applying calls; each call carries the record it waits for. */
  private void releaseAfterCalls() {
    shaper.releaseLock();
  }

  /** The operations of {@code plans}, one plan after the other. */
  static Plan concat(List<Plan> plans) {
    List<TcOp> ops = new ArrayList<>();
    plans.forEach(p -> ops.addAll(p.ops()));
    return new Plan(ops);
  }

  /**
   * Successive changes of one object (the default class, whose rate every plug lowers) become one
   * change from the first state to the last, at the place of the first: nothing else in a batch of
   * plugs reads the object's intermediate states.
   */
  static Plan mergeChanges(Plan plan) {
    Map<ObjectKey, Integer> changeAt = new HashMap<>();
    List<TcOp> ops = new ArrayList<>(plan.size());
    for (TcOp op : plan.ops()) {
      if (op instanceof TcOp.Change c) {
        Integer at = changeAt.get(c.after().key());
        if (at != null) {
          TcOp.Change first = (TcOp.Change) ops.get(at);
          ops.set(at, new TcOp.Change(first.before(), c.after()));
          continue;
        }
        changeAt.put(c.after().key(), ops.size());
      } else {
        changeAt.remove(op instanceof TcOp.Add a ? a.object().key()
            : ((TcOp.Delete) op).object().key());
      }
      ops.add(op);
    }
    // a change back to where it started is no change
    ops.removeIf(op -> op instanceof TcOp.Change c && c.before().equals(c.after()));
    return new Plan(ops);
  }

  private static String floorOf(Bandwidth bandwidth) {
    return bandwidth == null ? "-" : bandwidth.floorOrZero().toString();
  }
}
