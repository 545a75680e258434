// SPDX-License-Identifier: Apache-2.0
package io.netfloor.spi;

import com.google.common.base.Splitter;
import io.netfloor.model.Bandwidth;
import io.netfloor.model.InterfaceAlias;
import io.netfloor.model.Limits;
import io.netfloor.model.NetworkName;
import io.netfloor.model.NetworkStatus;
import io.netfloor.model.PluggedInterface;
import io.netfloor.model.Priority;
import io.netfloor.model.StatusChange;
import io.netfloor.plan.U32Handle;
import io.netfloor.units.ByteSize;
import io.netfloor.units.InterfaceName;
import io.netfloor.units.MacAddress;
import io.netfloor.units.Rate;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.zip.CRC32C;

/**
 * The versioned text format of a network's status and of its changes, for {@link StatusStore}s: a
 * custom store (over a database, a key-value store, a map) keeps the records this codec makes and
 * never needs a format of its own. NetFloor's file store writes the same lines in its snapshot and
 * journal files.
 *
 * <h2>Records</h2>
 *
 * {@link #encodeStatus} makes a whole status into one self-contained record, {@link #encodeChange}
 * one {@link StatusChange} (what {@link StatusStore#record} receives). Both are printable US-ASCII
 * ending in a newline, start with their format version and end with a CRC32C of everything before
 * it, so a damaged or truncated record is reported rather than misread:
 *
 * <pre>
 * netfloor-status-record 1
 * network default
 * bridge virbr0
 * interfaces 1
 * iface vm1-net0 52:54:00:12:34:56 class=3 filter=800::803 in=floor=10mbit out=-
 * parked 4,5
 * crc32c 1c2d3e4f
 *
 * netfloor-change 1 set vm1-net0 52:54:00:12:34:56 class=3 filter=800::803 in=floor=10mbit out=- crc32c=5e6f7a8b
 * </pre>
 *
 * <h2>Versions</h2>
 *
 * Version 2 adds a network's inbound limits as last resized while it ran
 * ({@link NetworkStatus#inbound()}, {@link StatusChange.InboundResized}): a status holding them has
 * an {@code inbound <limits>} line right after {@code bridge}, and a resize is the change
 * {@code resize <limits>}. Only those records are written as version 2; every other record is
 * written as version 1, byte for byte as before, so records stored by an earlier NetFloor still
 * compare equal and an earlier NetFloor still reads everything that holds no resize. A reader takes
 * both versions; a version 1 record with an {@code inbound} line or a {@code resize} change, or a
 * version 2 record without one, is not in canonical form and is refused.
 *
 * <p>Version 3 adds interface priorities ({@link Bandwidth#priority()}): an interface line ends in
 * {@code prio=<0..7>} when the interface has one. A record holding an interface with a priority
 * (a status, a {@code set} change, a batch with one) is written as version 3, whatever else it
 * holds, so an earlier NetFloor reports it as newer instead of misreading it; every other record is
 * written as before (version 2 or 1). A record of a version other than the one its content needs
 * is refused, as above.
 *
 * <p>An interface's outbound floor is the {@code floor} of its {@code out=} limits, a key the
 * limits always had: no line changes syntax, so records holding one keep their version. A reader
 * from before outbound floors refuses such a record (its bandwidth rules had no outbound floor),
 * naming the floor, rather than misreading it.
 *
 * <h2>Lines</h2>
 *
 * The lines inside the records are available alone, for a store with its own framing and
 * versioning: an interface is {@code <alias> <mac> class=<minor> filter=<handle|-> in=<limits|->
 * out=<limits|->}, followed by {@code dev=<name>} when NetFloor also shapes the interface's own
 * device and then by {@code prio=<0..7>} when the interface has a priority; limits are {@code average=10mbit,peak=20mbit,burst=15kb,floor=5mbit} (absent fields left
 * out, this order); a change is {@code set <interface>}, {@code remove <alias>},
 * {@code park <ids|->}, {@code unpark <ids|->} with ids as {@code 3,4,9}, {@code resize <limits>}
 * (the network's new inbound limits: an average, optionally peak and burst, never a floor), or
 * {@code batch <count> <change> / <change> / …} for a {@link StatusChange.Batch} (its changes
 * are never batches themselves). Values are spelled as tc spells them ({@code 10mbit},
 * {@code 15kb}, {@code 800::803}).
 *
 * <h2>One spelling</h2>
 *
 * Every decoder re-encodes what it read and insists on getting its input back: each value has
 * exactly one spelling, so a hand edit in another one ({@code 10Mbit}) is reported rather than half
 * understood. A record of a newer {@link #FORMAT_VERSION} is refused with a message that says so.
 * Decoding failures are {@link StatusStoreException}s that quote the offending text.
 */
