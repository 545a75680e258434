// SPDX-License-Identifier: Apache-2.0
/**
 * Kernel objects and operations on them. A {@link io.netfloor.plan.TcObject} is one qdisc, HTB
 * class, u32 filter node or ifb device, with enough detail for a backend to encode it; a
 * {@link io.netfloor.plan.TcOp} adds, changes or deletes one, and knows its exact inverse; a
 * {@link io.netfloor.plan.Plan} is an ordered list of them. {@link io.netfloor.plan.PlanDiff} turns
 * "objects before" into "objects after" in an order the kernel accepts at every step (filters
 * deleted before their classes and added after them, rates lowered before others are raised).
 *
 * <p>Each record's Javadoc names the tc command it stands for.
 */
package io.netfloor.plan;
