// SPDX-License-Identifier: Apache-2.0
package io.netfloor.persistence;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netfloor.model.NetworkName;
import io.netfloor.persistence.internal.FormatException;
import io.netfloor.persistence.internal.JournalFile;
import io.netfloor.model.NetworkStatus;
import io.netfloor.model.StatusChange;
import io.netfloor.units.InterfaceName;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The compaction policy as {@link FileStatusStore.Compaction} documents it: when a journal is due,
 * and how much room a fresh journal is created with (its fixed length on disk), at the boundaries.
 */
class CompactionPolicyTest {
  @TempDir Path tmp;

  @Test
  void boundsAreCheckedAndZeroIsAValidMinimum() {
    assertThatThrownBy(() -> new FileStatusStore.Compaction(-1, 1.0))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("-1");
    for (double ratio : new double[] {0.0, -0.5, Double.NaN}) {
      assertThatThrownBy(() -> new FileStatusStore.Compaction(0, ratio)).as("ratio %s", ratio)
          .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("positive");
    }
    FileStatusStore.Compaction always = new FileStatusStore.Compaction(0, Double.MIN_VALUE);
    assertThat(always.minJournalBytes()).isZero();
  }

  /** Due once the journal holds more than both the minimum and ratio × the snapshot; not at them. */
  @Test
  void aJournalIsDueOnlyAboveBothThresholds() {
    FileStatusStore.Compaction c = new FileStatusStore.Compaction(1000, 2.0);
    assertThat(c.due(1000, 10)).as("at the minimum").isFalse();
    assertThat(c.due(1001, 10)).as("above the minimum, above ratio × snapshot").isTrue();
    assertThat(c.due(2000, 1000)).as("at ratio × snapshot").isFalse();
    assertThat(c.due(2001, 1000)).as("above both").isTrue();
    assertThat(c.due(1500, 1000)).as("above the minimum only").isFalse();
    assertThat(FileStatusStore.Compaction.DEFAULT.due(64 * 1024, 0)).isFalse();
    assertThat(FileStatusStore.Compaction.DEFAULT.due(64 * 1024 + 1, 0)).isTrue();
  }

  /** The room for records of the journal a save creates: its length on disk minus its header. */
  private static long roomAfterSave(Path dir, FileStatusStore.Compaction c, NetworkStatus status)
      throws IOException, FormatException {
    try (FileStatusStore store = FileStatusStore.open(dir, c)) {
      store.save(status);
    }
    byte[] journal = Files.readAllBytes(dir.resolve(status.network() + ".journal"));
    JournalFile.Contents contents = JournalFile.decode(journal);
    assertThat(contents.size()).isEqualTo(journal.length);
    return contents.size() - contents.end();
  }

  @Test
  void aFreshJournalHasRoomForTheThresholdPlusOneRecordAndNoMore() throws Exception {
    NetworkStatus status = FileStatusStoreTest.small();
    long snapshotBytes;
    try (FileStatusStore store = FileStatusStore.open(tmp.resolve("probe"))) {
      store.save(status);
      snapshotBytes = Files.size(store.statusFile("default"));
    }
    long record = FileStatusStore.Compaction.RECORD_ROOM;
    // the minimum decides
    assertThat(roomAfterSave(tmp.resolve("a"), new FileStatusStore.Compaction(8192, 1.0), status))
        .isEqualTo(8192 + record);
    // ratio × the snapshot's size decides
    assertThat(roomAfterSave(tmp.resolve("b"), new FileStatusStore.Compaction(0, 3.0), status))
        .isEqualTo(3 * snapshotBytes + record);
    assertThat(roomAfterSave(tmp.resolve("c"), new FileStatusStore.Compaction(10, 0.5), status))
        .isEqualTo(snapshotBytes / 2 + record);
    // capped: at most MAX_JOURNAL_ROOM bytes of room, whatever the policy says
    assertThat(roomAfterSave(tmp.resolve("d"), new FileStatusStore.Compaction(0, 1e12), status))
        .isEqualTo(FileStatusStore.Compaction.MAX_JOURNAL_ROOM);
    assertThat(roomAfterSave(tmp.resolve("e"),
        new FileStatusStore.Compaction(FileStatusStore.Compaction.MAX_JOURNAL_ROOM, 1.0), status))
        .isEqualTo(FileStatusStore.Compaction.MAX_JOURNAL_ROOM);
  }

  /**
   * A record that does not fit the journal's room makes the store compact first, into a fresh
   * journal that holds that record; nothing is lost and the journal's length stays what its header
   * says. (The journal was created by a store with another policy, so it fills up before the policy
   * says it is due.)
   */
  @Test
  void aFullJournalIsCompactedBeforeTheRecordThatDoesNotFit() throws Exception {
    Path dir = tmp.resolve("store");
    Path journal = dir.resolve("net.journal");
    NetworkStatus expected = NetworkStatus.empty(NetworkName.of("net"), InterfaceName.of("br0"));
    try (FileStatusStore store = FileStatusStore.open(dir, new FileStatusStore.Compaction(0, 0.01))) {
      store.save(expected);
    }
    long firstRoom = Files.size(journal) - JournalFile.decode(Files.readAllBytes(journal)).end();
    assertThat(firstRoom).isLessThan(FileStatusStore.Compaction.RECORD_ROOM + 100);
    // never due by this policy: only a full journal compacts
    FileStatusStore.Compaction never = new FileStatusStore.Compaction(1L << 40, 1.0);
    try (FileStatusStore store = FileStatusStore.open(dir, never)) {
      for (int i = 1; ; i++) {
        StatusChange change = new StatusChange.ClassesParked(new TreeSet<>(List.of(100 + i)));
        store.record("net", change);
        expected = change.applyTo(expected);
        JournalFile.Contents now = JournalFile.decode(Files.readAllBytes(journal));
        assertThat(now.size()).isEqualTo(Files.size(journal));
        if (now.base() != 0) {
          // compacted before record i: the snapshot holds 1..i-1, the fresh journal record i
          assertThat(now.base()).isEqualTo(i - 1);
          assertThat(now.entries()).extracting(JournalFile.Entry::seq).containsExactly((long) i);
          assertThat(now.size() - now.end()).isGreaterThan(firstRoom);
          assertThat(i).isGreaterThan(10);
          break;
        }
        assertThat(now.entries()).hasSize(i);
        assertThat(now.end()).isLessThanOrEqualTo(now.size());
      }
      assertThat(store.load("net")).contains(expected);
    }
    try (FileStatusStore store = FileStatusStore.open(dir, never)) {
      assertThat(store.load("net")).contains(expected);
    }
  }
}
