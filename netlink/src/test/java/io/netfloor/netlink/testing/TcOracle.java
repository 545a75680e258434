// SPDX-License-Identifier: Apache-2.0
package io.netfloor.netlink.testing;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.netfloor.units.ClassHandle;
import io.netfloor.units.Rate;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What {@code tc} (iproute2, an implementation independent of NetFloor) says a namespace holds.
 * Qdiscs and filters come from {@code tc -j}; u32 filters print one {@code "match"} key per key in
 * the same JSON object, so the JSON is read with a parser that keeps repeated keys as a list. HTB
 * classes come from the text form: tc 6.1 prints HTB classes as text even with {@code -j}.
 */
public final class TcOracle {
  /** A qdisc as tc shows it. */
  public record Qdisc(String kind, String handle, String parent) {}

  /** An HTB class as tc shows it ({@code parent} "root" for a top-level class). */
  public record HtbClass(String classId, String parent, long rateBitsPerSecond,
      long ceilBitsPerSecond, String leaf) {}

  /** A u32 key as tc shows it: hex value and mask without leading zeros, offset. */
  public record Key(String value, String mask, int offset) {}

  /**
   * A u32 filter node or table as tc shows it.
   *
   * @param divisor for a table, its buckets (0 for a node)
   */
  public record Filter(String parent, String protocol, int prio, String handle, String flowId,
      String link, int divisor, String hashMask, int hashOffset, List<Key> keys) {}

  private static final Pattern CLASS = Pattern.compile(
      "^class htb (\\S+) (?:root|parent (\\S+))(?: leaf (\\S+))?.*? rate (\\S+) ceil (\\S+)");

  private TcOracle() {}

  public static List<Qdisc> qdiscs(Netns ns, String dev) {
    List<Qdisc> out = new ArrayList<>();
    for (Object o : list(parse(ns.tc("-j", "qdisc", "show", "dev", dev)))) {
      Map<String, Object> q = map(o);
      String parent = Boolean.TRUE.equals(q.get("root")) ? "root"
          : String.valueOf(q.getOrDefault("parent", ""));
      out.add(new Qdisc((String) q.get("kind"), (String) q.get("handle"), parent));
    }
    return out;
  }

  public static List<HtbClass> classes(Netns ns, String dev) {
    List<HtbClass> out = new ArrayList<>();
    for (String line : ns.tc("class", "show", "dev", dev).split("\n")) {
      Matcher m = CLASS.matcher(line.strip());
      if (m.find()) {
        out.add(new HtbClass(m.group(1), m.group(2) == null ? "root" : m.group(2),
            Rate.parse(m.group(4)).bitsPerSecond(), Rate.parse(m.group(5)).bitsPerSecond(),
            m.group(3)));
      }
    }
    return out;
  }

  /** Bytes sent by each HTB class, from {@code tc -s class show}. */
  public static Map<ClassHandle, Long> classBytes(Netns ns, String dev) {
    Map<ClassHandle, Long> out = new LinkedHashMap<>();
    ClassHandle current = null;
    for (String line : ns.tc("-s", "class", "show", "dev", dev).split("\n")) {
      String l = line.strip();
      Matcher m = CLASS.matcher(l);
      if (m.find()) {
        current = ClassHandle.parse(m.group(1));
      } else if (l.startsWith("Sent ") && current != null) {
        out.put(current, Long.parseLong(l.split("\\s+")[1]));
      }
    }
    return out;
  }

  /** Filter nodes and tables, without the per-prio header lines. */
  public static List<Filter> filters(Netns ns, String dev, String parent) {
    List<Filter> out = new ArrayList<>();
    for (Object o : list(parse(ns.tc("-j", "filter", "show", "dev", dev, "parent", parent)))) {
      Map<String, Object> f = map(o);
      Object optionsObject = f.get("options");
      if (optionsObject == null) {
        continue;
      }
      Map<String, Object> opts = map(optionsObject);
      List<Key> keys = new ArrayList<>();
      for (Object k : list(opts.getOrDefault("match", List.of()))) {
        Map<String, Object> km = map(k);
        keys.add(new Key((String) km.get("value"), (String) km.get("mask"),
            ((Number) km.get("off")).intValue()));
      }
      // when asked for one parent, tc leaves "parent" out of each entry
      out.add(new Filter((String) f.getOrDefault("parent", parent), (String) f.get("protocol"),
          ((Number) f.get("pref")).intValue(), (String) opts.get("fh"),
          (String) opts.get("flowid"), (String) opts.get("link"),
          opts.containsKey("ht_divisor") ? ((Number) opts.get("ht_divisor")).intValue() : 0,
          (String) opts.get("hash_mask"),
          opts.containsKey("hash_off") ? ((Number) opts.get("hash_off")).intValue() : 0, keys));
    }
    return out;
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> map(Object o) {
    return (Map<String, Object>) o;
  }

  @SuppressWarnings("unchecked")
  private static List<Object> list(Object o) {
    return o instanceof List<?> l ? (List<Object>) l : List.of(o);
  }

  /** JSON to maps, lists, strings, numbers and booleans; a repeated key collects its values. */
  static Object parse(String json) {
    try (JsonParser p = new JsonFactory().createParser(json)) {
      p.nextToken();
      return value(p);
    } catch (IOException e) {
      throw new UncheckedIOException("tc printed invalid JSON: " + json, e);
    }
  }

  @SuppressWarnings("unchecked")
  private static Object value(JsonParser p) throws IOException {
    JsonToken t = p.currentToken();
    if (t == JsonToken.START_OBJECT) {
      Map<String, Object> m = new LinkedHashMap<>();
      while (p.nextToken() != JsonToken.END_OBJECT) {
        String key = p.currentName();
        p.nextToken();
        Object v = value(p);
        if (m.containsKey(key)) {
          Object old = m.get(key);
          List<Object> all = old instanceof RepeatedKey r ? r : new RepeatedKey(old);
          all.add(v);
          m.put(key, all);
        } else {
          m.put(key, v);
        }
      }
      return m;
    } else if (t == JsonToken.START_ARRAY) {
      List<Object> l = new ArrayList<>();
      while (p.nextToken() != JsonToken.END_ARRAY) {
        l.add(value(p));
      }
      return l;
    } else if (t == JsonToken.VALUE_STRING) {
      return p.getText();
    } else if (t == JsonToken.VALUE_NUMBER_INT || t == JsonToken.VALUE_NUMBER_FLOAT) {
      return p.getNumberValue();
    } else if (t == JsonToken.VALUE_TRUE || t == JsonToken.VALUE_FALSE) {
      return p.getBooleanValue();
    }
    return null;
  }

  /** The values of a key that appeared more than once in one object. */
  private static final class RepeatedKey extends ArrayList<Object> {
    RepeatedKey(Object first) {
      add(first);
    }
  }
}
