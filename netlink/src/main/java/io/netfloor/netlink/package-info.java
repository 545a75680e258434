// SPDX-License-Identifier: Apache-2.0
/**
 * The rtnetlink backend of NetFloor: {@link io.netfloor.netlink.NetlinkTrafficControl} implements
 * {@link io.netfloor.spi.TrafficControl} over one {@code NETLINK_ROUTE} socket per network
 * namespace, through JNA, without ever starting {@code tc} or {@code ip}. Failures are
 * {@link io.netfloor.netlink.NetlinkException}s carrying the errno, the kernel's extended-ack text
 * and the failed operation; unreadable replies are
 * {@link io.netfloor.netlink.NetlinkProtocolException}s.
 *
 * <p>Layout: {@code channel} (socket, framing, acks: transport only), {@code wire} (one record per
 * C struct), {@code codec} (one codec per kernel object, encode and decode side by side),
 * {@code netns} (namespace threads). Depends on {@code io.netfloor} api only.
 *
 * <pre>{@code
 * try (TrafficControl tc = NetlinkTrafficControl.openInNamespace("vmnet")) {
 *   TreeChange start = HtbTree.start(config);
 *   tc.apply(start.plan());
 * }
 * }</pre>
 */
package io.netfloor.netlink;
