// SPDX-License-Identifier: Apache-2.0
package io.netfloor.plan;

import io.netfloor.units.ClassHandle;
import io.netfloor.units.InterfaceName;

/**
 * The ingress qdisc of a device ({@code tc qdisc add dev DEV ingress}): handle {@code ffff:}, parent
 * {@code ingress}. Filters on it police or redirect what the device receives.
 *
 * @param device the device whose ingress qdisc this is
 */
public record IngressQdisc(InterfaceName device) implements TcObject {
  /** The handle tc gives the ingress qdisc. */
  public static final ClassHandle HANDLE = ClassHandle.qdisc(0xffff);

  @Override
  public ObjectKey key() {
    return new ObjectKey(ObjectKey.Kind.QDISC, device, 0, 0, HANDLE.toBits());
  }

  @Override
  public Kind objectKind() {
    return Kind.INGRESS_QDISC;
  }

  @Override
  public String describe() {
    return "qdisc ingress on " + device;
  }
}
