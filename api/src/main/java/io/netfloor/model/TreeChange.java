// SPDX-License-Identifier: Apache-2.0
package io.netfloor.model;

import io.netfloor.plan.Plan;
import java.util.Objects;
import java.util.Optional;

/**
 * The result of one model operation: the new tree, the plan of kernel operations that turns the old
 * tree's kernel objects into the new one's, and the plan that undoes it.
 *
 * @param affected the interface the operation was about, as it is after the operation (empty for an
 *     unplug and for operations not about one interface)
 */
public record TreeChange(HtbTree tree, Plan plan, Plan undo, Optional<PluggedInterface> affected) {
  public TreeChange {
    Objects.requireNonNull(tree, "tree");
    Objects.requireNonNull(plan, "plan");
    Objects.requireNonNull(undo, "undo");
    Objects.requireNonNull(affected, "affected");
  }
}
