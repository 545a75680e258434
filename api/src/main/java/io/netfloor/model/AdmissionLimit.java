// SPDX-License-Identifier: Apache-2.0
package io.netfloor.model;

/** What the sum of floors is checked against when an interface is plugged or updated. */
public enum AdmissionLimit {
  /**
   * The network's inbound {@code average}: the rate its top class 1:1 is guaranteed. Floors within
   * it are truly guaranteed. The default.
   */
  AVERAGE,
  /**
   * libvirt's rule: the network's {@code peak} when set, else its {@code average}. With a peak, floors
   * may sum above what 1:1 is guaranteed, so they hold only while the link has spare capacity.
   */
  PEAK_LIKE_LIBVIRT
}
