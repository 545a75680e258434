// SPDX-License-Identifier: Apache-2.0
package io.netfloor.netlink.channel;

import com.sun.jna.LastErrorException;
import com.sun.jna.Native;
import com.sun.jna.Platform;
import com.sun.jna.Pointer;

/**
 * The few libc calls NetFloor needs, bound with JNA direct mapping (no interface proxies, no
 * per-call reflection). {@code size_t}/{@code ssize_t} are {@code long}: Linux is LP64 on every
 * architecture NetFloor supports. Each call throws {@link LastErrorException} whose
 * {@link LastErrorException#getErrorCode()} is errno.
 */
public final class LibC {
  static {
    Native.register(Platform.C_LIBRARY_NAME);
  }

  public static final int AF_NETLINK = 16;
  public static final int SOCK_RAW = 3;
  public static final int SOCK_CLOEXEC = 0x80000;
  public static final int NETLINK_ROUTE = 0;
  public static final int SOL_SOCKET = 1;
  public static final int SO_SNDBUF = 7;
  public static final int SO_RCVBUF = 8;
  public static final int SO_RCVTIMEO = 20;
  public static final int SOL_NETLINK = 270;
  public static final int NETLINK_CAP_ACK = 10;
  public static final int NETLINK_EXT_ACK = 11;
  public static final int MSG_TRUNC = 0x20;
  public static final int O_RDONLY = 0;
  public static final int O_CLOEXEC = 0x80000;
  public static final int CLONE_NEWNET = 0x40000000;

  public static final int EINTR = 4;
  public static final int EAGAIN = 11;
  public static final int ENOBUFS = 105;

  private LibC() {}

  public static native int socket(int domain, int type, int protocol) throws LastErrorException;

  public static native int bind(int fd, byte[] address, int addressLength) throws LastErrorException;

  public static native int getsockname(int fd, byte[] address, int[] addressLength)
      throws LastErrorException;

  public static native int setsockopt(int fd, int level, int option, byte[] value, int valueLength)
      throws LastErrorException;

  public static native long sendto(int fd, Pointer buffer, long length, int flags, byte[] address,
      int addressLength) throws LastErrorException;

  public static native long recvfrom(int fd, Pointer buffer, long length, int flags, byte[] address,
      int[] addressLength) throws LastErrorException;

  public static native int close(int fd) throws LastErrorException;

  public static native int open(String path, int flags) throws LastErrorException;

  public static native int setns(int fd, int nstype) throws LastErrorException;

  public static native int unshare(int flags) throws LastErrorException;
}
