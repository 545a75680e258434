// SPDX-License-Identifier: Apache-2.0
package io.netfloor.persistence.internal;

import io.netfloor.model.NetworkConfig;
import io.netfloor.model.NetworkName;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.List;
import java.util.SortedSet;
import java.util.TreeSet;

/**
 * The store's list of its networks ({@code networks.index}): every network whose status was saved
 * and not deleted since, written atomically.
 *
 * <pre>
 * netfloor-networks 1
 * network default
 * network lab
 * crc32c 1c2d3e4f
 * </pre>
 *
 * <p>Why it exists: a network's own files cannot tell that they were lost. With the index, a network
 * that is listed but whose snapshot is gone is an error, while one that is not listed and has no
 * snapshot was never saved (or was deleted), and loads as absent. The CRC32C on the last line covers
 * every byte before it.
 */
public final class IndexFile {
  public static final int VERSION = 1;
  static final String MAGIC = "netfloor-networks";

  private IndexFile() {}

  /** The bytes of an index listing {@code networks}. */
  public static byte[] encode(SortedSet<String> networks) {
    StringBuilder sb = new StringBuilder();
    sb.append(MAGIC).append(' ').append(VERSION).append('\n');
    for (String n : networks) {
      sb.append("network ").append(n).append('\n');
    }
    String body = sb.toString();
    return (body + "crc32c " + Checksums.crc32c(body) + "\n").getBytes(StandardCharsets.US_ASCII);
  }

  /**
   * Reads an index.
   *
   * @throws FormatException naming what is wrong (a newer format version says so)
   */
  public static SortedSet<String> decode(byte[] bytes) throws FormatException {
    List<int[]> lines = SnapshotFile.splitLines(bytes);
    if (lines.isEmpty()) {
      throw new FormatException("the file is empty");
    }
    String first = Lines.ascii(bytes, lines.get(0)[0], lines.get(0)[1]);
    long v = Lines.parseCount(Lines.expectPrefix(first, MAGIC), "format version");
    if (v > VERSION) {
      throw new FormatException("format version " + v + " is newer than this NetFloor reads ("
          + VERSION + "); upgrade NetFloor or restore the file it replaced");
    }
    if (v != VERSION) {
      throw new FormatException("unknown format version " + v);
    }
    if (lines.size() < 2) {
      throw new FormatException("no checksum line (truncated?)");
    }
    int[] last = lines.get(lines.size() - 1);
    String crc = Lines.expectPrefix(Lines.ascii(bytes, last[0], last[1]), "crc32c");
    if (!Checksums.isWellFormed(crc)) {
      throw new FormatException("checksum '" + crc + "' is not 8 lower-case hex digits");
    }
    String actual = Checksums.crc32c(bytes, 0, last[0]);
    if (!actual.equals(crc)) {
      throw new FormatException("checksum mismatch: the file says " + crc + ", its content has "
          + actual + " (the file is damaged)");
    }
    SortedSet<String> names = new TreeSet<>();
    for (int[] l : lines.subList(1, lines.size() - 1)) {
      String name = Lines.expectPrefix(Lines.ascii(bytes, l[0], l[1]), "network");
      try {
        NetworkName.of(name).value();
      } catch (RuntimeException e) {
        throw new FormatException("'" + name + "' is not a network name: " + e.getMessage(), e);
      }
      if (!names.add(name)) {
        throw new FormatException("network '" + name + "' is listed twice");
      }
    }
    return Collections.unmodifiableSortedSet(names);
  }
}
