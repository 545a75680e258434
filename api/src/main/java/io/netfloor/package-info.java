// SPDX-License-Identifier: Apache-2.0
/**
 * NetFloor: guaranteed minimum bandwidth ("floors") for the interfaces of a Linux bridge.
 *
 * <p>This package holds the exception hierarchy. Start with {@code io.netfloor.model.HtbTree} (the
 * pure model of one bridge's HTB tree), the value types in {@code io.netfloor.units}, and the SPIs
 * in {@code io.netfloor.spi}. Nothing in the {@code api} module touches the kernel.
 */
package io.netfloor;
