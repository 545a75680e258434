// SPDX-License-Identifier: Apache-2.0
package io.netfloor.examples.cli;

import io.netfloor.spi.ForwardingTrafficControl;
import io.netfloor.spi.KernelCapabilities;
import io.netfloor.spi.TrafficControl;
import java.util.Optional;

/**
 * The backend as one CLI command hands it to the engine: everything goes to the kernel, except
 * that {@link #capabilities()} answers from the {@link ProbeCache} entry when one is valid, and
 * otherwise probes and remembers the answer for {@link #probed()}.
 */
final class CachedProbeControl extends ForwardingTrafficControl {
  private final KernelCapabilities cached;
  private KernelCapabilities probed;

  /** {@code cached}: the capabilities to answer with, or null to probe. */
  CachedProbeControl(TrafficControl kernel, KernelCapabilities cached) {
    super(kernel);
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
      probed = delegate().capabilities();
    }
    return probed;
  }

  /** Leaves the backend open: the session that opened it closes it. */
  @Override
  public void close() {}
}
