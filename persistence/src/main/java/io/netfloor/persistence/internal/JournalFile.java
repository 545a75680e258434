package io.netfloor.persistence.internal;

import io.netfloor.model.NetworkConfig;
import io.netfloor.spi.StatusChange;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The journal of one network ({@code <network>.journal}): a header line, then one line per
 * recorded change, appended and fsync'ed by {@code record}.
 *
 * <pre>
 * netfloor-journal 1 network=default generation=6b1d0c5e93a8f4e2 base=42 crc=0a1b2c3d
 * 43 set vm1-net0 52:54:00:12:34:56 class=3 filter=800::803 in=floor=10mbit out=- crc=5e6f7a8b
 * 44 remove vm2-net0 crc=9c0d1e2f
 * </pre>
 *
 * <p>Each line carries the CRC32C of the text before {@code " crc="}. Records are numbered
 * consecutively from {@code base + 1}, where {@code base} is the {@code seq} of the snapshot the
 * journal was started for.
 *
 * <h2>Torn last record</h2>
 *
 * A crash (of the process or of the host) in the middle of an append can leave the last line
 * incomplete or, after a power loss, complete but with bad bytes. The append never returned, so
 * nothing was promised about that record: {@link #decode} drops it and reports it in
 * {@link Contents#tornBytes()}. This applies only to the <em>last</em> line, and only when that line
 * does not end in a valid record of its own (which is what a damaged newline between the last two
 * records looks like: two records merged into one bad line; that is corruption, not a tear).
 * Everything else that is wrong is a {@link FormatException}. A damaged last record is
 * indistinguishable from a torn one, so bit rot in exactly the last record loses that record; the
 * store logs it.
 */
public final class JournalFile {
  public static final int VERSION = 1;
  static final String MAGIC = "netfloor-journal";
  private static final String CRC = " crc=";

  private JournalFile() {}

  /** What a journal file holds. */
  public record Contents(String network, long generation, long base, List<Entry> entries,
      long validLength, long tornBytes) {}

  /** One record. */
  public record Entry(long seq, StatusChange change) {}

  /** The header line of a new journal. */
  public static byte[] header(String network, long generation, long base) {
    String body = MAGIC + ' ' + VERSION + " network=" + network + " generation="
        + Lines.generation(generation) + " base=" + base;
    return line(body);
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
   * @throws FormatException naming the line and what is wrong
   */
  public static Contents decode(byte[] bytes) throws FormatException {
    int headerEnd = indexOf(bytes, 0);
    if (headerEnd < 0) {
      throw new FormatException("the header line is incomplete");
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
    String header = checkedBody(bytes, 0, headerEnd, 1);
    String[] h = header.split(" ", -1);
    if (h.length != 5 || !h[0].equals(MAGIC) || !h[1].equals(String.valueOf(VERSION))) {
      throw new FormatException("line 1: malformed header '" + header + "'");
    }
    String network;
    long generation;
    long base;
    try {
      network = NetworkConfig.checkName(StatusCodec.field(h[2], "network"));
      generation = Lines.parseGeneration(StatusCodec.field(h[3], "generation"));
      base = Lines.parseCount(StatusCodec.field(h[4], "base"), "base");
    } catch (RuntimeException e) {
      throw new FormatException("line 1: " + e.getMessage(), e);
    }
    List<Entry> entries = new ArrayList<>();
    long expected = base + 1;
    int pos = headerEnd + 1;
    int lineNo = 1;
    while (pos < bytes.length) {
      lineNo++;
      int nl = indexOf(bytes, pos);
      if (nl < 0) {
        // An incomplete line can only be an append that did not finish.
        return new Contents(network, generation, base, entries, pos, bytes.length - pos);
      }
      if (!checksumMatches(bytes, pos, nl) && nl == bytes.length - 1
          && !endsInValidRecord(bytes, pos, nl)) {
        return new Contents(network, generation, base, entries, pos, bytes.length - pos);
      }
      String body = checkedBody(bytes, pos, nl, lineNo);
      int space = body.indexOf(' ');
      long seq = Lines.parseCount(space < 0 ? body : body.substring(0, space), "line " + lineNo
          + ": sequence number");
      if (seq != expected) {
        throw new FormatException("line " + lineNo + ": record number " + seq + " where " + expected
            + " was expected (a record is missing or repeated)");
      }
      try {
        entries.add(new Entry(seq, StatusCodec.decodeChange(body.substring(space + 1))));
      } catch (FormatException e) {
        throw new FormatException("line " + lineNo + ": " + e.getMessage(), e);
      }
      expected++;
      pos = nl + 1;
    }
    return new Contents(network, generation, base, entries, bytes.length, 0);
  }

  /** The text before " crc=" of line [from, to), after checking its checksum. */
  private static String checkedBody(byte[] bytes, int from, int to, int lineNo)
      throws FormatException {
    int crcAt = to - CRC.length() - 8;
    if (crcAt < from || !new String(bytes, crcAt, CRC.length(), StandardCharsets.US_ASCII).equals(CRC)) {
      throw new FormatException("line " + lineNo + " (byte " + from + "): no ' crc=' checksum at"
          + " its end");
    }
    String crc = new String(bytes, to - 8, 8, StandardCharsets.US_ASCII);
    if (!Checksums.isWellFormed(crc)) {
      throw new FormatException("line " + lineNo + " (byte " + from + "): checksum '" + crc
          + "' is not 8 lower-case hex digits");
    }
    String actual = Checksums.crc32c(bytes, from, crcAt);
    if (!actual.equals(crc)) {
      throw new FormatException("line " + lineNo + " (byte " + from + "): checksum mismatch, the"
          + " line says " + crc + ", its content has " + actual + " (the file is damaged)");
    }
    try {
      return Lines.ascii(bytes, from, crcAt);
    } catch (FormatException e) {
      throw new FormatException("line " + lineNo + ": " + e.getMessage(), e);
    }
  }

  private static boolean checksumMatches(byte[] bytes, int from, int to) {
    int crcAt = to - CRC.length() - 8;
    if (crcAt < from || !new String(bytes, crcAt, CRC.length(), StandardCharsets.US_ASCII).equals(CRC)) {
      return false;
    }
    String crc = new String(bytes, to - 8, 8, StandardCharsets.US_ASCII);
    return Checksums.isWellFormed(crc) && Checksums.crc32c(bytes, from, crcAt).equals(crc);
  }

  /** Whether some proper suffix of line [from, to) is a record with a valid checksum. */
  private static boolean endsInValidRecord(byte[] bytes, int from, int to) {
    for (int j = from + 1; j < to; j++) {
      if (checksumMatches(bytes, j, to)) {
        return true;
      }
    }
    return false;
  }

  private static int indexOf(byte[] bytes, int from) {
    for (int i = from; i < bytes.length; i++) {
      if (bytes[i] == '\n') {
        return i;
      }
    }
    return -1;
  }
}