public final class StatusRecordCodec {
  /**
   * The newest version this codec writes and reads: 3, which adds interface priorities (2 added a
   * network's resized inbound limits). A change of any line's syntax increments it; a reader
   * refuses records of a newer version instead of misreading them. Records that hold no priority
   * are still written as {@link #FORMAT_VERSION_WITHOUT_PRIORITY}, and those that hold no inbound
   * limits either as {@link #FORMAT_VERSION_WITHOUT_INBOUND} (see the class documentation).
   */
  public static final int FORMAT_VERSION = 3;

  /**
   * The version of records that hold resized inbound limits but no interface priority: 2. A
   * record that holds a priority is {@link #FORMAT_VERSION}.
   */
  public static final int FORMAT_VERSION_WITHOUT_PRIORITY = 2;

  /**
   * The version of records that hold no resized inbound limits (a status without
   * {@link NetworkStatus#inbound()}, a change other than {@link StatusChange.InboundResized}): 1,
   * byte-identical with what NetFloor wrote before version 2 existed.
   */
  public static final int FORMAT_VERSION_WITHOUT_INBOUND = 1;

  private static final String STATUS_MAGIC = "netfloor-status-record";
  private static final String CHANGE_MAGIC = "netfloor-change";
  private static final String CHANGE_CRC = " crc32c=";
  private static final String BATCH_SEPARATOR = " / ";
  private static final Splitter SPACE = Splitter.on(' ');
  private static final Splitter COMMA = Splitter.on(',');
  private static final Splitter NEWLINE = Splitter.on('\n');

  private StatusRecordCodec() {}

  // ---------------------------------------------------------------- whole records

  /**
   * The record of a whole status: printable US-ASCII, newline-terminated, checksummed.
   *
   * @param status the status
   * @return the record, of version 3 if an interface has a priority, else of version 2 if the
   *     status holds inbound limits and of version 1 otherwise
   */
  public static byte[] encodeStatus(NetworkStatus status) {
    StringBuilder sb = new StringBuilder();
    sb.append(STATUS_MAGIC).append(' ').append(versionOf(status)).append('\n');
    sb.append("network ").append(status.network()).append('\n');
    sb.append("bridge ").append(status.bridge()).append('\n');
    status.inbound().ifPresent(l -> sb.append("inbound ").append(encodeLimits(l)).append('\n'));
    sb.append("interfaces ").append(status.interfaces().size()).append('\n');
    for (PluggedInterface p : status.interfaces().values()) {
      sb.append("iface ").append(encodeInterface(p)).append('\n');
    }
    sb.append("parked ").append(encodeClassIds(status.parkedClassIds())).append('\n');
    String body = sb.toString();
    return (body + "crc32c " + crc32c(body) + "\n").getBytes(StandardCharsets.US_ASCII);
  }

