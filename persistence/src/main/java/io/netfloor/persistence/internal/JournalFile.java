// SPDX-License-Identifier: Apache-2.0
package io.netfloor.persistence.internal;

import io.netfloor.model.NetworkConfig;
import io.netfloor.model.NetworkName;
import io.netfloor.model.StatusChange;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The journal of one network ({@code <network>.journal}): a header line, then one line per
 * recorded change, in a file whose length is fixed when it is created.
 *
 * <pre>
 * netfloor-journal 2 network=default generation=6b1d0c5e93a8f4e2 base=42 size=69760 crc=0a1b2c3d
 * 43 set vm1-net0 52:54:00:12:34:56 class=3 filter=800::803 in=floor=10mbit out=- crc=5e6f7a8b
 * 44 remove vm2-net0 crc=9c0d1e2f
 * NUL NUL NUL … (zero bytes up to {@code size})
 * </pre>
 *
 * <p>Each line carries the CRC32C of the text before {@code " crc="}. Records are numbered
 * consecutively from {@code base + 1}, where {@code base} is the {@code seq} of the snapshot the
 * journal was started for.
 *
 * <h2>Fixed length</h2>
 *
 * The file is created {@code size} bytes long (zeros after the header; a sparse file) and made
 * durable before it is renamed into place. {@code record} writes each line into the zeros after the
 * last one and fdatasyncs: the length never changes afterwards. So a journal cut short anywhere is
 * shorter than its header says, which is detected; in an append-only file a cut at a record
 * boundary would be indistinguishable from a journal that never held the records cut off. A record
 * that does not fit makes the store compact first.
 *
 * <h2>Torn record or damage</h2>
 *
 * A crash in the middle of writing a record (whose call therefore never returned) leaves a prefix
 * of its line followed by the zeros that were there: a line cut short by a zero byte with nothing
 * but zeros after it. {@link #decode} drops such a torn record and reports where it is, so that the
 * store can zero it again. A line that is complete but wrong (a bad checksum, a wrong record number,
 * a zero byte inside it with data after it, anything but zeros after the records) is damage, and a
 * {@link FormatException} naming its byte offset: an acknowledged record is never dropped. The one
 * byte a record's validity does not cover, its newline, may be missing or changed: the text before
 * it, checksum included, is then a complete record and is kept (and the newline restored).
 *
 * <h2>Version 1</h2>
 *
 * Journals of format version 1 (append-only, without {@code size}) are still read: only an
 * unterminated last line counts as torn there; a complete line with a bad checksum, the last one
 * included, is damage. A cut at a record boundary cannot be told from a shorter journal in that
 * format, so the store rewrites a version 1 journal as version 2 the first time it opens it for
 * writing.
 */
public final class JournalFile {
  public static final int VERSION = 2;
  static final String MAGIC = "netfloor-journal";
  private static final String CRC = " crc=";
  private static final int CRC_SUFFIX = CRC.length() + 8;

  private JournalFile() {}

  /**
   * What a journal file holds.
   *
   * @param version the format version it was written in
   * @param size its length: declared in the header (version 2), or the bytes read (version 1)
   * @param end where the next record goes: right after the last record
   * @param repairAt where the bytes {@link #repair()} must be written before the next record, so
   *     that the file holds exactly its records and zeros again
   * @param repair empty when nothing follows the last record; zeros over a torn record; a newline
   *     and zeros where a kept record's newline was missing or changed
   * @param note what the repair is about, for the log; empty when there is none
   */
  public record Contents(int version, String network, long generation, long base, long size,
      List<Entry> entries, long end, long repairAt, byte[] repair, String note) {
    public boolean needsRepair() {
      return repair.length > 0;
    }
  }

  /** One record. */
  public record Entry(long seq, StatusChange change) {}

  /**
   * The header line of a new journal of {@code size} bytes in all (see {@link #sizeFor}); the
   * caller writes it and extends the file with zeros to {@code size}.
   */
  public static byte[] header(String network, long generation, long base, long size) {
    return line(MAGIC + ' ' + VERSION + " network=" + network + " generation="
        + Lines.generation(generation) + " base=" + base + " size=" + size);
  }

  /**
   * The total size of a journal whose header declares it and which leaves {@code room} bytes for
   * records after the header.
   */
  public static long sizeFor(String network, long generation, long base, long room) {
    long size = room;
    // the header's length depends on the digits of the size it declares: settle it
    for (int i = 0; i < 4; i++) {
      long next = room + header(network, generation, base, size).length;
      if (next == size) {
        break;
      }
      size = next;
    }
    return size;
  }

  /** The line that records {@code change} as number {@code seq}. */
  public static byte[] record(long seq, StatusChange change) {
    return line(seq + " " + StatusCodec.encodeChange(change));
  }

  private static byte[] line(String body) {
    return (body + CRC + Checksums.crc32c(body) + "\n").getBytes(StandardCharsets.US_ASCII);
  }

  /**
   * Reads a journal, dropping a torn last record (see the class documentation).
   *
   * @throws FormatException naming the byte offset and what is wrong
   */
  public static Contents decode(byte[] bytes) throws FormatException {
    int headerEnd = indexOf(bytes, 0);
    if (headerEnd < 0) {
      throw new FormatException("the header line is incomplete (the file is " + bytes.length
          + " bytes long)");
    }
    // Version first, before the checksum: a newer format may checksum differently.
    String start = MAGIC + ' ';
    String head = new String(bytes, 0, Math.min(headerEnd, start.length() + 8),
        StandardCharsets.US_ASCII);
    if (!head.startsWith(start)) {
      throw new FormatException("line 1 is not a NetFloor journal header");
    }
    int sp = head.indexOf(' ', start.length());
    long version = Lines.parseCount(head.substring(start.length(), sp < 0 ? head.length() : sp),
        "format version");
    if (version > VERSION) {
      throw new FormatException("format version " + version + " is newer than this NetFloor reads ("
          + VERSION + "); upgrade NetFloor or restore the file it replaced");
    }
    if (version < 1) {
      throw new FormatException("unknown format version " + version);
    }
    String header = checkedBody(bytes, 0, headerEnd, "the header");
    String[] h = header.split(" ", -1);
    int fields = version == 1 ? 5 : 6;
    if (h.length != fields || !h[0].equals(MAGIC) || !h[1].equals(String.valueOf(version))) {
      throw new FormatException("malformed header '" + header + "'");
    }
    String network;
    long generation;
    long base;
    long size;
    try {
      network = NetworkName.of(StatusCodec.field(h[2], "network")).value();
      generation = Lines.parseGeneration(StatusCodec.field(h[3], "generation"));
      base = Lines.parseCount(StatusCodec.field(h[4], "base"), "base");
      size = version == 1 ? bytes.length
          : Lines.parseCount(StatusCodec.field(h[5], "size"), "size");
    } catch (RuntimeException e) {
      throw new FormatException("header: " + e.getMessage(), e);
    }
    if (size != bytes.length) {
      throw new FormatException("the file is " + bytes.length + " bytes long, but its header says "
          + size + ": it was cut short or extended after it was written");
    }
    Header hd = new Header((int) version, network, generation, base, size);
    return version == 1 ? records1(bytes, headerEnd + 1, hd) : records2(bytes, headerEnd + 1, hd);
  }

  private record Header(int version, String network, long generation, long base, long size) {}

  private static Contents contents(Header h, List<Entry> entries, long end, long repairAt,
      byte[] repair, String note) {
    return new Contents(h.version, h.network, h.generation, h.base, h.size, List.copyOf(entries),
        end, repairAt, repair, note);
  }

  /** Version 2: records, then zeros to the end. */
  private static Contents records2(byte[] bytes, int from, Header h) throws FormatException {
    List<Entry> entries = new ArrayList<>();
    long expected = h.base + 1;
    int pos = from;
    while (pos < bytes.length) {
      if (bytes[pos] == 0) {
        int junk = firstNonZero(bytes, pos);
        if (junk >= 0) {
          throw new FormatException("byte " + junk + ": data after the last record (which ends at"
              + " byte " + pos + "), where only zeros belong: the file is damaged");
        }
        return contents(h, entries, pos, pos, new byte[0], "");
      }
      int e = pos;
      while (e < bytes.length && bytes[e] != '\n' && bytes[e] != 0) {
        e++;
      }
      if (e < bytes.length && bytes[e] == '\n') {
        entries.add(entry(bytes, pos, e, expected));
        expected++;
        pos = e + 1;
        continue;
      }
      // A line cut short by a zero byte (or the end of the file).
      int junk = firstNonZero(bytes, e);
      if (junk >= 0) {
        throw new FormatException("record " + expected + " at byte " + pos + " is interrupted by"
            + " a zero byte at " + e + " and data follows at byte " + junk + ": the file is damaged");
      }
      for (int bodyEnd : new int[] {e, e - 1}) {
        if (bodyEnd > pos && bodyEnd < bytes.length && isRecord(bytes, pos, bodyEnd, expected)) {
          // Complete but for its newline (missing, or changed to another byte): keep it.
          entries.add(entry(bytes, pos, bodyEnd, expected));
          return contents(h, entries, bodyEnd + 1, bodyEnd, new byte[] {'\n'}, "record " + expected
              + " at byte " + pos + " lacked its newline (at byte " + bodyEnd + ")");
        }
      }
      return contents(h, entries, pos, pos, new byte[e - pos], "a torn record of " + (e - pos)
          + " bytes at byte " + pos + ", whose write a crash interrupted (it never returned)");
    }
    return contents(h, entries, pos, pos, new byte[0], "");
  }

  /** Version 1: records to the end of the file; only an unterminated last line is torn. */
  private static Contents records1(byte[] bytes, int from, Header h) throws FormatException {
    List<Entry> entries = new ArrayList<>();
    long expected = h.base + 1;
    int pos = from;
    while (pos < bytes.length) {
      int nl = indexOf(bytes, pos);
      if (nl < 0) {
        if (isRecord(bytes, pos, bytes.length, expected)) {
          entries.add(entry(bytes, pos, bytes.length, expected));
          return contents(h, entries, bytes.length, bytes.length, new byte[0],
              "record " + expected + " at byte " + pos + " lacked its newline");
        }
        return contents(h, entries, pos, pos, new byte[0], "a torn record of "
            + (bytes.length - pos) + " bytes at byte " + pos + ", whose append a crash interrupted");
      }
      entries.add(entry(bytes, pos, nl, expected));
      expected++;
      pos = nl + 1;
    }
    return contents(h, entries, pos, pos, new byte[0], "");
  }

  private static Entry entry(byte[] bytes, int from, int to, long expected) throws FormatException {
    String where = "record " + expected + " at byte " + from;
    String body = checkedBody(bytes, from, to, where);
    int space = body.indexOf(' ');
    long seq = Lines.parseCount(space < 0 ? body : body.substring(0, space), where
        + ": sequence number");
    if (seq != expected) {
      throw new FormatException("byte " + from + ": record number " + seq + " where " + expected
          + " was expected (a record is missing or repeated)");
    }
    try {
      return new Entry(seq, StatusCodec.decodeChange(body.substring(space + 1)));
    } catch (FormatException e) {
      throw new FormatException(where + ": " + e.getMessage(), e);
    }
  }

  /** Whether [from, to) is a whole record numbered {@code expected}, its checksum right. */
  private static boolean isRecord(byte[] bytes, int from, int to, long expected) {
    if (!checksumMatches(bytes, from, to)) {
      return false;
    }
    try {
      entry(bytes, from, to, expected);
      return true;
    } catch (FormatException e) {
      return false;
    }
  }

  /** The text before " crc=" of line [from, to), after checking its checksum. */
  private static String checkedBody(byte[] bytes, int from, int to, String where)
      throws FormatException {
    int crcAt = to - CRC_SUFFIX;
    if (crcAt < from || !new String(bytes, crcAt, CRC.length(), StandardCharsets.US_ASCII).equals(CRC)) {
      throw new FormatException(where + ": no ' crc=' checksum at its end (the file is damaged)");
    }
    String crc = new String(bytes, to - 8, 8, StandardCharsets.US_ASCII);
    if (!Checksums.isWellFormed(crc)) {
      throw new FormatException(where + ": checksum '" + crc + "' is not 8 lower-case hex digits"
          + " (the file is damaged)");
    }
    String actual = Checksums.crc32c(bytes, from, crcAt);
    if (!actual.equals(crc)) {
      throw new FormatException(where + ": checksum mismatch, the line says " + crc + ", its"
          + " content has " + actual + " (the file is damaged)");
    }
    try {
      return Lines.ascii(bytes, from, crcAt);
    } catch (FormatException e) {
      throw new FormatException(where + ": " + e.getMessage(), e);
    }
  }

  private static boolean checksumMatches(byte[] bytes, int from, int to) {
    int crcAt = to - CRC_SUFFIX;
    if (crcAt < from || !new String(bytes, crcAt, CRC.length(), StandardCharsets.US_ASCII).equals(CRC)) {
      return false;
    }
    String crc = new String(bytes, to - 8, 8, StandardCharsets.US_ASCII);
    return Checksums.isWellFormed(crc) && Checksums.crc32c(bytes, from, crcAt).equals(crc);
  }

  private static int indexOf(byte[] bytes, int from) {
    for (int i = from; i < bytes.length; i++) {
      if (bytes[i] == '\n') {
        return i;
      }
    }
    return -1;
  }

  private static int firstNonZero(byte[] bytes, int from) {
    for (int i = from; i < bytes.length; i++) {
      if (bytes[i] != 0) {
        return i;
      }
    }
    return -1;
  }
}
