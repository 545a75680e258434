// SPDX-License-Identifier: Apache-2.0
/**
 * The rtnetlink backend: {@code io.netfloor.netlink.NetlinkTrafficControl} implements
 * {@code io.netfloor.spi.TrafficControl} over a netlink socket, bound to libc through JNA.
 * The socket, the message codecs and the kernel's wire structures are not exported.
 */
// JNA publishes no module descriptor; its automatic module name is stable (com.sun.jna)
@SuppressWarnings("requires-automatic")
module io.netfloor.netlink {
  exports io.netfloor.netlink;
  exports io.netfloor.netlink.netns;

  requires transitive io.netfloor.api;
  requires com.sun.jna;
  requires org.slf4j;

  // Nothing is opened to JNA: LibC binds its native methods by direct mapping (Native.register),
  // with no Structure, Callback or interface proxy for JNA to reflect into. The consumer test in
  // the examples module runs the backend on the module path.
}
