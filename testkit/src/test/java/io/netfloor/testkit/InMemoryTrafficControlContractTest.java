// SPDX-License-Identifier: Apache-2.0
package io.netfloor.testkit;

import io.netfloor.spi.InMemoryTrafficControl;
import io.netfloor.spi.TrafficControl;
import io.netfloor.units.InterfaceName;

/** The simulated kernel passes the contract that the rtnetlink backend passes in a namespace. */
class InMemoryTrafficControlContractTest extends TrafficControlContract {
  @Override
  protected Kernel newKernel() {
    InterfaceName bridge = InterfaceName.of("br0");
    InMemoryTrafficControl tc = new InMemoryTrafficControl().addDevice(bridge);
    return new Kernel() {
      @Override
      public TrafficControl trafficControl() {
        return tc;
      }

      @Override
      public InterfaceName bridge() {
        return bridge;
      }

      @Override
      public void close() {
        tc.close();
      }
    };
  }
}
