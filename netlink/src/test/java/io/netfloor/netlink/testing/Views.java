// SPDX-License-Identifier: Apache-2.0
package io.netfloor.netlink.testing;

import io.netfloor.plan.EtherType;
import io.netfloor.plan.HtbClass;
import io.netfloor.plan.HtbQdisc;
import io.netfloor.plan.LeafQdisc;
import io.netfloor.plan.TcObject;
import io.netfloor.plan.U32HashLink;
import io.netfloor.plan.U32HashTable;
import io.netfloor.plan.U32Key;
import io.netfloor.plan.U32MacFilter;
import io.netfloor.plan.U32OwnerMark;
import io.netfloor.spi.ClassInfo;
import io.netfloor.spi.FilterInfo;
import io.netfloor.spi.KernelSnapshot;
import io.netfloor.spi.QdiscInfo;
import io.netfloor.testkit.kernel.TcOracle;
import io.netfloor.units.ClassHandle;
import io.netfloor.units.Rate;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * Puts the three views of a bridge in one comparable form ({@link TcOracle}'s records): what the plan model says the kernel should hold, what tc says it holds, and what
 * NetFloor's own dump says it holds.
 */
public final class Views {
  private Views() {}

  private static String table(int htid) {
    return Integer.toHexString(htid) + ":";
  }

  private static <T> List<T> sorted(List<T> in) {
    return in.stream().sorted(Comparator.comparing(Object::toString)).toList();
  }

  public static List<TcOracle.Qdisc> expectedQdiscs(List<TcObject> objects) {
    List<TcOracle.Qdisc> out = new ArrayList<>();
    for (TcObject o : objects) {
      if (o instanceof HtbQdisc q) {
        out.add(new TcOracle.Qdisc("htb", q.handle(), q.parent()));
      } else if (o instanceof LeafQdisc q) {
        out.add(new TcOracle.Qdisc(q.kind().kernelName(), q.handle(), q.parent()));
      }
    }
    return sorted(out);
  }

  public static List<TcOracle.HtbClass> expectedClasses(List<TcObject> objects) {
    Set<ClassHandle> leaves = objects.stream().filter(o -> o instanceof LeafQdisc)
        .map(o -> ((LeafQdisc) o).parent()).collect(Collectors.toSet());
    List<TcOracle.HtbClass> out = new ArrayList<>();
    for (TcObject o : objects) {
      if (o instanceof HtbClass c) {
        // the kernel keeps rates in bytes per second
        out.add(new TcOracle.HtbClass(c.classId(), c.parent(),
            Rate.ofBitsPerSecond(c.rate().bytesPerSecond() * 8),
            Rate.ofBitsPerSecond(c.ceil().bytesPerSecond() * 8),
            leaves.contains(c.classId()) && c.classId().minor() != 0
                ? Optional.of(ClassHandle.qdisc(c.classId().minor())) : Optional.empty()));
      }
    }
    return sorted(out);
  }

  /** The expected filters, plus the root table {@code 800:} the kernel makes with the first one. */
  public static List<TcOracle.Filter> expectedFilters(List<TcObject> objects) {
    List<TcOracle.Filter> out = new ArrayList<>();
    Set<String> rootTables = new TreeSet<>();
    for (TcObject o : objects) {
      if (o instanceof U32HashTable t) {
        out.add(new TcOracle.Filter(t.parent(), EtherType.name(t.protocol()), t.prio(),
            table(t.htid()), Optional.empty(), Optional.empty(), t.divisor(), 0, 0, List.of()));
        rootTables.add(t.parent() + "|" + EtherType.name(t.protocol()) + "|" + t.prio());
      } else if (o instanceof U32HashLink l) {
        out.add(new TcOracle.Filter(l.parent(), EtherType.name(l.protocol()), l.prio(),
            l.handle().toString(), Optional.empty(), Optional.of(table(l.linkHtid())), 0,
            l.hashMask(), l.hashOffset(), List.of(new TcOracle.Key(0, 0, 0))));
        rootTables.add(l.parent() + "|" + EtherType.name(l.protocol()) + "|" + l.prio());
      } else if (o instanceof U32MacFilter f) {
        out.add(new TcOracle.Filter(f.parent(), EtherType.name(f.protocol()), f.prio(),
            f.handle().toString(), Optional.of(f.flowId()), Optional.empty(), 0, 0, 0,
            keys(U32Key.forMacFilter(f))));
        rootTables.add(f.parent() + "|" + EtherType.name(f.protocol()) + "|" + f.prio());
      } else if (o instanceof U32OwnerMark m) {
        out.add(new TcOracle.Filter(m.parent(), EtherType.name(m.protocol()), m.prio(),
            table(U32OwnerMark.TABLE_ID), Optional.empty(), Optional.empty(), 1, 0, 0, List.of()));
        out.add(new TcOracle.Filter(m.parent(), EtherType.name(m.protocol()), m.prio(),
            m.handle().toString(), Optional.empty(), Optional.empty(), 0, 0, 0, keys(m.keys())));
        rootTables.add(m.parent() + "|" + EtherType.name(m.protocol()) + "|" + m.prio());
      }
    }
    for (String r : rootTables) {
      String[] p = r.split("\\|");
      out.add(new TcOracle.Filter(ClassHandle.parse(p[0]), p[1], Integer.parseInt(p[2]), "800:",
          Optional.empty(), Optional.empty(), 1, 0, 0, List.of()));
    }
    return sorted(out);
  }

  private static List<TcOracle.Key> keys(List<U32Key> keys) {
    return keys.stream().map(k -> new TcOracle.Key(k.value(), k.mask(), k.offset())).toList();
  }

  public static List<TcOracle.Qdisc> qdiscs(KernelSnapshot s) {
    return sorted(s.qdiscs().stream().map(Views::qdisc).toList());
  }

  private static TcOracle.Qdisc qdisc(QdiscInfo q) {
    return new TcOracle.Qdisc(q.kind(), q.handle(), q.parent());
  }

  public static List<TcOracle.HtbClass> classes(KernelSnapshot s) {
    return sorted(s.classes().stream().map(Views::htbClass).toList());
  }

  private static TcOracle.HtbClass htbClass(ClassInfo c) {
    return new TcOracle.HtbClass(c.classId(), c.parent(), c.rate(), c.ceil(), c.leafQdisc());
  }

  public static List<TcOracle.Filter> filters(KernelSnapshot s) {
    return sorted(s.filters().stream().map(Views::filter).toList());
  }

  private static TcOracle.Filter filter(FilterInfo f) {
    String handle = f.isHashTable() ? table(f.handle().htid()) : f.handle().toString();
    boolean hashing = f.linkHtid().isPresent();
    return new TcOracle.Filter(f.parent(), EtherType.name(f.protocol()), f.prio(), handle,
        f.classId(), hashing ? Optional.of(table(f.linkHtid().getAsInt())) : Optional.empty(),
        f.divisor().orElse(0), hashing ? f.hashMask() : 0, hashing ? f.hashOffset() : 0,
        keys(f.keys()));
  }
}
