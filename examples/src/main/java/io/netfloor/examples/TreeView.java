// SPDX-License-Identifier: Apache-2.0
package io.netfloor.examples;

import io.netfloor.model.HtbTree;
import io.netfloor.model.PluggedInterface;
import io.netfloor.spi.ClassInfo;
import io.netfloor.spi.ClassStats;
import io.netfloor.spi.KernelSnapshot;
import io.netfloor.spi.QdiscInfo;
import io.netfloor.units.ClassHandle;
import io.netfloor.units.Rate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * The HTB hierarchy of a bridge as the kernel holds it, annotated with what NetFloor's model knows
 * (which interface owns which class): the view behind {@code netfloor tree} and the demo's live
 * display.
 *
 * <p>Rows come from a kernel dump (so a class the model expects but the kernel lacks is visibly
 * missing); the current throughput of a class is the growth of its byte counter between two dumps,
 * i.e. measured at layer 2, as HTB counts.
 */
public final class TreeView {
  /**
   * One class of the tree.
   *
   * @param depth 0 for the top class {@code 1:1}
   * @param label what the class is for: the network, the default class (with the interfaces that use
   *     it), an interface's alias and MAC, a parked class, or a class NetFloor does not know
   * @param rate the class's rate: an interface's floor, the default class's share, the capacity
   * @param bitsPerSecondNow throughput since the previous dump, NaN without one
   */
  public record Row(int depth, boolean last, ClassHandle classId, String label, Rate rate, Rate ceil,
      double bitsPerSecondNow, ClassStats stats) {}

  /**
   * What a class is for, as data (the label says it in words).
   *
   * @param role {@code network} (the top class), {@code default}, {@code interface},
   *     {@code parked}, or {@code unknown} (a class NetFloor does not know)
   * @param aliases the interfaces whose frames land in the class
   * @param mac the interface's MAC for an {@code interface} class, else null
   */
  public record Owner(String role, List<String> aliases, String mac) {
    public Owner {
      aliases = List.copyOf(aliases);
    }
  }

  /** The header as data: the bridge, its root qdisc (null when there is none), the network. */
  private record Header(String device, String qdiscKind, ClassHandle qdiscHandle,
      Integer defaultClassMinor, String network, String description) {}

  private final String header;
  private final Header head;
  private final List<Row> rows;
  private final Map<ClassHandle, Owner> owners;
  private final List<PluggedInterface> missing;

  private TreeView(String header, Header head, List<Row> rows, Map<ClassHandle, Owner> owners,
      List<PluggedInterface> missing) {
    this.header = header;
    this.head = head;
    this.rows = List.copyOf(rows);
    this.owners = Map.copyOf(owners);
    this.missing = List.copyOf(missing);
  }

  /**
   * The tree of {@code now}, with throughput against {@code before} taken {@code elapsed} earlier
   * (both optional).
   */
  public static TreeView of(HtbTree model, KernelSnapshot now, Optional<KernelSnapshot> before,
      Duration elapsed) {
    return of(model.config().name().value(), "layout " + Units.layout(model.config().filterLayout()),
        model.interfaces().values(), model.parkedClassIds(), now, before, elapsed);
  }

  /**
   * As {@link #of(HtbTree, KernelSnapshot, Optional, Duration)}, from the stored interfaces alone:
   * for a network whose config is not known (one a program manages through the library).
   *
   * @param description what the header says after the network's name, e.g. {@code layout libvirt}
   */
  public static TreeView of(String network, String description,
      Collection<PluggedInterface> interfaces, Collection<Integer> parkedClassIds,
      KernelSnapshot now, Optional<KernelSnapshot> before, Duration elapsed) {
    Map<ClassHandle, String> labels = labels(network, interfaces, parkedClassIds);
    // a top-level class's parent is reported as the qdisc (1:) or as root, depending on the kernel
    Map<ClassHandle, List<ClassInfo>> children = now.classes().stream()
        .collect(Collectors.groupingBy(c -> c.parent().equals(ClassHandle.ROOT)
            ? HtbTree.ROOT_QDISC : c.parent(), LinkedHashMap::new, Collectors.toList()));
    Optional<QdiscInfo> root = now.findQdisc(HtbTree.ROOT_QDISC)
        .filter(q -> q.parent().equals(ClassHandle.ROOT));
    String header = now.device() + "  qdisc " + root.map(q -> q.kind() + " " + q.handle()
        + q.htbDefaultClassMinor().stream().mapToObj(d -> " default " + Integer.toHexString(d))
            .findFirst().orElse(""))
        .orElse("(no NetFloor root qdisc 1:)")
        + "   network '" + network + "', " + description;
    List<Row> rows = new ArrayList<>();
    double seconds = elapsed.toNanos() / 1e9;
    if (root.isPresent()) {
      walk(HtbTree.ROOT_QDISC, 0, children, labels, before, seconds, rows);
    }
    List<PluggedInterface> missing = new ArrayList<>();
    for (PluggedInterface p : interfaces) {
      if (now.findClass(p.effectiveClass()).isEmpty()) {
        missing.add(p);
      }
    }
    missing.sort(Comparator.comparing(PluggedInterface::alias));
    Header head = new Header(now.device().toString(), root.map(QdiscInfo::kind).orElse(null),
        root.map(QdiscInfo::handle).orElse(null),
        root.flatMap(q -> q.htbDefaultClassMinor().stream().boxed().findFirst()).orElse(null),
        network, description);
    return new TreeView(header, head, rows, owners(interfaces, parkedClassIds), missing);
  }

