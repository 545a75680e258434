// SPDX-License-Identifier: Apache-2.0
package io.netfloor.shaping;

import io.netfloor.model.Limits;
import io.netfloor.model.PluggedInterface;
import java.util.Objects;
import java.util.Optional;

/**
 * Something that happened on a network, as a {@link NetworkListener} receives it. Every event names
 * its network and carries a sequence number, increasing by one per event of that shaper, in the
 * order the changes happened.
 */
public sealed interface NetworkEvent {
  /**
   * The network's name.
   *
   * @return the name of the network the event happened on
   */
  String network();

  /**
   * The event's position among the shaper's events.
   *
   * @return 1, 2, 3… in order of the changes
   */
  long sequence();

  /** An interface was plugged; {@code capacity} is the network's inventory afterwards. */
  record Plugged(String network, long sequence, PluggedInterface iface, Capacity capacity)
      implements NetworkEvent {
    /**
     * Checks that the components this event adds are not null.
     *
     * @param network the network's name
     * @param sequence the event's number: one more than the shaper's previous event's
     * @param iface the interface as plugged
     * @param capacity the network's inventory afterwards
     * @throws NullPointerException if one of the components this event adds is null
     */
    public Plugged {
      Objects.requireNonNull(iface, "iface");
      Objects.requireNonNull(capacity, "capacity");
    }
  }

  /** An interface's bandwidth or MAC changed. */
  record Updated(String network, long sequence, PluggedInterface before, PluggedInterface after,
      Capacity capacity) implements NetworkEvent {
    /**
     * Checks that the components this event adds are not null.
     *
     * @param network the network's name
     * @param sequence the event's number: one more than the shaper's previous event's
     * @param before the interface before the change
     * @param after the interface after it
     * @param capacity the network's inventory afterwards
     * @throws NullPointerException if one of the components this event adds is null
     */
    public Updated {
      Objects.requireNonNull(before, "before");
      Objects.requireNonNull(after, "after");
      Objects.requireNonNull(capacity, "capacity");
    }
  }

  /** An interface was unplugged; its floor is back in {@code capacity.remaining()}. */
  record Unplugged(String network, long sequence, PluggedInterface iface, Capacity capacity)
      implements NetworkEvent {
    /**
     * Checks that the components this event adds are not null.
     *
     * @param network the network's name
     * @param sequence the event's number: one more than the shaper's previous event's
     * @param iface the interface as it was plugged
     * @param capacity the network's inventory afterwards
     * @throws NullPointerException if one of the components this event adds is null
     */
    public Unplugged {
      Objects.requireNonNull(iface, "iface");
      Objects.requireNonNull(capacity, "capacity");
    }
  }

  /** The network's inbound limits changed while it ran ({@link NetworkShaper#resize}). */
  record Resized(String network, long sequence, Limits before, Limits after, Capacity capacity)
      implements NetworkEvent {
    /**
     * Checks that the components this event adds are not null.
     *
     * @param network the network's name
     * @param sequence the event's number: one more than the shaper's previous event's
     * @param before the inbound limits before the resize
     * @param after the inbound limits after it
     * @param capacity the network's inventory afterwards
     * @throws NullPointerException if one of the components this event adds is null
     */
    public Resized {
      Objects.requireNonNull(before, "before");
      Objects.requireNonNull(after, "after");
      Objects.requireNonNull(capacity, "capacity");
    }
  }

  /**
   * An operation was refused or failed; nothing changed (see the reason's type).
   *
   * @param operation {@code plug}, {@code update}, {@code unplug}, {@code mac change} or
   *     {@code resize}
   * @param alias the interface concerned; empty for a resize
   * @param reason what the operation threw
   */
  record Refused(String network, long sequence, String operation, Optional<String> alias,
      RuntimeException reason) implements NetworkEvent {
    /**
     * Checks that the components this event adds are not null.
     *
     * @param network the network's name
     * @param sequence the event's number: one more than the shaper's previous event's
     * @param operation {@code plug}, {@code update}, {@code unplug}, {@code mac change} or {@code resize}
     * @param alias the interface concerned; empty for a resize
     * @param reason what the operation threw
     * @throws NullPointerException if one of the components this event adds is null
     */
    public Refused {
      Objects.requireNonNull(operation, "operation");
      Objects.requireNonNull(alias, "alias");
      Objects.requireNonNull(reason, "reason");
    }
  }

  /**
   * The kernel was compared with the status and made to match it (a start, {@code reconcile()}, or
   * the repair before the next change after a failed undo).
   */
  record Reconciled(String network, long sequence, ReconcileReport report)
      implements NetworkEvent {
    /**
     * Checks that the components this event adds are not null.
     *
     * @param network the network's name
     * @param sequence the event's number: one more than the shaper's previous event's
     * @param report what the reconcile found and repaired
     * @throws NullPointerException if one of the components this event adds is null
     */
    public Reconciled {
      Objects.requireNonNull(report, "report");
    }
  }

  /**
   * The kernel did not do what NetFloor asked, or held something else than the status says: a
   * kernel operation failed (rolled back when {@code reconcilePending} is false), an undo failed, or
   * a reconcile found (and repaired) damage. With {@code reconcilePending} the kernel may still
   * differ from the status until the next change or {@code reconcile()} repairs it.
   */
  record KernelSuspect(String network, long sequence, String reason, boolean reconcilePending,
      Optional<Throwable> cause) implements NetworkEvent {
    /**
     * Checks that the components this event adds are not null.
     *
     * @param network the network's name
     * @param sequence the event's number: one more than the shaper's previous event's
     * @param reason what the kernel did or held, in words
     * @param reconcilePending true when the kernel may still differ from the status
     * @param cause the exception behind it, if any
     * @throws NullPointerException if one of the components this event adds is null
     */
    public KernelSuspect {
      Objects.requireNonNull(reason, "reason");
      Objects.requireNonNull(cause, "cause");
    }
  }
}