  /**
   * Reads a record made by {@link #encodeStatus}.
   *
   * @param record the bytes of one status record, its final newline included; not null
   * @return the status the record holds, equal to the one it was encoded from
   * @throws StatusStoreException naming what is wrong: a newer format version, a checksum
   *     mismatch (damage), a malformed or non-canonical line
   */
  public static NetworkStatus decodeStatus(byte[] record) {
    String text = ascii(record);
    if (!text.endsWith("\n")) {
      throw new StatusStoreException("status record does not end with a newline (truncated?)");
    }
    List<String> lines = new ArrayList<>(
        NEWLINE.splitToList(text.substring(0, text.length() - 1)));
    int version = checkVersion(lines.get(0), STATUS_MAGIC, "status record");
    String crcLine = lines.get(lines.size() - 1);
    String crc = prefixed(crcLine, "crc32c");
    String body = text.substring(0, text.length() - crcLine.length() - 1);
    String actual = crc32c(body);
    if (!actual.equals(crc)) {
      throw new StatusStoreException("status record checksum mismatch: it says '" + crc
          + "', its content has " + actual + " (the record is damaged)");
    }
    if (lines.size() < 6) {
      throw new StatusStoreException("status record has " + lines.size() + " lines, at least 6"
          + " expected");
    }
    String network = prefixed(lines.get(1), "network");
    String bridge = prefixed(lines.get(2), "bridge");
    Optional<Limits> inbound = Optional.empty();
    if (version >= FORMAT_VERSION_WITHOUT_PRIORITY && lines.size() >= 7
        && lines.get(3).startsWith("inbound ")) {
      // the record's lines were counted above without it: at least 6 remain after removing it
      inbound = Optional.of(decodeLimits(prefixed(lines.remove(3), "inbound")));
    } else if (version == FORMAT_VERSION_WITHOUT_PRIORITY) {
      throw new StatusStoreException("a version " + FORMAT_VERSION_WITHOUT_PRIORITY + " status"
          + " record has an 'inbound' line after 'bridge'");
    }
    String countText = prefixed(lines.get(3), "interfaces");
    int count = lines.size() - 6;
    if (!countText.equals(Integer.toString(count))) {
      throw new StatusStoreException("status record announces '" + countText + "' interfaces but"
          + " holds " + count + " lines for them");
    }
    SortedMap<InterfaceAlias, PluggedInterface> interfaces = new TreeMap<>();
    for (int i = 0; i < count; i++) {
      PluggedInterface p = decodeInterface(prefixed(lines.get(4 + i), "iface"));
      if (interfaces.put(p.alias(), p) != null) {
        throw new StatusStoreException("status record lists interface '" + p.alias() + "' twice");
      }
    }
    SortedSet<Integer> parked = decodeClassIds(prefixed(lines.get(lines.size() - 2), "parked"));
    Optional<Limits> resized = inbound;
    NetworkStatus status = guard("status of network '" + network + "'",
        () -> new NetworkStatus(NetworkName.of(network), InterfaceName.of(bridge), interfaces, parked, resized));
    if (version != versionOf(status)) {
      throw new StatusStoreException("status record of network '" + network + "' is not in"
          + " canonical form: its content is written as version " + versionOf(status) + ", not "
          + version);
    }
    return canonical(text, status, s -> new String(encodeStatus(s), StandardCharsets.US_ASCII));
  }

  /**
   * The record of one change: a single printable US-ASCII line, checksummed.
   *
   * @param change the change
   * @return the record, of version 3 if it holds an interface with a priority, else of version 2
   *     for a resize and of version 1 otherwise
   */
  public static byte[] encodeChange(StatusChange change) {
    String body = CHANGE_MAGIC + ' ' + versionOf(change) + ' ' + encodeChangeLine(change);
    return (body + CHANGE_CRC + crc32c(body) + "\n").getBytes(StandardCharsets.US_ASCII);
  }