  private static void walk(ClassHandle parent, int depth, Map<ClassHandle, List<ClassInfo>> children,
      Map<ClassHandle, String> labels, Optional<KernelSnapshot> before, double seconds,
      List<Row> out) {
    List<ClassInfo> kids = new ArrayList<>(children.getOrDefault(parent, List.of()));
    kids.sort(Comparator.comparingInt((ClassInfo c) -> c.classId().major())
        .thenComparingInt(c -> c.classId().minor()));
    for (int i = 0; i < kids.size(); i++) {
      ClassInfo c = kids.get(i);
      double now = Double.NaN;
      if (before.isPresent() && seconds > 0) {
        Optional<ClassInfo> earlier = before.get().findClass(c.classId());
        if (earlier.isPresent() && c.stats().bytes() >= earlier.get().stats().bytes()) {
          now = (c.stats().bytes() - earlier.get().stats().bytes()) * 8 / seconds;
        }
      }
      String label = labels.getOrDefault(c.classId(), "(not NetFloor's)");
      out.add(new Row(depth, i == kids.size() - 1, c.classId(), label, c.rate(), c.ceil(), now,
          c.stats()));
      if (!c.classId().equals(parent)) {
        walk(c.classId(), depth + 1, children, labels, before, seconds, out);
      }
    }
  }

  private static Map<ClassHandle, String> labels(String network,
      Collection<PluggedInterface> interfaces, Collection<Integer> parkedClassIds) {
    Map<ClassHandle, String> labels = new LinkedHashMap<>();
    labels.put(HtbTree.TOP_CLASS, "network " + network);
    List<String> defaults = interfaces.stream()
        .filter(p -> p.floorClass().isEmpty()).map(p -> p.alias().value()).sorted()
        .collect(Collectors.toList());
    labels.put(HtbTree.DEFAULT_CLASS, defaults.isEmpty() ? "default"
        : "default: " + String.join(", ", defaults));
    for (PluggedInterface p : interfaces) {
      p.floorClass().ifPresent(c -> labels.put(c, p.alias() + " " + p.mac()));
    }
    for (int minor : parkedClassIds) {
      labels.put(ClassHandle.of(1, minor), "(parked)");
    }
    return labels;
  }

  private static Map<ClassHandle, Owner> owners(Collection<PluggedInterface> interfaces,
      Collection<Integer> parkedClassIds) {
    Map<ClassHandle, Owner> owners = new LinkedHashMap<>();
    owners.put(HtbTree.TOP_CLASS, new Owner("network", List.of(), null));
    owners.put(HtbTree.DEFAULT_CLASS, new Owner("default", interfaces.stream()
        .filter(p -> p.floorClass().isEmpty()).map(p -> p.alias().value()).sorted().toList(),
        null));
    for (PluggedInterface p : interfaces) {
      p.floorClass().ifPresent(c -> owners.put(c, new Owner("interface", List.of(p.alias().value()),
          p.mac().toString())));
    }
    for (int minor : parkedClassIds) {
      owners.put(ClassHandle.of(1, minor), new Owner("parked", List.of(), null));
    }
    return owners;
  }

