// SPDX-License-Identifier: Apache-2.0
package io.netfloor.shaping;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A lenient reader for {@code tc -j} and {@code ip -j} output. tc repeats keys in one object (a u32
 * node's "match" once per key), which strict JSON readers refuse or collapse; here an object keeps
 * every member in order, so {@link Obj#all} returns each repeat.
 */
final class TcJson {
  /** A JSON object as a list of members, repeats kept. */
  record Obj(List<Map.Entry<String, Object>> members) {
    /** The first value of {@code key}, or null. */
    Object get(String key) {
      return members.stream().filter(e -> e.getKey().equals(key)).map(Map.Entry::getValue)
          .findFirst().orElse(null);
    }

    /** The first value of {@code key} as text (numbers as written), or null. */
    String text(String key) {
      Object v = get(key);
      return v == null ? null : v.toString();
    }

    Obj obj(String key) {
      Object v = get(key);
      return v instanceof Obj o ? o : null;
    }

    /** Every value of {@code key}, in order. */
    List<Object> all(String key) {
      return members.stream().filter(e -> e.getKey().equals(key)).map(Map.Entry::getValue)
          .toList();
    }
  }

  private final String s;
  private int i;

  private TcJson(String s) {
    this.s = s;
  }

  /** The top-level array of a tc/ip dump (empty output reads as an empty array). */
  static List<Obj> array(String json) {
    if (json.isBlank()) {
      return List.of();
    }
    TcJson p = new TcJson(json);
    Object v = p.value();
    p.ws();
    if (p.i != json.length()) {
      throw new IllegalArgumentException("trailing text at " + p.i + ": " + json);
    }
    List<Obj> out = new ArrayList<>();
    for (Object o : (List<?>) v) {
      out.add((Obj) o);
    }
    return out;
  }

  private Object value() {
    ws();
    char c = s.charAt(i);
    switch (c) {
      case '{' -> {
        i++;
        List<Map.Entry<String, Object>> members = new ArrayList<>();
        ws();
        if (s.charAt(i) == '}') {
          i++;
          return new Obj(members);
        }
        while (true) {
          ws();
          String key = string();
          ws();
          expect(':');
          members.add(Map.entry(key, value()));
          ws();
          if (s.charAt(i) == ',') {
            i++;
          } else {
            expect('}');
            return new Obj(members);
          }
        }
      }
      case '[' -> {
        i++;
        List<Object> items = new ArrayList<>();
        ws();
        if (s.charAt(i) == ']') {
          i++;
          return items;
        }
        while (true) {
          items.add(value());
          ws();
          if (s.charAt(i) == ',') {
            i++;
          } else {
            expect(']');
            return items;
          }
        }
      }
      case '"' -> {
        return string();
      }
      default -> {
        int start = i;
        while (i < s.length() && ",}] \n\t\r".indexOf(s.charAt(i)) < 0) {
          i++;
        }
        return s.substring(start, i); // number, true, false, null: as written
      }
    }
  }

  private String string() {
    expect('"');
    StringBuilder sb = new StringBuilder();
    while (s.charAt(i) != '"') {
      char c = s.charAt(i++);
      if (c == '\\') {
        char e = s.charAt(i++);
        switch (e) {
          case 'n' -> sb.append('\n');
          case 't' -> sb.append('\t');
          case 'u' -> {
            sb.append((char) Integer.parseInt(s.substring(i, i + 4), 16));
            i += 4;
          }
          default -> sb.append(e);
        }
      } else {
        sb.append(c);
      }
    }
    i++;
    return sb.toString();
  }

  private void expect(char c) {
    if (s.charAt(i) != c) {
      throw new IllegalArgumentException("expected '" + c + "' at " + i + ": " + s);
    }
    i++;
  }

  private void ws() {
    while (i < s.length() && Character.isWhitespace(s.charAt(i))) {
      i++;
    }
  }
}
