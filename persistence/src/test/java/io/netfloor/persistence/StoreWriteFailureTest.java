// SPDX-License-Identifier: Apache-2.0
package io.netfloor.persistence;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netfloor.model.InterfaceAlias;
import io.netfloor.model.NetworkName;
import io.netfloor.persistence.internal.JournalFile;
import io.netfloor.model.NetworkStatus;
import io.netfloor.model.StatusChange;
import io.netfloor.spi.StatusStoreException;
import io.netfloor.units.InterfaceName;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.TreeSet;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Writes that fail half-way: the store either completes the change or leaves no trace of it, never
 * loses an acknowledged one, and says what failed; once the cause is gone it carries on. A write
 * is made to fail by a non-empty directory where the store puts its temporary file (the store runs
 * as root here, so permissions would not stop it).
 */
class StoreWriteFailureTest {
  @TempDir Path tmp;
  Path dir;

  @BeforeEach
  void paths() {
    dir = tmp.resolve("store");
  }

  /** Makes the next atomic replacement of {@code file} fail; returns what {@link #clear} removes. */
  private Path obstruct(String file) throws IOException {
    Path obstacle = dir.resolve("." + file + ".tmp");
    Files.createDirectories(obstacle.resolve("in-the-way"));
    return obstacle;
  }

  private static void clear(Path obstacle) throws IOException {
    Files.delete(obstacle.resolve("in-the-way"));
    Files.delete(obstacle);
  }

  private static StatusChange plug(int id) {
    return new StatusChange.InterfaceSet(FileStatusStoreTest.floored("vm" + id, id, 1));
  }

  @Test
  void aFirstSaveWhoseJournalCannotBeWrittenLeavesNothing() throws IOException {
    try (FileStatusStore store = FileStatusStore.open(dir)) {
      store.save(NetworkStatus.empty(NetworkName.of("other"), InterfaceName.of("br1")));
      byte[] index = Files.readAllBytes(store.indexFile());
      Path obstacle = obstruct("net.journal");
      assertThatThrownBy(() -> store.save(NetworkStatus.empty(NetworkName.of("net"), InterfaceName.of("br0"))))
          .isInstanceOf(StatusStoreException.class)
          .hasMessageContaining("cannot save status of network 'net'")
          .hasMessageContaining(store.journalFile("net").toString());
      assertThat(store.statusFile("net")).doesNotExist();
      assertThat(store.journalFile("net")).doesNotExist();
      assertThat(Files.readAllBytes(store.indexFile())).isEqualTo(index);
      assertThat(store.load("net")).isEmpty();
      assertThat(store.networks()).containsExactly("other");
      clear(obstacle);
      store.save(NetworkStatus.empty(NetworkName.of("net"), InterfaceName.of("br0")));
      store.record("net", plug(3));
    }
    try (FileStatusStore store = FileStatusStore.open(dir)) {
      assertThat(store.load("net").orElseThrow().interfaces()).containsOnlyKeys(InterfaceAlias.of("vm3"));
    }
  }

  @Test
  void aFirstSaveWhoseSnapshotCannotBeWrittenIsNoNetwork() throws IOException {
    try (FileStatusStore store = FileStatusStore.open(dir)) {
      Path obstacle = obstruct("net.status");
      assertThatThrownBy(() -> store.save(NetworkStatus.empty(NetworkName.of("net"), InterfaceName.of("br0"))))
          .isInstanceOf(StatusStoreException.class)
          .hasMessageContaining("save of " + store.statusFile("net") + " failed");
      assertThat(store.statusFile("net")).doesNotExist();
      assertThat(store.indexFile()).doesNotExist();
      assertThat(store.load("net")).isEmpty();
      assertThat(store.networks()).isEmpty();
      clear(obstacle);
    }
    try (FileStatusStore store = FileStatusStore.open(dir)) {
      assertThat(store.load("net")).isEmpty();
      assertThat(store.networks()).isEmpty();
    }
  }

