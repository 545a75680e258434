// SPDX-License-Identifier: Apache-2.0
package io.netfloor.persistence;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.netfloor.NetFloorException;
import io.netfloor.model.Bandwidth;
import io.netfloor.model.HtbTree;
import io.netfloor.model.InterfaceAlias;
import io.netfloor.model.Limits;
import io.netfloor.model.NetworkName;
import io.netfloor.model.NetworkStatus;
import io.netfloor.model.PluggedInterface;
import io.netfloor.model.StatusChange;
import io.netfloor.persistence.internal.JournalFile;
import io.netfloor.persistence.internal.SnapshotFile;
import io.netfloor.plan.U32Handle;
import io.netfloor.spi.StatusStoreException;
import io.netfloor.units.ByteSize;
import io.netfloor.units.InterfaceName;
import io.netfloor.units.MacAddress;
import io.netfloor.units.Rate;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.TreeMap;
import java.util.TreeSet;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FileStatusStoreTest {
  /** No compaction within these tests' few records, and small journals to read thousands of times. */
  private static final FileStatusStore.Compaction NEVER =
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

  static PluggedInterface floored(String alias, int id, long mbit) {
    return new PluggedInterface(alias, MacAddress.parse(String.format("52:54:00:00:%02x:%02x", id >> 8, id & 0xff)),
        Bandwidth.floor(Rate.ofMegabits(mbit)), id, Optional.of(HtbTree.linearHandle(id)));
  }

  static NetworkStatus small() {
    TreeMap<InterfaceAlias, PluggedInterface> m = new TreeMap<>();
    m.put(InterfaceAlias.of("vm1"), floored("vm1", 3, 10));
    return new NetworkStatus(NetworkName.of("default"), InterfaceName.of("virbr0"), m, new TreeSet<>(List.of(4)));
  }

  static final StatusChange FIRST = new StatusChange.InterfaceSet(floored("vm2", 5, 20));
  static final StatusChange LAST = new StatusChange.InterfaceRemoved("vm1");

  /** A store holding small(), then FIRST and LAST in its journal. */
  void writeSmall() {
    try (FileStatusStore store = FileStatusStore.open(dir, NEVER)) {
      store.save(small());
      store.record("default", FIRST);
      store.record("default", LAST);
    }
  }

  Optional<NetworkStatus> loadFresh() {
    try (FileStatusStore store = FileStatusStore.open(dir, NEVER)) {
      return store.load("default");
    }
  }

  /** Where the records of a journal end (the next one would go). */
  static int recordsEnd(byte[] journal) {
    try {
      return (int) JournalFile.decode(journal).end();
    } catch (io.netfloor.persistence.internal.FormatException e) {
      throw new AssertionError(e);
    }
  }

  static int lastRecordStart(byte[] journal) {
    int i = recordsEnd(journal) - 2;
    while (journal[i] != '\n') {
      i--;
    }
    return i + 1;
  }

  /** {@code journal} with {@code bytes} written at {@code at}, as a write into its room does. */
  static byte[] writtenAt(byte[] journal, int at, byte[] bytes) {
    byte[] out = journal.clone();
    System.arraycopy(bytes, 0, out, at, bytes.length);
    return out;
  }

  /** A whole version 2 journal: header, records, zeros up to the size the header declares. */
  static byte[] journalFile(String network, long generation, long base, byte[]... records) {
    long size = JournalFile.sizeFor(network, generation, base, 4096);
    byte[] out = new byte[(int) size];
    byte[] header = JournalFile.header(network, generation, base, size);
    System.arraycopy(header, 0, out, 0, header.length);
    int at = header.length;
    for (byte[] r : records) {
      System.arraycopy(r, 0, out, at, r.length);
      at += r.length;
    }
    return out;
  }

  // ---- corruption

  @Test
  @Tag("exhaustive") // left out of mutation testing: tens of seconds per mutant
  void everySingleByteChangeOfTheSnapshotIsReported() throws IOException {
    writeSmall();
    byte[] good = Files.readAllBytes(snapshot);
    int checked = 0;
    for (int i = 0; i < good.length; i++) {
      for (int v : flips(good[i])) {
        byte[] bad = good.clone();
        bad[i] = (byte) v;
        Files.write(snapshot, bad);
        assertThatThrownBy(this::loadFresh).as("byte %d changed to 0x%02x", i, v)
            .isInstanceOf(StatusStoreException.class).hasMessageContaining(snapshot.toString());
        checked++;
      }
    }
    assertThat(checked).isGreaterThan(good.length * 8);
  }

  /**
   * Every changed byte of the journal's records (and of the zeros right after them) is reported
   * naming the file, or changes nothing: no acknowledged record is dropped. Only the newline of the
   * last record, which no checksum covers, may be changed without an error: the record is whole.
   */
  @Test
  @Tag("exhaustive") // left out of mutation testing: tens of seconds per mutant
  void everySingleByteChangeOfTheJournalIsReportedOrLosesNothing() throws IOException {
    writeSmall();
    NetworkStatus all = LAST.applyTo(FIRST.applyTo(small()));
    byte[] good = Files.readAllBytes(journal);
    int end = recordsEnd(good);
    int lastStart = lastRecordStart(good);
    int reported = 0;
    int kept = 0;
    for (int i = 0; i < end + 16; i++) {
      for (int v : flips(good[i])) {
        byte[] bad = good.clone();
        bad[i] = (byte) v;
        Files.write(journal, bad);
        // whole records must load whole: only the last newline (no checksum covers it) and the
        // byte right after the records (a torn one-byte write as far as anyone can tell) may change
        boolean harmless = i == end - 1 || (i == end && v != '\n');
        Optional<NetworkStatus> loaded;
        try {
          loaded = loadFresh();
        } catch (StatusStoreException e) {
          assertThat(harmless).as("byte %d changed to 0x%02x is reported: %s", i, v, e.getMessage())
              .isFalse();
          assertThat(e).as("byte %d changed to 0x%02x", i, v).hasMessageContaining(journal.toString());
          if (i >= lastStart && i < end - 1) {
            assertThat(e).hasMessageContaining("byte " + lastStart);
          }
          reported++;
          continue;
        }
        assertThat(harmless).as("byte %d changed to 0x%02x went unnoticed", i, v).isTrue();
        assertThat(loaded).as("byte %d changed to 0x%02x", i, v).contains(all);
        // repaired: exactly the records and zeros again
        assertThat(Files.readAllBytes(journal)).as("byte %d changed to 0x%02x", i, v).isEqualTo(good);
        kept++;
      }
    }
    assertThat(reported).isGreaterThan((end - 1) * 8);
    assertThat(kept).isGreaterThan(8);
  }

  /** The eight single-bit flips, and a few byte replacements that matter to a line format. */
  static int[] flips(byte b) {
    TreeSet<Integer> out = new TreeSet<>();
    for (int bit = 0; bit < 8; bit++) {
      out.add((b ^ (1 << bit)) & 0xff);
    }
    for (int v : new int[] {'\n', ' ', '0', '=', 0, 0xff}) {
      out.add(v);
    }
    out.remove(b & 0xff);
    return out.stream().mapToInt(Integer::intValue).toArray();
  }

  /**
   * A crash while a record is written leaves any prefix of its line in the journal's zeros: the
   * record never returned, so the status before it loads (and the bytes are zeroed again); all but
   * its newline is a whole record, which is kept.
   */
  @Test
  void aRecordTornAnywhereLoadsTheStatusBeforeIt() throws IOException {
    writeSmall();
    NetworkStatus acknowledged = LAST.applyTo(FIRST.applyTo(small()));
    byte[] good = Files.readAllBytes(journal);
    int end = recordsEnd(good);
    StatusChange torn = new StatusChange.ClassesParked(new TreeSet<>(List.of(9)));
    byte[] line = JournalFile.record(3, torn);
    StatusChange next = new StatusChange.ClassesParked(new TreeSet<>(List.of(11)));
    for (int k = 1; k < line.length; k++) {
      Files.write(journal, writtenAt(good, end, Arrays.copyOf(line, k)));
      NetworkStatus expected = k == line.length - 1 ? torn.applyTo(acknowledged) : acknowledged;
      assertThat(loadFresh()).as("%d of %d bytes written", k, line.length).contains(expected);
      if (k < line.length - 1) {
        assertThat(Files.readAllBytes(journal)).as("zeroed again").isEqualTo(good);
      }
      // writes continue cleanly after the repair
      try (FileStatusStore store = FileStatusStore.open(dir, NEVER)) {
        store.record("default", next);
      }
      assertThat(loadFresh()).contains(next.applyTo(expected));
      Files.write(journal, good);
    }
  }

  @Test
  void aCompleteLastRecordWithABadChecksumIsReportedWithItsOffset() throws IOException {
    writeSmall();
    byte[] good = Files.readAllBytes(journal);
    int lastStart = lastRecordStart(good);
    byte[] bad = good.clone();
    bad[lastStart + 3] ^= 0x01;
    Files.write(journal, bad);
    assertThatThrownBy(this::loadFresh).isInstanceOf(StatusStoreException.class)
        .hasMessageContaining(journal.toString()).hasMessageContaining("byte " + lastStart)
        .hasMessageContaining("checksum mismatch");
    assertThat(Files.readAllBytes(journal)).as("left as it was").isEqualTo(bad);
  }

  /** Also at a record boundary: the file is shorter than its header says. */
  @Test
  void aJournalCutShortAnywhereIsReported() throws IOException {
    writeSmall();
    byte[] good = Files.readAllBytes(journal);
    for (int cut : new int[] {lastRecordStart(good), recordsEnd(good), recordsEnd(good) + 1,
        good.length - 1, 0, 10}) {
      Files.write(journal, Arrays.copyOf(good, cut));
      assertThatThrownBy(this::loadFresh).as("cut at %d", cut)
          .isInstanceOf(StatusStoreException.class).hasMessageContaining(journal.toString());
    }
    Files.write(journal, Arrays.copyOf(good, recordsEnd(good)));
    assertThatThrownBy(this::loadFresh).hasMessageContaining("cut short");
  }

  @Test
  void aTornRecordBeforeTheLastIsReported() throws IOException {
    writeSmall();
    byte[] good = Files.readAllBytes(journal);
    int lastStart = lastRecordStart(good);
    // the newline of the next-to-last record damaged: two records merged into one bad line
    byte[] merged = good.clone();
    merged[lastStart - 1] = ' ';
    Files.write(journal, merged);
    assertThatThrownBy(this::loadFresh).isInstanceOf(StatusStoreException.class)
        .hasMessageContaining(journal.toString()).hasMessageContaining("checksum");
  }

  @Test
  void aMissingRecordInTheMiddleIsReported() throws IOException {
    writeSmall();
    long generation = SnapshotFile.decodeUnchecked(Files.readAllBytes(snapshot)).generation();
    Files.write(journal, journalFile("default", generation, 0, JournalFile.record(2, LAST)));
    assertThatThrownBy(this::loadFresh).isInstanceOf(StatusStoreException.class)
        .hasMessageContaining("record number 2 where 1 was expected");
  }

  @Test
  void aNewerFormatVersionIsReportedNamingTheFile() throws IOException {
    writeSmall();
    byte[] snap = Files.readAllBytes(snapshot);
    Files.write(snapshot, new String(snap, StandardCharsets.US_ASCII)
        .replaceFirst("netfloor-status 1", "netfloor-status 4").getBytes(StandardCharsets.US_ASCII));
    assertThatThrownBy(this::loadFresh).isInstanceOf(StatusStoreException.class)
        .hasMessageContaining(snapshot.toString()).hasMessageContaining("format version 4 is newer");
    Files.write(snapshot, snap);
    Files.write(journal, new String(Files.readAllBytes(journal), StandardCharsets.ISO_8859_1)
        .replaceFirst("netfloor-journal 2", "netfloor-journal 17")
        .getBytes(StandardCharsets.ISO_8859_1));
    assertThatThrownBy(this::loadFresh).isInstanceOf(StatusStoreException.class)
        .hasMessageContaining(journal.toString()).hasMessageContaining("format version 17 is newer");
  }

  // ---- crash windows

  @Test
  void aCrashBetweenTheCompactionsSnapshotAndJournalRenameLosesNothing() throws IOException {
    writeSmall();
    byte[] oldJournal = Files.readAllBytes(journal); // base 0, records 1 and 2
    StatusChange third = new StatusChange.ClassesParked(new TreeSet<>(List.of(7)));
    // a compacting store appends record 3 and compacts: snapshot at seq 3, journal restarted at 3
    try (FileStatusStore store = FileStatusStore.open(dir, new FileStatusStore.Compaction(0, 0.001))) {
      store.record("default", third);
    }
    NetworkStatus expected = third.applyTo(LAST.applyTo(FIRST.applyTo(small())));
    assertThat(SnapshotFile.decodeUnchecked(Files.readAllBytes(snapshot)).seq()).isEqualTo(3);
    // the crash: the old journal (records 1..3) is still there
    Files.write(journal, writtenAt(oldJournal, recordsEnd(oldJournal), JournalFile.record(3, third)));
    assertThat(loadFresh()).contains(expected);
    // the interrupted compaction was finished: the journal restarts after record 3
    assertThat(Files.readString(journal)).contains("base=3").doesNotContain("\n1 ");
    try (FileStatusStore store = FileStatusStore.open(dir, NEVER)) {
      store.record("default", FIRST);
    }
    assertThat(loadFresh()).contains(FIRST.applyTo(expected));
  }

  @Test
  void aCrashBetweenTheSavesSnapshotAndJournalRenameKeepsTheSavedStatus() throws IOException {
    writeSmall();
    byte[] oldJournal = Files.readAllBytes(journal);
    NetworkStatus replacement = NetworkStatus.empty(NetworkName.of("default"), InterfaceName.of("virbr0"));
    try (FileStatusStore store = FileStatusStore.open(dir, NEVER)) {
      store.save(replacement);
    }
    Files.write(journal, oldJournal); // the journal rename did not happen
    assertThat(loadFresh()).contains(replacement);
    try (FileStatusStore store = FileStatusStore.open(dir, NEVER)) {
      store.record("default", FIRST);
    }
    assertThat(loadFresh()).contains(FIRST.applyTo(replacement));
  }

  @Test
  void aJournalOfAnotherLineageIsReported() throws IOException {
    writeSmall();
    Files.write(journal, journalFile("default", 0x1234, 0));
    assertThatThrownBy(this::loadFresh).isInstanceOf(StatusStoreException.class)
        .hasMessageContaining("do not belong together");
  }

  @Test
  void aJournalThatStartsAfterTheSnapshotIsReported() throws IOException {
    writeSmall();
    long generation = SnapshotFile.decodeUnchecked(Files.readAllBytes(snapshot)).generation();
    Files.write(journal, journalFile("default", generation, 5));
    assertThatThrownBy(this::loadFresh).isInstanceOf(StatusStoreException.class)
        .hasMessageContaining("records 1..5 are missing");
  }

  @Test
  void aMissingJournalIsReportedAndAnOrphanJournalIsNoStatus() throws IOException {
    writeSmall();
    byte[] j = Files.readAllBytes(journal);
    Files.delete(journal);
    assertThatThrownBy(this::loadFresh).isInstanceOf(StatusStoreException.class)
        .hasMessageContaining(journal + " is missing");
    Files.write(journal, j);
    // as a delete() interrupted after its first two steps leaves it: out of the index, no snapshot
    Files.delete(dir.resolve("networks.index"));
    Files.delete(snapshot);
    try (FileStatusStore store = FileStatusStore.open(dir, NEVER)) {
      assertThat(store.load("default")).isEmpty();
      assertThat(store.networks()).isEmpty();
      store.save(small()); // and a new save replaces the orphan
      store.record("default", FIRST);
    }
    assertThat(loadFresh()).contains(FIRST.applyTo(small()));
  }

  // ---- lost files and the index

  @Test
  void aLostSnapshotIsReportedNamingItWhetherTheJournalIsLeftOrNot() throws IOException {
    writeSmall();
    Files.delete(snapshot);
    assertThatThrownBy(this::loadFresh).isInstanceOf(StatusStoreException.class)
        .hasMessageContaining(snapshot + " is missing").hasMessageContaining("networks.index")
        .hasMessageContaining("only holds the changes since it");
    Files.delete(journal);
    assertThatThrownBy(this::loadFresh).isInstanceOf(StatusStoreException.class)
        .hasMessageContaining(snapshot + " is missing").hasMessageContaining(journal.toString());
    try (FileStatusStore store = FileStatusStore.open(dir, NEVER)) {
      assertThat(store.networks()).containsExactly("default"); // lost, still a network
      assertThatThrownBy(() -> store.record("default", FIRST)).isInstanceOf(StatusStoreException.class)
          .hasMessageContaining(snapshot.toString());
      store.delete("default"); // forgetting it is the way to start over
      assertThat(store.load("default")).isEmpty();
      assertThat(store.networks()).isEmpty();
    }
    assertThat(dir.resolve("networks.index")).doesNotExist();
  }

  @Test
  void aNetworkNeverSavedLoadsEmptyAndAFirstSaveListsIt() throws IOException {
    try (FileStatusStore store = FileStatusStore.open(dir, NEVER)) {
      assertThat(store.load("default")).isEmpty();
      assertThat(dir.resolve("networks.index")).doesNotExist();
      store.save(small());
    }
    assertThat(Files.readString(dir.resolve("networks.index"))).contains("network default\n");
  }

  /** A store written before the index existed (or whose index was deleted) gets one. */
  @Test
  void aStoreWithoutIndexGetsOneFromItsSnapshots() throws IOException {
    writeSmall();
    Path index = dir.resolve("networks.index");
    byte[] written = Files.readAllBytes(index);
    Files.delete(index);
    try (FileStatusStore store = FileStatusStore.openReadOnly(dir)) {
      assertThat(store.load("default")).contains(LAST.applyTo(FIRST.applyTo(small())));
      assertThat(store.networks()).containsExactly("default");
    }
    assertThat(index).doesNotExist(); // read-only changed nothing
    assertThat(loadFresh()).contains(LAST.applyTo(FIRST.applyTo(small())));
    assertThat(Files.readAllBytes(index)).isEqualTo(written);
    Files.delete(snapshot);
    assertThatThrownBy(this::loadFresh).hasMessageContaining(snapshot + " is missing");
  }

  /** A damaged index only stands in the way of what needs it; it never hides a network. */
  @Test
  void aDamagedIndexIsReportedWhereItIsNeeded() throws IOException {
    writeSmall();
    Path index = dir.resolve("networks.index");
    byte[] good = Files.readAllBytes(index);
    byte[] bad = good.clone();
    bad[good.length / 2] ^= 0x04;
    Files.write(index, bad);
    try (FileStatusStore store = FileStatusStore.open(dir, NEVER)) {
      assertThat(store.load("default")).contains(LAST.applyTo(FIRST.applyTo(small())));
      store.record("default", FIRST);
      for (org.assertj.core.api.ThrowableAssert.ThrowingCallable call : List.<
          org.assertj.core.api.ThrowableAssert.ThrowingCallable>of(
          () -> store.load("other"),
          () -> store.save(NetworkStatus.empty(NetworkName.of("other"), InterfaceName.of("br1"))),
          () -> store.delete("default"),
          store::networks)) {
        assertThatThrownBy(call).isInstanceOf(StatusStoreException.class)
            .hasMessageContaining(index.toString()).hasMessageContaining("checksum");
      }
    }
    assertThat(dir.resolve("other.status")).doesNotExist();
    assertThat(snapshot).exists();
    Files.delete(index); // as the message says: rebuilt from the snapshots
    try (FileStatusStore store = FileStatusStore.open(dir, NEVER)) {
      assertThat(store.networks()).containsExactly("default");
    }
    assertThat(Files.readAllBytes(index)).isEqualTo(good);
  }

  /** A save that crashed after its snapshot's rename but before the index: the network exists. */
  @Test
  void aFirstSaveInterruptedBeforeTheIndexIsCompletedAtTheNextOpen() throws IOException {
    writeSmall();
    Path index = dir.resolve("networks.index");
    try (FileStatusStore store = FileStatusStore.open(dir, NEVER)) {
      store.save(NetworkStatus.empty(NetworkName.of("second"), InterfaceName.of("br1")));
    }
    Files.write(index, io.netfloor.persistence.internal.IndexFile.encode(
        new TreeSet<>(List.of("default"))));
    try (FileStatusStore store = FileStatusStore.openReadOnly(dir)) {
      assertThat(store.load("second")).isPresent();
    }
    try (FileStatusStore store = FileStatusStore.open(dir, NEVER)) {
      assertThat(store.networks()).containsExactly("default", "second");
    }
    assertThat(Files.readString(index)).contains("network second\n");
  }

  // ---- format version 1

  /** A version 1 journal (append-only) of records 1 and 2 after {@code small()}'s snapshot. */
  private byte[] version1Journal(StatusChange... changes) throws IOException {
    long generation = SnapshotFile.decodeUnchecked(Files.readAllBytes(snapshot)).generation();
    String head = "netfloor-journal 1 network=default generation=" + String.format("%016x",
        generation) + " base=0";
    StringBuilder sb = new StringBuilder(head + " crc=" + io.netfloor.persistence.internal.Checksums
        .crc32c(head) + "\n");
    for (int i = 0; i < changes.length; i++) {
      sb.append(new String(JournalFile.record(i + 1, changes[i]), StandardCharsets.US_ASCII));
    }
    return sb.toString().getBytes(StandardCharsets.US_ASCII);
  }

  @Test
  void aVersion1JournalIsReadAndRewrittenAsVersion2() throws IOException {
    try (FileStatusStore store = FileStatusStore.open(dir, NEVER)) {
      store.save(small());
    }
    byte[] v1 = version1Journal(FIRST, LAST);
    Files.write(journal, v1);
    NetworkStatus expected = LAST.applyTo(FIRST.applyTo(small()));
    try (FileStatusStore store = FileStatusStore.openReadOnly(dir)) {
      assertThat(store.load("default")).contains(expected);
    }
    assertThat(Files.readAllBytes(journal)).isEqualTo(v1);
    assertThat(loadFresh()).contains(expected);
    assertThat(Files.readString(journal, StandardCharsets.ISO_8859_1))
        .startsWith("netfloor-journal 2 ").contains(" base=2 ");
    assertThat(loadFresh()).contains(expected);

    // in version 1 too, only an unterminated last line is torn; a bad checksum is damage
    Files.write(snapshot, new SnapshotFile(small(), SnapshotFile.decodeUnchecked(
        Files.readAllBytes(snapshot)).generation(), java.util.OptionalLong.empty(), 0).encode());
    byte[] torn = Arrays.copyOf(v1, v1.length - 5);
    Files.write(journal, torn);
    assertThat(loadFresh()).contains(FIRST.applyTo(small()));
    byte[] damaged = v1.clone();
    damaged[lastRecordStartV1(v1) + 2] ^= 0x01;
    Files.write(snapshot, new SnapshotFile(small(), SnapshotFile.decodeUnchecked(
        Files.readAllBytes(snapshot)).generation(), java.util.OptionalLong.empty(), 0).encode());
    Files.write(journal, damaged);
    assertThatThrownBy(this::loadFresh).isInstanceOf(StatusStoreException.class)
        .hasMessageContaining(journal.toString()).hasMessageContaining("byte " + lastRecordStartV1(v1));
  }

  private static int lastRecordStartV1(byte[] v1) {
    int i = v1.length - 2;
    while (v1[i] != '\n') {
      i--;
    }
    return i + 1;
  }

  // ---- permissions, names, locking

  @Test
  void filesAre0600AndACreatedDirectory0700() throws IOException {
    writeSmall();
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dir))).isEqualTo("rwx------");
    try (var files = Files.list(dir)) {
      for (Path p : files.toList()) {
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(p))).as("%s", p)
            .isEqualTo("rw-------");
      }
    }
  }

  @Test
  void aDirectoryWritableByOthersOrGroupIsRefused() throws IOException {
    Files.createDirectories(dir);
    for (String mode : List.of("rwxrwxrwx", "rwxrwx---", "rwx----w-")) {
      Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString(mode));
      assertThatThrownBy(() -> FileStatusStore.open(dir)).as(mode)
          .isInstanceOf(StatusStoreException.class).hasMessageContaining("writable by group or others");
    }
    Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
    FileStatusStore.open(dir).close();
  }

  @Test
  void aDirectoryOfAnotherUserIsRefused() throws IOException {
    assumeTrue("root".equals(System.getProperty("user.name")), "needs root to chown");
    Files.createDirectories(dir);
    Files.setAttribute(dir, "unix:uid", 65534);
    assertThatThrownBy(() -> FileStatusStore.open(dir)).isInstanceOf(StatusStoreException.class)
        .hasMessageContaining("belongs to uid 65534");
  }

  @Test
  void networkNamesNeverBecomePaths() {
    try (FileStatusStore store = FileStatusStore.open(dir)) {
      for (String name : List.of("../x", "a/b", ".hidden", "", "x\0y", "..")) {
        assertThatThrownBy(() -> store.load(name)).as(name).isInstanceOf(NetFloorException.class);
        assertThatThrownBy(() -> store.delete(name)).as(name).isInstanceOf(NetFloorException.class);
      }
    }
    assertThat(tmp.resolve("x.status")).doesNotExist();
  }

  @Test
  void oneStorePerDirectory() {
    try (FileStatusStore first = FileStatusStore.open(dir)) {
      assertThatThrownBy(() -> FileStatusStore.open(dir)).isInstanceOf(StatusStoreException.class)
          .hasMessageContaining("in use");
    }
    FileStatusStore.open(dir).close(); // released by close
  }

  @Test
  void recordNeedsASavedStatusAndAClosedStoreRefusesWork() {
    FileStatusStore store = FileStatusStore.open(dir);
    assertThatThrownBy(() -> store.record("default", FIRST)).isInstanceOf(StatusStoreException.class)
        .hasMessageContaining("save one first");
    store.close();
    assertThatThrownBy(() -> store.load("default")).isInstanceOf(StatusStoreException.class)
        .hasMessageContaining("closed");
  }

  @Test
  void leftoverTemporaryFilesAreRemovedOnOpen() throws IOException {
    writeSmall();
    Path leftover = dir.resolve(".default.status.tmp");
    Files.writeString(leftover, "half a snapshot");
    assertThat(loadFresh()).contains(LAST.applyTo(FIRST.applyTo(small())));
    assertThat(leftover).doesNotExist();
  }

  // ---- cost

  /**
   * The per-plug cost does not grow with the number of interfaces: recording one more interface
   * appends the same number of bytes to a network of 10 and of 2,000 interfaces (sizes, not time).
   */
  @Test
  void recordAppendsTheSameBytesWhateverTheNumberOfInterfaces() throws IOException {
    long[] growth = new long[2];
    int[] sizes = {10, 2000};
    for (int k = 0; k < 2; k++) {
      Path d = tmp.resolve("flat-" + sizes[k]);
      TreeMap<InterfaceAlias, PluggedInterface> m = new TreeMap<>();
      for (int i = 0; i < sizes[k]; i++) {
        m.put(InterfaceAlias.of("vm" + i), new PluggedInterface("vm" + i, MacAddress.of(new byte[] {2, 0, 0, 0,
            (byte) (i >> 8), (byte) i}), Bandwidth.floor(Rate.ofMegabits(1)), 3 + i,
            Optional.of(U32Handle.of(0x10, i & 0xff, 1 + (i >> 8)))));
      }
      try (FileStatusStore store = FileStatusStore.open(d, NEVER)) {
        store.save(new NetworkStatus(NetworkName.of("default"), InterfaceName.of("br0"), m, new TreeSet<>()));
        Path j = d.resolve("default.journal");
        long sizeBefore = Files.size(j);
        long before = recordsEnd(Files.readAllBytes(j));
        long snapshotBefore = Files.size(d.resolve("default.status"));
        PluggedInterface fat = new PluggedInterface("new-vm", MacAddress.parse("52:54:00:aa:bb:cc"),
            Bandwidth.of(new Limits(Optional.of(Rate.ofMegabits(100)), Optional.of(Rate.ofMegabits(200)),
                Optional.of(ByteSize.ofKibibytes(64)), Optional.of(Rate.ofMegabits(50))),
                Limits.averageOnly(Rate.ofMegabits(10))), 0x3000,
            Optional.of(U32Handle.of(0x10, 0xcc, 9)));
        store.record("default", new StatusChange.InterfaceSet(fat));
        growth[k] = recordsEnd(Files.readAllBytes(j)) - before;
        assertThat(Files.size(j)).as("the journal's length is fixed").isEqualTo(sizeBefore);
        assertThat(Files.size(d.resolve("default.status"))).as("snapshot untouched by record")
            .isEqualTo(snapshotBefore);
      }
    }
    assertThat(growth[0]).isEqualTo(growth[1]).isLessThan(250);
  }

  /** With compaction on, the journal stays bounded by its threshold plus one record. */
  @Test
  void compactionKeepsTheJournalBoundedAndLosesNothing() throws IOException {
    FileStatusStore.Compaction c = new FileStatusStore.Compaction(2048, 1.0);
    NetworkStatus expected = small();
    try (FileStatusStore store = FileStatusStore.open(dir, c)) {
      store.save(expected);
      for (int i = 0; i < 300; i++) {
        StatusChange ch = i % 3 == 2 ? new StatusChange.InterfaceRemoved("vm" + (i - 1))
            : new StatusChange.InterfaceSet(floored("vm" + i, 3 + i, 1 + i));
        store.record("default", ch);
        expected = ch.applyTo(expected);
        long threshold = Math.max(2048, Files.size(snapshot));
        assertThat((long) recordsEnd(Files.readAllBytes(journal))).isLessThanOrEqualTo(threshold + 200);
        assertThat(Files.size(journal))
            .isLessThanOrEqualTo(threshold + FileStatusStore.Compaction.RECORD_ROOM + 200);
      }
      assertThat(store.load("default")).contains(expected);
    }
    assertThat(loadFresh()).contains(expected);
    assertThat(SnapshotFile.decodeUnchecked(Files.readAllBytes(snapshot)).seq()).isGreaterThan(0);
  }

  static byte[] concat(byte[] a, byte[] b) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.writeBytes(a);
    out.writeBytes(b);
    return out.toByteArray();
  }
}
