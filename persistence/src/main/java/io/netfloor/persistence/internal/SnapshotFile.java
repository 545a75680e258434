// SPDX-License-Identifier: Apache-2.0
package io.netfloor.persistence.internal;

import io.netfloor.model.InterfaceAlias;
import io.netfloor.model.Limits;
import io.netfloor.model.NetworkName;
import io.netfloor.model.NetworkStatus;
import io.netfloor.model.PluggedInterface;
import io.netfloor.units.InterfaceName;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * The snapshot file of one network ({@code <network>.status}): the whole status as of journal
 * sequence number {@code seq}, written atomically.
 *
 * <pre>
 * netfloor-status 1
 * network default
 * bridge virbr0
 * generation 6b1d0c5e93a8f4e2
 * previous -
 * seq 42
 * interfaces 1
 * iface vm1-net0 52:54:00:12:34:56 class=3 filter=800::803 in=floor=10mbit out=-
 * parked 4,5
 * crc32c 1c2d3e4f
 * </pre>
 *
 * <p>The CRC32C on the last line covers every byte before it. {@code generation} identifies this
 * snapshot's lineage: a journal belongs to it when its header carries the same generation.
 * {@code previous} is the generation this snapshot replaced by a full {@code save}, so that a
 * journal left over from that lineage (a crash between the snapshot's rename and the journal's) is
 * recognised as stale rather than as corruption.
 *
 * <p>A network that was resized while it ran also records its inbound limits, on a line after
 * {@code bridge} ({@code inbound average=200mbit,peak=300mbit}), in format version 2: older readers
 * then say the file is newer than they read instead of misreading it. A snapshot without that line
 * is written, byte for byte, as version 1 was.
 *
 * <p>A snapshot holding an interface with a priority (its line ends in {@code prio=<0..7>}) is
 * format version 3, with or without the {@code inbound} line; others are written as before.
 *
 * @param seq the sequence number of the last journal record this snapshot includes
 */
public record SnapshotFile(NetworkStatus status, long generation, OptionalLong previous, long seq) {
  /** The newest format version: 3 adds interface priorities (2 added the {@code inbound} line). */
  public static final int VERSION = 3;
  /** The version of a snapshot with an {@code inbound} line and no interface priority. */
  static final int VERSION_WITHOUT_PRIORITY = 2;
  /** The version of a snapshot without an {@code inbound} line. */
  static final int VERSION_WITHOUT_INBOUND = 1;
  static final String MAGIC = "netfloor-status";

  public byte[] encode() {
    StringBuilder sb = new StringBuilder();
    sb.append(MAGIC).append(' ').append(versionOf(status)).append('\n');
    sb.append("network ").append(status.network()).append('\n');
    sb.append("bridge ").append(status.bridge()).append('\n');
    status.inbound().ifPresent(l ->
        sb.append("inbound ").append(StatusCodec.encodeLimits(l)).append('\n'));
    sb.append("generation ").append(Lines.generation(generation)).append('\n');
    sb.append("previous ")
        .append(previous.isPresent() ? Lines.generation(previous.getAsLong()) : "-").append('\n');
    sb.append("seq ").append(seq).append('\n');
    sb.append("interfaces ").append(status.interfaces().size()).append('\n');
    for (PluggedInterface p : status.interfaces().values()) {
      sb.append("iface ").append(StatusCodec.encodeInterface(p)).append('\n');
    }
    sb.append("parked ").append(StatusCodec.encodeIds(status.parkedClassIds())).append('\n');
    String body = sb.toString();
    return (body + "crc32c " + Checksums.crc32c(body) + "\n").getBytes(StandardCharsets.US_ASCII);
  }

