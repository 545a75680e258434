// SPDX-License-Identifier: Apache-2.0
package io.netfloor.plan;

import io.netfloor.units.InterfaceName;

/**
 * An intermediate functional block device ({@code ip link add NAME type ifb}, then up). Used where
 * the kernel has no {@code police} action: a device's ingress traffic is redirected to the ifb and
 * shaped there by HTB on its egress.
 *
 * @param device the ifb's interface name
 */
public record IfbDevice(InterfaceName device) implements TcObject {
  @Override
  public ObjectKey key() {
    return new ObjectKey(ObjectKey.Kind.DEVICE, device, 0, 0, 0);
  }

  @Override
  public Kind objectKind() {
    return Kind.IFB_DEVICE;
  }

  @Override
  public String describe() {
    return "link " + device + " type ifb";
  }
}
