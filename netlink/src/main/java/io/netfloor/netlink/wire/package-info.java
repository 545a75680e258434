// SPDX-License-Identifier: Apache-2.0
/**
 * The kernel's C structs, one record each ({@code TcMsg}, {@code TcRateSpec}, {@code TcHtbOpt},
 * {@code TcU32Sel}…), with the C definition quoted, the size, a writer and a bounds-checked reader.
 * Bytes per second only here: the rest of NetFloor speaks {@link io.netfloor.units.Rate}.
 * Depends on nothing but {@code io.netfloor.plan.U32Key} and the exceptions.
 */
package io.netfloor.netlink.wire;
