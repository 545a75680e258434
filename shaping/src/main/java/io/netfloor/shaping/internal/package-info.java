// SPDX-License-Identifier: Apache-2.0
/**
 * Engine internals, not API: {@link io.netfloor.shaping.internal.KernelView} reads kernel dumps
 * back into model objects, restricted to NetFloor's handle space, for reconcile and stop.
 */
package io.netfloor.shaping.internal;
