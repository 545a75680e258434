// SPDX-License-Identifier: Apache-2.0
package io.netfloor.netlink;

import java.util.Map;

/**
 * Symbolic names of the errnos rtnetlink returns, and the plain words NetFloor puts in front of the
 * kernel's own message for the common ones.
 */
public final class Errno {
  /** Operation not permitted: the caller lacks a capability (CAP_NET_ADMIN for tc requests). */
  public static final int EPERM = 1;
  /** No such file or object: a missing qdisc, class, filter, kind or namespace file. */
  public static final int ENOENT = 2;
  /** Interrupted system call. */
  public static final int EINTR = 4;
  /** Try again: a non-blocking call would block, or a receive timed out. */
  public static final int EAGAIN = 11;
  /** Out of memory in the kernel. */
  public static final int ENOMEM = 12;
  /** Permission denied. */
  public static final int EACCES = 13;
  /** Device or object busy: an HTB class with children or with a filter pointing at it. */
  public static final int EBUSY = 16;
  /** The object already exists. */
  public static final int EEXIST = 17;
  /** No such device. */
  public static final int ENODEV = 19;
  /** Invalid argument: the kernel rejected the parameters. */
  public static final int EINVAL = 22;
  /** An attribute is out of range or has the wrong size. */
  public static final int ERANGE = 34;
  /** Operation not supported by this kernel or device. */
  public static final int EOPNOTSUPP = 95;
  /** No buffer space: the socket's receive buffer overflowed. */
  public static final int ENOBUFS = 105;

  private static final Map<Integer, String> NAMES = Map.ofEntries(
      Map.entry(1, "EPERM"), Map.entry(2, "ENOENT"), Map.entry(3, "ESRCH"), Map.entry(4, "EINTR"),
      Map.entry(5, "EIO"), Map.entry(6, "ENXIO"), Map.entry(7, "E2BIG"), Map.entry(9, "EBADF"),
      Map.entry(11, "EAGAIN"), Map.entry(12, "ENOMEM"), Map.entry(13, "EACCES"),
      Map.entry(14, "EFAULT"), Map.entry(16, "EBUSY"), Map.entry(17, "EEXIST"),
      Map.entry(19, "ENODEV"), Map.entry(22, "EINVAL"), Map.entry(23, "ENFILE"),
      Map.entry(24, "EMFILE"), Map.entry(28, "ENOSPC"), Map.entry(34, "ERANGE"),
      Map.entry(38, "ENOSYS"), Map.entry(61, "ENODATA"), Map.entry(71, "EPROTO"),
      Map.entry(75, "EOVERFLOW"), Map.entry(90, "EMSGSIZE"), Map.entry(93, "EPROTONOSUPPORT"),
      Map.entry(95, "EOPNOTSUPP"), Map.entry(97, "EAFNOSUPPORT"), Map.entry(98, "EADDRINUSE"),
      Map.entry(105, "ENOBUFS"), Map.entry(110, "ETIMEDOUT"));

  private Errno() {}

  /**
   * {@code EEXIST} for 17; {@code errno 200} for a number without a known name.
   *
   * @param errno an errno, positive or negative (netlink replies carry it negated)
   * @return the symbolic name
   */
  public static String name(int errno) {
    String n = NAMES.get(Math.abs(errno));
    return n != null ? n : "errno " + Math.abs(errno);
  }

  /**
   * Plain words for what an errno means to a tc operation, e.g. "needs CAP_NET_ADMIN" for EPERM, or
   * {@code null} when the errno name and the kernel's text say it all.
   *
   * @param errno an errno, positive or negative
   * @return the explanation, or {@code null}
   */
  public static String explain(int errno) {
    return switch (Math.abs(errno)) {
      case EPERM, EACCES -> "permission denied: needs CAP_NET_ADMIN in the device's network namespace";
      case ENODEV -> "no such device";
      case ENOENT -> "no such object (device, qdisc, class, filter or kind)";
      case EEXIST -> "the object already exists";
      case EINVAL -> "the kernel rejected the parameters";
      case EBUSY -> "the object is in use";
      case ERANGE -> "an attribute is out of range or mis-sized";
      case EOPNOTSUPP -> "not supported by this kernel or device";
      default -> null;
    };
  }
}
