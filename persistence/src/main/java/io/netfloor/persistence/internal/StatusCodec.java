// SPDX-License-Identifier: Apache-2.0
package io.netfloor.persistence.internal;

import com.google.common.base.Splitter;
import io.netfloor.model.Bandwidth;
import io.netfloor.model.Limits;
import io.netfloor.model.PluggedInterface;
import io.netfloor.plan.U32Handle;
import io.netfloor.spi.StatusChange;
import io.netfloor.units.ByteSize;
import io.netfloor.units.InterfaceName;
import io.netfloor.units.MacAddress;
import io.netfloor.units.Rate;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.function.Function;

/**
 * The text form of the values a status is made of, one space-separated line each. Values are
 * printed with their types' {@code toString} (tc syntax: {@code 10mbit}, {@code 15kb},
 * {@code 800::803}) and read back with their {@code parse} methods.
 *
 * <p>An interface: {@code <alias> <mac> class=<minor> filter=<handle|-> in=<limits|-> out=<limits|->}
 * and, when NetFloor also shapes its own device, {@code dev=<name>} (interface names hold no spaces),
 * limits as {@code average=10mbit,peak=20mbit,burst=15kb,floor=5mbit} (absent fields left out, the
 * order fixed). A change: {@code set <interface>}, {@code remove <alias>}, {@code park <ids|->},
 * {@code unpark <ids|->} with ids as {@code 3,4,9}.
 *
 * <p>Every decoder re-encodes what it read and insists on getting the input back: a file has exactly
 * one spelling of each status, so hand edits in another spelling ({@code 10Mbit}) are reported
 * rather than half understood.
 */
public final class StatusCodec {
  private static final Splitter SPACE = Splitter.on(' ');
  private static final Splitter COMMA = Splitter.on(',');

  private StatusCodec() {}

  // ---- interfaces

  public static String encodeInterface(PluggedInterface p) {
    return p.alias() + ' ' + p.mac() + " class=" + p.classMinor()
        + " filter=" + p.filterHandle().map(U32Handle::toString).orElse("-")
        + " in=" + p.bandwidth().inbound().map(StatusCodec::encodeLimits).orElse("-")
        + " out=" + p.bandwidth().outbound().map(StatusCodec::encodeLimits).orElse("-")
        + p.device().map(d -> " dev=" + d).orElse("");
  }

  public static PluggedInterface decodeInterface(String text) throws FormatException {
    List<String> t = SPACE.splitToList(text);
    if (t.size() != 6 && t.size() != 7) {
      throw new FormatException("an interface has 6 or 7 fields (alias mac class= filter= in= out="
          + " [dev=]), found " + t.size() + " in '" + text + "'");
    }
    PluggedInterface p = guard(text, () -> new PluggedInterface(
        t.get(0),
        MacAddress.parse(t.get(1)),
        new Bandwidth(
            optional(field(t.get(4), "in"), StatusCodec::decodeLimitsUnchecked),
            optional(field(t.get(5), "out"), StatusCodec::decodeLimitsUnchecked)),
        Integer.parseInt(field(t.get(2), "class")),
        optional(field(t.get(3), "filter"), StatusCodec::parseHandle),
        t.size() == 7 ? Optional.of(InterfaceName.of(field(t.get(6), "dev"))) : Optional.empty()));
    return canonical(text, p, StatusCodec::encodeInterface);
  }

  // ---- limits

