// SPDX-License-Identifier: Apache-2.0
package io.netfloor.plan;

import com.google.common.collect.ImmutableList;
import java.util.List;

/**
 * An ordered list of kernel operations. Operations run in order; the kernel applies each one on its
 * own (a batch is not atomic), so a caller that fails at operation {@code k} runs
 * {@link #undoOfFirst(int) undoOfFirst(k)} to return to where it started.
 *
 * @param ops the operations in the order they run; copied into an immutable list
 */
public record Plan(List<TcOp> ops) {
  /** The plan with no operations. */
  public static final Plan EMPTY = new Plan(List.of());

  /**
   * Copies the operations into an immutable list.
   *
   * @param ops the operations in the order they run; copied into an immutable list
   * @throws NullPointerException if {@code ops} or one of its operations is null
   */
  public Plan {
    ops = ImmutableList.copyOf(ops);
  }

  /**
   * A plan of the given operations, in order.
   *
   * @param ops the operations, none null
   * @return the plan
   */
  public static Plan of(TcOp... ops) {
    return new Plan(List.of(ops));
  }

  /**
   * Whether the plan has no operation, so that applying it leaves the kernel untouched.
   *
   * @return true when there is no operation
   */
  public boolean isEmpty() {
    return ops.isEmpty();
  }

  /**
   * The number of operations.
   *
   * @return how many operations the plan holds
   */
  public int size() {
    return ops.size();
  }

  /**
   * The operations that undo the first {@code count} operations of this plan: their inverses, last
   * first. Exact for plans made by {@link PlanDiff#between}, which delete every object explicitly;
   * not for {@link PlanDiff#teardown} plans, whose deletes cascade in the kernel.
   *
   * @param count how many operations, from the first, were applied: 0 to {@link #size()}
   * @return the undo plan; empty for {@code count} 0
   * @throws IndexOutOfBoundsException if {@code count} is negative or above {@link #size()}
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

  /**
   * This plan followed by {@code next}.
   *
   * @param next the plan to run after this one
   * @return a new plan with this plan's operations, then {@code next}'s
   */
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
