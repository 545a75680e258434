// SPDX-License-Identifier: Apache-2.0
package io.netfloor.testkit.kernel;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.netfloor.units.ClassHandle;
import io.netfloor.units.Rate;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What {@code tc} and {@code ip} (iproute2, an implementation independent of NetFloor) say a
 * {@link TestNamespace} holds: the oracle of kernel tests.
 *
 * <p>Qdiscs, filters and links come from {@code -j} output. tc repeats a key within one JSON object
 * (a u32 node prints one {@code "match"} per key), which a strict reader refuses or collapses: here
 * every value of a repeated key is kept ({@link #every}). HTB classes come from the text form,
 * because tc (6.1) prints HTB classes as text even with {@code -j}.
 */
public final class TcOracle {
  /**
   * A qdisc as tc shows it.
   *
   * @param kind e.g. {@code htb}, {@code pfifo}, {@code noqueue}, {@code ingress}
   * @param handle e.g. {@code 1:}
   * @param parent {@link ClassHandle#ROOT} for a root qdisc, {@link ClassHandle#INGRESS} for an
   *     ingress or clsact qdisc, else the class it hangs under
   */
  public record Qdisc(String kind, ClassHandle handle, ClassHandle parent) {}

  /**
   * An HTB class as tc shows it.
   *
   * @param classId e.g. {@code 1:3}
   * @param parent the parent class, or the HTB qdisc's handle (e.g. {@code 1:}) where tc prints
   *     {@code root}
   * @param rate the guaranteed rate as tc prints it (tc rounds to its unit)
   * @param ceil the ceiling as tc prints it
   * @param leafQdisc the handle of the class's leaf qdisc, if tc shows one
   */
  public record HtbClass(ClassHandle classId, ClassHandle parent, Rate rate, Rate ceil,
      Optional<ClassHandle> leafQdisc) {}

  /**
   * A u32 key as tc shows it.
   *
   * @param value the 32-bit value
   * @param mask the 32-bit mask
   * @param offset the byte offset the key applies at (negative: into the link-layer header)
   */
  public record Key(int value, int mask, int offset) {}

  /**
   * A u32 filter node or hash table as tc shows it.
   *
   * @param parent the qdisc or class the filter hangs under, e.g. {@code 1:}
   * @param protocol tc's name of the protocol, e.g. {@code all}, {@code ip}, {@code 802.1Q}
   * @param prio the filter's priority ({@code pref})
   * @param handle the u32 handle, e.g. {@code 800:} (a table) or {@code 800::803} (a node)
   * @param flowId the class the node sends packets to, if any
   * @param link the table a hashing node links to, e.g. {@code 1:}, if any
   * @param divisor a table's bucket count (0 for a node)
   * @param hashMask a hashing node's mask (0 if none)
   * @param hashOffset a hashing node's offset (0 if none)
   * @param keys the node's keys, in order
   */
  public record Filter(ClassHandle parent, String protocol, int prio, String handle,
      Optional<ClassHandle> flowId, Optional<String> link, int divisor, int hashMask,
      int hashOffset, List<Key> keys) {}

  private static final Pattern CLASS = Pattern.compile(
      "^class htb (\\S+) (?:root|parent (\\S+))(?: leaf (\\S+))?.*? rate (\\S+) ceil (\\S+)");
  private static final Comparator<ClassHandle> BY_HANDLE =
      Comparator.comparingLong(h -> Integer.toUnsignedLong(h.toBits()));

  private TcOracle() {}

  /**
   * {@code tc -j qdisc show dev DEV}.
   *
   * @param ns the namespace
   * @param dev the device
   * @return the device's qdiscs in tc's order
   */
  public static List<Qdisc> qdiscs(TestNamespace ns, String dev) {
    List<Qdisc> out = new ArrayList<>();
    for (Map<String, Object> q : tcJson(ns, "qdisc", "show", "dev", dev)) {
      ClassHandle parent = Boolean.TRUE.equals(q.get("root")) ? ClassHandle.ROOT
          : ClassHandle.parse(String.valueOf(q.get("parent")));
      out.add(new Qdisc((String) q.get("kind"), ClassHandle.parse((String) q.get("handle")),
          parent));
    }
    return out;
  }

  /**
   * {@code tc class show dev DEV}: the device's HTB classes.
   *
   * @param ns the namespace
   * @param dev the device
   * @return the classes by id, in id order
   */
  public static Map<ClassHandle, HtbClass> classes(TestNamespace ns, String dev) {
    Map<ClassHandle, HtbClass> out = new TreeMap<>(BY_HANDLE);
    for (String line : ns.tc("class", "show", "dev", dev).split("\n")) {
      Matcher m = CLASS.matcher(line.strip());
      if (m.find()) {
        ClassHandle id = ClassHandle.parse(m.group(1));
        ClassHandle parent = m.group(2) == null ? ClassHandle.qdisc(id.major())
            : ClassHandle.parse(m.group(2));
        out.put(id, new HtbClass(id, parent, Rate.parse(m.group(4)), Rate.parse(m.group(5)),
            Optional.ofNullable(m.group(3)).map(ClassHandle::parse)));
      }
    }
    return out;
  }

  /**
   * Bytes sent by each HTB class, from {@code tc -s class show dev DEV}.
   *
   * @param ns the namespace
   * @param dev the device
   * @return bytes by class id, in tc's order
   */
  public static Map<ClassHandle, Long> classBytes(TestNamespace ns, String dev) {
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

  /**
   * The u32 tables and nodes under the root qdisc of {@code dev} ({@code tc -j filter show dev
   * DEV}), without the per-priority header entries.
   *
   * @param ns the namespace
   * @param dev the device
   * @return tables and nodes in tc's order
   */
  public static List<Filter> filters(TestNamespace ns, String dev) {
    return filters(tcJson(ns, "filter", "show", "dev", dev), null);
  }

  /**
   * The u32 tables and nodes under {@code parent} ({@code tc -j filter show dev DEV parent
   * PARENT}), without the per-priority header entries.
   *
   * @param ns the namespace
   * @param dev the device
   * @param parent a qdisc or class in tc's spelling, e.g. {@code 1:} or {@code ffff:}
   * @return tables and nodes in tc's order
   */
  public static List<Filter> filters(TestNamespace ns, String dev, String parent) {
    return filters(tcJson(ns, "filter", "show", "dev", dev, "parent", parent),
        ClassHandle.parse(parent));
  }

  static List<Filter> filters(List<Map<String, Object>> entries, ClassHandle parent) {
    List<Filter> out = new ArrayList<>();
    for (Map<String, Object> f : entries) {
      if (!(f.get("options") instanceof Map<?, ?>)) {
        continue; // the header tc prints per priority
      }
      Map<String, Object> opts = object(f.get("options"));
      List<Key> keys = new ArrayList<>();
      for (Object k : every(opts, "match")) {
        Map<String, Object> key = object(k);
        keys.add(new Key(hex(key.get("value")), hex(key.get("mask")),
            ((Number) key.get("off")).intValue()));
      }
      // when asked for one parent, tc leaves "parent" out of each entry
      ClassHandle p = f.containsKey("parent") ? ClassHandle.parse((String) f.get("parent"))
          : parent;
      out.add(new Filter(p, (String) f.get("protocol"), ((Number) f.get("pref")).intValue(),
          (String) opts.get("fh"),
          Optional.ofNullable((String) opts.get("flowid")).map(ClassHandle::parse),
          Optional.ofNullable((String) opts.get("link")), integer(opts.get("ht_divisor")),
          opts.containsKey("hash_mask") ? hex(opts.get("hash_mask")) : 0,
          integer(opts.get("hash_off")), List.copyOf(keys)));
    }
    return out;
  }

  /**
   * The names of the namespace's links ({@code ip -j link show}).
   *
   * @param ns the namespace
   * @return link names in ip's order
   */
  public static List<String> links(TestNamespace ns) {
    return ipJson(ns, "link", "show").stream().map(l -> (String) l.get("ifname")).toList();
  }

  /**
   * {@code tc -j args…} in {@code ns}, parsed ({@link #parse}).
   *
   * @param ns the namespace
   * @param args tc's command without {@code -j}, e.g. {@code "qdisc", "show", "dev", "br0"}
   * @return the objects of tc's top-level array
   */
  public static List<Map<String, Object>> tcJson(TestNamespace ns, String... args) {
    return parse(ns.tc(withJson(args)));
  }

  /**
   * {@code ip -j args…} in {@code ns}, parsed ({@link #parse}).
   *
   * @param ns the namespace
   * @param args ip's command without {@code -j}, e.g. {@code "link", "show"}
   * @return the objects of ip's top-level array
   */
  public static List<Map<String, Object>> ipJson(TestNamespace ns, String... args) {
    return parse(ns.ip(withJson(args)));
  }

  /**
   * Reads iproute2's JSON: a top-level array of objects (empty output reads as none). An object is
   * a map in tc's key order whose values are maps, lists, strings, {@link Number}s, booleans or
   * null; a key tc repeats in one object holds a list of its values (read it with {@link #every}).
   *
   * @param json what {@code tc -j} or {@code ip -j} printed
   * @return the array's objects
   * @throws IllegalArgumentException if {@code json} is not JSON or not an array of objects
   */
  public static List<Map<String, Object>> parse(String json) {
    if (json.isBlank()) {
      return List.of();
    }
    Object top;
    try (JsonParser p = new JsonFactory().createParser(json)) {
      p.nextToken();
      top = value(p);
      if (p.nextToken() != null) {
        throw new IllegalArgumentException("text after the JSON value: " + json);
      }
    } catch (IOException e) {
      throw new IllegalArgumentException("not JSON: " + json, e);
    }
    if (!(top instanceof List<?> items)) {
      throw new IllegalArgumentException("not a JSON array: " + json);
    }
    List<Map<String, Object>> out = new ArrayList<>();
    for (Object item : items) {
      if (!(item instanceof Map<?, ?>)) {
        throw new IllegalArgumentException("not an array of objects: " + json);
      }
      out.add(object(item));
    }
    return out;
  }

  /**
   * Every value of {@code key} in {@code object}, in tc's order: none if absent, one if the key
   * appears once (even if that value is an array), all if tc repeated it.
   *
   * @param object an object from {@link #parse}
   * @param key the key
   * @return the values
   */
  public static List<Object> every(Map<String, Object> object, String key) {
    Object v = object.get(key);
    if (v instanceof RepeatedKey r) {
      return List.copyOf(r);
    }
    return v == null ? List.of() : List.of(v);
  }

  private static String[] withJson(String[] args) {
    String[] out = new String[args.length + 1];
    out[0] = "-j";
    System.arraycopy(args, 0, out, 1, args.length);
    return out;
  }

  private static int hex(Object text) {
    String s = (String) text;
    return Integer.parseUnsignedInt(s.startsWith("0x") ? s.substring(2) : s, 16);
  }

  private static int integer(Object number) {
    return number == null ? 0 : ((Number) number).intValue();
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> object(Object o) {
    return (Map<String, Object>) o;
  }

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
          RepeatedKey all = old instanceof RepeatedKey r ? r : new RepeatedKey(old);
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
    private static final long serialVersionUID = 1L;

    RepeatedKey(Object first) {
      add(first);
    }
  }
}
