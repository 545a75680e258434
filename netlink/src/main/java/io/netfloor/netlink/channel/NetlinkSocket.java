// SPDX-License-Identifier: Apache-2.0
package io.netfloor.netlink.channel;

import com.sun.jna.LastErrorException;
import java.nio.ByteBuffer;

/**
 * The system calls {@link NetlinkChannel} makes on its socket, and nothing more: the protocol
 * (sequence numbers, retries, matching replies, sender checks) stays in the channel, where tests can
 * drive it with scripted replies. Failures are thrown as {@link LastErrorException} carrying errno,
 * exactly as {@link LibC} reports them; a receive timeout is {@code EAGAIN}.
 */
interface NetlinkSocket extends AutoCloseable {

  /** What one receive got: the datagram's real length and who sent it. */
  record Received(long lengthBytes, int senderPort) {}

  /** The port id the kernel assigned to this socket. */
  int portId();

  /**
   * {@code sendto} the kernel (port 0): the first {@code lengthBytes} bytes of {@code datagram}.
   *
   * @param datagram a direct buffer holding the datagram from index 0
   * @return the number of bytes sent
   */
  long send(ByteBuffer datagram, long lengthBytes);

  /**
   * {@code recvfrom} with {@code MSG_TRUNC}: one datagram into {@code into} from index 0, up to its
   * capacity.
   *
   * @param into a direct buffer
   * @return the datagram's real length (above the capacity when it was truncated) and the sender's
   *     port id ({@code nl_pid}; 0 is the kernel)
   */
  Received receive(ByteBuffer into);

  /** Closes the descriptor; errors are ignored (the descriptor is gone either way). */
  @Override
  void close();
}
