// SPDX-License-Identifier: Apache-2.0
package io.netfloor.spi;

import io.netfloor.plan.Plan;
import io.netfloor.units.ClassHandle;
import io.netfloor.units.InterfaceName;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * A {@link TrafficControl} that passes every call to another one: the base of a wrapper that
 * changes a few calls (caches the capability probe, injects faults, counts operations) and leaves
 * the rest to the wrapped backend. A subclass overrides what it changes and calls
 * {@link #delegate()} for the rest. It is as thread-safe as the wrapped backend and the subclass's
 * own state.
 */
public abstract class ForwardingTrafficControl implements TrafficControl {
  private final TrafficControl delegate;

  /**
   * Wraps {@code delegate}.
   *
   * @param delegate the backend every call not overridden goes to
   * @throws NullPointerException if {@code delegate} is null
   */
  protected ForwardingTrafficControl(TrafficControl delegate) {
    this.delegate = Objects.requireNonNull(delegate, "delegate");
  }

  /**
   * The wrapped backend.
   *
   * @return the backend given to the constructor
   */
  protected final TrafficControl delegate() {
    return delegate;
  }

  @Override
  public void apply(Plan plan) {
    delegate.apply(plan);
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
  public Optional<String> deviceKind(InterfaceName device) {
    return delegate.deviceKind(device);
  }

  @Override
  public KernelCapabilities capabilities() {
    return delegate.capabilities();
  }

  /** Closes the wrapped backend; override to leave it open when someone else owns it. */
  @Override
  public void close() {
    delegate.close();
  }
}
