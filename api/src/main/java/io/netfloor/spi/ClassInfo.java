// SPDX-License-Identifier: Apache-2.0
package io.netfloor.spi;

import io.netfloor.units.ClassHandle;
import io.netfloor.units.InterfaceName;
import io.netfloor.units.Rate;
import java.util.Optional;

/**
 * An HTB class as a kernel dump reports it.
 *
 * @param parent the parent class, or the qdisc handle for a top-level class
 * @param bufferTicks HTB's {@code buffer} (burst) in scheduler ticks
 * @param level 0 for a leaf, higher for inner classes
 * @param leafQdisc the handle of the qdisc under a leaf class, if the kernel reports one
 */
public record ClassInfo(InterfaceName device, ClassHandle classId, ClassHandle parent, Rate rate,
    Rate ceil, long bufferTicks, long cbufferTicks, long quantumBytes, int prio, int level,
    Optional<ClassHandle> leafQdisc, ClassStats stats) {}
