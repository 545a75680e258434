// SPDX-License-Identifier: Apache-2.0
/**
 * Units as types: {@link io.netfloor.units.Rate} (64-bit bits/s), {@link io.netfloor.units.ByteSize},
 * {@link io.netfloor.units.MacAddress}, {@link io.netfloor.units.InterfaceName} and
 * {@link io.netfloor.units.ClassHandle}. Each is immutable, validated on construction, parses tc's
 * syntax ({@code Rate.parse("10mbit")}, {@code ClassHandle.parse("1:a")}) and prints it back, so
 * {@code parse(x.toString()).equals(x)}. Bad input is an {@link io.netfloor.InvalidValueException}
 * quoting the input and the rule.
 *
 * <p>Depends on nothing else in NetFloor; everything else depends on it.
 */
package io.netfloor.units;
