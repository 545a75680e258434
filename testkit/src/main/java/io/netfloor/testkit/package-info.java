// SPDX-License-Identifier: Apache-2.0
/**
 * For tests of code that uses NetFloor, or that plugs its own store or backend into it (add
 * {@code netfloor-testkit} at test scope):
 *
 * <ul>
 *   <li>{@link io.netfloor.testkit.NetFloorArbitraries}: jqwik generators for every value type,
 *       network configurations, statuses and their changes, and
 *       {@link io.netfloor.testkit.TreeOperation} sequences against the tree model;
 *   <li>{@link io.netfloor.testkit.StatusStoreContract} and
 *       {@link io.netfloor.testkit.TrafficControlContract}: the contracts of the two service
 *       interfaces as abstract JUnit 5 / jqwik test classes, which NetFloor's own stores and
 *       backends pass;
 *   <li>{@link io.netfloor.testkit.FaultyStatusStore} and
 *       {@link io.netfloor.testkit.FaultyTrafficControl}: wrappers that make chosen calls fail,
 *       to test what code does when its store or kernel does.
 * </ul>
 */
package io.netfloor.testkit;
