// SPDX-License-Identifier: Apache-2.0
package io.netfloor.shaping;

import io.netfloor.plan.Plan;
import io.netfloor.units.ClassHandle;
import java.util.Objects;
import java.util.Optional;

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
  public DryRun {
    Objects.requireNonNull(decision, "decision");
    Objects.requireNonNull(plan, "plan");
    Objects.requireNonNull(classId, "classId");
  }

  /** True when the operation would be accepted. */
  public boolean admitted() {
    return decision.admitted();
  }
}
