// SPDX-License-Identifier: Apache-2.0
package io.netfloor.spi;

import io.netfloor.units.ClassHandle;
import io.netfloor.units.InterfaceName;
import java.util.OptionalInt;

/**
 * A qdisc as a kernel dump reports it.
 *
 * @param device the device the qdisc is on
 * @param handle the qdisc's handle {@code N:}
 * @param parent where it is attached: a class, the device root or ingress
 * @param kind the kernel's name ({@code htb}, {@code pfifo}, {@code ingress}…)
 * @param htbDefaultClassMinor for HTB, its {@code default} class minor
 * @param htbRateToQuantum for HTB, its r2q
 * @param leafLimit for pfifo/bfifo, the limit
 * @param bytes bytes the qdisc has sent
 * @param packets packets the qdisc has sent
 * @param drops packets the qdisc has dropped
 */
public record QdiscInfo(InterfaceName device, ClassHandle handle, ClassHandle parent, String kind,
    OptionalInt htbDefaultClassMinor, OptionalInt htbRateToQuantum, OptionalInt leafLimit,
    long bytes, long packets, long drops) {}
