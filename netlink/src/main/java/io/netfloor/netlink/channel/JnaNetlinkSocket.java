// SPDX-License-Identifier: Apache-2.0
package io.netfloor.netlink.channel;

import com.sun.jna.LastErrorException;
import com.sun.jna.Native;
import com.sun.jna.Pointer;
import io.netfloor.netlink.NetlinkException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.time.Duration;

/**
 * A bound {@code NETLINK_ROUTE} socket of the calling thread's network namespace, through
 * {@link LibC}. Socket options: {@code NETLINK_EXT_ACK} (the kernel explains errors),
 * {@code NETLINK_CAP_ACK} (errors do not echo the whole request), {@code SO_RCVBUF} and
 * {@code SO_SNDBUF} 1 MiB, and {@code SO_RCVTIMEO} so that a lost reply surfaces as {@code EAGAIN}
 * instead of a hang.
 */
final class JnaNetlinkSocket implements NetlinkSocket {
  private static final int SOCKET_BUFFER_BYTES = 1 << 20;
  private static final int SOCKADDR_NL_BYTES = 12;
  /** The kernel's address (port 0): constant, and only read by {@code sendto}. */
  private static final byte[] KERNEL_ADDRESS = sockaddr();

  private final int fd;
  private final int portId;
  /** recvfrom's out-parameters, reused: the channel makes one call at a time. */
  private final byte[] from = new byte[SOCKADDR_NL_BYTES];
  private final int[] fromLen = new int[1];
  /** The native address of the buffer used last, per direction (the channel reuses its buffers). */
  private ByteBuffer sendBuffer;
  private Pointer sendPointer;
  private ByteBuffer receiveBuffer;
  private Pointer receivePointer;

  private JnaNetlinkSocket(int fd, int portId) {
    this.fd = fd;
    this.portId = portId;
  }

  /**
   * Opens and binds a socket in the calling thread's network namespace.
   *
   * @param timeout how long each receive waits for a datagram
   * @throws NetlinkException if the socket cannot be created, configured or bound
   */
  static JnaNetlinkSocket open(Duration timeout) {
    int fd;
    try {
      fd = LibC.socket(LibC.AF_NETLINK, LibC.SOCK_RAW | LibC.SOCK_CLOEXEC, LibC.NETLINK_ROUTE);
    } catch (LastErrorException e) {
      throw new NetlinkException("cannot create a NETLINK_ROUTE socket", null, 0, e.getErrorCode(),
          null, e);
    }
    try {
      setInt(fd, LibC.SOL_SOCKET, LibC.SO_SNDBUF, SOCKET_BUFFER_BYTES);
      setInt(fd, LibC.SOL_SOCKET, LibC.SO_RCVBUF, SOCKET_BUFFER_BYTES);
      setInt(fd, LibC.SOL_NETLINK, LibC.NETLINK_EXT_ACK, 1);
      setInt(fd, LibC.SOL_NETLINK, LibC.NETLINK_CAP_ACK, 1);
      ByteBuffer tv = ByteBuffer.allocate(16).order(ByteOrder.nativeOrder());
      tv.putLong(timeout.toSeconds()).putLong(timeout.toMillisPart() * 1000L);
      LibC.setsockopt(fd, LibC.SOL_SOCKET, LibC.SO_RCVTIMEO, tv.array(), 16);
      byte[] addr = sockaddr();
      LibC.bind(fd, addr, addr.length);
      byte[] bound = new byte[SOCKADDR_NL_BYTES];
      int[] len = {SOCKADDR_NL_BYTES};
      LibC.getsockname(fd, bound, len);
      int pid = ByteBuffer.wrap(bound).order(ByteOrder.nativeOrder()).getInt(4);
      return new JnaNetlinkSocket(fd, pid);
    } catch (LastErrorException e) {
      closeQuietly(fd);
      throw new NetlinkException("cannot configure the netlink socket", null, 0, e.getErrorCode(),
          null, e);
    }
  }

  @Override
  public int portId() {
    return portId;
  }

  @Override
  public long send(ByteBuffer datagram, long lengthBytes) {
    if (datagram != sendBuffer) {
      sendPointer = Native.getDirectBufferPointer(datagram);
      sendBuffer = datagram;
    }
    return LibC.sendto(fd, sendPointer, lengthBytes, 0, KERNEL_ADDRESS, KERNEL_ADDRESS.length);
  }

  @Override
  public Received receive(ByteBuffer into) {
    if (into != receiveBuffer) {
      receivePointer = Native.getDirectBufferPointer(into);
      receiveBuffer = into;
    }
    fromLen[0] = SOCKADDR_NL_BYTES;
    long n = LibC.recvfrom(fd, receivePointer, into.capacity(), LibC.MSG_TRUNC, from, fromLen);
    // sockaddr_nl.nl_pid at offset 4, host order
    int sender = ByteBuffer.wrap(from).order(ByteOrder.nativeOrder()).getInt(4);
    return new Received(n, sender);
  }

  @Override
  public void close() {
    closeQuietly(fd);
  }

  private static byte[] sockaddr() {
    ByteBuffer b = ByteBuffer.allocate(SOCKADDR_NL_BYTES).order(ByteOrder.nativeOrder());
    b.putShort((short) LibC.AF_NETLINK);
    return b.array();
  }

  private static void setInt(int fd, int level, int option, int value) {
    byte[] v = ByteBuffer.allocate(4).order(ByteOrder.nativeOrder()).putInt(value).array();
    LibC.setsockopt(fd, level, option, v, 4);
  }

  private static void closeQuietly(int fd) {
    try {
      LibC.close(fd);
    } catch (LastErrorException ignored) {
      // nothing to do: the descriptor is gone either way
    }
  }
}
