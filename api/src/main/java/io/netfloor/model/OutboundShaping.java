// SPDX-License-Identifier: Apache-2.0
package io.netfloor.model;

/**
 * How outbound limits (traffic a device <em>receives</em>: what a guest sends, or what reaches the
 * bridge from the guests) are enforced. The engine picks it from the kernel's capabilities.
 */
public enum OutboundShaping {
  /**
   * libvirt's way: the device's ingress qdisc with a match-all u32 filter carrying a {@code police}
   * action (rate = average, burst; excess dropped). Needs the {@code police} action.
   */
  POLICE,
  /**
   * Where the kernel has no {@code police}: the ingress traffic is redirected ({@code mirred}) to an
   * ifb device and shaped there by HTB, which also honours {@code peak} (police ignores it).
   */
  IFB_REDIRECT
}
