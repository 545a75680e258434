// SPDX-License-Identifier: Apache-2.0
package io.netfloor.shaping.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.locks.Lock;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;

/**
 * Combines calls that contend for one lock: each call queues its request, and whichever caller gets
 * the lock takes every request queued by then and applies them together (one kernel exchange, one
 * record, one disk flush for all), in the order they were queued; the other callers find theirs
 * done when they wake. No thread of its own and no spinning: a caller whose request is not done
 * parks until the leader completes it, or until the lock is released with its request still
 * queued (then it tries to lead).
 *
 * <p>The lock's owner must call {@link #wakeNext()} after every release of the lock (also by code
 * that does not use the combiner), so that requests queued meanwhile get a leader.
 *
 * @param <R> the requests
 */
public final class Combiner<R extends Combiner.Request> {
  /** One queued call: done once its leader has applied it (with a result or a failure). */
  public abstract static class Request {
    private final Thread caller = Thread.currentThread();
    /** Set under the lock by the leader that took it from the queue. */
    private volatile boolean taken;
    private volatile boolean done;

    /**
     * Whether the request was applied (its outcome is then visible to its caller).
     *
     * @return true once a leader completed it
     */
    public final boolean isDone() {
      return done;
    }
  }

  private final Lock lock;
  private final ConcurrentLinkedQueue<R> queue = new ConcurrentLinkedQueue<>();

  /**
   * A combiner of calls that need {@code lock}.
   *
   * @param lock the lock every request is applied under
   */
  public Combiner(Lock lock) {
    this.lock = Objects.requireNonNull(lock, "lock");
  }

  /**
   * Queues {@code request} and returns once it is done: applied by this thread, holding the lock,
   * together with every request queued by then, or by another caller that led. The leader then
   * releases the lock and, outside it, finishes its batch (for instance makes its changes durable,
   * while the next leader already applies the next batch) before it tells the batch's callers
   * their requests are done: each caller wakes once, with nothing left to wait for. Interrupts do
   * not end the wait (a change under way is not abandoned half-way); the interrupt status is kept.
   *
   * @param request the caller's request, made by the calling thread
   * @param applyAll under the lock: applies the requests in order and gives each its outcome
   * @param release releases the lock after leading (and calls {@link #wakeNext()})
   * @param afterRelease outside the lock, by the leader: finishes the batch's requests; every
   *     request is marked done afterwards, even when this or {@code applyAll} throws
   */
  public void submit(R request, Consumer<List<R>> applyAll, Runnable release,
      Consumer<List<R>> afterRelease) {
    Request own = request;
    if (own.caller != Thread.currentThread()) {
      throw new IllegalArgumentException("a request is submitted by the thread that made it");
    }
    queue.add(request);
    boolean interrupted = false;
    try {
      while (!own.done) {
        // a request taken by a leader is done once that leader finished it: only wait then
        if (!own.taken && lock.tryLock()) {
          List<R> batch = new ArrayList<>();
          try {
            for (R r = queue.poll(); r != null; r = queue.poll()) {
              ((Request) r).taken = true;
              batch.add(r);
            }
            if (!batch.isEmpty()) {
              applyAll.accept(batch);
            }
          } finally {
            try {
              release.run();
            } finally {
              try {
                afterRelease.accept(batch);
              } finally {
                complete(batch);
              }
            }
          }
        } else {
          LockSupport.park(this);
          // an interrupt would make every later park return at once: keep it for the caller
          interrupted |= Thread.interrupted();
        }
      }
    } finally {
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
    }
  }

  private void complete(List<R> batch) {
    Thread self = Thread.currentThread();
    for (Request r : batch) {
      r.done = true;
      if (r.caller != self) {
        LockSupport.unpark(r.caller);
      }
    }
  }

  /**
   * After the lock was released: wakes the caller of the first queued request, which then tries to
   * lead. (If another thread took the lock first, its release wakes it again.)
   */
  public void wakeNext() {
    Request head = queue.peek();
    if (head != null) {
      LockSupport.unpark(head.caller);
    }
  }

  /**
   * Whether requests are queued (for work that should let them in before it goes on).
   *
   * @return true when at least one request waits for a leader
   */
  public boolean hasWaiting() {
    return !queue.isEmpty();
  }
}
