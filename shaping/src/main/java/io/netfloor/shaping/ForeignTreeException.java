// SPDX-License-Identifier: Apache-2.0
package io.netfloor.shaping;

import io.netfloor.units.InterfaceName;
import java.util.Optional;

/**
 * A device holds qdiscs that NetFloor's network did not make, where the network needs to build:
 * NetFloor refuses rather than take them over. The message names what is there and the ways out:
 * {@link NetworkShaper#adopt adopt} a libvirt tree, stop the NetFloor network that owns it, or
 * {@link NetworkShaper#startReplacing() replace} it explicitly.
 */
public final class ForeignTreeException extends ShapingException {
  /** Whose the tree looks like. */
  public enum Owner {
    /** libvirt's floor tree: classes 1:1 and 1:2, u32 filters at prio 2 ({@code 800::…}). */
    LIBVIRT,
    /** Another NetFloor network, named by its mark ({@link #ownerNetwork()}). */
    NETFLOOR,
    /** Nothing recognisable. */
    UNKNOWN
  }

  /** The device holding the foreign qdisc. */
  private final InterfaceName device;
  /** The qdisc found, tc-style. */
  private final String qdisc;
  /** How many classes hang under it. */
  private final int classes;
  /** How many filters are attached to it. */
  private final int filters;
  /** Whose the tree looks like. */
  private final Owner owner;
  /** The owning NetFloor network, if the tree is one's. */
  private final Optional<String> ownerNetwork;

  ForeignTreeException(String message, InterfaceName device, String qdisc, int classes,
      int filters, Owner owner, Optional<String> ownerNetwork) {
    super(message);
    this.device = device;
    this.qdisc = qdisc;
    this.classes = classes;
    this.filters = filters;
    this.owner = owner;
    this.ownerNetwork = ownerNetwork;
  }

  /**
   * The device (bridge, tap, ifb) holding the foreign qdisc.
   *
   * @return the device's name
   */
  public InterfaceName device() {
    return device;
  }

  /**
   * The qdisc found, tc-style: kind, handle and HTB default class, e.g. {@code htb 1: (default 2)}.
   *
   * @return the qdisc's description
   */
  public String qdisc() {
    return qdisc;
  }

  /**
   * How many classes hang under it.
   *
   * @return the number of classes, 0 or more
   */
  public int classCount() {
    return classes;
  }

  /**
   * How many filters are attached to it.
   *
   * @return the number of filters, 0 or more
   */
  public int filterCount() {
    return filters;
  }

  /**
   * Whose the tree looks like, judged from its shape and its ownership mark.
   *
   * @return the likely owner; {@link Owner#UNKNOWN} when nothing is recognisable
   */
  public Owner owner() {
    return owner;
  }

  /**
   * The NetFloor network that owns it, when {@link #owner()} is {@link Owner#NETFLOOR}.
   *
   * @return the owning network's name, or empty for other owners
   */
  public Optional<String> ownerNetwork() {
    return ownerNetwork;
  }
}
