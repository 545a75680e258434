// SPDX-License-Identifier: Apache-2.0
package io.netfloor.shaping;

import io.netfloor.NetFloorException;
import io.netfloor.model.HtbTree;
import io.netfloor.model.NetworkConfig;
import io.netfloor.model.TreeChange;
import java.util.concurrent.Executor;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The parked-class pool of one {@link NetworkShaper} (see {@link ParkedPoolPolicy}): when plugs
 * run it low, tops it up off the callers' path in small chunks that give way to concurrent
 * callers; at start parks up to the minimum; after a quiet spell releases what the minimum does not
 * need; counts for {@link PoolStats}; owns the pool's own thread (or uses the executor given) and
 * stops it on {@link #close()}.
 *
 * <p>It decides when and how many classes to park or release, never how: each parking or release is
 * a change of the shaper's tree, committed by the shaper ({@link Shaper}) under its lock like every
 * other change. The model, the kernel, the store and the lock stay the shaper's; the bookkeeping
 * here is read and written under that lock, except the count of calls in flight and the deferral
 * flag, which callers touch without it.
 */
final class ParkedPool {
  // NetworkShaper's category: what users configure for the shaper covers its pool too
  private static final Logger log = LoggerFactory.getLogger(NetworkShaper.class);

  /**
   * Classes parked per hold of the lock: a plug waits at most for this many class adds (each costs
   * the kernel more the larger the tree: milliseconds at 16,000 interfaces).
   */
  private static final int TOP_UP_CHUNK = 8;

  /** What the pool needs of its shaper: the lock, the model and committing a change. */
  interface Shaper {
    /**
     * Runs {@code body} under the shaper's lock, with the shaper's release protocol (the wake-up of
     * queued calls, the wait for the durability of what the body committed).
     */
    <T> T locked(Supplier<T> body);

    /** Under the lock: whether the network is shaped. */
    boolean started();

    /** The configuration in effect (its name and whether it has floors). */
    NetworkConfig config();

    /** Under the lock: the tree as last committed. */
    HtbTree tree();

    /** Under the lock: applies and records {@code change}, as every change of the shaper. */
    void commit(String what, TreeChange change);

    /**
     * Under the lock: as {@link #commit}, without making the calling thread wait for the record's
     * disk flush.
     */
    void commitUnflushed(String what, TreeChange change);

    /** Whether plugs, unplugs or updates are queued for the lock. */
    boolean callsWaiting();

    /** Whether any thread waits for the lock. */
    boolean lockWanted();
  }

  private final ParkedPoolPolicy pool;
  private final ShaperOptions options;
  private final Shaper shaper;
  /** Plug, unplug and update calls between their submission and their return (durable). */
  private final AtomicInteger callsInFlight = new AtomicInteger();
  /** A top-up that gave way to concurrent callers, to resume when they are gone. */
  private final AtomicBoolean topUpDeferred = new AtomicBoolean();
  /** The pool's own thread, when no executor was given; made at the first start. */
  private ScheduledExecutorService poolThread;
  private boolean closed;
  // the pool's bookkeeping, under the lock
  private boolean topUpPending;
  private int topUpGoal;
  private long plugsSinceTopUp;
  private long lastPlugNanos;
  private long plugsFromPool;
  private long plugsWithAdd;
  private long poolParked;
  private long poolReleased;

  ParkedPool(ShaperOptions options, Shaper shaper) {
    this.options = options;
    this.pool = options.parkedPool();
    this.shaper = shaper;
  }

  /** Under the lock: the pool's state for {@link NetworkShaper#poolStats()}. */
  PoolStats stats() {
    return new PoolStats(shaper.tree().parkedClassIds().size(), pool, plugsFromPool,
        plugsWithAdd, poolParked, poolReleased, topUpPending);
  }

  /** {@link NetworkShaper#maintainPool()}: takes the lock. */
  int maintain() {
    return shaper.locked(() -> {
      HtbTree tree = shaper.tree();
      if (!pool.enabled() || !shaper.started() || !shaper.config().supportsFloors()) {
        return 0;
      }
      int parked = tree.parkedClassIds().size();
      long idleNanos = options.nanoTicker().getAsLong() - lastPlugNanos;
      if (!pool.idleRelease().isZero() && idleNanos >= pool.idleRelease().toNanos()
          && parked > pool.minimum() && !topUpPending) {
        int release = parked - pool.minimum();
        shaper.commit("release of " + release + " idle parked classes",
            tree.releaseParked(release));
        poolReleased += release;
        return -release;
      }
      if (parked < pool.minimum()) {
        return parkForPool(pool.minimum() - parked);
      }
      return 0;
    });
  }

  /** {@link NetworkShaper#close()}: takes the lock, then waits for the pool's thread. */
  void close() {
    ScheduledExecutorService thread = shaper.locked(() -> {
      closed = true;
      topUpPending = false;
      ScheduledExecutorService t = poolThread;
      poolThread = null;
      return t;
    });
    if (thread != null) {
      // no interrupt: an interrupted fdatasync would close the store's journal under everyone
      thread.shutdown();
      try {
        if (!thread.awaitTermination(30, TimeUnit.SECONDS)) {
          log.warn("network {}: pool top-up still running after 30 s", shaper.config().name());
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  /**
   * Under the lock, once the network is started (or resumed): the idle clock starts now, and the
   * pool is filled up to the minimum, so the first plugs find classes.
   */
  void atStart() {
    lastPlugNanos = options.nanoTicker().getAsLong();
    NetworkConfig config = shaper.config();
    if (!pool.enabled() || closed || !config.supportsFloors()) {
      return;
    }
    int parked = shaper.tree().parkedClassIds().size();
    if (parked < pool.minimum()) {
      try {
        parkForPool(pool.minimum() - parked);
      } catch (NetFloorException e) {
        // rolled back like any refused change; plugs add classes until a top-up succeeds
        log.warn("network {}: cannot park the pool's first classes: {}", config.name(),
            e.getMessage());
      }
    }
    poolExecutor();
  }

  /** Under the lock, once the network is stopped: a top-up under way ends at its next chunk. */
  void stopped() {
    topUpPending = false;
  }

  /** Under the lock: where top-ups run; the shaper's own thread is made on first use. */
  private Executor poolExecutor() {
    if (options.poolExecutor().isPresent()) {
      return options.poolExecutor().get();
    }
    if (poolThread == null) {
      poolThread = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "netfloor-pool-" + shaper.config().name());
        t.setDaemon(true);
        return t;
      });
      if (!pool.idleRelease().isZero()) {
        long periodMillis = Math.max(1000, pool.idleRelease().toMillis() / 4);
        poolThread.scheduleWithFixedDelay(this::maintainQuietly, periodMillis, periodMillis,
            TimeUnit.MILLISECONDS);
      }
    }
    return poolThread;
  }

  /** Under the lock: parks up to {@code wanted} classes for the pool, as many as ids allow. */
  private int parkForPool(int wanted) {
    HtbTree tree = shaper.tree();
    int free = tree.classIds().capacity() - tree.classIds().usedCount();
    int n = Math.min(wanted, free);
    if (n <= 0) {
      return 0;
    }
    // no disk flush of its own (it would make a plug arriving meanwhile wait for two): the record
    // is durable with the next change's flush, which covers every earlier record, or when the
    // store closes. Lost in a crash, its classes are unknown to the status, and reconcile deletes
    // them, which is all a parked class needs.
    shaper.commitUnflushed("parking of " + n + " pool classes", tree.park(n));
    poolParked += n;
    return n;
  }

  /** Under the lock, after a plug: counts it and schedules a top-up when the pool ran low. */
  void afterPlug(int parkedBefore, boolean needsClass) {
    boolean fromPool = shaper.tree().parkedClassIds().size() < parkedBefore;
    afterPlugs(fromPool ? 1 : 0, !fromPool && needsClass ? 1 : 0, 1);
  }

  /** Under the lock, after {@code plugs} plugs. */
  void afterPlugs(int fromPool, int withAdd, int plugs) {
    int parked = shaper.tree().parkedClassIds().size();
    plugsFromPool += fromPool;
    plugsWithAdd += withAdd;
    plugsSinceTopUp += plugs;
    lastPlugNanos = options.nanoTicker().getAsLong();
    if (!pool.enabled() || closed || topUpPending || parked >= pool.minimum()) {
      return;
    }
    int room = pool.maximum() - parked;
    if (room <= 0) {
      return;
    }
    topUpGoal = parked + Math.min(room, pool.batchFor(plugsSinceTopUp));
    plugsSinceTopUp = 0;
    topUpPending = true;
    try {
      poolExecutor().execute(this::topUp);
    } catch (RuntimeException rejected) {
      topUpPending = false; // closed meanwhile: the next plug takes a class add
      log.debug("network {}: pool top-up not scheduled: {}", shaper.config().name(),
          rejected.toString());
    }
  }

  /** A plug, unplug or update call begins (before it queues for the lock). */
  void callStarted() {
    callsInFlight.incrementAndGet();
  }

  /** A call returned (durable, or failed): resumes a top-up that gave way to concurrent callers. */
  void callEnded() {
    callsInFlight.decrementAndGet();
    resumeDeferredTopUp();
  }

  /**
   * Whether more than one call is under way (queued, applied, or waiting to be durable). A lone
   * caller waiting for the lock does not count: one thread plugging back to back never leaves the
   * pool a moment of its own, so the top-up goes on between its plugs (in their disk flushes) and
   * only lets each waiting plug in first.
   */
  private boolean callersConcurrent() {
    return callsInFlight.get() > 1;
  }

  /** After a call returned: resumes a top-up that gave way to concurrent callers. */
  private void resumeDeferredTopUp() {
    if (!callersConcurrent() && topUpDeferred.compareAndSet(true, false)) {
      shaper.locked(() -> {
        if (!topUpPending || closed) {
          topUpPending = false;
          return null;
        }
        try {
          poolExecutor().execute(this::topUp);
        } catch (RuntimeException rejected) {
          topUpPending = false; // the executor refused: the next plug that needs one schedules it
        }
        return null;
      });
    }
  }

  /**
   * Off the callers' path: parks classes up to the goal in small chunks, each a change of its own
   * (kernel, then the store, under the lock, as every change), letting waiting callers in between.
   */
  private void topUp() {
    try {
      while (true) {
        if (callersConcurrent()) {
          // callers run concurrently: their combined changes add the classes they need, cheaper
          // than parking them here (and then changing them) while the callers wait for the lock;
          // the last of them to return resumes the top-up
          topUpDeferred.set(true);
          if (callersConcurrent() || !topUpDeferred.compareAndSet(true, false)) {
            return;
          }
        }
        boolean more = shaper.locked(() -> {
          if (!topUpPending || !shaper.started() || closed) {
            topUpPending = false;
            return false;
          }
          int parked = shaper.tree().parkedClassIds().size();
          int n = Math.min(TOP_UP_CHUNK, topUpGoal - parked);
          if (n <= 0 || parkForPool(n) == 0) {
            topUpPending = false;
            return false;
          }
          return true;
        });
        if (!more) {
          return;
        }
        for (int i = 0; i < 100 && (shaper.lockWanted() || shaper.callsWaiting()); i++) {
          Thread.yield(); // a plug is waiting: let it in before the next chunk
        }
      }
    } catch (RuntimeException e) {
      shaper.locked(() -> topUpPending = false);
      log.warn("network {}: pool top-up failed (plugs add classes until the next one): {}",
          shaper.config().name(), e.toString());
    }
  }

  private void maintainQuietly() {
    try {
      maintain();
    } catch (RuntimeException e) {
      log.warn("network {}: pool maintenance failed: {}", shaper.config().name(), e.toString());
    }
  }
}
