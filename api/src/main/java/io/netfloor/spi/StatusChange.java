// SPDX-License-Identifier: Apache-2.0
package io.netfloor.spi;

import com.google.common.collect.ImmutableSortedSet;
import io.netfloor.model.Limits;
import io.netfloor.model.PluggedInterface;
import java.util.Objects;
import java.util.Optional;
import java.util.SortedSet;

/**
 * One incremental change of a network's status, small enough to append to a journal: a store records
 * these on every plug/unplug/update so that the cost of a plug does not grow with the number of
 * interfaces.
 */
public sealed interface StatusChange
    permits StatusChange.InterfaceSet, StatusChange.InterfaceRemoved, StatusChange.ClassesParked,
        StatusChange.ClassesUnparked, StatusChange.InboundResized {

  /** {@code status} with this change applied. */
  NetworkStatus applyTo(NetworkStatus status);

  /** An interface was plugged or changed: this is its new record. */
  record InterfaceSet(PluggedInterface iface) implements StatusChange {
    @Override
    public NetworkStatus applyTo(NetworkStatus status) {
      return status.withInterface(iface);
    }
  }

  /** An interface was unplugged. */
  record InterfaceRemoved(String alias) implements StatusChange {
    public InterfaceRemoved {
      PluggedInterface.checkAlias(alias);
    }

    @Override
    public NetworkStatus applyTo(NetworkStatus status) {
      return status.withoutInterface(alias);
    }
  }

  /** Classes were parked (pre-created, or kept on unplug). */
  record ClassesParked(SortedSet<Integer> classIds) implements StatusChange {
    public ClassesParked {
      classIds = ImmutableSortedSet.copyOf(classIds);
    }

    @Override
    public NetworkStatus applyTo(NetworkStatus status) {
      return status.withParked(classIds, true);
    }
  }

  /** Parked classes were taken by a plug or deleted. */
  record ClassesUnparked(SortedSet<Integer> classIds) implements StatusChange {
    public ClassesUnparked {
      classIds = ImmutableSortedSet.copyOf(classIds);
    }

    @Override
    public NetworkStatus applyTo(NetworkStatus status) {
      return status.withParked(classIds, false);
    }
  }

  /**
   * The network was resized while it ran: {@code inbound} are its inbound limits from now on (see
   * {@link NetworkStatus#inbound()}).
   *
   * @param inbound the network's new inbound limits
   */
  record InboundResized(Limits inbound) implements StatusChange {
    public InboundResized {
      Objects.requireNonNull(inbound, "inbound");
    }

    @Override
    public NetworkStatus applyTo(NetworkStatus status) {
      return status.withInbound(Optional.of(inbound));
    }
  }
}
