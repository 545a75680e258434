// SPDX-License-Identifier: Apache-2.0
package io.netfloor.spi;

import com.google.common.collect.ImmutableSortedSet;
import io.netfloor.model.PluggedInterface;
import java.util.List;
import java.util.SortedSet;

/**
 * One incremental change of a network's status, small enough to append to a journal: a store records
 * these on every plug/unplug/update so that the cost of a plug does not grow with the number of
 * interfaces.
 */
public sealed interface StatusChange
    permits StatusChange.InterfaceSet, StatusChange.InterfaceRemoved, StatusChange.ClassesParked,
        StatusChange.ClassesUnparked, StatusChange.Batch {

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
   * Several changes made as one (a batch of plugs): a store applies all of them or none, and
   * records them as one entry.
   */
  record Batch(List<StatusChange> changes) implements StatusChange {
    public Batch {
      changes = List.copyOf(changes);
      if (changes.isEmpty()) {
        throw new IllegalArgumentException("a batch of status changes needs at least one");
      }
      if (changes.stream().anyMatch(c -> c instanceof Batch)) {
        throw new IllegalArgumentException("batches of status changes do not nest");
      }
    }

    @Override
    public NetworkStatus applyTo(NetworkStatus status) {
      NetworkStatus s = status;
      for (StatusChange c : changes) {
        s = c.applyTo(s);
      }
      return s;
    }
  }
}