  /**
   * Reads a record made by {@link #encodeChange}.
   *
   * @param record the bytes of one change record, its final newline included; not null
   * @return the change the record holds, equal to the one it was encoded from
   * @throws StatusStoreException naming what is wrong (as {@link #decodeStatus})
   */
  public static StatusChange decodeChange(byte[] record) {
    String text = ascii(record);
    if (!text.endsWith("\n") || text.indexOf('\n') != text.length() - 1) {
      throw new StatusStoreException("change record is not one newline-terminated line: '"
          + text.strip() + "'");
    }
    String line = text.substring(0, text.length() - 1);
    int sp = line.indexOf(' ', CHANGE_MAGIC.length() + 1);
    int version = checkVersion(sp < 0 ? line : line.substring(0, sp), CHANGE_MAGIC,
        "change record");
    int crcAt = line.lastIndexOf(CHANGE_CRC);
    if (crcAt <= sp) {
      throw new StatusStoreException("change record '" + line + "' has no checksum");
    }
    String body = line.substring(0, crcAt);
    String crc = line.substring(crcAt + CHANGE_CRC.length());
    String actual = crc32c(body);
    if (!actual.equals(crc)) {
      throw new StatusStoreException("change record checksum mismatch: it says '" + crc
          + "', its content has " + actual + " (the record is damaged)");
    }
    StatusChange change = decodeChangeLine(body.substring(sp + 1));
    if (version != versionOf(change)) {
      throw new StatusStoreException("change record '" + line + "' is not in canonical form: its"
          + " change is written as version " + versionOf(change) + ", not " + version);
    }
    return change;
  }

  private static int versionOf(StatusChange change) {
    return switch (change.changeKind()) {
      case BATCH -> ((StatusChange.Batch) change).changes().stream() // as new as its newest
          .mapToInt(StatusRecordCodec::versionOf).max().orElse(FORMAT_VERSION_WITHOUT_INBOUND);
      case INTERFACE_SET -> ((StatusChange.InterfaceSet) change).iface().bandwidth().priority()
          .isPresent() ? FORMAT_VERSION : FORMAT_VERSION_WITHOUT_INBOUND;
      case INBOUND_RESIZED -> FORMAT_VERSION_WITHOUT_PRIORITY;
      case INTERFACE_REMOVED, CLASSES_PARKED, CLASSES_UNPARKED -> FORMAT_VERSION_WITHOUT_INBOUND;
    };
  }

  /** The version a status needs: the oldest that can hold everything in it. */
  private static int versionOf(NetworkStatus status) {
    if (status.interfaces().values().stream()
        .anyMatch(p -> p.bandwidth().priority().isPresent())) {
      return FORMAT_VERSION;
    }
    return status.inbound().isPresent() ? FORMAT_VERSION_WITHOUT_PRIORITY
        : FORMAT_VERSION_WITHOUT_INBOUND;
  }

  // ---------------------------------------------------------------- lines

  /**
   * The line of an interface, as the file store's snapshots hold it after {@code iface }.
   *
   * @param p the plugged interface; not null
   * @return its fields separated by single spaces, without a newline; {@code -} stands for an
   *     absent filter or direction
   */
  public static String encodeInterface(PluggedInterface p) {
    return p.alias().value() + ' ' + p.mac() + " class=" + p.classMinor()
        + " filter=" + p.filterHandle().map(U32Handle::toString).orElse("-")
        + " in=" + p.bandwidth().inbound().map(StatusRecordCodec::encodeLimits).orElse("-")
        + " out=" + p.bandwidth().outbound().map(StatusRecordCodec::encodeLimits).orElse("-")
        + p.device().map(d -> " dev=" + d).orElse("")
        + p.bandwidth().priority().map(r -> " prio=" + r).orElse("");
  }

