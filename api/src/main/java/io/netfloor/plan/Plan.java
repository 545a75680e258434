// SPDX-License-Identifier: Apache-2.0
package io.netfloor.plan;

import com.google.common.collect.ImmutableList;
import java.util.List;

/**
 * An ordered list of kernel operations. Operations run in order; the kernel applies each one on its
 * own (a batch is not atomic), so a caller that fails at operation {@code k} runs
 * {@link #undoOfFirst(int) undoOfFirst(k)} to return to where it started.
 */
public record Plan(List<TcOp> ops) {
  public static final Plan EMPTY = new Plan(List.of());

  public Plan {
    ops = ImmutableList.copyOf(ops);
  }

  public static Plan of(TcOp... ops) {
    return new Plan(List.of(ops));
  }

  public boolean isEmpty() {
    return ops.isEmpty();
  }

  public int size() {
    return ops.size();
  }

  /**
   * The operations that undo the first {@code count} operations of this plan: their inverses, last
   * first. Exact for plans made by {@link PlanDiff#between}, which delete every object explicitly;
   * not for {@link PlanDiff#teardown} plans, whose deletes cascade in the kernel.
   */
  public Plan undoOfFirst(int count) {
    if (count < 0 || count > ops.size()) {
      throw new IndexOutOfBoundsException("count " + count + " not in 0.." + ops.size());
    }
    ImmutableList.Builder<TcOp> undo = ImmutableList.builder();
    for (int i = count - 1; i >= 0; i--) {
      undo.add(ops.get(i).inverse());
    }
    return new Plan(undo.build());
  }

  /** This plan followed by {@code next}. */
  public Plan then(Plan next) {
    return new Plan(ImmutableList.<TcOp>builder().addAll(ops).addAll(next.ops).build());
  }

  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder("Plan[");
    for (TcOp op : ops) {
      sb.append("\n  ").append(op.describe());
    }
    return sb.append(ops.isEmpty() ? "]" : "\n]").toString();
  }
}
