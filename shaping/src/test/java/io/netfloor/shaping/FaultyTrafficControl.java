// SPDX-License-Identifier: Apache-2.0
package io.netfloor.shaping;

import io.netfloor.plan.Plan;
import io.netfloor.plan.TcOp;
import io.netfloor.spi.ClassStats;
import io.netfloor.spi.KernelCapabilities;
import io.netfloor.spi.KernelSnapshot;
import io.netfloor.spi.TrafficControl;
import io.netfloor.spi.TrafficControlException;
import io.netfloor.units.ClassHandle;
import io.netfloor.units.InterfaceName;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Wraps a {@link TrafficControl} and fails the operations whose global index (counted over every
 * operation of every plan) is in {@code failAt}, after the ones before it in the same plan were
 * applied, exactly as a kernel refusing operation k of a batch.
 */
final class FaultyTrafficControl implements TrafficControl {
  private final TrafficControl delegate;
  private final java.util.Set<Long> failAt;
  private long opIndex;
  int faults;
  /** Faults are injected only while this is true. */
  volatile boolean enabled = true;
  /** Class adds that reached the delegate. */
  long classAdds;

  FaultyTrafficControl(TrafficControl delegate, java.util.Set<Long> failAt) {
    this.delegate = delegate;
    this.failAt = failAt;
  }

  @Override
  public synchronized void apply(Plan plan) {
    List<TcOp> ok = new ArrayList<>();
    for (TcOp op : plan.ops()) {
      if (failAt.contains(opIndex++) && enabled) {
        delegate.apply(new Plan(ok));
        faults++;
        throw new TrafficControlException("injected fault at " + op.describe(), op, ok.size(), 5,
            "EIO", "injected", null);
      }
      ok.add(op);
    }
    delegate.apply(plan);
    classAdds += plan.ops().stream().filter(op -> op instanceof TcOp.Add a
        && a.object() instanceof io.netfloor.plan.HtbClass).count();
  }

  @Override
  public KernelSnapshot dump(InterfaceName device) {
    return delegate.dump(device);
  }

  @Override
  public Map<ClassHandle, ClassStats> classStats(InterfaceName device) {
    return delegate.classStats(device);
  }

  @Override
  public boolean deviceExists(InterfaceName device) {
    return delegate.deviceExists(device);
  }

  @Override
  public java.util.Optional<String> deviceKind(InterfaceName device) {
    return delegate.deviceKind(device);
  }

  @Override
  public KernelCapabilities capabilities() {
    return delegate.capabilities();
  }

  @Override
  public void close() {
    delegate.close();
  }
}
