// SPDX-License-Identifier: Apache-2.0
package io.netfloor.persistence;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netfloor.model.NetworkName;
import io.netfloor.model.NetworkStatus;
import io.netfloor.model.StatusChange;
import io.netfloor.spi.StatusStore;
import io.netfloor.spi.StatusStoreException;
import io.netfloor.testkit.NetFloorArbitraries;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.From;
import net.jqwik.api.constraints.Size;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * Any sequence of save/record/delete/reopen on a {@link FileStatusStore} gives the statuses that
 * applying the same changes to a model gives ({@link StatusChange#applyTo}), and the same as an
 * {@link InMemoryStatusStore}; compaction (forced often by tiny thresholds) changes nothing.
 */
class FileStatusStoreProperties {
  private static final List<String> NETWORKS = List.of("n1", "n2");

  sealed interface Op permits Save, Record, Delete, Reopen {}

  record Save(NetworkStatus status) implements Op {}

  record Record(String network, StatusChange change) implements Op {}

  record Delete(String network) implements Op {}

  record Reopen() implements Op {}

  @Provide
  Arbitrary<Op> ops() {
    Arbitrary<String> nets = Arbitraries.of(NETWORKS);
    return Arbitraries.frequencyOf(
        net.jqwik.api.Tuple.of(2,
            nets.flatMap(NetFloorArbitraries::networkStatuses).map(Save::new)),
        net.jqwik.api.Tuple.of(10,
            Combinators.combine(nets, NetFloorArbitraries.statusChanges()).as(Record::new)),
        net.jqwik.api.Tuple.of(1, nets.map(Delete::new)),
        net.jqwik.api.Tuple.of(2, Arbitraries.just(new Reopen())));
  }

  @Provide
  Arbitrary<FileStatusStore.Compaction> compactions() {
    return Arbitraries.of(new FileStatusStore.Compaction(0, 0.01),
        new FileStatusStore.Compaction(600, 0.5), FileStatusStore.Compaction.DEFAULT);
  }

  @Property(tries = 120)
  void fileStoreAgreesWithModelAndInMemoryStore(@ForAll @Size(max = 25) List<@From("ops") Op> ops,
      @ForAll("compactions") FileStatusStore.Compaction compaction) {
    Path dir = TempDirs.create().resolve("store");
    Map<String, NetworkStatus> model = new HashMap<>();
    StatusStore file = FileStatusStore.open(dir, compaction);
    try (InMemoryStatusStore memory = new InMemoryStatusStore()) {
      for (Op op : ops) {
        if (op instanceof Save s) {
          file.save(s.status());
          memory.save(s.status());
          model.put(s.status().network().value(), s.status());
        } else if (op instanceof Record r) {
          NetworkStatus before = model.get(r.network());
          if (before == null) {
            StatusStore f = file;
            assertThatThrownBy(() -> f.record(r.network(), r.change()))
                .isInstanceOf(StatusStoreException.class);
            assertThatThrownBy(() -> memory.record(r.network(), r.change()))
                .isInstanceOf(StatusStoreException.class);
          } else {
            file.record(r.network(), r.change());
            memory.record(r.network(), r.change());
            model.put(r.network(), r.change().applyTo(before));
          }
        } else if (op instanceof Delete d) {
          file.delete(d.network());
          memory.delete(d.network());
          model.remove(d.network());
        } else {
          file.close();
          file = FileStatusStore.open(dir, compaction);
        }
        for (String n : NETWORKS) {
          Optional<NetworkStatus> expected = Optional.ofNullable(model.get(n));
          assertThat(file.load(n)).as("file store, network %s after %s", n, op).isEqualTo(expected);
          assertThat(memory.load(n)).as("in-memory store, network %s after %s", n, op)
              .isEqualTo(expected);
        }
        assertThat(file.networks()).isEqualTo(model.keySet());
        assertThat(memory.networks()).isEqualTo(model.keySet());
      }
      file.close();
      // and a fresh store, reading only the files, sees the same
      try (FileStatusStore again = FileStatusStore.open(dir, compaction)) {
        for (String n : NETWORKS) {
          assertThat(again.load(n)).isEqualTo(Optional.ofNullable(model.get(n)));
        }
      }
    } finally {
      file.close();
      TempDirs.deleteRecursively(dir.getParent());
    }
  }

  @Property(tries = 200)
  void saveThenReopenIsLossless(@ForAll("statuses") NetworkStatus status) {
    Path dir = TempDirs.create().resolve("store");
    try {
      try (FileStatusStore store = FileStatusStore.open(dir)) {
        store.save(status);
      }
      try (FileStatusStore store = FileStatusStore.open(dir)) {
        assertThat(store.load(status.network().value())).contains(status);
      }
    } finally {
      TempDirs.deleteRecursively(dir.getParent());
    }
  }

  @Provide
  Arbitrary<NetworkStatus> statuses() {
    return NetFloorArbitraries.networkStatuses("net-0");
  }

  @Property(tries = 300)
  void recordedChangeIsLosslessThroughTheJournal(@ForAll("changes") StatusChange change) {
    Path dir = TempDirs.create().resolve("store");
    try {
      NetworkStatus start = NetworkStatus.empty(NetworkName.of("n"), io.netfloor.units.InterfaceName.of("br0"))
          .withParked(List.of(5, 6), true);
      try (FileStatusStore store = FileStatusStore.open(dir)) {
        store.save(start);
        store.record("n", change);
      }
      try (FileStatusStore store = FileStatusStore.open(dir)) {
        assertThat(store.load("n")).contains(change.applyTo(start));
      }
    } finally {
      TempDirs.deleteRecursively(dir.getParent());
    }
  }

  @Provide
  Arbitrary<StatusChange> changes() {
    return NetFloorArbitraries.statusChanges();
  }
}
