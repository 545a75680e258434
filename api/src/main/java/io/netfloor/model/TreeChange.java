// SPDX-License-Identifier: Apache-2.0
package io.netfloor.model;

import io.netfloor.plan.Plan;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The result of one model operation, and the one description of it: the new tree, the plan of
 * kernel operations that turns the old tree's kernel objects into the new one's, the plan that
 * undoes it, and the status records a store appends for it. The transition that made the change
 * wrote all four, so the kernel, the model and the store cannot disagree about what it did.
 *
 * @param tree the tree after the operation
 * @param plan the kernel operations that take the kernel from the old tree to {@code tree}; empty
 *     when the kernel needs no change
 * @param undo the kernel operations that take the kernel back from {@code tree} to the old tree, for
 *     a rollback after the whole {@code plan} was applied (e.g. when the status cannot be recorded)
 * @param affected the interface the operation was about, as it is after the operation (empty for an
 *     unplug and for operations not about one interface)
 * @param records the status records of the change, in the order a store must append them: applied
 *     one by one to the old tree's status they give the new tree's, and every prefix is itself a
 *     status some tree holds (an id is never both parked and assigned), so a crash between two
 *     appends leaves a status that restores; empty when the status does not change
 */
public record TreeChange(HtbTree tree, Plan plan, Plan undo, Optional<PluggedInterface> affected,
    List<StatusChange> records) {
  /**
   * Checks that no component is null and copies the records.
   *
   * @param tree the tree after the operation
   * @param plan the kernel operations that take the kernel from the old tree to {@code tree}; empty
   *     when the kernel needs no change
   * @param undo the kernel operations that take the kernel back from {@code tree} to the old tree,
   *     for a rollback after the whole {@code plan} was applied (e.g. when the status cannot be
   *     recorded)
   * @param affected the interface the operation was about, as it is after the operation (empty for
   *     an unplug and for operations not about one interface)
   * @param records the status records of the change, in the order a store must append them
   * @throws NullPointerException if a component or a record is null
   */
  public TreeChange {
    Objects.requireNonNull(tree, "tree");
    Objects.requireNonNull(plan, "plan");
    Objects.requireNonNull(undo, "undo");
    Objects.requireNonNull(affected, "affected");
    records = List.copyOf(records);
  }
}
