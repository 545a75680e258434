// SPDX-License-Identifier: Apache-2.0
package io.netfloor.spi;

import io.netfloor.units.ClassHandle;
import io.netfloor.units.InterfaceName;
import java.util.OptionalInt;

/**
 * A qdisc as a kernel dump reports it.
 *
 * @param kind the kernel's name ({@code htb}, {@code pfifo}, {@code ingress}…)
 * @param htbDefaultClassMinor for HTB, its {@code default} class minor
 * @param leafLimit for pfifo/bfifo, the limit
 */
public record QdiscInfo(InterfaceName device, ClassHandle handle, ClassHandle parent, String kind,
    OptionalInt htbDefaultClassMinor, OptionalInt htbRateToQuantum, OptionalInt leafLimit,
    long bytes, long packets, long drops) {}
