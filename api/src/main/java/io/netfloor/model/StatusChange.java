// SPDX-License-Identifier: Apache-2.0
package io.netfloor.model;

import com.google.common.collect.ImmutableSortedSet;
import io.netfloor.InvalidValueException;
import java.util.List;
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
        StatusChange.ClassesUnparked, StatusChange.InboundResized,
        StatusChange.Batch {

  /**
   * {@code status} with this change applied.
   *
   * @param status the status before the change
   * @return the status after it; {@code status} is unchanged
   */
  NetworkStatus applyTo(NetworkStatus status);

  /**
   * Which of the change kinds this is: code outside the change chooses what to do with it in a
   * {@code switch} expression over {@link Kind} with a case for every kind and no {@code default},
   * which the compiler refuses when a kind is added and not handled (see
   * {@link io.netfloor.plan.TcObject.Kind}).
   *
   * @return the change's kind; {@code changeKind().type()} is the change's class
   */
  Kind changeKind();

  /** The kinds of status change, one per record type that implements {@link StatusChange}. */
  enum Kind {
    /** {@link InterfaceSet}. */
    INTERFACE_SET(InterfaceSet.class),
    /** {@link InterfaceRemoved}. */
    INTERFACE_REMOVED(InterfaceRemoved.class),
    /** {@link ClassesParked}. */
    CLASSES_PARKED(ClassesParked.class),
    /** {@link ClassesUnparked}. */
    CLASSES_UNPARKED(ClassesUnparked.class),
    /** {@link InboundResized}. */
    INBOUND_RESIZED(InboundResized.class),
    /** {@link Batch}. */
    BATCH(Batch.class);

    private final Class<? extends StatusChange> type;

    Kind(Class<? extends StatusChange> type) {
      this.type = type;
    }

    /**
     * The record type of the changes of this kind.
     *
     * @return the class every change of this kind is an instance of
     */
    public Class<? extends StatusChange> type() {
      return type;
    }
  }

  /**
   * An interface was plugged or changed: this is its new record.
   *
   * @param iface the interface as it is now
   */
  record InterfaceSet(PluggedInterface iface) implements StatusChange {
    @Override
    public Kind changeKind() {
      return Kind.INTERFACE_SET;
    }

    @Override
    public NetworkStatus applyTo(NetworkStatus status) {
      return status.withInterface(iface);
    }
  }

  /**
   * An interface was unplugged.
   *
   * @param alias the unplugged interface's alias
   */
  record InterfaceRemoved(InterfaceAlias alias) implements StatusChange {
    /**
     * Checks that the alias is there.
     *
     * @param alias the unplugged interface's alias
     * @throws NullPointerException if {@code alias} is null
     */
    public InterfaceRemoved {
      Objects.requireNonNull(alias, "alias");
    }

    /**
     * The removal of the interface with a plain alias (see {@link InterfaceAlias}).
     *
     * @param alias the unplugged interface's alias
     * @throws InvalidValueException if the alias is not valid
     */
    public InterfaceRemoved(String alias) {
      this(InterfaceAlias.of(alias));
    }

    @Override
    public Kind changeKind() {
      return Kind.INTERFACE_REMOVED;
    }

    @Override
    public NetworkStatus applyTo(NetworkStatus status) {
      return status.withoutInterface(alias);
    }
  }

  /**
   * Classes were parked (pre-created, or kept on unplug).
   *
   * @param classIds the class minors now parked
   */
  record ClassesParked(SortedSet<Integer> classIds) implements StatusChange {
    /**
     * Copies the ids into an immutable sorted set.
     *
     * @param classIds the class minors now parked
     */
    public ClassesParked {
      classIds = ImmutableSortedSet.copyOf(classIds);
    }

    @Override
    public Kind changeKind() {
      return Kind.CLASSES_PARKED;
    }

    @Override
    public NetworkStatus applyTo(NetworkStatus status) {
      return status.withParked(classIds, true);
    }
  }

  /**
   * Parked classes were taken by a plug or deleted.
   *
   * @param classIds the class minors no longer parked
   */
  record ClassesUnparked(SortedSet<Integer> classIds) implements StatusChange {
    /**
     * Copies the ids into an immutable sorted set.
     *
     * @param classIds the class minors no longer parked
     */
    public ClassesUnparked {
      classIds = ImmutableSortedSet.copyOf(classIds);
    }

    @Override
    public Kind changeKind() {
      return Kind.CLASSES_UNPARKED;
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
    /**
     * Checks that the limits are a network's inbound limits.
     *
     * @param inbound the network's new inbound limits
     * @throws InvalidValueException if they have no average or have a floor
     * @throws NullPointerException if {@code inbound} is null
     */
    public InboundResized {
      Objects.requireNonNull(inbound, "inbound");
      if (inbound.average().isEmpty() || inbound.floor().isPresent()) {
        throw new InvalidValueException("a resize gives a network inbound limits " + inbound
            + "; a network's inbound limits need an average and have no floor");
      }
    }

    @Override
    public Kind changeKind() {
      return Kind.INBOUND_RESIZED;
    }

    @Override
    public NetworkStatus applyTo(NetworkStatus status) {
      return status.withInbound(Optional.of(inbound));
    }
  }

  /**
   * Several changes made as one (a batch of plugs): a store applies all of them or none, and
   * records them as one entry.
   *
   * @param changes the changes, applied in this order; none of them a batch
   */
  record Batch(List<StatusChange> changes) implements StatusChange {
    /**
     * Copies the changes into an immutable list.
     *
     * @param changes the changes, applied in this order
     * @throws IllegalArgumentException if {@code changes} is empty or holds a batch
     */
    public Batch {
      changes = List.copyOf(changes);
      if (changes.isEmpty()) {
        throw new IllegalArgumentException("a batch of status changes needs at least one");
      }
      if (changes.stream().anyMatch(c -> c.changeKind() == Kind.BATCH)) {
        throw new IllegalArgumentException("batches of status changes do not nest");
      }
    }

    @Override
    public Kind changeKind() {
      return Kind.BATCH;
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
