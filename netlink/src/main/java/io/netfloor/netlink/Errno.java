// SPDX-License-Identifier: Apache-2.0
package io.netfloor.netlink;

import java.util.Map;

/**
 * Symbolic names of the errnos rtnetlink returns, and the plain words NetFloor puts in front of the
 * kernel's own message for the common ones.
 */
public final class Errno {
  public static final int EPERM = 1;
  public static final int ENOENT = 2;
  public static final int EINTR = 4;
  public static final int EAGAIN = 11;
  public static final int ENOMEM = 12;
  public static final int EACCES = 13;
  public static final int EBUSY = 16;
  public static final int EEXIST = 17;
  public static final int ENODEV = 19;
  public static final int EINVAL = 22;
  public static final int ERANGE = 34;
  public static final int EOPNOTSUPP = 95;
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

  /** {@code EEXIST} for 17; {@code errno 200} for a number without a known name. */
  public static String name(int errno) {
    String n = NAMES.get(Math.abs(errno));
    return n != null ? n : "errno " + Math.abs(errno);
  }

  /**
   * Plain words for what an errno means to a tc operation, e.g. "needs CAP_NET_ADMIN" for EPERM, or
   * {@code null} when the errno name and the kernel's text say it all.
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
