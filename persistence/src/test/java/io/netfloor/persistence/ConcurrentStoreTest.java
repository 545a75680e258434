// SPDX-License-Identifier: Apache-2.0
package io.netfloor.persistence;

import static org.assertj.core.api.Assertions.assertThat;

import io.netfloor.model.NetworkName;
import io.netfloor.model.NetworkStatus;
import io.netfloor.model.StatusChange;
import io.netfloor.spi.StatusStore;
import io.netfloor.units.InterfaceName;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Several threads, one network each (the engine serialises calls per network), one store. */
class ConcurrentStoreTest {
  @TempDir Path tmp;

  @Test
  void networksRecordedFromSeveralThreadsAllSurvive() throws Exception {
    int threads = 6;
    int perThread = 60;
    Path dir = tmp.resolve("store");
    FileStatusStore.Compaction often = new FileStatusStore.Compaction(512, 0.5);
    List<NetworkStatus> expected = new ArrayList<>();
    try (FileStatusStore file = FileStatusStore.open(dir, often);
        InMemoryStatusStore memory = new InMemoryStatusStore()) {
      ExecutorService pool = Executors.newFixedThreadPool(threads);
      List<Future<NetworkStatus>> results = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        String network = "net" + t;
        results.add(pool.submit(() -> {
          NetworkStatus s = NetworkStatus.empty(NetworkName.of(network), InterfaceName.of("br" + network));
          for (StatusStore store : List.of(file, memory)) {
            store.save(s);
          }
          for (int i = 0; i < perThread; i++) {
            StatusChange c = i % 4 == 3
                ? new StatusChange.InterfaceRemoved("vm" + (i - 2))
                : new StatusChange.InterfaceSet(FileStatusStoreTest.floored("vm" + i, 3 + i, 1 + i));
            file.record(network, c);
            memory.record(network, c);
            if (i % 10 == 0) {
              file.record(network, new StatusChange.ClassesParked(new TreeSet<>(List.of(900 + i))));
              memory.record(network, new StatusChange.ClassesParked(new TreeSet<>(List.of(900 + i))));
              s = new StatusChange.ClassesParked(new TreeSet<>(List.of(900 + i))).applyTo(c.applyTo(s));
            } else {
              s = c.applyTo(s);
            }
          }
          return s;
        }));
      }
      for (Future<NetworkStatus> f : results) {
        expected.add(f.get(60, TimeUnit.SECONDS));
      }
      pool.shutdown();
      for (NetworkStatus s : expected) {
        assertThat(file.load(s.network().value())).contains(s);
        assertThat(memory.load(s.network().value())).contains(s);
      }
    }
    try (FileStatusStore again = FileStatusStore.open(dir)) {
      assertThat(again.networks()).hasSize(threads);
      for (NetworkStatus s : expected) {
        assertThat(again.load(s.network().value())).contains(s);
      }
    }
  }
}
