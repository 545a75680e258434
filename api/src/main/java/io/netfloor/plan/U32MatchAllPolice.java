// SPDX-License-Identifier: Apache-2.0
package io.netfloor.plan;

import io.netfloor.units.ByteSize;
import io.netfloor.units.ClassHandle;
import io.netfloor.units.InterfaceName;
import io.netfloor.units.Rate;

/**
 * A u32 filter on a device's ingress qdisc that matches everything and polices it (libvirt's
 * outbound limit). tc equivalent: {@code tc filter add dev DEV parent ffff: protocol all prio PRIO u32
 * match u32 0 0 police rate R burst B mtu 64kb drop flowid :1}.
 *
 * @param device the device whose ingress traffic is policed
 * @param prio the filter priority, 1..65535
 * @param handle the filter's u32 handle
 * @param rate the policed rate; traffic above it (beyond the burst) is dropped
 * @param burst the bytes that may pass at once above {@code rate}
 * @param mtu the largest packet the policer passes
 */
public record U32MatchAllPolice(InterfaceName device, int prio, U32Handle handle, Rate rate,
    ByteSize burst, ByteSize mtu) implements TcObject {

  /** libvirt's police mtu. */
  public static final ByteSize LIBVIRT_MTU = ByteSize.ofKibibytes(64);

  /**
   * Checks the prio.
   *
   * @param device the device whose ingress traffic is policed
   * @param prio the filter priority, 1..65535
   * @param handle the filter's u32 handle
   * @param rate the policed rate; traffic above it (beyond the burst) is dropped
   * @param burst the bytes that may pass at once above {@code rate}
   * @param mtu the largest packet the policer passes
   * @throws io.netfloor.InvalidValueException if {@code prio} is outside 1..65535
   */
  public U32MatchAllPolice {
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
    return Kind.U32_MATCH_ALL_POLICE;
  }

  @Override
  public String describe() {
    return "filter u32 " + handle + " on " + device + " ingress prio " + prio
        + " match all police rate " + rate + " burst " + burst + " mtu " + mtu + " drop";
  }
}
