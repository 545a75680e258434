// SPDX-License-Identifier: Apache-2.0
package io.netfloor.shaping.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
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

  // a new lock and combiner for each test (JUnit makes an instance per test)
  private final ReentrantLock lock = new ReentrantLock();
  private final Combiner<Req> combiner = new Combiner<>(lock);
  /** Releases the lock as its owner must: unlocks, then wakes the next queued caller. */
  private final Runnable release = () -> {
    lock.unlock();
    combiner.wakeNext();
  };

  @Test
  void everyRequestIsAppliedOnceInItsThreadsOrderWhileOthersTakeTheLockToo() throws Exception {
    int threads = 12;
    int each = 2000;
    List<Req> applied = new ArrayList<>(); // under the lock
    List<Integer> batchSizes = new ArrayList<>();
    AtomicBoolean stop = new AtomicBoolean();
    // a user of the lock that is not a combined call (as the pool's top-up is)
    Thread other = new Thread(() -> {
      while (!stop.get()) {
        lock.lock();
        try {
          Thread.onSpinWait();
        } finally {
          release.run();
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
          }, release, batch -> { });
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
    lock.lock(); // held elsewhere: the caller must wait
    AtomicBoolean interruptedAfter = new AtomicBoolean();
    Req[] request = new Req[1];
    Thread caller = new Thread(() -> {
      Thread.currentThread().interrupt();
      request[0] = new Req(0, 0);
      combiner.submit(request[0], batch -> { }, release, batch -> { });
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
    release.run();
    caller.join(TimeUnit.MINUTES.toMillis(1));
    assertThat(caller.isAlive()).isFalse();
    assertThat(request[0].isDone()).isTrue();
    assertThat(interruptedAfter.get()).isTrue();
  }

  @Test
  void aLeaderFinishesItsBatchOutsideTheLockWhileTheNextLeaderApplies() throws Exception {
    java.util.Map<Req, Integer> applications = new java.util.concurrent.ConcurrentHashMap<>();
    Consumer<List<Req>> apply = batch -> {
      assertThat(lock.isHeldByCurrentThread()).isTrue();
      batch.forEach(r -> applications.merge(r, 1, Integer::sum));
    };
    CountDownLatch inAfter = new CountDownLatch(1);
    CountDownLatch finish = new CountDownLatch(1);
    List<Integer> finishedBatch = new ArrayList<>();
    Req[] reqs = new Req[2]; // a request is made by the thread that submits it
    lock.lock(); // held here, so that the leader and the follower queue in this order
    Thread leader = new Thread(() -> combiner.submit(reqs[0] = new Req(0, 0), apply, release,
        batch -> {
      assertThat(lock.isHeldByCurrentThread()).as("after release").isFalse();
      assertThat(batch).allMatch(r -> !r.isDone());
      batch.forEach(r -> finishedBatch.add(r.thread));
      inAfter.countDown();
      try {
        assertThat(finish.await(1, TimeUnit.MINUTES)).isTrue();
      } catch (InterruptedException e) {
        throw new IllegalStateException(e);
      }
    }));
    Thread follower = new Thread(() -> combiner.submit(reqs[1] = new Req(1, 0), apply, release,
        batch -> { }));
    leader.start();
    awaitParked(leader);
    follower.start();
    awaitParked(follower);
    Req leaderReq = reqs[0];
    Req followerReq = reqs[1];
    release.run();
    assertThat(inAfter.await(1, TimeUnit.MINUTES)).isTrue();
    assertThat(finishedBatch).containsExactly(0, 1);
    // the follower's request was taken: it waits for the leader, it does not lead it again, and
    // woken early (as a park may return spuriously) it parks again instead of spinning on the lock
    assertThat(followerReq.isDone()).isFalse();
    java.util.concurrent.locks.LockSupport.unpark(follower);
    Thread.sleep(20);
    awaitParked(follower);
    // the lock is free meanwhile: a third caller applies its own request and returns
    Req third = new Req(2, 0);
    combiner.submit(third, apply, release, batch -> { });
    assertThat(third.isDone()).isTrue();
    assertThat(followerReq.isDone()).isFalse();
    finish.countDown();
    leader.join(TimeUnit.MINUTES.toMillis(1));
    follower.join(TimeUnit.MINUTES.toMillis(1));
    assertThat(leaderReq.isDone()).isTrue();
    assertThat(followerReq.isDone()).isTrue();
    assertThat(applications).containsOnlyKeys(leaderReq, followerReq, third)
        .allSatisfy((r, n) -> assertThat(n).isEqualTo(1));
  }

  /** What a leader that failed, and the follower in its batch, saw. */
  private record Failed(Req leader, Req follower, Throwable thrown, List<Integer> finished,
      boolean lockFree) {}

  /**
   * A leader and a follower queue (in that order) behind the lock held here; once it is released,
   * the leader applies both with {@code apply}, releases the lock (then throws, if
   * {@code releaseThrows}) and finishes the batch (then throws, if {@code afterThrows}).
   */
  private Failed leaderFails(Consumer<List<Req>> apply, boolean releaseThrows,
      boolean afterThrows) throws InterruptedException {
    Runnable leaderRelease = () -> {
      release.run();
      if (releaseThrows) {
        throw new IllegalStateException("listener failed");
      }
    };
    List<Integer> finished = new CopyOnWriteArrayList<>();
    Consumer<List<Req>> after = batch -> {
      batch.forEach(r -> finished.add(r.thread));
      if (afterThrows) {
        throw new IllegalStateException("disk gone");
      }
    };
    Req[] reqs = new Req[2]; // a request is made by the thread that submits it
    Throwable[] thrown = new Throwable[1];
    lock.lock();
    Thread leader = new Thread(() -> {
      try {
        combiner.submit(reqs[0] = new Req(0, 0), apply, leaderRelease, after);
      } catch (IllegalStateException e) {
        thrown[0] = e;
      }
    });
    Thread follower = new Thread(() -> combiner.submit(reqs[1] = new Req(1, 0), batch -> { },
        release, batch -> { }));
    leader.start();
    awaitParked(leader);
    follower.start();
    awaitParked(follower);
    release.run();
    leader.join(TimeUnit.MINUTES.toMillis(1));
    follower.join(TimeUnit.MINUTES.toMillis(1)); // a request left not done would hang here
    assertThat(follower.isAlive()).isFalse();
    return new Failed(reqs[0], reqs[1], thrown[0], finished, !lock.isLocked());
  }

  @Test
  void aBatchIsDoneEvenWhenTheLeadersFinishingThrows() throws Exception {
    Failed f = leaderFails(batch -> { }, false, true);
    assertThat(f.leader().isDone()).isTrue();
    assertThat(f.follower().isDone()).isTrue();
    assertThat(f.thrown()).hasMessage("disk gone");
    assertThat(f.lockFree()).isTrue();
  }

  @Test
  void whenApplyingThrowsTheBatchIsStillReleasedFinishedAndDone() throws Exception {
    Failed f = leaderFails(batch -> {
      throw new IllegalStateException("kernel gone");
    }, false, false);
    assertThat(f.leader().isDone()).isTrue();
    assertThat(f.follower().isDone()).isTrue();
    assertThat(f.finished()).as("finished after the failure, by the leader").containsExactly(0, 1);
    assertThat(f.thrown()).hasMessage("kernel gone");
    assertThat(f.lockFree()).isTrue();
  }

  @Test
  void aReleaseThatThrowsStillLeavesEveryRequestFinishedAndDone() throws Exception {
    Failed f = leaderFails(batch -> { }, true, false);
    assertThat(f.follower().isDone()).isTrue();
    assertThat(f.finished()).containsExactly(0, 1);
    assertThat(f.thrown()).hasMessage("listener failed");
  }

  private static void awaitParked(Thread t) throws InterruptedException {
    for (int i = 0; i < 10_000 && t.getState() != Thread.State.WAITING; i++) {
      Thread.sleep(1);
    }
    assertThat(t.getState()).isEqualTo(Thread.State.WAITING);
  }
}
