// SPDX-License-Identifier: Apache-2.0
package io.netfloor.netlink;

/**
 * A reply from the kernel could not be understood: a length that points past the datagram, an
 * attribute shorter than its struct, a truncated datagram, a missing {@code NLMSG_DONE}. Never an
 * {@link IndexOutOfBoundsException}: every parser in this module checks bounds and throws this.
 */
public class NetlinkProtocolException extends NetlinkException {
  /**
   * A malformed reply.
   *
   * @param message what is wrong with the reply
   */
  public NetlinkProtocolException(String message) {
    super("malformed netlink reply: " + message, null, 0, 0, null, null, null);
  }

  /**
   * A malformed reply found by another failure.
   *
   * @param message what is wrong with the reply
   * @param cause the underlying failure
   */
  public NetlinkProtocolException(String message, Throwable cause) {
    super("malformed netlink reply: " + message, null, 0, 0, null, null, cause);
  }
}
