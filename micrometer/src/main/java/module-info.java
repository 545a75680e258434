// SPDX-License-Identifier: Apache-2.0
/**
 * Micrometer metrics for NetFloor networks: {@code io.netfloor.micrometer.NetFloorMeterBinder}
 * registers a network's capacity and its interfaces' floors and measured rates as gauges.
 */
module io.netfloor.micrometer {
  exports io.netfloor.micrometer;

  requires transitive io.netfloor.shaping;
  requires transitive micrometer.core;
}
