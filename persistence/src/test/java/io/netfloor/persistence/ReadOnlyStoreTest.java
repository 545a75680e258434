// SPDX-License-Identifier: Apache-2.0
package io.netfloor.persistence;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netfloor.model.NetworkName;
import io.netfloor.model.NetworkStatus;
import io.netfloor.model.StatusChange;
import io.netfloor.persistence.internal.JournalFile;
import io.netfloor.spi.StatusStoreException;
import io.netfloor.units.InterfaceName;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link FileStatusStore#openReadOnly}: it reads every state a crash can leave as a store opened
 * for writing does, and changes no byte, length, modification time or name in the directory;
 * everything that would write is refused.
 */
class ReadOnlyStoreTest {
  private static final FileStatusStore.Compaction RARELY =
      new FileStatusStore.Compaction(8 * 1024, 1.0);

  @TempDir Path tmp;
  Path dir;
  Path snapshot;
  Path journal;

  @BeforeEach
  void paths() {
    dir = tmp.resolve("store");
    snapshot = dir.resolve("default.status");
    journal = dir.resolve("default.journal");
  }

  private NetworkStatus writeSmall() {
    try (FileStatusStore store = FileStatusStore.open(dir, RARELY)) {
      store.save(FileStatusStoreTest.small());
      store.record("default", FileStatusStoreTest.FIRST);
      store.record("default", FileStatusStoreTest.LAST);
    }
    return FileStatusStoreTest.LAST.applyTo(FileStatusStoreTest.FIRST.applyTo(
        FileStatusStoreTest.small()));
  }

  /** Per name: length, modification time and bytes. */
  private Map<String, String> state() throws IOException {
    Map<String, String> out = new TreeMap<>();
    try (Stream<Path> s = Files.list(dir)) {
      for (Path p : s.toList()) {
        out.put(p.getFileName().toString(), Files.size(p) + " "
            + Files.getLastModifiedTime(p, LinkOption.NOFOLLOW_LINKS) + " "
            + new String(Files.readAllBytes(p), StandardCharsets.ISO_8859_1));
      }
    }
    out.put(".", String.valueOf(Files.getLastModifiedTime(dir)));
    return out;
  }

  /** Loads read-only, checks nothing changed, and that a writing store then loads the same. */
  private void readsWithoutChanging(NetworkStatus expected) throws IOException {
    Map<String, String> before = state();
    try (FileStatusStore store = FileStatusStore.openReadOnly(dir)) {
      assertThat(store.isReadOnly()).isTrue();
      assertThat(store.load("default")).contains(expected);
      assertThat(store.load("other")).isEmpty();
      assertThat(store.networks()).containsExactly("default");
    }
    assertThat(state()).isEqualTo(before);
    try (FileStatusStore store = FileStatusStore.open(dir, RARELY)) {
      assertThat(store.load("default")).contains(expected);
    }
  }

  @Test
  void aTornRecordIsIgnoredNotZeroed() throws IOException {
    NetworkStatus expected = writeSmall();
    byte[] good = Files.readAllBytes(journal);
    byte[] line = JournalFile.record(3, new StatusChange.InterfaceRemoved("vm2"));
    Files.write(journal, FileStatusStoreTest.writtenAt(good, FileStatusStoreTest.recordsEnd(good),
        Arrays.copyOf(line, line.length / 2)));
    readsWithoutChanging(expected);
  }

  @Test
  void aRecordWithoutItsNewlineIsKeptNotRepaired() throws IOException {
    NetworkStatus expected = writeSmall();
    StatusChange third = new StatusChange.InterfaceRemoved("vm2");
    byte[] good = Files.readAllBytes(journal);
    byte[] line = JournalFile.record(3, third);
    Files.write(journal, FileStatusStoreTest.writtenAt(good, FileStatusStoreTest.recordsEnd(good),
        Arrays.copyOf(line, line.length - 1)));
    readsWithoutChanging(third.applyTo(expected));
  }

