// SPDX-License-Identifier: Apache-2.0
package io.netfloor.model;

import com.google.common.collect.ImmutableList;
import io.netfloor.model.KernelObjects.InboundClass;
import io.netfloor.model.KernelObjects.ParkedClass;
import io.netfloor.plan.HtbClass;
import io.netfloor.plan.LeafQdisc;
import io.netfloor.plan.Plan;
import io.netfloor.plan.PlanDiff;
import io.netfloor.plan.TcOp;
import io.netfloor.plan.U32MacFilter;
import java.util.Arrays;

/**
 * The plans of a plain plug or unplug (an interface with an inbound class, no device of its own,
 * no outbound floor tree), built directly instead of by two {@link PlanDiff#between} calls over
 * the objects involved: a plug's share of time outside the kernel was mostly the model. The
 * objects are fixed: the default class 1:2 as it is with and without the interface, the
 * interface's {@link InboundClass} and, when a parked class stands in for it on the side without
 * the interface, that {@link ParkedClass} (same id, same leaf). The plans are exactly
 * {@code PlanDiff.between} of the two sides, which {@code DirectPlanProperties} and
 * {@code HtbTreeProperties#directPlansAreWhatPlanDiffMakes} check.
 */
final class DirectPlan {
  private DirectPlan() {}

  /**
   * From the side without the interface to the side with it: a plug's plan, an unplug's undo.
   *
   * @param defaultWithout the default class 1:2 without the interface's floor
   * @param defaultWith the default class 1:2 with it
   * @param iface the interface's class, leaf and filter
   * @param parked the parked class in its place on the side without it, or null for none
   */
  static Plan adding(HtbClass defaultWithout, HtbClass defaultWith, InboundClass iface,
      ParkedClass parked) {
    return swap(defaultWithout, defaultWith, parked == null ? null : parked.htbClass(),
        iface.htbClass(), iface.leaf(), iface.filter(), false);
  }

  /**
   * From the side with the interface to the side without it: an unplug's plan, a plug's undo.
   *
   * @param defaultWith the default class 1:2 with the interface's floor
   * @param defaultWithout the default class 1:2 without it
   * @param iface the interface's class, leaf and filter
   * @param parked the parked class in its place on the side without it, or null for none
   */
  static Plan removing(HtbClass defaultWith, HtbClass defaultWithout, InboundClass iface,
      ParkedClass parked) {
    return swap(defaultWith, defaultWithout, iface.htbClass(),
        parked == null ? null : parked.htbClass(), iface.leaf(), iface.filter(), true);
  }

  /**
   * Exactly {@code PlanDiff.between(from, to)} for {@code from} = {defFrom, clsFrom?, leaf if
   * clsFrom, filter if filterFrom} and {@code to} = {defTo, clsTo?, leaf if clsTo, filter if not
   * filterFrom}, where a class present on both sides has the same id and parent (so it is changed
   * in place) and the default class 1:2 sorts before the interface's class (ids from 3 up). In
   * PlanDiff's order: filter deletes, lowering class changes (by key), leaf then class deletes,
   * class adds, raising class changes (by key), leaf adds, filter adds.
   */
  private static Plan swap(HtbClass defFrom, HtbClass defTo, HtbClass clsFrom, HtbClass clsTo,
      LeafQdisc leaf, U32MacFilter filter, boolean filterFrom) {
    TcOp defChange = defFrom.equals(defTo) ? null : new TcOp.Change(defFrom, defTo);
    boolean defLowers = defChange != null && defTo.rate().compareTo(defFrom.rate()) < 0;
    TcOp clsChange = clsFrom == null || clsTo == null || clsFrom.equals(clsTo) ? null
        : new TcOp.Change(clsFrom, clsTo);
    boolean clsLowers = clsChange != null && clsTo.rate().compareTo(clsFrom.rate()) < 0;
    TcOp[] ops = new TcOp[7];
    int n = 0;
    if (filterFrom) {
      ops[n++] = new TcOp.Delete(filter);
    }
    if (defLowers) {
      ops[n++] = defChange;
    }
    if (clsLowers) {
      ops[n++] = clsChange;
    }
    if (clsFrom != null && clsTo == null) {
      ops[n++] = new TcOp.Delete(leaf);
      ops[n++] = new TcOp.Delete(clsFrom);
    }
    if (clsFrom == null && clsTo != null) {
      ops[n++] = new TcOp.Add(clsTo);
    }
    if (defChange != null && !defLowers) {
      ops[n++] = defChange;
    }
    if (clsChange != null && !clsLowers) {
      ops[n++] = clsChange;
    }
    if (clsFrom == null && clsTo != null) {
      ops[n++] = new TcOp.Add(leaf);
    }
    if (!filterFrom) {
      ops[n++] = new TcOp.Add(filter);
    }
    return new Plan(ImmutableList.copyOf(Arrays.asList(ops).subList(0, n)));
  }
}
