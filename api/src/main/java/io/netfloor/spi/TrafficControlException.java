// SPDX-License-Identifier: Apache-2.0
package io.netfloor.spi;

import io.netfloor.NetFloorException;
import io.netfloor.plan.TcOp;
import java.util.Optional;

/**
 * A kernel operation failed. Carries the operation, how many operations of the plan the kernel had
 * already committed (a caller undoes exactly those), the errno and the kernel's own explanation
 * (netlink extended ack) when it gave one.
 */
public class TrafficControlException extends NetFloorException {
  private final TcOp failedOp;
  private final int appliedCount;
  private final int errno;
  private final String errnoName;
  private final String kernelMessage;

  /**
   * @param failedOp the operation the kernel refused, or {@code null} for a failure outside a plan
   * @param appliedCount operations of the plan committed before the failure
   * @param errno positive errno, or 0 when not an errno failure
   * @param errnoName symbolic name such as {@code EEXIST}, or {@code null}
   * @param kernelMessage extended-ack text, or {@code null}
   */
  public TrafficControlException(String message, TcOp failedOp, int appliedCount, int errno,
      String errnoName, String kernelMessage, Throwable cause) {
    super(message, cause);
    this.failedOp = failedOp;
    this.appliedCount = appliedCount;
    this.errno = errno;
    this.errnoName = errnoName;
    this.kernelMessage = kernelMessage;
  }

  public TrafficControlException(String message) {
    this(message, null, 0, 0, null, null, null);
  }

  /** The operation the kernel refused, when the failure happened inside a plan. */
  public Optional<TcOp> failedOp() {
    return Optional.ofNullable(failedOp);
  }

  /** How many operations of the plan were committed before the failed one. */
  public int appliedCount() {
    return appliedCount;
  }

  /** Positive errno (e.g. 17 for EEXIST), or 0. */
  public int errno() {
    return errno;
  }

  /** Symbolic errno, e.g. {@code EEXIST}. */
  public Optional<String> errnoName() {
    return Optional.ofNullable(errnoName);
  }

  /** The kernel's extended-ack message, e.g. {@code Exclusivity flag on, cannot modify}. */
  public Optional<String> kernelMessage() {
    return Optional.ofNullable(kernelMessage);
  }

  /** A copy of this failure with {@code appliedCount} set (for layers that batch). */
  public TrafficControlException withAppliedCount(int count) {
    return new TrafficControlException(getMessage(), failedOp, count, errno, errnoName, kernelMessage,
        getCause());
  }
}
