// SPDX-License-Identifier: Apache-2.0
package io.netfloor.netlink;

import io.netfloor.plan.TcOp;
import io.netfloor.spi.TrafficControlException;

/**
 * The kernel refused a netlink request, or the exchange itself failed. The message reads like
 * {@code add class htb 1:3 on br0 …: EEXIST (the object already exists)} followed by the kernel's
 * extended-ack text when it gave one ({@code kernel: "Exclusivity flag on, cannot modify"}).
 */
public class NetlinkException extends TrafficControlException {

  /**
   * A refused request, with the message built from the operation, the errno's name and meaning, and
   * the kernel's text.
   *
   * @param what the operation that failed, as a phrase ({@code "add class htb 1:3 on br0"})
   * @param failedOp the plan operation, or {@code null} outside a plan
   * @param appliedCount operations of the plan committed before the failed one
   * @param errno positive errno, or 0
   * @param kernelMessage extended-ack text, or {@code null}
   * @param cause the underlying failure, or {@code null}
   */
  public NetlinkException(String what, TcOp failedOp, int appliedCount, int errno,
      String kernelMessage, Throwable cause) {
    this(format(what, errno, kernelMessage), failedOp, appliedCount, errno,
        errno == 0 ? null : Errno.name(errno), kernelMessage, cause);
  }

  /**
   * Full constructor; {@code message} is used as is.
   *
   * @param message the whole message
   * @param failedOp the plan operation, or {@code null} outside a plan
   * @param appliedCount operations of the plan committed before the failed one
   * @param errno positive errno, or 0
   * @param errnoName symbolic errno, or {@code null}
   * @param kernelMessage extended-ack text, or {@code null}
   * @param cause the underlying failure, or {@code null}
   */
  protected NetlinkException(String message, TcOp failedOp, int appliedCount, int errno,
      String errnoName, String kernelMessage, Throwable cause) {
    super(message, failedOp, appliedCount, errno, errnoName, kernelMessage, cause);
  }

  /**
   * A failed system call around netlink (opening, entering or making a network namespace), whose
   * errno means something other than for a tc request: {@code what: ENAME (plain)}, e.g. EPERM from
   * {@code setns} names CAP_SYS_ADMIN, not CAP_NET_ADMIN.
   *
   * @param what the call that failed, as a phrase ({@code "setns into /run/netns/x"})
   * @param errno the call's positive errno
   * @param plain what the errno means for this call, or {@code null}
   * @param cause the underlying failure, or {@code null}
   * @return the exception, outside any plan
   */
  public static NetlinkException ofSyscall(String what, int errno, String plain,
      Throwable cause) {
    String message = what + ": " + Errno.name(errno) + (plain == null ? "" : " (" + plain + ")");
    return new NetlinkException(message, null, 0, errno, Errno.name(errno), null, cause);
  }

  /** {@code what: ENAME (plain words): kernel: "text"}. */
  static String format(String what, int errno, String kernelMessage) {
    StringBuilder sb = new StringBuilder(what);
    if (errno != 0) {
      sb.append(": ").append(Errno.name(errno));
      String plain = Errno.explain(errno);
      if (plain != null) {
        sb.append(" (").append(plain).append(')');
      }
    }
    if (kernelMessage != null && !kernelMessage.isEmpty()) {
      sb.append(": kernel: \"").append(kernelMessage).append('"');
    }
    return sb.toString();
  }

  @Override
  public NetlinkException withAppliedCount(int count) {
    return new NetlinkException(getMessage(), failedOp().orElse(null), count, errno(),
        errnoName().orElse(null), kernelMessage().orElse(null), getCause());
  }

  /**
   * A copy naming the plan operation that failed and how many before it were committed.
   *
   * @param op the operation of the caller's plan that failed
   * @param appliedCount how many operations of that plan were committed before it
   * @return a new exception whose message starts with the operation's description
   */
  public NetlinkException forOp(TcOp op, int appliedCount) {
    String message = getMessage().startsWith(op.describe()) ? getMessage()
        : op.describe() + ": " + getMessage();
    return new NetlinkException(message, op, appliedCount, errno(), errnoName().orElse(null),
        kernelMessage().orElse(null), getCause());
  }
}