  /** What {@code classId} is for ({@code unknown} for a class NetFloor does not know). */
  public Owner ownerOf(ClassHandle classId) {
    return owners.getOrDefault(classId, new Owner("unknown", List.of(), null));
  }

  public List<Row> rows() {
    return rows;
  }

  /** Interfaces of the model whose class the kernel does not hold ({@code reconcile} repairs it). */
  public List<String> missing() {
    return missing.stream().map(p -> p.alias() + " (class " + p.effectiveClass() + ")").toList();
  }

  /** The tree as text lines, one header line and one line per class. */
  public List<String> render() {
    List<String> lines = new ArrayList<>();
    lines.add(header);
    int labelWidth = Math.max(24, rows.stream().mapToInt(r -> r.label().length()).max().orElse(0));
    int treeWidth = 2 + rows.stream().mapToInt(r -> 3 * r.depth() + 3 + r.classId().toString().length())
        .max().orElse(8);
    String format = "%-" + treeWidth + "s  %-" + labelWidth + "s %10s %10s %13s %10s %6s %9s";
    lines.add(String.format(java.util.Locale.ROOT, format, "CLASS", "INTERFACE", "RATE/FLOOR",
        "CEIL", "NOW", "BYTES", "DROPS", "BORROWED"));
    boolean[] open = new boolean[64];
    for (Row r : rows) {
      StringBuilder branch = new StringBuilder();
      for (int d = 0; d < r.depth() && d < open.length; d++) {
        branch.append(open[d] ? "│  " : "   ");
      }
      branch.append(r.last() ? "└─ " : "├─ ").append(r.classId());
      if (r.depth() < open.length) {
        open[r.depth()] = !r.last();
      }
      lines.add(String.format(java.util.Locale.ROOT, format, branch, r.label(), Units.rate(r.rate()),
          Units.rate(r.ceil()), Units.bitsPerSecond(r.bitsPerSecondNow()),
          Units.bytes(r.stats().bytes()), r.stats().drops(), r.stats().borrows()));
    }
    for (String m : missing()) {
      lines.add("MISSING in the kernel: " + m + "  (run 'netfloor reconcile')");
    }
    return lines;
  }

  /**
   * The tree as nested maps, for JSON output: the bridge and its root qdisc, the network, one
   * object per class (handles as tc writes them, rates in bit/s and in tc's spelling, what the
   * class is for), and the interfaces whose class the kernel lacks.
   */
  public Map<String, Object> toJson() {
    Map<String, Object> json = new LinkedHashMap<>();
    json.put("network", head.network());
    json.put("description", head.description());
    json.put("device", head.device());
    Map<String, Object> qdisc = null;
    if (head.qdiscKind() != null) {
      qdisc = new LinkedHashMap<>();
      qdisc.put("kind", head.qdiscKind());
      qdisc.put("handle", head.qdiscHandle().toString());
      qdisc.put("defaultClass", head.defaultClassMinor() == null ? null
          : ClassHandle.of(head.qdiscHandle().major(), head.defaultClassMinor()).toString());
    }
    json.put("rootQdisc", qdisc);
    json.put("header", header);
    List<Map<String, Object>> classes = new ArrayList<>();
    for (Row r : rows) {
      Map<String, Object> c = new LinkedHashMap<>();
      c.put("class", r.classId().toString());
      c.put("depth", r.depth());
      Owner owner = ownerOf(r.classId());
      c.put("role", owner.role());
      c.put("aliases", owner.aliases());
      c.put("mac", owner.mac());
      c.put("label", r.label());
      c.put("rateBitsPerSecond", r.rate().bitsPerSecond());
      c.put("rateTc", r.rate().toString());
      c.put("ceilBitsPerSecond", r.ceil().bitsPerSecond());
      c.put("ceilTc", r.ceil().toString());
      c.put("bitsPerSecondNow", Double.isNaN(r.bitsPerSecondNow()) ? null
          : Math.round(r.bitsPerSecondNow()));
      c.put("bytes", r.stats().bytes());
      c.put("packets", r.stats().packets());
      c.put("drops", r.stats().drops());
      c.put("borrows", r.stats().borrows());
      classes.add(c);
    }
    json.put("classes", classes);
    List<Map<String, Object>> gone = new ArrayList<>();
    for (PluggedInterface p : missing) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("alias", p.alias().value());
      m.put("class", p.effectiveClass().toString());
      gone.add(m);
    }
    json.put("missing", gone);
    return json;
  }
}
