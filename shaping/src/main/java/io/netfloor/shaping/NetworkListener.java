// SPDX-License-Identifier: Apache-2.0
package io.netfloor.shaping;

/**
 * Told what happens on one network ({@link NetworkShaper#addListener}).
 *
 * <p>Events are delivered on the shaper's own event thread ({@code netfloor-events-<network>}),
 * one at a time, in the order the changes happened, each after its change is durable (recorded in
 * the status store). A listener that is slow delays only later events, never an operation of the
 * shaper: events queue up meanwhile (without bound, so a listener must keep up on average). A
 * listener that throws is logged; the other listeners and the operation are not affected.
 */
@FunctionalInterface
public interface NetworkListener {
  /**
   * Called once per event, on the shaper's event thread.
   *
   * @param event what happened
   */
  void onEvent(NetworkEvent event);
}
