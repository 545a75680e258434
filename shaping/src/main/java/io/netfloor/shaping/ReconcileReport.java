// SPDX-License-Identifier: Apache-2.0
package io.netfloor.shaping;

import io.netfloor.plan.Plan;
import io.netfloor.plan.TcOp;
import java.util.List;
import java.util.Objects;

/**
 * What {@link NetworkShaper#start()}, {@link NetworkShaper#adopt adopt} or
 * {@link NetworkShaper#reconcile()} found and changed.
 *
 * @param built the kernel operations that built the network's tree where none of it stood (a
 *     first start, or a restart after the host rebooted): expected work, not damage
 * @param repairs the kernel operations applied to make an existing tree of the network match the
 *     recorded status (empty when they already agreed): something changed it behind NetFloor's
 *     back, or a crash interrupted a change
 * @param notes findings that needed no repair or could not be repaired, in plain words (e.g. a
 *     device that is gone)
 * @param foreign other tools' (or other NetFloor networks') objects found next to the network's,
 *     described as the kernel holds them; they were left alone
 */
public record ReconcileReport(Plan built, Plan repairs, List<String> notes, List<String> foreign) {
  /**
   * Copies the lists.
   *
   * @param built the kernel operations that built the network's tree where none of it stood (a
   *     first start, or a restart after the host rebooted): expected work, not damage
   * @param repairs the kernel operations applied to make an existing tree of the network match the
   *     recorded status (empty when they already agreed): something changed it behind NetFloor's
   *     back, or a crash interrupted a change
   * @param notes findings that needed no repair or could not be repaired, in plain words (e.g. a
   *     device that is gone)
   * @param foreign other tools' (or other NetFloor networks') objects found next to the network's,
   *     described as the kernel holds them; they were left alone
   * @throws NullPointerException if a component is null
   */
  public ReconcileReport {
    Objects.requireNonNull(built, "built");
    Objects.requireNonNull(repairs, "repairs");
    notes = List.copyOf(notes);
    foreign = List.copyOf(foreign);
  }

  /**
   * True when nothing needed repairing (building a tree that was not there is not a repair).
   *
   * @return true when {@link #repairs()} is empty
   */
  public boolean wasClean() {
    return repairs.isEmpty();
  }

  /**
   * Every operation applied: what was built, then what was repaired.
   *
   * @return {@link #built()} followed by {@link #repairs()}
   */
  public Plan operations() {
    return built.then(repairs);
  }

  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder();
    if (!built.isEmpty()) {
      sb.append("built with ").append(built.size()).append(" operation(s)");
    }
    if (!wasClean()) {
      sb.append(sb.length() == 0 ? "" : "; ").append(repairs.size()).append(" repair(s):");
      for (TcOp op : repairs.ops()) {
        sb.append("\n  ").append(op.describe());
      }
    } else if (built.isEmpty()) {
      sb.append("kernel and status agreed");
    }
    for (String n : notes) {
      sb.append("\n  note: ").append(n);
    }
    for (String f : foreign) {
      sb.append("\n  foreign (left alone): ").append(f);
    }
    return sb.toString();
  }
}
