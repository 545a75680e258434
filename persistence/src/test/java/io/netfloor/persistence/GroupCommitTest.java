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
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Records of one network from several threads share fdatasyncs, and each is durable on return. */
class GroupCommitTest {
  @TempDir Path tmp;

  @Test
  void concurrentRecordsShareSyncsAndEveryReturnedRecordSurvives() throws Exception {
    int threads = 8;
    int perThread = 60;
    Path dir = tmp.resolve("store");
    Set<String> returned = ConcurrentHashMap.newKeySet();
    long syncs;
    try (FileStatusStore store = FileStatusStore.open(dir)) {
      store.save(NetworkStatus.empty(NetworkName.of("net"), InterfaceName.of("br0")));
      long before = store.journalSyncs();
      CyclicBarrier start = new CyclicBarrier(threads);
      ExecutorService pool = Executors.newFixedThreadPool(threads);
      List<Future<?>> done = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        int thread = t;
        done.add(pool.submit(() -> {
          start.await();
          for (int i = 0; i < perThread; i++) {
            int id = 3 + thread * perThread + i;
            String alias = "vm" + id;
            store.record("net", new StatusChange.InterfaceSet(
                FileStatusStoreTest.floored(alias, id, 1 + i)));
            returned.add(alias);
          }
          return null;
        }));
      }
      for (Future<?> f : done) {
        f.get(60, TimeUnit.SECONDS);
      }
      pool.shutdown();
      syncs = store.journalSyncs() - before;
    }
    int records = threads * perThread;
    assertThat(returned).hasSize(records);
    assertThat(syncs).isPositive().isLessThan(records);
    try (FileStatusStore fresh = FileStatusStore.open(dir)) {
      assertThat(fresh.load("net").orElseThrow().interfaces().keySet().stream().map(InterfaceAlias::value).toList())
          .containsExactlyInAnyOrderElementsOf(returned);
    }
  }

  @Test
  void oneSyncCoversEveryRecordAppendedBeforeIt() {
    Path dir = tmp.resolve("store");
    List<String> aliases = List.of("vm3", "vm4", "vm5", "vm6", "vm7");
    try (FileStatusStore store = FileStatusStore.open(dir)) {
      store.save(NetworkStatus.empty(NetworkName.of("net"), InterfaceName.of("br0")));
      List<StatusStore.Pending> pending = new ArrayList<>();
      for (int i = 0; i < aliases.size(); i++) {
        pending.add(store.append("net", new StatusChange.InterfaceSet(
            FileStatusStoreTest.floored(aliases.get(i), 3 + i, 10))));
      }
      long before = store.journalSyncs();
      pending.get(pending.size() - 1).awaitDurable();
      for (StatusStore.Pending p : pending) {
        p.awaitDurable();
      }
      assertThat(store.journalSyncs() - before).isEqualTo(1);
    }
    try (FileStatusStore fresh = FileStatusStore.open(dir)) {
      assertThat(fresh.load("net").orElseThrow().interfaces().keySet().stream().map(InterfaceAlias::value).toList())
          .containsExactlyElementsOf(aliases);
    }
  }

  @Test
  void closingTheStoreSyncsWhatWasAppended() {
    Path dir = tmp.resolve("store");
    StatusStore.Pending pending;
    try (FileStatusStore store = FileStatusStore.open(dir)) {
      store.save(NetworkStatus.empty(NetworkName.of("net"), InterfaceName.of("br0")));
      pending = store.append("net", new StatusChange.InterfaceSet(
          FileStatusStoreTest.floored("vm3", 3, 10)));
    }
    pending.awaitDurable(); // synced when the journal was closed
    try (FileStatusStore fresh = FileStatusStore.open(dir)) {
      assertThat(fresh.load("net").orElseThrow().interfaces()).containsKey(InterfaceAlias.of("vm3"));
    }
  }
}