  /**
   * Reads an interface line.
   *
   * @param line a line made by {@link #encodeInterface}, without the {@code iface } prefix
   * @return the interface it describes
   * @throws StatusStoreException quoting the line and what is wrong with it
   */
  public static PluggedInterface decodeInterface(String line) {
    List<String> t = SPACE.splitToList(line);
    if (t.size() < 6 || t.size() > 8) {
      throw new StatusStoreException("an interface has 6 to 8 fields (alias mac class= filter= in="
          + " out= [dev=] [prio=]), found " + t.size() + " in '" + line + "'");
    }
    // the optional fields, in this order: dev=, prio=
    boolean hasPrio = t.get(t.size() - 1).startsWith("prio=");
    int devAt = hasPrio ? t.size() - 2 : t.size() - 1;
    boolean hasDev = devAt == 6;
    PluggedInterface p = guard(line, () -> new PluggedInterface(
        t.get(0),
        MacAddress.parse(t.get(1)),
        new Bandwidth(
            optional(field(t.get(4), "in"), StatusRecordCodec::decodeLimitsUnchecked),
            optional(field(t.get(5), "out"), StatusRecordCodec::decodeLimitsUnchecked),
            hasPrio ? Optional.of(Priority.parse(field(t.get(t.size() - 1), "prio")))
                : Optional.empty()),
        Integer.parseInt(field(t.get(2), "class")),
        optional(field(t.get(3), "filter"), StatusRecordCodec::parseHandle),
        hasDev ? Optional.of(InterfaceName.of(field(t.get(6), "dev"))) : Optional.empty()));
    return canonical(line, p, StatusRecordCodec::encodeInterface);
  }

  /**
   * A set of class ids: {@code 3,4,9}, or {@code -} when empty.
   *
   * @param ids the class minor ids, in ascending order; not null
   * @return the ids separated by commas, or {@code -} when there are none
   */
  public static String encodeClassIds(SortedSet<Integer> ids) {
    if (ids.isEmpty()) {
      return "-";
    }
    StringBuilder sb = new StringBuilder();
    for (int id : ids) {
      sb.append(',').append(id);
    }
    return sb.substring(1);
  }

  /**
   * Reads a set of class ids.
   *
   * @param text ids as {@link #encodeClassIds} writes them
   * @return a new mutable set of the ids
   * @throws StatusStoreException quoting the text when it is not in {@link #encodeClassIds} form
   */
  public static SortedSet<Integer> decodeClassIds(String text) {
    SortedSet<Integer> ids = guard(text, () -> {
      SortedSet<Integer> s = new TreeSet<>();
      if (!text.equals("-")) {
        for (String id : COMMA.split(text)) {
          s.add(Integer.parseInt(id));
        }
      }
      return s;
    });
    return canonical(text, ids, StatusRecordCodec::encodeClassIds);
  }

  /**
   * The line of a change, as the file store's journal holds it after the record number.
   *
   * @param change the change; not null
   * @return its operation ({@code set}, {@code remove}, {@code park}, {@code unpark} or
   *     {@code resize}) and argument, without a checksum or newline
   * @throws IllegalArgumentException for a change type this codec does not know
   */
  public static String encodeChangeLine(StatusChange change) {
    return switch (change.changeKind()) {
      case INTERFACE_SET -> "set " + encodeInterface(((StatusChange.InterfaceSet) change).iface());
      case INTERFACE_REMOVED -> "remove " + ((StatusChange.InterfaceRemoved) change).alias();
      case CLASSES_PARKED ->
          "park " + encodeClassIds(((StatusChange.ClassesParked) change).classIds());
      case CLASSES_UNPARKED ->
          "unpark " + encodeClassIds(((StatusChange.ClassesUnparked) change).classIds());
      case INBOUND_RESIZED ->
          "resize " + encodeLimits(((StatusChange.InboundResized) change).inbound());
      case BATCH -> encodeBatch((StatusChange.Batch) change);
    };
  }

  private static String encodeBatch(StatusChange.Batch batch) {
    // an encoded change never holds " / " (aliases, MACs, rates and id lists have no spaces
    // around a slash), so the separator needs no escaping
    StringBuilder b = new StringBuilder("batch ").append(batch.changes().size());
    String sep = " ";
    for (StatusChange c : batch.changes()) {
      b.append(sep).append(encodeChangeLine(c));
      sep = BATCH_SEPARATOR;
    }
    return b.toString();
  }

