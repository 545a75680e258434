// SPDX-License-Identifier: Apache-2.0
package io.netfloor.shaping.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.ReentrantLock;
import org.junit.jupiter.api.Test;

/** The combiner: every request done exactly once, in queue order, and no caller left waiting. */
class CombinerTest {
  private static final class Req extends Combiner.Request {
    final int thread;
    final int index;
    int appliedAt = -1;

    Req(int thread, int index) {
      this.thread = thread;
      this.index = index;
    }
  }

  @Test
  void everyRequestIsAppliedOnceInItsThreadsOrderWhileOthersTakeTheLockToo() throws Exception {
    ReentrantLock lock = new ReentrantLock();
    Combiner<Req> combiner = new Combiner<>(lock);
    int threads = 12;
    int each = 2000;
    List<Req> applied = new ArrayList<>(); // under the lock
    List<Integer> batchSizes = new ArrayList<>();
    Runnable release = () -> {
      lock.unlock();
      combiner.wakeNext();
    };
    AtomicBoolean stop = new AtomicBoolean();
    // a user of the lock that is not a combined call (as the pool's top-up is)
    Thread other = new Thread(() -> {
      while (!stop.get()) {
        lock.lock();
        try {
          Thread.onSpinWait();
        } finally {
          lock.unlock();
          combiner.wakeNext();
        }
        Thread.yield();
      }
    });
    other.start();
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    CountDownLatch go = new CountDownLatch(1);
    List<Future<List<Req>>> done = new ArrayList<>();
    for (int t = 0; t < threads; t++) {
      int thread = t;
      done.add(pool.submit(() -> {
        go.await();
        List<Req> mine = new ArrayList<>();
        for (int i = 0; i < each; i++) {
          Req r = new Req(thread, i);
          combiner.submit(r, batch -> {
            assertThat(lock.isHeldByCurrentThread()).isTrue();
            batchSizes.add(batch.size());
            for (Req q : batch) {
              q.appliedAt = applied.size();
              applied.add(q);
            }
          }, release);
          assertThat(r.isDone()).isTrue();
          assertThat(lock.isHeldByCurrentThread()).isFalse();
          mine.add(r);
        }
        return mine;
      }));
    }
    go.countDown();
    try {
      for (Future<List<Req>> f : done) {
        List<Req> mine = f.get(2, TimeUnit.MINUTES); // a lost wake-up would hang here
        for (int i = 1; i < mine.size(); i++) {
          assertThat(mine.get(i).appliedAt).isGreaterThan(mine.get(i - 1).appliedAt);
        }
      }
    } finally {
      stop.set(true);
      other.join();
      pool.shutdownNow();
    }
    assertThat(applied).hasSize(threads * each).doesNotHaveDuplicates();
    assertThat(combiner.hasWaiting()).isFalse();
    assertThat(batchSizes.stream().mapToInt(Integer::intValue).sum()).isEqualTo(threads * each);
  }

  @Test
  void anInterruptedCallerStillWaitsForItsRequestAndKeepsItsInterrupt() throws Exception {
    ReentrantLock lock = new ReentrantLock();
    Combiner<Req> combiner = new Combiner<>(lock);
    Runnable release = () -> {
      lock.unlock();
      combiner.wakeNext();
    };
    lock.lock(); // held elsewhere: the caller must wait
    AtomicBoolean interruptedAfter = new AtomicBoolean();
    Req[] request = new Req[1];
    Thread caller = new Thread(() -> {
      Thread.currentThread().interrupt();
      request[0] = new Req(0, 0);
      combiner.submit(request[0], batch -> { }, release);
      interruptedAfter.set(Thread.currentThread().isInterrupted());
    });
    caller.start();
    while (!combiner.hasWaiting()) {
      Thread.sleep(1);
    }
    // parked, not spinning: a park that returned at once for the interrupt would be RUNNABLE
    for (int i = 0; i < 20; i++) {
      Thread.sleep(5);
      if (caller.getState() != Thread.State.WAITING) {
        Thread.sleep(20); // it may be between two parks, briefly; then it must be parked again
        assertThat(caller.getState()).isEqualTo(Thread.State.WAITING);
      }
    }
    lock.unlock();
    combiner.wakeNext();
    caller.join(TimeUnit.MINUTES.toMillis(1));
    assertThat(caller.isAlive()).isFalse();
    assertThat(request[0].isDone()).isTrue();
    assertThat(interruptedAfter.get()).isTrue();
  }
}
