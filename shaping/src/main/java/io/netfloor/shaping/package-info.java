// SPDX-License-Identifier: Apache-2.0
/**
 * The engine a host application calls in-process: {@link io.netfloor.shaping.NetworkShaper}.
 *
 * <h2>Crash-safety protocol</h2>
 *
 * Every mutating call runs, under the network's lock:
 *
 * <ol>
 *   <li><b>decide</b> — the pure model ({@code HtbTree}) checks the request (admission, conflicts)
 *       and computes the new tree, the plan of kernel operations and its undo. Nothing has changed
 *       yet; a refused request leaves no trace.
 *   <li><b>kernel</b> — the plan is applied. If operation k fails, the first k are undone
 *       ({@code Plan.undoOfFirst(k)}) and the error surfaces with its context.
 *   <li><b>commit</b> — the status changes are recorded in the store (one journal record per change,
 *       ordered so that every prefix is a consistent status). If the store fails, the whole plan is
 *       undone in the kernel.
 *   <li><b>publish</b> — the new tree replaces the old one in memory.
 * </ol>
 *
 * The store is the source of truth. A crash at any instant leaves the store at the status before or
 * after the call, and the kernel somewhere on the path between the two; {@code reconcile()} (run by
 * {@code start()} on a network that has a stored status) dumps the kernel and applies the difference
 * to what the stored status describes: unknown classes and filters in NetFloor's handle space are
 * removed, missing ones recreated, wrong rates changed. So no class id leaks or is assigned twice
 * (ids derive from the stored interfaces), no filter is left pointing at a missing class (filters are
 * deleted before classes and added after them), and no interface that the store says has a floor
 * stays without one.
 *
 * <p>If an undo itself fails, the shaper remembers that the kernel may differ from its model and
 * reconciles before the next operation.
 *
 * <p>Concurrent plugs, unplugs and updates of one network are combined: the caller that gets the
 * lock applies every call queued by then, each decided on the tree the calls before it left (so
 * each is admitted or refused as if alone), as one kernel plan and one store record. If the kernel
 * or the store refuses that combined change, it is undone and the calls are applied again one at a
 * time, so that only the call at fault fails.
 */
package io.netfloor.shaping;