  static String encodeLimits(Limits l) {
    StringBuilder sb = new StringBuilder();
    l.average().ifPresent(r -> sb.append(",average=").append(r));
    l.peak().ifPresent(r -> sb.append(",peak=").append(r));
    l.burst().ifPresent(b -> sb.append(",burst=").append(b));
    l.floor().ifPresent(r -> sb.append(",floor=").append(r));
    return sb.substring(1); // Limits always holds an average or a floor
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

  // ---- u32 handles: tc prints htid:bucket:node in hex, an empty part meaning 0

  static U32Handle parseHandle(String text) {
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

  // ---- class id sets

  public static String encodeIds(SortedSet<Integer> ids) {
    if (ids.isEmpty()) {
      return "-";
    }
    StringBuilder sb = new StringBuilder();
    for (int id : ids) {
      sb.append(',').append(id);
    }
    return sb.substring(1);
  }

  public static SortedSet<Integer> decodeIds(String text) throws FormatException {
    SortedSet<Integer> ids = guard(text, () -> {
      SortedSet<Integer> s = new TreeSet<>();
      if (!text.equals("-")) {
        for (String id : COMMA.split(text)) {
          s.add(Integer.parseInt(id));
        }
      }
      return s;
    });
    return canonical(text, ids, StatusCodec::encodeIds);
  }

  // ---- changes

  public static String encodeChange(StatusChange change) {
    if (change instanceof StatusChange.InterfaceSet s) {
      return "set " + encodeInterface(s.iface());
    } else if (change instanceof StatusChange.InterfaceRemoved r) {
      return "remove " + r.alias();
    } else if (change instanceof StatusChange.ClassesParked p) {
      return "park " + encodeIds(p.classIds());
    } else if (change instanceof StatusChange.ClassesUnparked u) {
      return "unpark " + encodeIds(u.classIds());
    } else if (change instanceof StatusChange.Batch batch) {
      // "batch <count> <change> / <change> / …": an encoded change never holds " / " (aliases,
      // MACs, rates and id lists have no spaces around a slash)
      StringBuilder b = new StringBuilder("batch ").append(batch.changes().size());
      String sep = " ";
      for (StatusChange c : batch.changes()) {
        b.append(sep).append(encodeChange(c));
        sep = BATCH_SEPARATOR;
      }
      return b.toString();
    }
    throw new IllegalArgumentException("unknown status change " + change);
  }

  public static StatusChange decodeChange(String text) throws FormatException {
    int sp = text.indexOf(' ');
    if (sp < 0) {
      throw new FormatException("change '" + text + "' has no operation and argument");
    }
    String arg = text.substring(sp + 1);
    StatusChange c = switch (text.substring(0, sp)) {
      case "set" -> new StatusChange.InterfaceSet(decodeInterface(arg));
      case "remove" -> guard(text, () -> new StatusChange.InterfaceRemoved(arg));
      case "park" -> new StatusChange.ClassesParked(decodeIds(arg));
      case "unpark" -> new StatusChange.ClassesUnparked(decodeIds(arg));
      case "batch" -> decodeBatch(arg);
      default -> throw new FormatException("unknown change '" + text.substring(0, sp) + "'");
    };
    return canonical(text, c, StatusCodec::encodeChange);
  }

  private static final String BATCH_SEPARATOR = " / ";

  private static StatusChange decodeBatch(String arg) throws FormatException {
    int sp = arg.indexOf(' ');
    if (sp < 0) {
      throw new FormatException("batch '" + arg + "' has no count and changes");
    }
    int count = guard(arg, () -> Integer.parseInt(arg.substring(0, sp)));
    List<StatusChange> changes = new ArrayList<>();
    String rest = arg.substring(sp + 1);
    int from = 0;
    while (true) {
      int end = rest.indexOf(BATCH_SEPARATOR, from);
      String one = end < 0 ? rest.substring(from) : rest.substring(from, end);
      if (one.startsWith("batch ")) {
        throw new FormatException("a batch of changes holds another batch");
      }
      changes.add(decodeChange(one));
      if (end < 0) {
        break;
      }
      from = end + BATCH_SEPARATOR.length();
    }
    if (changes.size() != count) {
      throw new FormatException("batch says " + count + " changes but holds " + changes.size());
    }
    return new StatusChange.Batch(changes);
  }

  // ---- helpers

  /** The value of {@code key=value}, insisting on the key. */
  static String field(String token, String key) {
    if (!token.startsWith(key + "=")) {
      throw new IllegalArgumentException("expected '" + key + "=…', found '" + token + "'");
    }
    return token.substring(key.length() + 1);
  }

  private static <T> Optional<T> optional(String text, Function<String, T> parse) {
    return text.equals("-") ? Optional.empty() : Optional.of(parse.apply(text));
  }

  private interface Parse<T> {
    T get() throws FormatException;
  }

  /** Runs a decoder, turning the value types' validation errors into {@link FormatException}. */
  private static <T> T guard(String text, Parse<T> parse) throws FormatException {
    try {
      return parse.get();
    } catch (RuntimeException e) {
      throw new FormatException("cannot read '" + text + "': " + e.getMessage(), e);
    }
  }

  private static <T> T canonical(String text, T value, Function<T, String> encode)
      throws FormatException {
    String again = encode.apply(value);
    if (!again.equals(text)) {
      throw new FormatException("'" + text + "' is not in canonical form (expected '" + again + "')");
    }
    return value;
  }
}
