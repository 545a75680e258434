// SPDX-License-Identifier: Apache-2.0
package io.netfloor.shaping;

import io.netfloor.NetFloorException;
import io.netfloor.units.Rate;
import java.util.Objects;
import java.util.Optional;

/**
 * Whether the network would accept a floor (or a whole plug or update, in a {@link DryRun}), and if
 * not why: the exception the operation would throw, not thrown.
 *
 * @param admitted true when the operation would be accepted
 * @param requestedFloor the floor asked for (zero without one)
 * @param capacity the network's inventory the decision was taken against
 * @param refusal what the operation would throw ({@code AdmissionException},
 *     {@code InterfaceConflictException}, {@code ClassIdExhaustedException},
 *     {@code InvalidValueException}…); empty when admitted
 */
public record AdmissionDecision(boolean admitted, Rate requestedFloor, Capacity capacity,
    Optional<NetFloorException> refusal) {

  /**
   * Checks that the decision is consistent.
   *
   * @param admitted true when the operation would be accepted
   * @param requestedFloor the floor asked for (zero without one); not null
   * @param capacity the network's inventory the decision was taken against; not null
   * @param refusal what the operation would throw; empty exactly when {@code admitted}
   * @throws NullPointerException if a reference component is null
   * @throws IllegalArgumentException if {@code admitted} and {@code refusal} disagree
   */
  public AdmissionDecision {
    Objects.requireNonNull(requestedFloor, "requestedFloor");
    Objects.requireNonNull(capacity, "capacity");
    Objects.requireNonNull(refusal, "refusal");
    if (admitted == refusal.isPresent()) {
      throw new IllegalArgumentException("a decision is admitted exactly when it has no refusal");
    }
  }

  static AdmissionDecision admit(Rate floor, Capacity capacity) {
    return new AdmissionDecision(true, floor, capacity, Optional.empty());
  }

  static AdmissionDecision refuse(Rate floor, Capacity capacity, NetFloorException why) {
    return new AdmissionDecision(false, floor, capacity, Optional.of(why));
  }

  /**
   * Why the operation would be refused, in plain words.
   *
   * @return the refusal's message; empty when admitted
   */
  public Optional<String> reason() {
    return refusal.map(Throwable::getMessage);
  }
}
