// SPDX-License-Identifier: Apache-2.0
package io.netfloor.persistence.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netfloor.model.StatusChange;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * What {@link JournalFile#decode} makes of the states a crash or a damage can leave, one at a time
 * and at the exact offsets: what is kept, what is dropped as torn (and what the store must write
 * to repair it), and what is refused naming the byte.
 */
class JournalFileDecodeTest {
  private static final long GENERATION = 0x00c0ffee00c0ffeeL;
  private static final StatusChange FIRST = new StatusChange.ClassesParked(new TreeSet<>(List.of(5)));
  private static final StatusChange SECOND = new StatusChange.InterfaceRemoved("vm1");
  private static final byte[] R1 = JournalFile.record(1, FIRST);
  private static final byte[] R2 = JournalFile.record(2, SECOND);

  /** A version 2 journal with {@code room} bytes for records, holding {@code content} after its header. */
  private static byte[] journal(long room, byte[]... content) {
    long size = JournalFile.sizeFor("net", GENERATION, 0, room);
    byte[] header = JournalFile.header("net", GENERATION, 0, size);
    byte[] out = new byte[(int) size];
    System.arraycopy(header, 0, out, 0, header.length);
    int at = header.length;
    for (byte[] c : content) {
      System.arraycopy(c, 0, out, at, c.length);
      at += c.length;
    }
    return out;
  }

  private static int headerLength() {
    return JournalFile.header("net", GENERATION, 0, JournalFile.sizeFor("net", GENERATION, 0, 200))
        .length;
  }

  /** A header line of any text, with its checksum right. */
  private static byte[] headerLine(String body) {
    return (body + " crc=" + Checksums.crc32c(body) + "\n").getBytes(StandardCharsets.US_ASCII);
  }

  @Test
  void theDeclaredSizeIsTheFilesLengthAndTheHeaderFitsIt() throws FormatException {
    for (long room : new long[] {0, 1, 80, 4096, 999_999_000, 9_999_999_990L}) {
      long size = JournalFile.sizeFor("net", GENERATION, 7, room);
      byte[] header = JournalFile.header("net", GENERATION, 7, size);
      assertThat(size - header.length).as("room %d", room).isEqualTo(room);
    }
    byte[] j = journal(200, R1, R2);
    JournalFile.Contents c = JournalFile.decode(j);
    assertThat(c.size()).isEqualTo(j.length);
    assertThat(c.entries()).extracting(JournalFile.Entry::change).containsExactly(FIRST, SECOND);
    assertThat(c.end()).isEqualTo(headerLength() + R1.length + R2.length);
    assertThat(c.needsRepair()).isFalse();
    assertThat(c.note()).isEmpty();
  }

  @Test
  void aJournalWhoseRecordsFillItExactlyIsWhole() throws FormatException {
    byte[] j = journal(R1.length + R2.length, R1, R2);
    JournalFile.Contents c = JournalFile.decode(j);
    assertThat(c.entries()).hasSize(2);
    assertThat(c.end()).isEqualTo(j.length);
    assertThat(c.needsRepair()).isFalse();
  }

  @Test
  void aJournalLongerThanItsHeaderSaysIsRefused() {
    byte[] j = journal(200, R1);
    assertThatThrownBy(() -> JournalFile.decode(Arrays.copyOf(j, j.length + 1)))
        .isInstanceOf(FormatException.class)
        .hasMessageContaining("the file is " + (j.length + 1) + " bytes long, but its header says "
            + j.length).hasMessageContaining("extended");
  }

  /** A changed newline (no checksum covers it) leaves the record whole: kept, the newline restored. */
  @Test
  void aRecordWhoseNewlineWasChangedIsKeptAndTheNewlineRestored() throws FormatException {
    byte[] j = journal(200, R1, R2);
    int newline = headerLength() + R1.length + R2.length - 1;
    for (byte b : new byte[] {'x', ' ', (byte) 0xff}) {
      byte[] bad = j.clone();
      bad[newline] = b;
      JournalFile.Contents c = JournalFile.decode(bad);
      assertThat(c.entries()).as("0x%02x", b).extracting(JournalFile.Entry::change)
          .containsExactly(FIRST, SECOND);
      assertThat(c.end()).isEqualTo(newline + 1);
      assertThat(c.repairAt()).isEqualTo(newline);
      assertThat(c.repair()).containsExactly('\n');
      assertThat(c.note()).contains("record 2 at byte " + (newline + 1 - R2.length))
          .contains("lacked its newline (at byte " + newline + ")");
    }
  }

  /** A record can only be acknowledged with its newline: one that has no room for it was torn. */
  @Test
  void aRecordFillingTheJournalToItsLastByteWithoutNewlineIsTorn() throws FormatException {
    byte[] withoutNewline = Arrays.copyOf(R2, R2.length - 1);
    byte[] j = journal(R1.length + withoutNewline.length, R1, withoutNewline);
    JournalFile.Contents c = JournalFile.decode(j);
    int at = headerLength() + R1.length;
    assertThat(c.entries()).extracting(JournalFile.Entry::change).containsExactly(FIRST);
    assertThat(c.end()).isEqualTo(at);
    assertThat(c.repairAt()).isEqualTo(at);
    assertThat(c.repair()).hasSize(withoutNewline.length).containsOnly(0);
    assertThat(c.note()).contains("a torn record of " + withoutNewline.length + " bytes at byte " + at);
  }

  @Test
  void aTornRecordOfOneByteIsDroppedAndZeroed() throws FormatException {
    byte[] j = journal(200, R1, new byte[] {'2'});
    JournalFile.Contents c = JournalFile.decode(j);
    int at = headerLength() + R1.length;
    assertThat(c.entries()).hasSize(1);
    assertThat(c.repairAt()).isEqualTo(at);
    assertThat(c.repair()).containsExactly(0);
    assertThat(c.note()).contains("a torn record of 1 bytes at byte " + at);
  }

  @Test
  void dataAfterTheZerosIsDamageNamingItsByte() {
    byte[] j = journal(200, R1);
    int end = headerLength() + R1.length;
    byte[] bad = j.clone();
    bad[j.length - 1] = 'x';
    assertThatThrownBy(() -> JournalFile.decode(bad)).isInstanceOf(FormatException.class)
        .hasMessage("byte " + (j.length - 1) + ": data after the last record (which ends at byte "
            + end + "), where only zeros belong: the file is damaged");
    // a record cut by a zero byte, with data after it: not a torn write
    byte[] cut = journal(200, R1, Arrays.copyOf(R2, 10), new byte[] {0, 0, 'y'});
    assertThatThrownBy(() -> JournalFile.decode(cut)).isInstanceOf(FormatException.class)
        .hasMessage("record 2 at byte " + end + " is interrupted by a zero byte at " + (end + 10)
            + " and data follows at byte " + (end + 12) + ": the file is damaged");
  }

  @Test
  void aHeaderIsRefusedNamingWhatIsWrongWithIt() {
    assertThatThrownBy(() -> JournalFile.decode("netfloor-journal 2".getBytes(StandardCharsets.US_ASCII)))
        .isInstanceOf(FormatException.class)
        .hasMessage("the header line is incomplete (the file is 18 bytes long)");
    assertThatThrownBy(() -> JournalFile.decode("netfloor-status 1\n".getBytes(StandardCharsets.US_ASCII)))
        .isInstanceOf(FormatException.class).hasMessage("line 1 is not a NetFloor journal header");
    for (String version : List.of("0", "00", "-1", "x")) {
      byte[] h = headerLine("netfloor-journal " + version + " network=net generation="
          + "00c0ffee00c0ffee base=0 size=100");
      assertThatThrownBy(() -> JournalFile.decode(h)).as(version)
          .isInstanceOf(FormatException.class).hasMessageContaining("format version");
    }
    assertThatThrownBy(() -> JournalFile.decode(headerLine("netfloor-journal 0 network=net"
        + " generation=00c0ffee00c0ffee base=0 size=100"))).hasMessage("unknown format version 0");
    // version 2 has six fields, version 1 five
    byte[] fiveFields = headerLine("netfloor-journal 2 network=net generation=00c0ffee00c0ffee"
        + " base=0");
    assertThatThrownBy(() -> JournalFile.decode(fiveFields)).isInstanceOf(FormatException.class)
        .hasMessageContaining("malformed header");
    byte[] sixFieldsV1 = headerLine("netfloor-journal 1 network=net generation=00c0ffee00c0ffee"
        + " base=0 size=100");
    assertThatThrownBy(() -> JournalFile.decode(sixFieldsV1)).isInstanceOf(FormatException.class)
        .hasMessageContaining("malformed header");
    byte[] doubleSpace = headerLine("netfloor-journal 2  network=net generation=00c0ffee00c0ffee"
        + " base=0 size=100");
    assertThatThrownBy(() -> JournalFile.decode(doubleSpace)).isInstanceOf(FormatException.class)
        .hasMessageContaining("malformed header");
    byte[] wrongKey = headerLine("netfloor-journal 2 network=net generation=00c0ffee00c0ffee"
        + " base=0 length=100");
    assertThatThrownBy(() -> JournalFile.decode(wrongKey)).isInstanceOf(FormatException.class)
        .hasMessageContaining("header: expected 'size=…', found 'length=100'");
    byte[] badName = headerLine("netfloor-journal 2 network=../x generation=00c0ffee00c0ffee"
        + " base=0 size=100");
    assertThatThrownBy(() -> JournalFile.decode(badName)).isInstanceOf(FormatException.class)
        .hasMessageContaining("header: ");
  }

  /** Version 1 (append-only): a whole last record without its newline is kept, a partial one dropped. */
  @Test
  void version1KeepsAWholeUnterminatedLastRecordAndDropsAPartialOne() throws FormatException {
    byte[] head = headerLine("netfloor-journal 1 network=net generation=00c0ffee00c0ffee base=0");
    byte[] whole = concat(head, R1, Arrays.copyOf(R2, R2.length - 1));
    JournalFile.Contents c = JournalFile.decode(whole);
    assertThat(c.version()).isEqualTo(1);
    assertThat(c.size()).isEqualTo(whole.length);
    assertThat(c.entries()).extracting(JournalFile.Entry::change).containsExactly(FIRST, SECOND);
    assertThat(c.end()).isEqualTo(whole.length);
    assertThat(c.note()).contains("record 2 at byte " + (head.length + R1.length))
        .contains("lacked its newline");
    byte[] partial = concat(head, R1, Arrays.copyOf(R2, R2.length - 3));
    JournalFile.Contents p = JournalFile.decode(partial);
    assertThat(p.entries()).extracting(JournalFile.Entry::change).containsExactly(FIRST);
    assertThat(p.end()).isEqualTo(head.length + R1.length);
    assertThat(p.needsRepair()).isFalse(); // rewritten as version 2 anyway
    assertThat(p.note()).contains("a torn record of " + (R2.length - 3) + " bytes at byte "
        + (head.length + R1.length));
    JournalFile.Contents clean = JournalFile.decode(concat(head, R1, R2));
    assertThat(clean.entries()).hasSize(2);
    assertThat(clean.note()).isEmpty();
  }

  private static byte[] concat(byte[]... parts) {
    int n = 0;
    for (byte[] p : parts) {
      n += p.length;
    }
    byte[] out = new byte[n];
    int at = 0;
    for (byte[] p : parts) {
      System.arraycopy(p, 0, out, at, p.length);
      at += p.length;
    }
    return out;
  }
}
