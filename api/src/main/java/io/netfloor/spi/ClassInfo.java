// SPDX-License-Identifier: Apache-2.0
package io.netfloor.spi;

import io.netfloor.units.ClassHandle;
import io.netfloor.units.InterfaceName;
import io.netfloor.units.Rate;
import java.util.Optional;

/**
 * An HTB class as a kernel dump reports it.
 *
 * @param device the device the class is on
 * @param classId the class id
 * @param parent the parent class, or the qdisc handle for a top-level class
 * @param rate the class's guaranteed rate, in whole bytes per second as the kernel keeps it
 * @param ceil the class's ceiling, in whole bytes per second
 * @param bufferTicks HTB's {@code buffer} (burst) in scheduler ticks
 * @param cbufferTicks HTB's {@code cbuffer} (ceil burst) in scheduler ticks
 * @param quantumBytes the class's quantum in bytes
 * @param prio the class's HTB priority, 0..7
 * @param level 0 for a leaf, higher for inner classes
 * @param leafQdisc the handle of the qdisc under a leaf class, if the kernel reports one
 * @param stats the class's counters
 */
public record ClassInfo(InterfaceName device, ClassHandle classId, ClassHandle parent, Rate rate,
    Rate ceil, long bufferTicks, long cbufferTicks, long quantumBytes, int prio, int level,
    Optional<ClassHandle> leafQdisc, ClassStats stats) {}
