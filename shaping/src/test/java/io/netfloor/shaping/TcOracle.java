// SPDX-License-Identifier: Apache-2.0
package io.netfloor.shaping;

import io.netfloor.units.ClassHandle;
import io.netfloor.units.Rate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What {@code tc} (an independent implementation) says a bridge holds: HTB classes and u32 filter
 * nodes, parsed from {@code tc class show} and {@code tc filter show} text (tc 6.1 prints HTB classes
 * only as text, and its filter JSON repeats the "match" key).
 */
final class TcOracle {
  record TcClass(ClassHandle id, ClassHandle parent, Rate rate, Rate ceil) {}

  record TcFilter(String handle, ClassHandle flowId, List<String> matches) {}

  private static final Pattern CLASS = Pattern.compile(
      "class htb (\\S+) (?:root|parent (\\S+))(?: leaf \\S+)?(?: prio \\d+)? rate (\\S+) ceil (\\S+)");
  private static final Pattern NODE = Pattern.compile("fh (\\S+) .*flowid (\\S+)");
  private static final Pattern MATCH = Pattern.compile("match (\\S+) at (-?\\d+)");

  static Map<ClassHandle, TcClass> classes(Netns ns, String dev) {
    Map<ClassHandle, TcClass> out = new TreeMap<>((a, b) -> Integer.compare(a.toBits(), b.toBits()));
    for (String line : ns.tc("class", "show", "dev", dev).split("\n")) {
      Matcher m = CLASS.matcher(line);
      if (m.find()) {
        ClassHandle id = ClassHandle.parse(m.group(1));
        ClassHandle parent = m.group(2) == null ? ClassHandle.qdisc(id.major())
            : ClassHandle.parse(m.group(2));
        out.put(id, new TcClass(id, parent, Rate.parse(m.group(3)), Rate.parse(m.group(4))));
      }
    }
    return out;
  }

  private static final Pattern CLASS_PRIO = Pattern.compile("class htb (\\S+) .*? prio (\\d+) ");

  /**
   * The HTB prio of each class on {@code dev} as {@code tc -j class show} reports it (tc 6.1 prints
   * HTB classes as text even with {@code -j}); a class it prints without a prio has HTB's 0.
   */
  static Map<ClassHandle, Integer> prios(Netns ns, String dev) {
    Map<ClassHandle, Integer> out = new TreeMap<>((a, b) -> Integer.compare(a.toBits(), b.toBits()));
    for (String line : ns.tc("-j", "class", "show", "dev", dev).split("\n")) {
      if (!line.startsWith("class htb ")) {
        continue;
      }
      Matcher m = CLASS_PRIO.matcher(line);
      String id = line.split(" ")[2];
      out.put(ClassHandle.parse(id), m.find() ? Integer.parseInt(m.group(2)) : 0);
    }
    return out;
  }

  private static final Pattern JSON_FILTER = Pattern.compile(
      "\"fh\":\"([^\"]+)\"(?:[^{}]*?\"flowid\":\"([^\"]+)\")?");

  /**
   * Every u32 handle {@code tc -j filter show} lists on {@code dev} (tables like {@code 800:} and
   * nodes like {@code 800::803}), in tc's order, each with its flowid ({@code -} for none). The JSON
   * is read with a pattern because tc repeats the "match" key, which strict JSON readers refuse.
   */
  static List<String> filterHandlesJson(Netns ns, String dev) {
    List<String> out = new ArrayList<>();
    Matcher m = JSON_FILTER.matcher(ns.tc("-j", "filter", "show", "dev", dev));
    while (m.find()) {
      out.add(m.group(1) + " -> " + (m.group(2) == null ? "-" : m.group(2)));
    }
    return out;
  }

  /** u32 nodes that classify (have a flowid), with their match lines. */
  static List<TcFilter> filters(Netns ns, String dev) {
    List<TcFilter> out = new ArrayList<>();
    String handle = null;
    ClassHandle flow = null;
    List<String> matches = new ArrayList<>();
    for (String line : ns.tc("filter", "show", "dev", dev).split("\n")) {
      Matcher n = NODE.matcher(line);
      if (line.startsWith("filter")) {
        if (handle != null) {
          out.add(new TcFilter(handle, flow, matches));
        }
        handle = null;
        matches = new ArrayList<>();
        if (n.find()) {
          handle = n.group(1);
          flow = ClassHandle.parse(n.group(2).replace("*", ""));
        }
      } else {
        Matcher m = MATCH.matcher(line);
        if (m.find() && handle != null) {
          matches.add(m.group(1) + "@" + m.group(2));
        }
      }
    }
    if (handle != null) {
      out.add(new TcFilter(handle, flow, matches));
    }
    return out;
  }
}
