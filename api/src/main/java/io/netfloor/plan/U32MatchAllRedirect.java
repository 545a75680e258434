// SPDX-License-Identifier: Apache-2.0
package io.netfloor.plan;

import io.netfloor.units.ClassHandle;
import io.netfloor.units.InterfaceName;

/**
 * A u32 filter on a device's ingress qdisc that matches everything and redirects it to another
 * device's egress (normally an {@link IfbDevice}), where HTB can shape it. tc equivalent:
 * {@code tc filter add dev DEV parent ffff: protocol all prio PRIO u32 match u32 0 0 action mirred
 * egress redirect dev TARGET}.
 *
 * @param device the device whose ingress traffic is redirected
 * @param prio the filter priority, 1..65535
 * @param handle the filter's u32 handle
 * @param target the device the traffic is redirected to (its egress)
 */
public record U32MatchAllRedirect(InterfaceName device, int prio, U32Handle handle,
    InterfaceName target) implements TcObject {

  /**
   * Checks the prio.
   *
   * @param device the device whose ingress traffic is redirected
   * @param prio the filter priority, 1..65535
   * @param handle the filter's u32 handle
   * @param target the device the traffic is redirected to (its egress)
   * @throws io.netfloor.InvalidValueException if {@code prio} is outside 1..65535
   */
  public U32MatchAllRedirect {
    U32Filters.checkPrio(prio);
  }

  /**
   * Always the ingress qdisc.
   *
   * @return {@link IngressQdisc#HANDLE}, always
   */
  public ClassHandle parent() {
    return IngressQdisc.HANDLE;
  }

  @Override
  public ObjectKey key() {
    return new ObjectKey(ObjectKey.Kind.FILTER, device, parent().toBits(), prio, handle.toBits());
  }

  @Override
  public Kind objectKind() {
    return Kind.U32_MATCH_ALL_REDIRECT;
  }

  @Override
  public String describe() {
    return "filter u32 " + handle + " on " + device + " ingress prio " + prio
        + " match all action mirred egress redirect dev " + target;
  }
}