  @Test
  void aStaleJournalAfterAnInterruptedSaveIsIgnoredNotRestarted() throws IOException {
    writeSmall();
    byte[] oldJournal = Files.readAllBytes(journal);
    NetworkStatus replacement = NetworkStatus.empty(NetworkName.of("default"), InterfaceName.of("virbr0"));
    try (FileStatusStore store = FileStatusStore.open(dir, RARELY)) {
      store.save(replacement);
    }
    Files.write(journal, oldJournal);
    readsWithoutChanging(replacement);
  }

  @Test
  void anInterruptedCompactionIsReadNotFinished() throws IOException {
    NetworkStatus small = writeSmall();
    byte[] oldJournal = Files.readAllBytes(journal);
    StatusChange third = new StatusChange.ClassesParked(new TreeSet<>(List.of(7)));
    try (FileStatusStore store = FileStatusStore.open(dir, new FileStatusStore.Compaction(0, 0.001))) {
      store.record("default", third);
    }
    Files.write(journal, FileStatusStoreTest.writtenAt(oldJournal,
        FileStatusStoreTest.recordsEnd(oldJournal), JournalFile.record(3, third)));
    readsWithoutChanging(third.applyTo(small));
  }

  @Test
  void leftoverTemporariesStay() throws IOException {
    NetworkStatus expected = writeSmall();
    Files.writeString(dir.resolve(".default.status.tmp"), "half a snapshot");
    readsWithoutChanging(expected);
  }

  @Test
  void everythingThatWritesIsRefused() throws IOException {
    NetworkStatus expected = writeSmall();
    Map<String, String> before = state();
    try (FileStatusStore store = FileStatusStore.openReadOnly(dir)) {
      for (org.assertj.core.api.ThrowableAssert.ThrowingCallable call : List.<
          org.assertj.core.api.ThrowableAssert.ThrowingCallable>of(
          () -> store.save(expected),
          () -> store.saveIfChanged(expected),
          () -> store.record("default", FileStatusStoreTest.FIRST),
          () -> store.delete("default"))) {
        assertThatThrownBy(call).isInstanceOf(StatusStoreException.class)
            .hasMessageContaining("read-only").hasMessageContaining(dir.toString());
      }
      assertThat(store.load("default")).contains(expected);
    }
    assertThat(state()).isEqualTo(before);
  }

  @Test
  void aMissingDirectoryIsAnErrorAndNotCreated() {
    assertThatThrownBy(() -> FileStatusStore.openReadOnly(dir))
        .isInstanceOf(StatusStoreException.class).hasMessageContaining(dir + " does not exist");
    assertThat(dir).doesNotExist();
  }

  @Test
  void readersShareTheDirectoryButNotWithAWriter() {
    writeSmall();
    try (FileStatusStore first = FileStatusStore.openReadOnly(dir)) {
      assertThatThrownBy(() -> FileStatusStore.open(dir)).isInstanceOf(StatusStoreException.class)
          .hasMessageContaining("in use");
    }
    try (FileStatusStore writer = FileStatusStore.open(dir)) {
      assertThatThrownBy(() -> FileStatusStore.openReadOnly(dir))
          .isInstanceOf(StatusStoreException.class).hasMessageContaining("in use");
    }
    FileStatusStore.openReadOnly(dir).close();
  }

  @Test
  void anUnsafeDirectoryIsRefusedAlsoForReading() throws IOException {
    writeSmall();
    Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxrwxrwx"));
    assertThatThrownBy(() -> FileStatusStore.openReadOnly(dir))
        .isInstanceOf(StatusStoreException.class).hasMessageContaining(dir.toString())
        .hasMessageContaining("writable by group or others");
    Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
    Path link = tmp.resolve("link");
    Files.createSymbolicLink(link, dir);
    assertThatThrownBy(() -> FileStatusStore.openReadOnly(link))
        .isInstanceOf(StatusStoreException.class).hasMessageContaining(link + " is a symbolic link");
    assertThatThrownBy(() -> FileStatusStore.open(link))
        .isInstanceOf(StatusStoreException.class).hasMessageContaining(link + " is a symbolic link");
  }
}
