// SPDX-License-Identifier: Apache-2.0
/**
 * The two service interfaces the engine is built from, and their data:
 * {@link io.netfloor.spi.TrafficControl} (apply plans, dump what the kernel holds, read
 * statistics, report capabilities) and {@link io.netfloor.spi.StatusStore} (keep each network's
 * {@link io.netfloor.model.NetworkStatus} across restarts, with incremental
 * {@link io.netfloor.model.StatusChange}s). Backends: the {@code netlink} module for the kernel, the
 * {@code persistence} module for stores; {@link io.netfloor.spi.InMemoryTrafficControl} simulates a
 * kernel (with its ordering rules) for tests. {@link io.netfloor.spi.StatusRecordCodec} is the
 * versioned text format of statuses and changes, for a store of one's own; the
 * {@code netfloor-testkit} module holds the contract tests of both interfaces.
 */
package io.netfloor.spi;