  /**
   * Reads a change line.
   *
   * @param line a line made by {@link #encodeChangeLine}
   * @return the change it describes
   * @throws StatusStoreException quoting the line and what is wrong with it
   */
  public static StatusChange decodeChangeLine(String line) {
    int sp = line.indexOf(' ');
    if (sp < 0) {
      throw new StatusStoreException("change '" + line + "' has no operation and argument");
    }
    String arg = line.substring(sp + 1);
    StatusChange c = switch (line.substring(0, sp)) {
      case "set" -> new StatusChange.InterfaceSet(decodeInterface(arg));
      case "remove" -> guard(line, () -> new StatusChange.InterfaceRemoved(arg));
      case "park" -> new StatusChange.ClassesParked(decodeClassIds(arg));
      case "unpark" -> new StatusChange.ClassesUnparked(decodeClassIds(arg));
      case "resize" -> guard(line, () -> new StatusChange.InboundResized(decodeLimits(arg)));
      case "batch" -> decodeBatch(arg);
      default -> throw new StatusStoreException("unknown change '" + line.substring(0, sp) + "'");
    };
    return canonical(line, c, StatusRecordCodec::encodeChangeLine);
  }

  private static StatusChange decodeBatch(String arg) {
    int sp = arg.indexOf(' ');
    if (sp < 0) {
      throw new StatusStoreException("batch '" + arg + "' has no count and changes");
    }
    int count = guard(arg, () -> Integer.parseInt(arg.substring(0, sp)));
    List<StatusChange> changes = new ArrayList<>();
    String rest = arg.substring(sp + 1);
    int from = 0;
    while (true) {
      int end = rest.indexOf(BATCH_SEPARATOR, from);
      String one = end < 0 ? rest.substring(from) : rest.substring(from, end);
      if (one.startsWith("batch ")) {
        throw new StatusStoreException("a batch of changes holds another batch: '" + arg + "'");
      }
      changes.add(decodeChangeLine(one));
      if (end < 0) {
        break;
      }
      from = end + BATCH_SEPARATOR.length();
    }
    if (changes.size() != count) {
      throw new StatusStoreException("batch says " + count + " changes but holds " + changes.size()
          + ": '" + arg + "'");
    }
    return new StatusChange.Batch(changes);
  }

  // ---------------------------------------------------------------- values

  /**
   * Limits as a status holds them: {@code average=10mbit,peak=20mbit,burst=15kb,floor=5mbit}, absent
   * fields left out.
   *
   * @param l the limits
   * @return their text
   */
  public static String encodeLimits(Limits l) {
    StringBuilder sb = new StringBuilder();
    l.average().ifPresent(r -> sb.append(",average=").append(r));
    l.peak().ifPresent(r -> sb.append(",peak=").append(r));
    l.burst().ifPresent(b -> sb.append(",burst=").append(b));
    l.floor().ifPresent(r -> sb.append(",floor=").append(r));
    return sb.substring(1); // Limits always holds an average or a floor
  }

  /**
   * Reads limits in {@link #encodeLimits} form.
   *
   * @param text the limits' text
   * @return the limits
   * @throws StatusStoreException quoting the text when it is not in {@link #encodeLimits} form
   */
  public static Limits decodeLimits(String text) {
    return canonical(text, guard(text, () -> decodeLimitsUnchecked(text)),
        StatusRecordCodec::encodeLimits);
  }

  private static Limits decodeLimitsUnchecked(String text) {
    Limits.Builder b = Limits.builder();
    for (String kv : COMMA.split(text)) {
      int eq = kv.indexOf('=');
      if (eq < 0) {
        throw new IllegalArgumentException("limit '" + kv + "' is not key=value");
      }
      String v = kv.substring(eq + 1);
      switch (kv.substring(0, eq)) {
        case "average" -> b.average(Rate.parse(v));
        case "peak" -> b.peak(Rate.parse(v));
        case "burst" -> b.burst(ByteSize.parse(v));
        case "floor" -> b.floor(Rate.parse(v));
        default -> throw new IllegalArgumentException("unknown limit '" + kv + "'");
      }
    }
    return b.build();
  }

