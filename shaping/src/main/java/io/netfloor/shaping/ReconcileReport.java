package io.netfloor.shaping;

import io.netfloor.plan.Plan;
import io.netfloor.plan.TcOp;
import java.util.List;

/**
 * What {@link NetworkShaper#reconcile()} found and changed.
 *
 * @param repairs the kernel operations applied to make the kernel match the recorded status (empty
 *     when they already agreed)
 * @param notes findings that needed no repair or could not be repaired, in plain words (e.g. a
 *     device that is gone)
 * @param foreign other tools' (or other NetFloor networks') objects found next to the network's,
 *     described as the kernel holds them; they were left alone
 */
public record ReconcileReport(Plan repairs, List<String> notes, List<String> foreign) {
  public ReconcileReport {
    notes = List.copyOf(notes);
    foreign = List.copyOf(foreign);
  }

  /** True when the kernel already held exactly what the status describes. */
  public boolean wasClean() {
    return repairs.isEmpty();
  }

  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder(wasClean() ? "kernel and status agreed"
        : repairs.size() + " repair(s):");
    for (TcOp op : repairs.ops()) {
      sb.append("\n  ").append(op.describe());
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
