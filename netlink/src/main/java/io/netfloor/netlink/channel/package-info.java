// SPDX-License-Identifier: Apache-2.0
/**
 * Transport only: the JNA bindings ({@link io.netfloor.netlink.channel.LibC}), the socket and its
 * request/acknowledgement protocol ({@link io.netfloor.netlink.channel.NetlinkChannel}), message
 * building and bounds-checked parsing. Knows nothing about tc.
 */
package io.netfloor.netlink.channel;
