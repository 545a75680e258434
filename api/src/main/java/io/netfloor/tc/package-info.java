// SPDX-License-Identifier: Apache-2.0
/**
 * The rate and burst arithmetic of tc, in one place: the scheduler clock ({@link
 * io.netfloor.tc.PschedClock}), transmit times in ticks, tc's default burst and rate tables ({@link
 * io.netfloor.tc.TcTiming}). Pure Java, no I/O: the clock is passed in as a value, never read from a
 * global. The netlink backend encodes HTB classes and police actions with it.
 *
 * <pre>{@code
 * TcTiming t = TcTiming.of(PschedClock.LINUX_DEFAULT, TcTiming.Rounding.TRUNCATE);
 * long ticks = t.xmitTicks(12_500_000L, 1600);   // 2000: 1600 bytes at 100mbit
 * }</pre>
 */
package io.netfloor.tc;
