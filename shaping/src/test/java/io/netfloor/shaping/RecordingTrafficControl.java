// SPDX-License-Identifier: Apache-2.0
package io.netfloor.shaping;

import io.netfloor.plan.Plan;
import io.netfloor.spi.ClassStats;
import io.netfloor.spi.KernelCapabilities;
import io.netfloor.spi.KernelSnapshot;
import io.netfloor.spi.TrafficControl;
import io.netfloor.units.ClassHandle;
import io.netfloor.units.InterfaceName;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

/** Wraps a {@link TrafficControl} and keeps every plan applied through it, in order. */
final class RecordingTrafficControl implements TrafficControl {
  private final TrafficControl delegate;
  final List<Plan> plans = new CopyOnWriteArrayList<>();

  RecordingTrafficControl(TrafficControl delegate) {
    this.delegate = delegate;
  }

  @Override
  public void apply(Plan plan) {
    delegate.apply(plan);
    plans.add(plan);
  }

  /** The plans applied since the {@code from}-th. */
  List<Plan> since(int from) {
    return new ArrayList<>(plans.subList(from, plans.size()));
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
