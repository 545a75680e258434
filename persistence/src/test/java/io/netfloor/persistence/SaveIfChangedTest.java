// SPDX-License-Identifier: Apache-2.0
package io.netfloor.persistence;

import static org.assertj.core.api.Assertions.assertThat;

import io.netfloor.model.NetworkName;
import io.netfloor.persistence.internal.JournalFile;
import io.netfloor.model.NetworkStatus;
import io.netfloor.model.StatusChange;
import io.netfloor.units.InterfaceName;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link FileStatusStore#saveIfChanged}: a status equal to the stored one (snapshot plus journal)
 * writes nothing; any other status is saved; a journal due for compaction is compacted.
 */
class SaveIfChangedTest {
  @TempDir Path tmp;

  private static final FileStatusStore.Compaction RARELY =
      new FileStatusStore.Compaction(64 * 1024, 1.0);

  @Test
  void anEqualStatusWritesNothingAndAnotherOneIsSaved() throws Exception {
    Path dir = tmp.resolve("store");
    try (FileStatusStore store = FileStatusStore.open(dir, RARELY)) {
      // never saved: saved
      store.saveIfChanged(FileStatusStoreTest.small());
      assertThat(store.load("default")).contains(FileStatusStoreTest.small());
      store.record("default", FileStatusStoreTest.FIRST);
      NetworkStatus stored = FileStatusStoreTest.FIRST.applyTo(FileStatusStoreTest.small());
      String revision = store.revision("default").orElseThrow();
      byte[] snapshot = Files.readAllBytes(store.statusFile("default"));
      byte[] journal = Files.readAllBytes(store.journalFile("default"));

      store.saveIfChanged(stored);
      assertThat(store.revision("default")).contains(revision);
      assertThat(Files.readAllBytes(store.statusFile("default"))).isEqualTo(snapshot);
      assertThat(Files.readAllBytes(store.journalFile("default"))).isEqualTo(journal);

      NetworkStatus other = FileStatusStoreTest.LAST.applyTo(stored);
      store.saveIfChanged(other);
      assertThat(store.revision("default")).isNotEqualTo(java.util.Optional.of(revision));
      assertThat(store.load("default")).contains(other);
    }
    try (FileStatusStore store = FileStatusStore.open(dir, RARELY)) {
      assertThat(store.load("default")).contains(FileStatusStoreTest.LAST.applyTo(
          FileStatusStoreTest.FIRST.applyTo(FileStatusStoreTest.small())));
    }
  }

  /** Read again from disk by a fresh store, an equal status still writes nothing. */
  @Test
  void anEqualStatusOfANetworkNotYetReadWritesNothing() throws Exception {
    Path dir = tmp.resolve("store");
    try (FileStatusStore store = FileStatusStore.open(dir, RARELY)) {
      store.save(FileStatusStoreTest.small());
    }
    byte[] snapshot = Files.readAllBytes(dir.resolve("default.status"));
    try (FileStatusStore store = FileStatusStore.open(dir, RARELY)) {
      store.saveIfChanged(FileStatusStoreTest.small());
    }
    assertThat(Files.readAllBytes(dir.resolve("default.status"))).isEqualTo(snapshot);
  }

  /** A journal written under a laxer policy is due under this one: the save compacts it. */
  @Test
  void aJournalDueForCompactionIsCompactedEvenForAnEqualStatus() throws Exception {
    Path dir = tmp.resolve("store");
    NetworkStatus status = NetworkStatus.empty(NetworkName.of("net"), InterfaceName.of("br0"));
    try (FileStatusStore store = FileStatusStore.open(dir, RARELY)) {
      store.save(status);
      for (int i = 0; i < 10; i++) {
        StatusChange c = new StatusChange.ClassesParked(new TreeSet<>(List.of(100 + i)));
        store.record("net", c);
        status = c.applyTo(status);
      }
    }
    Path journal = dir.resolve("net.journal");
    assertThat(JournalFile.decode(Files.readAllBytes(journal)).entries()).hasSize(10);
    FileStatusStore.Compaction strict = new FileStatusStore.Compaction(0, 0.01);
    try (FileStatusStore store = FileStatusStore.open(dir, strict)) {
      store.saveIfChanged(status);
      assertThat(JournalFile.decode(Files.readAllBytes(journal)).entries()).isEmpty();
      assertThat(store.load("net")).contains(status);
    }
    try (FileStatusStore store = FileStatusStore.open(dir, strict)) {
      assertThat(store.load("net")).contains(status);
    }
  }

  @Test
  void theStoreNamesItsRealDirectory() throws Exception {
    Path real = Files.createDirectory(tmp.resolve("real"));
    Path link = Files.createSymbolicLink(tmp.resolve("link"), real);
    try (FileStatusStore store = FileStatusStore.open(link.resolve("store"))) {
      assertThat(store.directory()).isEqualTo(real.resolve("store").toRealPath());
      assertThat(store.isReadOnly()).isFalse();
      assertThat(store.toString()).contains(store.directory().toString())
          .doesNotContain("read-only");
    }
    try (FileStatusStore store = FileStatusStore.openReadOnly(link.resolve("store"))) {
      assertThat(store.directory()).isEqualTo(real.resolve("store").toRealPath());
      assertThat(store.toString()).contains(store.directory().toString()).contains("read-only");
    }
  }
}