  /** A u32 handle as tc prints it: htid:bucket:node in hex, an empty part meaning 0. */
  private static U32Handle parseHandle(String text) {
    List<String> parts = Splitter.on(':').splitToList(text);
    if (parts.size() != 3) {
      throw new IllegalArgumentException("u32 handle '" + text + "' is not htid:bucket:node");
    }
    int[] v = new int[3];
    for (int i = 0; i < 3; i++) {
      v[i] = parts.get(i).isEmpty() ? 0 : Integer.parseInt(parts.get(i), 16);
    }
    return U32Handle.of(v[0], v[1], v[2]);
  }

  // ---------------------------------------------------------------- helpers

  private static int checkVersion(String header, String magic, String what) {
    String version = header.startsWith(magic + " ") ? header.substring(magic.length() + 1) : null;
    if (version == null || version.isEmpty() || version.length() > 9
        || !version.chars().allMatch(c -> c >= '0' && c <= '9')) {
      throw new StatusStoreException(what + " does not start with '" + magic + " <version>': '"
          + header + "'");
    }
    int v = Integer.parseInt(version);
    if (v > FORMAT_VERSION) {
      throw new StatusStoreException(what + " format version " + v + " is newer than this NetFloor"
          + " reads (" + FORMAT_VERSION + "); upgrade NetFloor");
    }
    if (v < FORMAT_VERSION_WITHOUT_INBOUND) {
      throw new StatusStoreException(what + " has unknown format version '" + version + "'");
    }
    return v;
  }

  private static String prefixed(String line, String key) {
    if (!line.startsWith(key + " ")) {
      throw new StatusStoreException("expected a '" + key + " …' line, found '" + line + "'");
    }
    return line.substring(key.length() + 1);
  }

  /** The value of {@code key=value}, insisting on the key. */
  private static String field(String token, String key) {
    if (!token.startsWith(key + "=")) {
      throw new IllegalArgumentException("expected '" + key + "=…', found '" + token + "'");
    }
    return token.substring(key.length() + 1);
  }

  private static <T> Optional<T> optional(String text, Function<String, T> parse) {
    return text.equals("-") ? Optional.empty() : Optional.of(parse.apply(text));
  }

  private interface Parse<T> {
    T get();
  }

  /** Runs a decoder, turning the value types' validation errors into a store exception. */
  private static <T> T guard(String text, Parse<T> parse) {
    try {
      return parse.get();
    } catch (StatusStoreException e) {
      throw e;
    } catch (RuntimeException e) {
      throw new StatusStoreException("cannot read '" + text + "': " + e.getMessage(), e);
    }
  }

  private static <T> T canonical(String text, T value, Function<T, String> encode) {
    String again = encode.apply(value);
    if (!again.equals(text)) {
      throw new StatusStoreException("'" + text + "' is not in canonical form (expected '" + again
          + "')");
    }
    return value;
  }

  private static String ascii(byte[] record) {
    for (int i = 0; i < record.length; i++) {
      if ((record[i] < 0x20 || record[i] > 0x7e) && record[i] != '\n') {
        throw new StatusStoreException(String.format("byte 0x%02x at offset %d of the record is not"
            + " printable ASCII", record[i] & 0xff, i));
      }
    }
    if (record.length == 0) {
      throw new StatusStoreException("the record is empty");
    }
    return new String(record, StandardCharsets.US_ASCII);
  }

  private static String crc32c(String text) {
    CRC32C crc = new CRC32C();
    crc.update(text.getBytes(StandardCharsets.US_ASCII));
    return String.format("%08x", crc.getValue());
  }
}
