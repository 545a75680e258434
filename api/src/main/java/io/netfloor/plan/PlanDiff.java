// SPDX-License-Identifier: Apache-2.0
package io.netfloor.plan;

import com.google.common.collect.ImmutableList;
import io.netfloor.units.ClassHandle;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Turns "these objects before" into "these objects after" as an ordered {@link Plan} that the kernel
 * accepts at every step and that never leaves a guarantee oversubscribed in between:
 *
 * <ol>
 *   <li>delete filters (MAC nodes, then hash links, then hash tables): nothing points at a class
 *       about to go, so the kernel does not answer {@code EBUSY "HTB class in use"};
 *   <li>change classes whose rate goes <em>down</em> (e.g. the default class making room);
 *   <li>delete leaf qdiscs, then classes (children first), then ownership marks
 *       ({@link U32OwnerMark}), then root/ingress qdiscs, then devices;
 *   <li>add devices, then root/ingress qdiscs, then their ownership marks, then classes (parents
 *       first): whatever a crash interrupts, a qdisc that holds anything of NetFloor's is marked;
 *   <li>change qdiscs, and classes whose rate stays or goes up;
 *   <li>add leaf qdiscs, then filters (hash tables, links, then nodes): a filter never points at a
 *       class that does not exist yet.
 * </ol>
 *
 * A filter whose parameters change is deleted and added again (u32 nodes are not changed in place).
 * Every object is deleted explicitly, so each operation's {@link TcOp#inverse()} undoes exactly what
 * it did and {@link Plan#undoOfFirst(int)} is exact. {@link #teardown} instead relies on the kernel's
 * cascade (deleting a root or ingress qdisc removes everything under it, deleting a device its
 * qdiscs) for the shortest plan that removes everything.
 */
public final class PlanDiff {
  private PlanDiff() {}

  /**
   * The plan that turns {@code before} into {@code after}; every operation exactly invertible.
   *
   * @param before the objects the kernel holds now
   * @param after the objects it should hold; objects with the same {@link TcObject#key() key} on
   *     both sides are changed (or, for filters, deleted and added again) when their fields differ
   * @return the plan, ordered as the class documentation says; empty when both sides hold equal
   *     objects
   */
  public static Plan between(Collection<? extends TcObject> before,
      Collection<? extends TcObject> after) {
    return diff(before, after, false);
  }

  /**
   * The shortest plan that removes {@code objects}: deletes implied by a deleted root/ingress qdisc
   * or device are left out. Its {@link Plan#undoOfFirst} is not exact; undo a teardown with
   * {@code between(List.of(), objects)}.
   *
   * @param objects the objects to remove
   * @return the plan of deletes, children first
   */
  public static Plan teardown(Collection<? extends TcObject> objects) {
    return diff(objects, List.of(), true);
  }

  /**
   * At most this many objects on both sides together are matched by a linear scan instead of two
   * hash maps: a plug, unplug or update compares about ten objects, where the maps, their entries
   * and the keys cost more than the comparisons they save.
   */
  private static final int SMALL = 24;
  private static final Comparator<TcObject> DELETE_ORDER =
      Comparator.comparingInt(PlanDiff::deleteRank).thenComparing(TcObject::key);
  private static final Comparator<TcObject> ADD_ORDER =
      Comparator.comparingInt(PlanDiff::addRank).thenComparing(TcObject::key);
  private static final Comparator<TcOp.Change> LOWERING_ORDER =
      Comparator.comparing(c -> c.after().key());
  private static final Comparator<TcOp.Change> RAISING_ORDER =
      Comparator.comparingInt((TcOp.Change c) -> c.after() instanceof HtbClass ? 1 : 0)
          .thenComparing(c -> c.after().key());

  private static Plan diff(Collection<? extends TcObject> before,
      Collection<? extends TcObject> after, boolean cascade) {
    List<TcObject> deletes = new ArrayList<>();
    List<TcObject> adds = new ArrayList<>();
    List<TcOp.Change> lowering = new ArrayList<>();
    List<TcOp.Change> raising = new ArrayList<>();
    if (before.size() + after.size() <= SMALL) {
      // Same classification as below. Every list is sorted afterwards by a total order on keys
      // (keys are unique within each list), so the order found in does not matter: same plan.
      TcObject[] oldObjs = before.toArray(new TcObject[0]);
      TcObject[] neuObjs = after.toArray(new TcObject[0]);
      ObjectKey[] oldKeys = dedupe(oldObjs);
      ObjectKey[] neuKeys = dedupe(neuObjs);
      for (int i = 0; i < oldObjs.length; i++) {
        if (oldObjs[i] == null) {
          continue; // a repeat of an earlier object
        }
        int j = find(neuKeys, neuObjs, oldKeys[i]);
        classify(oldObjs[i], j < 0 ? null : neuObjs[j], deletes, adds, lowering, raising);
      }
      for (int j = 0; j < neuObjs.length; j++) {
        if (neuObjs[j] != null && find(oldKeys, oldObjs, neuKeys[j]) < 0) {
          adds.add(neuObjs[j]);
        }
      }
    } else {
      Map<ObjectKey, TcObject> old = index(before);
      Map<ObjectKey, TcObject> neu = index(after);
      for (Map.Entry<ObjectKey, TcObject> e : old.entrySet()) {
        classify(e.getValue(), neu.get(e.getKey()), deletes, adds, lowering, raising);
      }
      for (Map.Entry<ObjectKey, TcObject> e : neu.entrySet()) {
        if (!old.containsKey(e.getKey())) {
          adds.add(e.getValue());
        }
      }
    }
    List<TcObject> cascaded = cascade ? dropCascaded(deletes) : deletes;
    cascaded.sort(DELETE_ORDER);
    adds.sort(ADD_ORDER);
    lowering.sort(LOWERING_ORDER);
    raising.sort(RAISING_ORDER);

    ImmutableList.Builder<TcOp> ops = ImmutableList.builder();
    int i = 0;
    while (i < cascaded.size() && deleteRank(cascaded.get(i)) < FIRST_NON_FILTER_DELETE) {
      ops.add(new TcOp.Delete(cascaded.get(i++)));
    }
    lowering.forEach(ops::add);
    while (i < cascaded.size()) {
      ops.add(new TcOp.Delete(cascaded.get(i++)));
    }
    int j = 0;
    while (j < adds.size() && addRank(adds.get(j)) <= LAST_STRUCTURAL_ADD) {
      ops.add(new TcOp.Add(adds.get(j++)));
    }
    raising.forEach(ops::add);
    while (j < adds.size()) {
      ops.add(new TcOp.Add(adds.get(j++)));
    }
    return new Plan(ops.build());
  }

  private static final int FIRST_NON_FILTER_DELETE = 3;
  private static final int LAST_STRUCTURAL_ADD = 3;

  private static int deleteRank(TcObject o) {
    if (o instanceof U32MacFilter || o instanceof U32MatchAllPolice
        || o instanceof U32MatchAllRedirect
        || (o instanceof UnrecognizedObject u && u.isFilter())) {
      return 0;
    } else if (o instanceof U32HashLink) {
      return 1;
    } else if (o instanceof U32HashTable) {
      return 2;
    } else if (o instanceof LeafQdisc || o instanceof UnrecognizedObject) {
      return 3;
    } else if (o instanceof HtbClass c) {
      return c.parent().isQdisc() ? 5 : 4; // children before parents
    } else if (o instanceof U32OwnerMark) {
      return 6; // the mark goes last of all under its qdisc: a crash mid-way leaves it marked
    } else if (o instanceof U32Instance) {
      return 7; // once emptied: the instance and its root table
    } else if (o instanceof HtbQdisc || o instanceof IngressQdisc) {
      return 8;
    }
    return 9; // IfbDevice
  }

  private static int addRank(TcObject o) {
    if (o instanceof IfbDevice) {
      return 0;
    } else if (o instanceof HtbQdisc || o instanceof IngressQdisc) {
      return 1;
    } else if (o instanceof U32OwnerMark) {
      return 2; // the mark right after its qdisc: a crash later leaves a marked qdisc
    } else if (o instanceof HtbClass) {
      return 3; // parents first: 1:1 sorts before 1:N by key
    } else if (o instanceof LeafQdisc) {
      return 4;
    } else if (o instanceof U32HashTable) {
      return 5;
    } else if (o instanceof U32HashLink) {
      return 6;
    }
    return 7; // MAC nodes, police, redirect
  }

  private static boolean changeableInPlace(TcObject was, TcObject now) {
    if (was instanceof HtbClass a && now instanceof HtbClass b) {
      return a.parent().equals(b.parent());
    }
    if (was instanceof HtbQdisc a && now instanceof HtbQdisc b) {
      return a.parent().equals(b.parent());
    }
    return false;
  }

  /** Leaves out deletes that a deleted root/ingress qdisc or device already implies. */
  private static List<TcObject> dropCascaded(List<TcObject> deletes) {
    List<TcObject> roots = deletes.stream()
        .filter(o -> o instanceof IfbDevice
            || o instanceof IngressQdisc
            || (o instanceof HtbQdisc q && q.parent().equals(ClassHandle.ROOT)))
        .toList();
    if (roots.isEmpty()) {
      return new ArrayList<>(deletes);
    }
    List<TcObject> kept = new ArrayList<>();
    for (TcObject o : deletes) {
      boolean implied = false;
      for (TcObject root : roots) {
        if (root != o && impliedBy(root, o)) {
          implied = true;
          break;
        }
      }
      if (!implied) {
        kept.add(o);
      }
    }
    return kept;
  }

  /** Does deleting {@code root} remove {@code o} in the kernel too? */
  static boolean impliedBy(TcObject root, TcObject o) {
    if (!root.device().equals(o.device())) {
      return false;
    }
    if (root instanceof IfbDevice) {
      return true;
    } else if (root instanceof IngressQdisc) {
      return o instanceof U32MatchAllPolice || o instanceof U32MatchAllRedirect
          || (o instanceof U32OwnerMark m && m.parent().equals(IngressQdisc.HANDLE))
          || (o instanceof UnrecognizedObject u && u.parent().equals(IngressQdisc.HANDLE))
          || (o instanceof U32Instance i && i.parent().equals(IngressQdisc.HANDLE));
    } else if (root instanceof HtbQdisc q) {
      return belongsToRootHtb(q, o);
    }
    return false;
  }

  private static boolean belongsToRootHtb(HtbQdisc root, TcObject o) {
    int major = root.handle().major();
    if (o instanceof HtbClass c) {
      return c.classId().major() == major;
    } else if (o instanceof LeafQdisc l) {
      return l.parent().major() == major;
    } else if (o instanceof U32HashTable f) {
      return Objects.equals(f.parent(), root.handle());
    } else if (o instanceof U32HashLink f) {
      return Objects.equals(f.parent(), root.handle());
    } else if (o instanceof U32MacFilter f) {
      return Objects.equals(f.parent(), root.handle());
    } else if (o instanceof U32OwnerMark m) {
      return Objects.equals(m.parent(), root.handle());
    } else if (o instanceof UnrecognizedObject u) {
      return u.parent().major() == major;
    } else if (o instanceof U32Instance i) {
      return Objects.equals(i.parent(), root.handle());
    }
    return false;
  }

  /** An object present before ({@code was}) and maybe after ({@code now}, null if gone). */
  private static void classify(TcObject was, TcObject now, List<TcObject> deletes,
      List<TcObject> adds, List<TcOp.Change> lowering, List<TcOp.Change> raising) {
    if (now == null) {
      deletes.add(was);
    } else if (!now.equals(was)) {
      if (changeableInPlace(was, now)) {
        TcOp.Change change = new TcOp.Change(was, now);
        if (was instanceof HtbClass c && ((HtbClass) now).rate().compareTo(c.rate()) < 0) {
          lowering.add(change);
        } else {
          raising.add(change);
        }
      } else {
        deletes.add(was);
        adds.add(now);
      }
    }
  }

  /**
   * The keys of {@code objects}; a later object equal to an earlier one with the same key is
   * replaced by null in {@code objects} (as {@link #index} keeps one), a different one is refused.
   */
  private static ObjectKey[] dedupe(TcObject[] objects) {
    ObjectKey[] keys = new ObjectKey[objects.length];
    for (int i = 0; i < objects.length; i++) {
      keys[i] = objects[i].key();
      for (int k = 0; k < i; k++) {
        if (objects[k] != null && keys[k].equals(keys[i])) {
          if (!objects[k].equals(objects[i])) {
            throw new IllegalArgumentException("two objects share the kernel identity " + keys[i]
                + ": " + objects[k].describe() + " / " + objects[i].describe());
          }
          objects[i] = null;
          break;
        }
      }
    }
    return keys;
  }

  private static int find(ObjectKey[] keys, TcObject[] objects, ObjectKey key) {
    for (int i = 0; i < keys.length; i++) {
      if (objects[i] != null && keys[i].equals(key)) {
        return i;
      }
    }
    return -1;
  }

  private static Map<ObjectKey, TcObject> index(Collection<? extends TcObject> objects) {
    Map<ObjectKey, TcObject> map = new LinkedHashMap<>();
    for (TcObject o : objects) {
      TcObject prev = map.put(o.key(), o);
      if (prev != null && !prev.equals(o)) {
        throw new IllegalArgumentException("two objects share the kernel identity " + o.key() + ": "
            + prev.describe() + " / " + o.describe());
      }
    }
    return map;
  }
}
