// SPDX-License-Identifier: Apache-2.0
package io.netfloor.persistence;

import static org.assertj.core.api.Assertions.assertThat;

import io.netfloor.model.InterfaceAlias;
import io.netfloor.model.NetworkName;
import io.netfloor.model.NetworkStatus;
import io.netfloor.model.StatusChange;
import io.netfloor.spi.StatusStore;
import io.netfloor.units.InterfaceName;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An interrupted caller neither fails the others' records nor breaks the store: the journal is
 * not closed by an interrupt (a plain FileChannel would be, for every thread using it).
 */
class InterruptedCommitTest {
  @TempDir Path tmp;

  private static StatusChange plug(String alias, int id) {
    return new StatusChange.InterfaceSet(FileStatusStoreTest.floored(alias, id, 1));
  }

  @Test
  void anInterruptedLeaderSyncsForTheWaitersAndTheStoreKeepsWorking() throws Exception {
    Path dir = tmp.resolve("store");
    ExecutorService leaderThread = Executors.newSingleThreadExecutor();
    try (FileStatusStore store = FileStatusStore.open(dir)) {
      store.save(NetworkStatus.empty(NetworkName.of("net"), InterfaceName.of("br0")));
      // records written, waiting for a sync
      StatusStore.Pending a = store.append("net", plug("vm3", 3));
      StatusStore.Pending b = store.append("net", plug("vm4", 4));
      long syncsBefore = store.journalSyncs();
      // the leader: interrupted before it writes and syncs (a FileChannel closes itself at once)
      CompletableFuture<Boolean> leader = CompletableFuture.supplyAsync(() -> {
        Thread.currentThread().interrupt();
        store.record("net", plug("vm5", 5));
        return Thread.interrupted(); // the caller's interrupt is kept for it
      }, leaderThread);
      assertThat(leader.get(30, TimeUnit.SECONDS)).isTrue();
      assertThat(store.journalSyncs() - syncsBefore).isEqualTo(1); // its sync covered a and b
      a.awaitDurable();
      b.awaitDurable();
      // the journal is still open for everyone: a record after it, from an uninterrupted thread
      store.record("net", plug("vm6", 6));
      assertThat(store.load("net").orElseThrow().interfaces().keySet().stream().map(InterfaceAlias::value).toList())
          .containsExactlyInAnyOrder("vm3", "vm4", "vm5", "vm6");
    } finally {
      leaderThread.shutdownNow();
    }
    try (FileStatusStore fresh = FileStatusStore.open(dir)) {
      assertThat(fresh.load("net").orElseThrow().interfaces().keySet().stream().map(InterfaceAlias::value).toList())
          .containsExactlyInAnyOrder("vm3", "vm4", "vm5", "vm6");
    }
  }

  @Test
  void interruptsDuringConcurrentRecordsLoseNoAcknowledgedRecord() throws Exception {
    Path dir = tmp.resolve("store");
    int threads = 6;
    int perThread = 40;
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    java.util.Set<String> acknowledged = java.util.concurrent.ConcurrentHashMap.newKeySet();
    try (FileStatusStore store = FileStatusStore.open(dir)) {
      store.save(NetworkStatus.empty(NetworkName.of("net"), InterfaceName.of("br0")));
      java.util.List<java.util.concurrent.Future<?>> done = new java.util.ArrayList<>();
      for (int t = 0; t < threads; t++) {
        int thread = t;
        done.add(pool.submit(() -> {
          for (int i = 0; i < perThread; i++) {
            int id = 3 + thread * perThread + i;
            if (i % 3 == thread % 3) {
              Thread.currentThread().interrupt(); // every third record of each thread
            }
            store.record("net", plug("vm" + id, id));
            Thread.interrupted();
            acknowledged.add("vm" + id);
          }
          return null;
        }));
      }
      for (java.util.concurrent.Future<?> f : done) {
        f.get(60, TimeUnit.SECONDS);
      }
    } finally {
      pool.shutdownNow();
    }
    assertThat(acknowledged).hasSize(threads * perThread);
    try (FileStatusStore fresh = FileStatusStore.open(dir)) {
      assertThat(fresh.load("net").orElseThrow().interfaces().keySet().stream().map(InterfaceAlias::value).toList())
          .containsExactlyInAnyOrderElementsOf(acknowledged);
    }
  }
}
