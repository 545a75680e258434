// SPDX-License-Identifier: Apache-2.0
package io.netfloor.persistence.internal;

import io.netfloor.model.InterfaceAlias;
import io.netfloor.model.Limits;
import io.netfloor.model.NetworkName;
import io.netfloor.model.NetworkStatus;
import io.netfloor.model.PluggedInterface;
import io.netfloor.model.StatusChange;
import io.netfloor.units.InterfaceName;
import java.util.Optional;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * A network's status that a journal record updates in O(log n), where
 * {@link StatusChange#applyTo} copies the whole (immutable) status: the store keeps one per open
 * network so that {@code record} costs the same with 10 interfaces as with 4,000. Not thread-safe;
 * the store guards it with the network's lock.
 *
 * <p>Semantics must equal {@link StatusChange#applyTo}; the store's properties compare the two.
 */
public final class MutableStatus {
  private final NetworkName network;
  private final InterfaceName bridge;
  private final TreeMap<InterfaceAlias, PluggedInterface> interfaces;
  private final TreeSet<Integer> parked;
  private Optional<Limits> inbound;

  public MutableStatus(NetworkStatus status) {
    this.network = status.network();
    this.bridge = status.bridge();
    this.interfaces = new TreeMap<>(status.interfaces());
    this.parked = new TreeSet<>(status.parkedClassIds());
    this.inbound = status.inbound();
  }

  public void apply(StatusChange change) {
    Runnable step = switch (change.changeKind()) {
      case INTERFACE_SET -> () -> set(((StatusChange.InterfaceSet) change).iface());
      case INTERFACE_REMOVED ->
          () -> interfaces.remove(((StatusChange.InterfaceRemoved) change).alias());
      case CLASSES_PARKED -> () -> parked.addAll(((StatusChange.ClassesParked) change).classIds());
      case CLASSES_UNPARKED ->
          () -> parked.removeAll(((StatusChange.ClassesUnparked) change).classIds());
      case INBOUND_RESIZED ->
          () -> inbound = Optional.of(((StatusChange.InboundResized) change).inbound());
      case BATCH -> () -> ((StatusChange.Batch) change).changes().forEach(this::apply);
    };
    step.run();
  }

  private void set(PluggedInterface iface) {
    interfaces.put(iface.alias(), iface);
    if (iface.hasOwnClass()) {
      parked.remove(iface.classMinor()); // taking a parked class unparks it
    }
  }

  /** An immutable copy. */
  public NetworkStatus toStatus() {
    return new NetworkStatus(network, bridge, interfaces, parked, inbound);
  }
}
