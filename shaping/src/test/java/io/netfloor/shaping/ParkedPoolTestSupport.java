// SPDX-License-Identifier: Apache-2.0
package io.netfloor.shaping;

import io.netfloor.model.FilterLayout;
import io.netfloor.spi.StatusStore;
import io.netfloor.spi.TrafficControl;

/** Shapers with the default pool whose top-ups never run on their own (tests stay deterministic). */
final class ParkedPoolTestSupport {
  private ParkedPoolTestSupport() {}

  static NetworkShaper defaultPoolManual(TrafficControl tc, StatusStore store) {
    return NetworkShaper.create(NetworkShaperTest.config(FilterLayout.HASHED), tc, store,
        ShaperOptions.builder().poolExecutor(r -> { }).build());
  }
}
