// SPDX-License-Identifier: Apache-2.0
/**
 * The engine: {@code io.netfloor.shaping.NetworkShaper} keeps a network's floors in the kernel
 * through a {@code TrafficControl} and its state in a {@code StatusStore}, both given by the
 * caller. The kernel view and qdisc claiming are not exported.
 */
module io.netfloor.shaping {
  exports io.netfloor.shaping;

  requires transitive io.netfloor.api;
  requires org.slf4j;
}
