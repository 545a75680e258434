// SPDX-License-Identifier: Apache-2.0
package io.netfloor.model;

import io.netfloor.plan.Plan;
import java.util.Objects;
import java.util.Optional;

/**
 * The result of one model operation: the new tree, the plan of kernel operations that turns the old
 * tree's kernel objects into the new one's, and the plan that undoes it.
 *
 * @param tree the tree after the operation
 * @param plan the kernel operations that take the kernel from the old tree to {@code tree}; empty
 *     when the kernel needs no change
 * @param undo the kernel operations that take the kernel back from {@code tree} to the old tree, for
 *     a rollback after the whole {@code plan} was applied (e.g. when the status cannot be recorded)
 * @param affected the interface the operation was about, as it is after the operation (empty for an
 *     unplug and for operations not about one interface)
 */
public record TreeChange(HtbTree tree, Plan plan, Plan undo, Optional<PluggedInterface> affected) {
  /**
   * Checks that no component is null.
   *
   * @param tree the tree after the operation
   * @param plan the kernel operations that take the kernel from the old tree to {@code tree}; empty
   *     when the kernel needs no change
   * @param undo the kernel operations that take the kernel back from {@code tree} to the old tree,
   *     for a rollback after the whole {@code plan} was applied (e.g. when the status cannot be
   *     recorded)
   * @param affected the interface the operation was about, as it is after the operation (empty for
   *     an unplug and for operations not about one interface)
   * @throws NullPointerException if a component is null
   */
  public TreeChange {
    Objects.requireNonNull(tree, "tree");
    Objects.requireNonNull(plan, "plan");
    Objects.requireNonNull(undo, "undo");
    Objects.requireNonNull(affected, "affected");
  }
}
