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
    public Plugged {
      Objects.requireNonNull(iface, "iface");
      Objects.requireNonNull(capacity, "capacity");
    }
  }

  /** An interface's bandwidth or MAC changed. */
  record Updated(String network, long sequence, PluggedInterface before, PluggedInterface after,
      Capacity capacity) implements NetworkEvent {
    public Updated {
      Objects.requireNonNull(before, "before");
      Objects.requireNonNull(after, "after");
      Objects.requireNonNull(capacity, "capacity");
    }
  }

  /** An interface was unplugged; its floor is back in {@code capacity.remaining()}. */
  record Unplugged(String network, long sequence, PluggedInterface iface, Capacity capacity)
      implements NetworkEvent {
    public Unplugged {
      Objects.requireNonNull(iface, "iface");
      Objects.requireNonNull(capacity, "capacity");
    }
  }

  /** The network's inbound limits changed while it ran ({@link NetworkShaper#resize}). */
  record Resized(String network, long sequence, Limits before, Limits after, Capacity capacity)
      implements NetworkEvent {
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
    public KernelSuspect {
      Objects.requireNonNull(reason, "reason");
      Objects.requireNonNull(cause, "cause");
    }
  }
}