  /**
   * Reads a snapshot.
   *
   * @throws FormatException naming what is wrong (a newer format version says so)
   */
  public static SnapshotFile decode(byte[] bytes) throws FormatException {
    List<int[]> lines = splitLines(bytes);
    if (lines.isEmpty()) {
      throw new FormatException("the file is empty");
    }
    // The version comes first and before the checksum: a newer format may checksum differently.
    String first = Lines.ascii(bytes, lines.get(0)[0], lines.get(0)[1]);
    String version = Lines.expectPrefix(first, MAGIC);
    long v = Lines.parseCount(version, "format version");
    if (v > VERSION) {
      throw new FormatException("format version " + v + " is newer than this NetFloor reads ("
          + VERSION + "); upgrade NetFloor or restore the file it replaced");
    }
    if (v < VERSION_WITHOUT_INBOUND) {
      throw new FormatException("unknown format version " + v);
    }
    int[] last = lines.get(lines.size() - 1);
    String crcLine = Lines.ascii(bytes, last[0], last[1]);
    String crc = Lines.expectPrefix(crcLine, "crc32c");
    if (!Checksums.isWellFormed(crc)) {
      throw new FormatException("checksum '" + crc + "' is not 8 lower-case hex digits");
    }
    String actual = Checksums.crc32c(bytes, 0, last[0]);
    if (!actual.equals(crc)) {
      throw new FormatException("checksum mismatch: the file says " + crc + ", its content has "
          + actual + " (the file is damaged)");
    }
    List<String> text = new ArrayList<>();
    for (int[] l : lines.subList(1, lines.size() - 1)) {
      text.add(Lines.ascii(bytes, l[0], l[1]));
    }
    Optional<Limits> inbound = Optional.empty();
    if (v >= VERSION_WITHOUT_PRIORITY && text.size() >= 3 && text.get(2).startsWith("inbound ")) {
      inbound = Optional.of(StatusCodec.decodeLimits(Lines.expectPrefix(text.remove(2),
          "inbound")));
    } else if (v == VERSION_WITHOUT_PRIORITY) {
      throw new FormatException("a version " + VERSION_WITHOUT_PRIORITY + " snapshot has an"
          + " 'inbound' line after 'bridge'");
    }
    SnapshotFile snapshot = parseBody(text, inbound);
    if (v != versionOf(snapshot.status())) {
      throw new FormatException("a version " + v + " snapshot must " + (v == VERSION
          ? "hold an interface with a priority" : "not hold an interface with a priority")
          + "; this one is written as version " + versionOf(snapshot.status()));
    }
    return snapshot;
  }

  /** The version a status needs: the oldest that holds everything in it. */
  static int versionOf(NetworkStatus status) {
    if (status.interfaces().values().stream()
        .anyMatch(p -> p.bandwidth().priority().isPresent())) {
      return VERSION;
    }
    return status.inbound().isPresent() ? VERSION_WITHOUT_PRIORITY : VERSION_WITHOUT_INBOUND;
  }

  private static SnapshotFile parseBody(List<String> text, Optional<Limits> inbound)
      throws FormatException {
    if (text.size() < 7) {
      throw new FormatException("the snapshot has " + text.size() + " lines between header and"
          + " checksum, at least 7 expected");
    }
    String network = Lines.expectPrefix(text.get(0), "network");
    String bridge = Lines.expectPrefix(text.get(1), "bridge");
    long generation = Lines.parseGeneration(Lines.expectPrefix(text.get(2), "generation"));
    String prev = Lines.expectPrefix(text.get(3), "previous");
    OptionalLong previous = prev.equals("-") ? OptionalLong.empty()
        : OptionalLong.of(Lines.parseGeneration(prev));
    long seq = Lines.parseCount(Lines.expectPrefix(text.get(4), "seq"), "seq");
    long count = Lines.parseCount(Lines.expectPrefix(text.get(5), "interfaces"), "interface count");
    if (count != text.size() - 7) {
      throw new FormatException("the snapshot announces " + count + " interfaces but holds "
          + (text.size() - 7) + " lines for them");
    }
    SortedMap<InterfaceAlias, PluggedInterface> interfaces = new TreeMap<>();
    for (int i = 0; i < count; i++) {
      PluggedInterface p = StatusCodec.decodeInterface(Lines.expectPrefix(text.get(6 + i), "iface"));
      if (interfaces.put(p.alias(), p) != null) {
        throw new FormatException("interface '" + p.alias() + "' is listed twice");
      }
    }
    var parked = StatusCodec.decodeIds(Lines.expectPrefix(text.get(text.size() - 1), "parked"));
    try {
      NetworkStatus status = new NetworkStatus(NetworkName.of(network), InterfaceName.of(bridge), interfaces, parked,
          inbound);
      return new SnapshotFile(status, generation, previous, seq);
    } catch (RuntimeException e) {
      throw new FormatException("invalid status: " + e.getMessage(), e);
    }
  }

  /** {@link #decode} for callers that already know the bytes are good (tests, tools). */
  public static SnapshotFile decodeUnchecked(byte[] bytes) {
    try {
      return decode(bytes);
    } catch (FormatException e) {
      throw new IllegalArgumentException(e.getMessage(), e);
    }
  }

  /** [start, end) of each line without its '\n'; the file must end with '\n'. */
  static List<int[]> splitLines(byte[] bytes) throws FormatException {
    List<int[]> lines = new ArrayList<>();
    int start = 0;
    for (int i = 0; i < bytes.length; i++) {
      if (bytes[i] == '\n') {
        lines.add(new int[] {start, i});
        start = i + 1;
      }
    }
    if (start != bytes.length) {
      throw new FormatException("the file does not end with a newline (truncated?)");
    }
    return lines;
  }
}