  /**
   * The snapshot's rename commits a save: when the journal cannot be restarted after it, the save
   * still succeeded, and the old journal (of the replaced generation) is never replayed onto it.
   */
  @Test
  void aSaveCommittedBeforeItsJournalCouldBeRestartedKeepsTheSavedStatus() throws IOException {
    NetworkStatus replacement = NetworkStatus.empty(NetworkName.of("net"), InterfaceName.of("br9"));
    Path obstacle;
    try (FileStatusStore store = FileStatusStore.open(dir)) {
      store.save(NetworkStatus.empty(NetworkName.of("net"), InterfaceName.of("br0")));
      store.record("net", plug(3));
      obstacle = obstruct("net.journal");
      store.save(replacement);
      // the journal cannot be restarted yet, so nothing can be recorded: said, and nothing changes
      assertThatThrownBy(() -> store.load("net")).isInstanceOf(StatusStoreException.class)
          .hasMessageContaining(store.journalFile("net").toString());
      assertThatThrownBy(() -> store.record("net", plug(4)))
          .isInstanceOf(StatusStoreException.class);
    }
    try (FileStatusStore readOnly = FileStatusStore.openReadOnly(dir)) {
      assertThat(readOnly.load("net")).contains(replacement);
    }
    clear(obstacle);
    try (FileStatusStore store = FileStatusStore.open(dir)) {
      assertThat(store.load("net")).contains(replacement);
      store.record("net", plug(5));
    }
    try (FileStatusStore store = FileStatusStore.open(dir)) {
      assertThat(store.load("net")).contains(plug(5).applyTo(replacement));
    }
  }

  /** A first save that could not list its network in the index: listed at the next open. */
  @Test
  void aSavedNetworkTheIndexCouldNotTakeIsListedAtTheNextOpen() throws IOException {
    try (FileStatusStore store = FileStatusStore.open(dir)) {
      store.save(NetworkStatus.empty(NetworkName.of("first"), InterfaceName.of("br1")));
      Path obstacle = obstruct("networks.index");
      store.save(NetworkStatus.empty(NetworkName.of("net"), InterfaceName.of("br0")));
      assertThat(Files.readString(store.indexFile())).doesNotContain("network net");
      assertThat(store.networks()).containsExactly("first", "net");
      assertThat(store.load("net")).isPresent();
      clear(obstacle);
    }
    try (FileStatusStore store = FileStatusStore.open(dir)) {
      assertThat(Files.readString(store.indexFile())).contains("network first\nnetwork net\n");
      assertThat(store.networks()).containsExactly("first", "net");
    }
  }

  /** Compaction is housekeeping: when it fails, the record it followed stays recorded. */
  @Test
  void aFailedCompactionLosesNoRecordAndIsRetried() throws Exception {
    FileStatusStore.Compaction often = new FileStatusStore.Compaction(0, 0.01);
    NetworkStatus expected = NetworkStatus.empty(NetworkName.of("net"), InterfaceName.of("br0"));
    Path obstacle;
    try (FileStatusStore store = FileStatusStore.open(dir, often)) {
      store.save(expected);
      obstacle = obstruct("net.status");
      for (int id = 3; id < 6; id++) {
        store.record("net", plug(id)); // each is due for compaction, which fails
        expected = plug(id).applyTo(expected);
        assertThat(store.load("net")).contains(expected);
      }
      assertThat(JournalFile.decode(Files.readAllBytes(store.journalFile("net"))).entries())
          .hasSize(3);
      clear(obstacle);
      store.record("net", plug(6)); // compacts
      expected = plug(6).applyTo(expected);
      assertThat(JournalFile.decode(Files.readAllBytes(store.journalFile("net"))).base())
          .isEqualTo(4);
    }
    try (FileStatusStore store = FileStatusStore.open(dir, often)) {
      assertThat(store.load("net")).contains(expected);
    }
  }

