// SPDX-License-Identifier: Apache-2.0
package io.netfloor.model;

/** How the u32 filters that steer each interface's frames into its class are laid out. */
public enum FilterLayout {
  /**
   * libvirt's form: one node per interface in the root table of prio 2, handle {@code 800::<node>},
   * exactly libvirt's for class ids 3..199 (see {@link HtbTree#linearHandle}). A packet walks the
   * list until it matches, so the last of 4,000 interfaces gets 0.09× the packet rate of a lone one
   * (measured). At most 4,092 interfaces: class ids 3..0xfff except 0x800, mapped one to one onto
   * the 12-bit node ids other than 0x800 (see {@link ClassIdAllocator#forLayout}).
   */
  LIBVIRT_LINEAR,
  /**
   * A 256-bucket u32 hash table keyed on the last byte of the destination MAC, reached through one
   * link node: a packet walks one link plus the few nodes of its bucket, however many interfaces
   * there are (measured 1.03× at 4,000). The default.
   */
  HASHED
}
