// SPDX-License-Identifier: Apache-2.0
package io.netfloor.shaping;

/**
 * The parked-class pool of one network, as {@link NetworkShaper#poolStats()} sees it.
 *
 * @param parked classes parked now (also persisted in the network's status)
 * @param policy the pool's policy
 * @param plugsFromPool plugs since start that took a parked class (a kernel class change)
 * @param plugsWithAdd plugs since start that found no parked class (a kernel class add)
 * @param classesParked classes the pool parked since start (top-ups, including the one at start)
 * @param classesReleased classes the pool deleted since start because it was idle
 * @param topUpPending whether a top-up is scheduled or running
 */
public record PoolStats(int parked, ParkedPoolPolicy policy, long plugsFromPool,
    long plugsWithAdd, long classesParked, long classesReleased, boolean topUpPending) {}