  /** A full journal must be compacted before the next record: if that fails, nothing is recorded. */
  @Test
  void aRecordIntoAFullJournalThatCannotBeCompactedIsRefused() throws Exception {
    NetworkStatus expected = NetworkStatus.empty(NetworkName.of("net"), InterfaceName.of("br0"));
    try (FileStatusStore store = FileStatusStore.open(dir, new FileStatusStore.Compaction(0, 0.01))) {
      store.save(expected); // a journal with little room
    }
    FileStatusStore.Compaction never = new FileStatusStore.Compaction(1L << 40, 1.0);
    try (FileStatusStore store = FileStatusStore.open(dir, never)) {
      Path journal = store.journalFile("net");
      Path obstacle = obstruct("net.status");
      int id = 100;
      while (true) {
        StatusChange change = new StatusChange.ClassesParked(new TreeSet<>(List.of(id++)));
        byte[] bytes = Files.readAllBytes(journal);
        JournalFile.Contents before = JournalFile.decode(bytes);
        if (before.end() + JournalFile.record(before.entries().size() + 1, change).length
            > before.size()) {
          assertThatThrownBy(() -> store.record("net", change))
              .isInstanceOf(StatusStoreException.class)
              .hasMessageContaining(journal + " is full and compacting it into "
                  + store.statusFile("net") + " failed").hasMessageContaining("nothing was recorded");
          assertThat(Files.readAllBytes(journal)).isEqualTo(bytes);
          assertThat(store.load("net")).contains(expected);
          clear(obstacle);
          store.record("net", change);
          expected = change.applyTo(expected);
          break;
        }
        store.record("net", change);
        expected = change.applyTo(expected);
      }
    }
    try (FileStatusStore store = FileStatusStore.open(dir, never)) {
      assertThat(store.load("net")).contains(expected);
    }
  }

  /** An interrupted compaction that cannot be finished yet is reported, and finished later. */
  @Test
  void anInterruptedCompactionThatCannotBeFinishedIsReportedAndFinishedLater() throws Exception {
    NetworkStatus small = FileStatusStoreTest.small();
    StatusChange third = new StatusChange.ClassesParked(new TreeSet<>(List.of(7)));
    Path journal = dir.resolve("default.journal");
    try (FileStatusStore store = FileStatusStore.open(dir, new FileStatusStore.Compaction(8192, 1))) {
      store.save(small);
      store.record("default", FileStatusStoreTest.FIRST);
    }
    byte[] oldJournal = Files.readAllBytes(journal);
    try (FileStatusStore store = FileStatusStore.open(dir, new FileStatusStore.Compaction(0, 0.001))) {
      store.record("default", third); // compacts: the snapshot now includes records 1 and 2
    }
    // the crash between the snapshot's and the journal's rename
    Files.write(journal, FileStatusStoreTest.writtenAt(oldJournal,
        FileStatusStoreTest.recordsEnd(oldJournal), JournalFile.record(2, third)));
    NetworkStatus expected = third.applyTo(FileStatusStoreTest.FIRST.applyTo(small));
    try (FileStatusStore store = FileStatusStore.open(dir)) {
      Path obstacle = obstruct("default.journal");
      assertThatThrownBy(() -> store.load("default")).isInstanceOf(StatusStoreException.class)
          .hasMessageContaining("cannot finish finishing a compaction a crash interrupted");
      clear(obstacle);
      assertThat(store.load("default")).contains(expected);
    }
    assertThat(JournalFile.decode(Files.readAllBytes(journal)).base()).isEqualTo(2);
  }

  /** A lock file planted as a link is not followed: the store refuses the directory. */
  @Test
  void aLockFileThatIsALinkIsRefused() throws IOException {
    Files.createDirectories(dir);
    Path target = Files.writeString(tmp.resolve("elsewhere"), "x");
    Files.createSymbolicLink(dir.resolve(".lock"), target);
    assertThatThrownBy(() -> FileStatusStore.open(dir)).isInstanceOf(StatusStoreException.class)
        .hasMessageContaining("cannot open status directory").hasMessageContaining(".lock");
    assertThatThrownBy(() -> FileStatusStore.openReadOnly(dir))
        .isInstanceOf(StatusStoreException.class)
        .hasMessageContaining("cannot open status directory").hasMessageContaining(".lock");
    assertThat(Files.readString(target)).isEqualTo("x");
    Files.delete(dir.resolve(".lock"));
    FileStatusStore.open(dir).close();
  }
}
