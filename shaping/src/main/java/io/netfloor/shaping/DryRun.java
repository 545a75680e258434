// SPDX-License-Identifier: Apache-2.0
package io.netfloor.shaping;

import io.netfloor.NetFloorException;
import io.netfloor.model.Bandwidth;
import io.netfloor.model.HtbTree;
import io.netfloor.model.PluggedInterface;
import io.netfloor.model.TreeChange;
import io.netfloor.plan.Plan;
import io.netfloor.units.ClassHandle;
import io.netfloor.units.MacAddress;
import io.netfloor.units.Rate;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * What a plug or update would do, worked out without touching the kernel or the status store
 * ({@link NetworkShaper#dryRunPlug}, {@link NetworkShaper#dryRunUpdate}).
 *
 * @param decision whether it would be accepted, and if not why
 * @param plan the kernel operations it would apply on the bridge, in order (empty when refused,
 *     or when nothing would change); an interface's own device is not inspected by a dry run
 * @param classId the class the interface's frames would land in; empty when refused
 */
public record DryRun(AdmissionDecision decision, Plan plan, Optional<ClassHandle> classId) {
  /**
   * Checks that no component is null.
   *
   * @param decision whether it would be accepted, and if not why
   * @param plan the kernel operations it would apply, in order; empty when refused
   * @param classId the class the interface's frames would land in; empty when refused
   * @throws NullPointerException if a component is null
   */
  public DryRun {
    Objects.requireNonNull(decision, "decision");
    Objects.requireNonNull(plan, "plan");
    Objects.requireNonNull(classId, "classId");
  }

  /**
   * Whether the operation would be accepted.
   *
   * @return {@code decision().admitted()}
   */
  public boolean admitted() {
    return decision.admitted();
  }

  /**
   * What plugging {@code alias} into {@code tree} would do (the model only: an interface's own
   * device is not considered). {@link NetworkShaper#dryRunPlug} asks this of its current tree.
   *
   * @param tree the network's tree
   * @param alias the interface's alias
   * @param mac its MAC address
   * @param bandwidth its bandwidth
   * @return the decision, the plan and the class
   */
  public static DryRun ofPlug(HtbTree tree, String alias, MacAddress mac, Bandwidth bandwidth) {
    Capacity now = Capacity.of(tree);
    Rate floor = bandwidth == null ? Rate.ZERO : bandwidth.floorOrZero();
    PluggedInterface existing = tree.interfaces().get(alias);
    if (existing != null && existing.mac().equals(mac) && existing.device().isEmpty()
        && existing.bandwidth().equals(bandwidth)) {
      // the shaper returns the class of an identical plug without doing anything
      return new DryRun(AdmissionDecision.admit(floor, now), Plan.EMPTY,
          Optional.of(existing.effectiveClass()));
    }
    return of(floor, now, () -> tree.plug(alias, mac, bandwidth));
  }

  /**
   * What updating {@code alias} in {@code tree} to {@code bandwidth} would do.
   *
   * @param tree the network's tree
   * @param alias the interface's alias
   * @param bandwidth its new bandwidth
   * @return the decision, the plan and the class
   */
  public static DryRun ofUpdate(HtbTree tree, String alias, Bandwidth bandwidth) {
    Rate floor = bandwidth == null ? Rate.ZERO : bandwidth.floorOrZero();
    return of(floor, Capacity.of(tree), () -> tree.update(alias, bandwidth));
  }

  private static DryRun of(Rate floor, Capacity now, Supplier<TreeChange> change) {
    try {
      TreeChange c = change.get();
      return new DryRun(AdmissionDecision.admit(floor, now), c.plan(),
          c.affected().map(PluggedInterface::effectiveClass));
    } catch (NetFloorException refused) {
      return new DryRun(AdmissionDecision.refuse(floor, now, refused), Plan.EMPTY,
          Optional.empty());
    }
  }
}
