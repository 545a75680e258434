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
  /** The refused operation, or {@code null} outside a plan. */
  private final TcOp failedOp;
  /** Operations of the plan committed before the failure. */
  private final int appliedCount;
  /** Positive errno, or 0. */
  private final int errno;
  /** Symbolic errno, or {@code null}. */
  private final String errnoName;
  /** The kernel's extended-ack text, or {@code null}. */
  private final String kernelMessage;

  /**
   * A failure with everything the kernel said about it.
   *
   * @param message what failed, for people: the operation, the device and what to do
   * @param failedOp the operation the kernel refused, or {@code null} for a failure outside a plan
   * @param appliedCount operations of the plan committed before the failure
   * @param errno positive errno, or 0 when not an errno failure
   * @param errnoName symbolic name such as {@code EEXIST}, or {@code null}
   * @param kernelMessage extended-ack text, or {@code null}
   * @param cause the underlying failure, or {@code null}
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

  /**
   * A failure that is not an errno of a plan operation (a kernel without a needed feature, an
   * unexpected reply).
   *
   * @param message what failed, and what to do
   */
  public TrafficControlException(String message) {
    this(message, null, 0, 0, null, null, null);
  }

  /**
   * The operation the kernel refused, when the failure happened inside a plan.
   *
   * @return the refused operation, or empty for a failure outside a plan
   */
  public Optional<TcOp> failedOp() {
    return Optional.ofNullable(failedOp);
  }

  /**
   * How many operations of the plan were committed before the failed one.
   *
   * @return 0 to the plan's size; a caller undoes exactly this many operations
   */
  public int appliedCount() {
    return appliedCount;
  }

  /**
   * Positive errno (e.g. 17 for EEXIST), or 0.
   *
   * @return the errno, or 0 when the failure was not an errno
   */
  public int errno() {
    return errno;
  }

  /**
   * Symbolic errno, e.g. {@code EEXIST}.
   *
   * @return the name, or empty when unknown or not an errno failure
   */
  public Optional<String> errnoName() {
    return Optional.ofNullable(errnoName);
  }

  /**
   * The kernel's extended-ack message, e.g. {@code Exclusivity flag on, cannot modify}.
   *
   * @return the message, or empty when the kernel gave none
   */
  public Optional<String> kernelMessage() {
    return Optional.ofNullable(kernelMessage);
  }

  /**
   * A copy of this failure with {@code appliedCount} set (for layers that batch).
   *
   * @param count how many operations were committed before the failure, counted in the caller's
   *     plan
   * @return a new exception with the same message, operation, errno, kernel message and cause
   */
  public TrafficControlException withAppliedCount(int count) {
    return new TrafficControlException(getMessage(), failedOp, count, errno, errnoName, kernelMessage,
        getCause());
  }
}
