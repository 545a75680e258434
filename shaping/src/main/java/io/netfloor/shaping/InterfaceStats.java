// SPDX-License-Identifier: Apache-2.0
package io.netfloor.shaping;

import io.netfloor.spi.ClassStats;
import io.netfloor.units.ClassHandle;
import io.netfloor.units.MacAddress;
import io.netfloor.units.Rate;

/**
 * Live figures of one plugged interface.
 *
 * @param alias the interface's alias
 * @param mac the interface's MAC address
 * @param classId the class its inbound frames land in (the default class 1:2 when it has no floor;
 *     the counters are then the default class's, shared with every other such interface)
 * @param floor its guaranteed rate (zero without a floor)
 * @param ceiling the rate it may borrow up to
 * @param counters the class's kernel counters: bytes and packets at layer 2, drops, borrows
 */
public record InterfaceStats(String alias, MacAddress mac, ClassHandle classId, Rate floor,
    Rate ceiling, ClassStats counters) {}
