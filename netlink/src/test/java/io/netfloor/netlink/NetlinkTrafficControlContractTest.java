// SPDX-License-Identifier: Apache-2.0
package io.netfloor.netlink;

import io.netfloor.spi.TrafficControl;
import io.netfloor.testkit.TrafficControlContract;
import io.netfloor.testkit.kernel.TestNamespace;
import io.netfloor.units.InterfaceName;

/**
 * The rtnetlink backend passes the contract that the simulated kernel passes, against the real
 * kernel: each test gets its own namespace {@code nf-<random>} with a bridge, removed afterwards.
 */
class NetlinkTrafficControlContractTest extends TrafficControlContract {
  @Override
  protected Kernel newKernel() {
    TestNamespace.assumeRoot();
    TestNamespace ns = TestNamespace.create();
    NetlinkTrafficControl tc;
    try {
      ns.ip("link", "add", "br0", "type", "bridge");
      ns.ip("link", "set", "br0", "up");
      tc = NetlinkTrafficControl.openInNamespace(ns.name());
    } catch (RuntimeException | Error e) {
      ns.close();
      throw e;
    }
    return new Kernel() {
      @Override
      public TrafficControl trafficControl() {
        return tc;
      }

      @Override
      public InterfaceName bridge() {
        return InterfaceName.of("br0");
      }

      @Override
      public void close() {
        try {
          tc.close();
        } finally {
          ns.close();
        }
      }
    };
  }
}
