package io.netfloor.persistence;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.netfloor.NetFloorException;
import io.netfloor.model.Bandwidth;
import io.netfloor.model.HtbTree;
import io.netfloor.model.Limits;
import io.netfloor.model.PluggedInterface;
import io.netfloor.persistence.internal.JournalFile;
import io.netfloor.persistence.internal.SnapshotFile;
import io.netfloor.plan.U32Handle;
import io.netfloor.spi.NetworkStatus;
import io.netfloor.spi.StatusChange;
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
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FileStatusStoreTest {
  private static final FileStatusStore.Compaction NEVER =
      new FileStatusStore.Compaction(Long.MAX_VALUE, 1.0);

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
    TreeMap<String, PluggedInterface> m = new TreeMap<>();
    m.put("vm1", floored("vm1", 3, 10));
    return new NetworkStatus("default", InterfaceName.of("virbr0"), m, new TreeSet<>(List.of(4)));
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

  static int lastRecordStart(byte[] journal) {
    int i = journal.length - 2;
    while (journal[i] != '\n') {
      i--;
    }
    return i + 1;
  }

  // ---- corruption

  @Test
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
   * Every changed byte of the journal is reported, except in its last record: a damaged last record
   * looks like a torn append and is dropped, exactly that record and nothing else. (A change that
   * makes a newline inside it splits it into two lines, the first of which is then not last: also
   * reported.)
   */
  @Test
  void everySingleByteChangeOfTheJournalIsReportedOrDropsOnlyTheLastRecord() throws IOException {
    writeSmall();
    NetworkStatus beforeLast = FIRST.applyTo(small());
    byte[] good = Files.readAllBytes(journal);
    int lastStart = lastRecordStart(good);
    int reported = 0;
    int dropped = 0;
    for (int i = 0; i < good.length; i++) {
      for (int v : flips(good[i])) {
        byte[] bad = good.clone();
        bad[i] = (byte) v;
        Files.write(journal, bad);
        boolean dropsLast = i >= lastStart && (i == good.length - 1 || v != '\n');
        if (dropsLast) {
          assertThat(loadFresh()).as("byte %d changed to 0x%02x", i, v).contains(beforeLast);
          assertThat(Files.size(journal)).isEqualTo(lastStart); // repaired: truncated
          dropped++;
        } else {
          assertThatThrownBy(this::loadFresh).as("byte %d changed to 0x%02x", i, v)
              .isInstanceOf(StatusStoreException.class).hasMessageContaining(journal.toString());
          reported++;
        }
      }
    }
    assertThat(reported).isGreaterThan(lastStart * 8);
    assertThat(dropped).isGreaterThan(0);
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

  @Test
  void aJournalTornAnywhereInItsLastRecordLoadsTheStatusBeforeIt() throws IOException {
    writeSmall();
    NetworkStatus beforeLast = FIRST.applyTo(small());
    byte[] good = Files.readAllBytes(journal);
    int lastStart = lastRecordStart(good);
    StatusChange next = new StatusChange.ClassesParked(new TreeSet<>(List.of(9)));
    for (int cut = lastStart; cut < good.length; cut++) {
      Files.write(journal, Arrays.copyOf(good, cut));
      assertThat(loadFresh()).as("cut at %d", cut).contains(beforeLast);
      // appends continue cleanly after the repair
      try (FileStatusStore store = FileStatusStore.open(dir, NEVER)) {
        store.record("default", next);
      }
      assertThat(loadFresh()).contains(next.applyTo(beforeLast));
    }
  }

  @Test
  void aTornRecordBeforeTheLastIsReported() throws IOException {
    writeSmall();
    byte[] good = Files.readAllBytes(journal);
    int lastStart = lastRecordStart(good);
    // drop the newline of the next-to-last record: two records merged into one bad line
    byte[] merged = new byte[good.length - 1];
    System.arraycopy(good, 0, merged, 0, lastStart - 1);
    System.arraycopy(good, lastStart, merged, lastStart - 1, good.length - lastStart);
    Files.write(journal, merged);
    assertThatThrownBy(this::loadFresh).isInstanceOf(StatusStoreException.class)
        .hasMessageContaining(journal.toString()).hasMessageContaining("checksum");
  }

  @Test
  void aMissingRecordInTheMiddleIsReported() throws IOException {
    writeSmall();
    String text = Files.readString(journal);
    List<String> lines = text.lines().toList();
    Files.writeString(journal, lines.get(0) + "\n" + lines.get(2) + "\n");
    assertThatThrownBy(this::loadFresh).isInstanceOf(StatusStoreException.class)
        .hasMessageContaining("record number 2 where 1 was expected");
  }

  @Test
  void aNewerFormatVersionIsReportedNamingTheFile() throws IOException {
    writeSmall();
    byte[] snap = Files.readAllBytes(snapshot);
    Files.write(snapshot, new String(snap, StandardCharsets.US_ASCII)
        .replaceFirst("netfloor-status 1", "netfloor-status 2").getBytes(StandardCharsets.US_ASCII));
    assertThatThrownBy(this::loadFresh).isInstanceOf(StatusStoreException.class)
        .hasMessageContaining(snapshot.toString()).hasMessageContaining("format version 2 is newer");
    Files.write(snapshot, snap);
    Files.writeString(journal, Files.readString(journal)
        .replaceFirst("netfloor-journal 1", "netfloor-journal 17"));
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
    Files.write(journal, concat(oldJournal, JournalFile.record(3, third)));
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
    NetworkStatus replacement = NetworkStatus.empty("default", InterfaceName.of("virbr0"));
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
    Files.write(journal, JournalFile.header("default", 0x1234, 0));
    assertThatThrownBy(this::loadFresh).isInstanceOf(StatusStoreException.class)
        .hasMessageContaining("do not belong together");
  }

  @Test
  void aJournalThatStartsAfterTheSnapshotIsReported() throws IOException {
    writeSmall();
    long generation = SnapshotFile.decodeUnchecked(Files.readAllBytes(snapshot)).generation();
    Files.write(journal, JournalFile.header("default", generation, 5));
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
    Files.delete(snapshot); // as a delete() interrupted after its first step leaves it
    try (FileStatusStore store = FileStatusStore.open(dir, NEVER)) {
      assertThat(store.load("default")).isEmpty();
      assertThat(store.networks()).isEmpty();
      store.save(small()); // and a new save replaces the orphan
      store.record("default", FIRST);
    }
    assertThat(loadFresh()).contains(FIRST.applyTo(small()));
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
      TreeMap<String, PluggedInterface> m = new TreeMap<>();
      for (int i = 0; i < sizes[k]; i++) {
        m.put("vm" + i, new PluggedInterface("vm" + i, MacAddress.of(new byte[] {2, 0, 0, 0,
            (byte) (i >> 8), (byte) i}), Bandwidth.floor(Rate.ofMegabits(1)), 3 + i,
            Optional.of(U32Handle.of(0x10, i & 0xff, 1 + (i >> 8)))));
      }
      try (FileStatusStore store = FileStatusStore.open(d, NEVER)) {
        store.save(new NetworkStatus("default", InterfaceName.of("br0"), m, new TreeSet<>()));
        Path j = d.resolve("default.journal");
        long before = Files.size(j);
        long snapshotBefore = Files.size(d.resolve("default.status"));
        PluggedInterface fat = new PluggedInterface("new-vm", MacAddress.parse("52:54:00:aa:bb:cc"),
            Bandwidth.of(new Limits(Optional.of(Rate.ofMegabits(100)), Optional.of(Rate.ofMegabits(200)),
                Optional.of(ByteSize.ofKibibytes(64)), Optional.of(Rate.ofMegabits(50))),
                Limits.averageOnly(Rate.ofMegabits(10))), 0x3000,
            Optional.of(U32Handle.of(0x10, 0xcc, 9)));
        store.record("default", new StatusChange.InterfaceSet(fat));
        growth[k] = Files.size(j) - before;
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
        long limit = Math.max(2048, Files.size(snapshot)) + 200;
        assertThat(Files.size(journal)).isLessThanOrEqualTo(limit);
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
