// SPDX-License-Identifier: Apache-2.0
package io.netfloor.testkit;

import io.netfloor.plan.HtbClass;
import io.netfloor.plan.Plan;
import io.netfloor.plan.TcOp;
import io.netfloor.spi.ForwardingTrafficControl;
import io.netfloor.spi.TrafficControl;
import io.netfloor.spi.TrafficControlException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * A {@link TrafficControl} that refuses chosen operations, exactly as a kernel refusing operation k
 * of a batch: operations are numbered from 0 over every operation of every plan; when one whose
 * number is in the fault set comes, the operations before it in the same plan are applied to the
 * wrapped backend and {@link TrafficControlException} (errno {@code EIO}) is thrown with
 * {@link TrafficControlException#appliedCount()} set to their number. Reads pass through.
 * Thread-safe.
 */
public final class FaultyTrafficControl extends ForwardingTrafficControl {
  private final Set<Long> failAt;
  private long opIndex;
  private int faults;
  private long classAdds;
  private volatile boolean enabled = true;

  /**
   * @param delegate the backend the operations that do not fail reach
   * @param failAt the numbers of the operations to refuse (0 is the first operation)
   */
  public FaultyTrafficControl(TrafficControl delegate, Set<Long> failAt) {
    super(delegate);
    this.failAt = Set.copyOf(failAt);
  }

  /**
   * Turns fault injection on or off (on at first). Operations are numbered while it is off too.
   *
   * @param enabled true to fail the chosen operations, false to pass every call through
   */
  public void setEnabled(boolean enabled) {
    this.enabled = enabled;
  }

  /**
   * How many faults were injected so far.
   *
   * @return the number of injected failures
   */
  public synchronized int faults() {
    return faults;
  }

  /**
   * How many HTB class additions reached the wrapped backend.
   *
   * @return the number of class additions passed on
   */
  public synchronized long classAdds() {
    return classAdds;
  }

  @Override
  public synchronized void apply(Plan plan) {
    List<TcOp> ok = new ArrayList<>();
    for (TcOp op : plan.ops()) {
      if (failAt.contains(opIndex++) && enabled) {
        delegate().apply(new Plan(ok));
        countClassAdds(ok);
        faults++;
        throw new TrafficControlException("injected fault at " + op.describe(), op, ok.size(), 5,
            "EIO", "injected", null);
      }
      ok.add(op);
    }
    delegate().apply(plan);
    countClassAdds(plan.ops());
  }

  private void countClassAdds(List<TcOp> ops) {
    classAdds += ops.stream()
        .filter(op -> op instanceof TcOp.Add a && a.object() instanceof HtbClass).count();
  }

}
