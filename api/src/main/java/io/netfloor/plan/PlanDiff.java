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
    return switch (o.objectKind()) {
      case U32_MAC_FILTER, U32_MATCH_ALL_POLICE, U32_MATCH_ALL_REDIRECT -> 0;
      case UNRECOGNIZED -> ((UnrecognizedObject) o).isFilter() ? 0 : 3;
      case U32_HASH_LINK -> 1;
      case U32_HASH_TABLE -> 2;
      case LEAF_QDISC -> 3;
      case HTB_CLASS -> ((HtbClass) o).parent().isQdisc() ? 5 : 4; // children before parents
      case U32_OWNER_MARK -> 6; // the mark goes last of all under its qdisc: a crash mid-way
                                // leaves it marked
      case U32_INSTANCE -> 7; // once emptied: the instance and its root table
      case HTB_QDISC, INGRESS_QDISC -> 8;
      case IFB_DEVICE -> 9;
    };
  }

  private static int addRank(TcObject o) {
    return switch (o.objectKind()) {
      case IFB_DEVICE -> 0;
      case HTB_QDISC, INGRESS_QDISC -> 1;
      case U32_OWNER_MARK -> 2; // the mark right after its qdisc: a crash later leaves a marked
                                // qdisc
      case HTB_CLASS -> 3; // parents first: 1:1 sorts before 1:N by key
      case LEAF_QDISC -> 4;
      case U32_HASH_TABLE -> 5;
      case U32_HASH_LINK -> 6;
      // MAC nodes, police, redirect; an instance or an unrecognized object is never added
      case U32_MAC_FILTER, U32_MATCH_ALL_POLICE, U32_MATCH_ALL_REDIRECT, U32_INSTANCE,
          UNRECOGNIZED -> 7;
    };
  }

  private static boolean changeableInPlace(TcObject was, TcObject now) {
    if (was.objectKind() != now.objectKind()) {
      return false;
    }
    return switch (was.objectKind()) {
      case HTB_CLASS -> ((HtbClass) was).parent().equals(((HtbClass) now).parent());
      case HTB_QDISC -> ((HtbQdisc) was).parent().equals(((HtbQdisc) now).parent());
      case LEAF_QDISC, INGRESS_QDISC, U32_HASH_TABLE, U32_HASH_LINK, U32_MAC_FILTER,
          U32_MATCH_ALL_POLICE, U32_MATCH_ALL_REDIRECT, U32_OWNER_MARK, U32_INSTANCE,
          UNRECOGNIZED, IFB_DEVICE -> false;
    };
  }

  /** Leaves out deletes that a deleted root/ingress qdisc or device already implies. */
  private static List<TcObject> dropCascaded(List<TcObject> deletes) {
    List<TcObject> roots = deletes.stream()
        .filter(PlanDiff::deletesWhatIsUnderIt)
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

  /** Does the kernel delete everything under {@code o} with it (a device, a root qdisc)? */
  private static boolean deletesWhatIsUnderIt(TcObject o) {
    return switch (o.objectKind()) {
      case IFB_DEVICE, INGRESS_QDISC -> true;
      case HTB_QDISC -> ((HtbQdisc) o).parent().equals(ClassHandle.ROOT);
      case LEAF_QDISC, HTB_CLASS, U32_HASH_TABLE, U32_HASH_LINK, U32_MAC_FILTER,
          U32_MATCH_ALL_POLICE, U32_MATCH_ALL_REDIRECT, U32_OWNER_MARK, U32_INSTANCE,
          UNRECOGNIZED -> false;
    };
  }

  /** Does deleting {@code root} remove {@code o} in the kernel too? */
  static boolean impliedBy(TcObject root, TcObject o) {
    if (!root.device().equals(o.device())) {
      return false;
    }
    return switch (root.objectKind()) {
      case IFB_DEVICE -> true;
      case INGRESS_QDISC -> underIngress(o);
      case HTB_QDISC -> belongsToRootHtb((HtbQdisc) root, o);
      case LEAF_QDISC, HTB_CLASS, U32_HASH_TABLE, U32_HASH_LINK, U32_MAC_FILTER,
          U32_MATCH_ALL_POLICE, U32_MATCH_ALL_REDIRECT, U32_OWNER_MARK, U32_INSTANCE,
          UNRECOGNIZED -> false;
    };
  }

  private static boolean underIngress(TcObject o) {
    return switch (o.objectKind()) {
      case U32_MATCH_ALL_POLICE, U32_MATCH_ALL_REDIRECT -> true;
      case U32_OWNER_MARK -> ((U32OwnerMark) o).parent().equals(IngressQdisc.HANDLE);
      case UNRECOGNIZED -> ((UnrecognizedObject) o).parent().equals(IngressQdisc.HANDLE);
      case U32_INSTANCE -> ((U32Instance) o).parent().equals(IngressQdisc.HANDLE);
      case HTB_QDISC, LEAF_QDISC, INGRESS_QDISC, HTB_CLASS, U32_HASH_TABLE, U32_HASH_LINK,
          U32_MAC_FILTER, IFB_DEVICE -> false;
    };
  }

  private static boolean belongsToRootHtb(HtbQdisc root, TcObject o) {
    int major = root.handle().major();
    return switch (o.objectKind()) {
      case HTB_CLASS -> ((HtbClass) o).classId().major() == major;
      case LEAF_QDISC -> ((LeafQdisc) o).parent().major() == major;
      case U32_HASH_TABLE -> Objects.equals(((U32HashTable) o).parent(), root.handle());
      case U32_HASH_LINK -> Objects.equals(((U32HashLink) o).parent(), root.handle());
      case U32_MAC_FILTER -> Objects.equals(((U32MacFilter) o).parent(), root.handle());
      case U32_OWNER_MARK -> Objects.equals(((U32OwnerMark) o).parent(), root.handle());
      case UNRECOGNIZED -> ((UnrecognizedObject) o).parent().major() == major;
      case U32_INSTANCE -> Objects.equals(((U32Instance) o).parent(), root.handle());
      case HTB_QDISC, INGRESS_QDISC, U32_MATCH_ALL_POLICE, U32_MATCH_ALL_REDIRECT,
          IFB_DEVICE -> false;
    };
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
