// SPDX-License-Identifier: Apache-2.0
package io.netfloor.examples.cli;

import io.netfloor.plan.Plan;
import io.netfloor.spi.ClassStats;
import io.netfloor.spi.KernelCapabilities;
import io.netfloor.spi.KernelSnapshot;
import io.netfloor.spi.TrafficControl;
import io.netfloor.units.ClassHandle;
import io.netfloor.units.InterfaceName;
import java.util.Map;
import java.util.Optional;

/**
 * The backend as one CLI command hands it to the engine: everything goes to the kernel, except
 * that {@link #capabilities()} answers from the {@link ProbeCache} entry when one is valid, and
 * otherwise probes and remembers the answer for {@link #probed()}.
 */
final class CachedProbeControl implements TrafficControl {
  private final TrafficControl kernel;
  private final KernelCapabilities cached;
  private KernelCapabilities probed;

  /** {@code cached}: the capabilities to answer with, or null to probe. */
  CachedProbeControl(TrafficControl kernel, KernelCapabilities cached) {
    this.kernel = kernel;
    this.cached = cached;
  }

  /** What this command probed, if it probed (to cache for the next one). */
  Optional<KernelCapabilities> probed() {
    return Optional.ofNullable(probed);
  }

  @Override
  public synchronized KernelCapabilities capabilities() {
    if (cached != null) {
      return cached;
    }
    if (probed == null) {
      probed = kernel.capabilities();
    }
    return probed;
  }

  @Override
  public void apply(Plan plan) {
    kernel.apply(plan);
  }

  @Override
  public KernelSnapshot dump(InterfaceName device) {
    return kernel.dump(device);
  }

  @Override
  public Map<ClassHandle, ClassStats> classStats(InterfaceName device) {
    return kernel.classStats(device);
  }

  @Override
  public boolean deviceExists(InterfaceName device) {
    return kernel.deviceExists(device);
  }

  @Override
  public Optional<String> deviceKind(InterfaceName device) {
    return kernel.deviceKind(device);
  }

  /** Leaves the backend open: the session that opened it closes it. */
  @Override
  public void close() {}
}
