// SPDX-License-Identifier: Apache-2.0
package io.netfloor.netlink.channel;

import com.sun.jna.LastErrorException;
import com.sun.jna.Memory;
import io.netfloor.netlink.NetlinkException;
import io.netfloor.netlink.NetlinkProtocolException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A bound {@code NETLINK_ROUTE} socket and the request/acknowledgement protocol on it; knows nothing
 * about tc. Requests go out with fresh sequence numbers, several per {@code sendto} when batched;
 * replies are matched by sequence number and accepted only from the kernel (sender port id 0).
 *
 * <p>Socket options: {@code NETLINK_EXT_ACK} (the kernel explains errors), {@code NETLINK_CAP_ACK}
 * (errors do not echo the whole request), {@code SO_RCVBUF} 1 MiB, {@code SO_SNDBUF} 1 MiB and a
 * receive timeout, so that a lost reply surfaces as an exception instead of a hang. Replies are read
 * into one reusable 64 KiB native buffer with {@code MSG_TRUNC}, which reports the real datagram
 * length so truncation is detected.
 *
 * <p>Thread safety: every exchange (send plus all its replies) holds one lock, so threads take turns;
 * replies of one exchange can never be consumed by another. The socket belongs to the network
 * namespace it was created in ({@link #open(Duration)} runs on the calling thread; see
 * {@code io.netfloor.netlink.netns.NamespaceThread} for other namespaces).
 */
public final class NetlinkChannel implements AutoCloseable {
  /** Receive buffer: larger than any dump datagram the kernel builds (about 32 KiB). */
  public static final int RECEIVE_BUFFER_BYTES = 64 * 1024;
  private static final int SOCKET_BUFFER_BYTES = 1 << 20;
  private static final int SOCKADDR_NL_BYTES = 12;

  private final int fd;
  private final int portId;
  private final Memory receiveBuffer = new Memory(RECEIVE_BUFFER_BYTES);
  private Memory sendBuffer = new Memory(64 * 1024);
  /**
   * Views of the native buffers as direct ByteBuffers (native order): requests are assembled and
   * replies copied out with plain Java memory access instead of one JNA call per write (each
   * {@code Memory.write}/{@code setInt}/{@code setByte} is a native call; a plug's three requests made
   * about ten of them, all outside the timed syscalls).
   */
  private ByteBuffer sendView = view(sendBuffer);
  private final ByteBuffer receiveView = view(receiveBuffer);
  /** The kernel's address (port 0): constant, and only read by {@code sendto}. */
  private static final byte[] KERNEL_ADDRESS = sockaddr();
  /** recvfrom's out-parameters, reused: every receive holds {@link #lock}. */
  private final byte[] from = new byte[SOCKADDR_NL_BYTES];
  private final int[] fromLen = new int[1];
  private final ReentrantLock lock = new ReentrantLock();
  private final Duration timeout;
  private int nextSeq = ThreadLocalRandom.current().nextInt(1, Integer.MAX_VALUE / 2);
  private volatile boolean closed;
  /**
   * Nanoseconds spent inside {@code sendto}/{@code recvfrom} on this socket since it was opened: the
   * time the kernel (and the copy across the syscall boundary) took. Two {@code System.nanoTime()}
   * calls per syscall; written under {@link #lock}, volatile so another thread may read it.
   */
  private volatile long syscallNanos;

  private NetlinkChannel(int fd, int portId, Duration timeout) {
    this.fd = fd;
    this.portId = portId;
    this.timeout = timeout;
  }

  /**
   * Opens a socket in the calling thread's network namespace.
   *
   * @param timeout how long to wait for each reply datagram before giving up
   * @throws NetlinkException if the socket cannot be created, configured or bound
   */
  public static NetlinkChannel open(Duration timeout) {
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
      return new NetlinkChannel(fd, pid, timeout);
    } catch (LastErrorException e) {
      closeQuietly(fd);
      throw new NetlinkException("cannot configure the netlink socket", null, 0, e.getErrorCode(),
          null, e);
    }
  }

  /**
   * Total nanoseconds spent inside the {@code sendto} and {@code recvfrom} calls of this socket (for
   * benchmarks: wall time minus this is the time spent outside the kernel).
   */
  public long syscallNanos() {
    return syscallNanos;
  }

  /** The port id the kernel assigned to this socket. */
  public int portId() {
    return portId;
  }

  /**
   * Sends {@code requests} in one datagram and waits for one acknowledgement per request (each
   * request must carry {@code NLM_F_ACK}). The kernel processes them in order and independently: a
   * failed request does not stop the ones after it.
   *
   * @return one {@link Ack} per request, in request order, with any reply that preceded the ack
   * @throws NetlinkException if the exchange fails (timeout, socket error, malformed reply); a
   *     refused request is not an exception here but an {@link Ack} with an errno
   */
  public List<Ack> transact(List<byte[]> requests) {
    lock.lock();
    try {
      ensureOpen();
      int firstSeq = reserveSeqs(requests.size());
      send(requests, firstSeq);
      int count = requests.size();
      Ack[] acks = new Ack[count];
      // replies other than acks are rare (a class add's echo): lists only where one arrives
      List<List<NetlinkMessage>> replies = null;
      int pending = count;
      while (pending > 0) {
        for (NetlinkMessage m : receive()) {
          // the exchange's sequence numbers are consecutive (reserveSeqs never wraps inside one)
          int index = m.seq() - firstSeq;
          if (index < 0 || index >= count || acks[index] != null) {
            continue; // a late reply to an earlier, abandoned exchange
          }
          if (m.type() == NetlinkMessage.NLMSG_ERROR) {
            List<NetlinkMessage> got = replies == null ? null : replies.get(index);
            acks[index] = MessageReader.readError(m).withReplies(got == null ? List.of() : got);
            pending--;
          } else if (m.type() == NetlinkMessage.NLMSG_OVERRUN) {
            throw new NetlinkProtocolException("kernel reported NLMSG_OVERRUN");
          } else {
            if (replies == null) {
              replies = new ArrayList<>(java.util.Collections.nCopies(count, null));
            }
            if (replies.get(index) == null) {
              replies.set(index, new ArrayList<>());
            }
            replies.get(index).add(m);
          }
        }
      }
      return List.of(acks);
    } finally {
      lock.unlock();
    }
  }

  /** {@link #transact} of one request. */
  public Ack transact(byte[] request) {
    return transact(List.of(request)).get(0);
  }

  /**
   * Sends a dump request ({@code NLM_F_DUMP}) and collects every message up to {@code NLMSG_DONE}.
   *
   * @throws DumpInterruptedException if the kernel flagged the dump inconsistent ({@code
   *     NLM_F_DUMP_INTR}); the caller repeats it
   * @throws NetlinkException if the kernel refused the dump (its errno and text)
   */
  public List<NetlinkMessage> dump(byte[] request) {
    lock.lock();
    try {
      ensureOpen();
      int seq = reserveSeqs(1);
      send(List.of(request), seq);
      List<NetlinkMessage> out = new ArrayList<>();
      boolean interrupted = false;
      while (true) {
        for (NetlinkMessage m : receive()) {
          if (m.seq() != seq) {
            continue;
          }
          interrupted |= m.hasFlag(NetlinkMessage.NLM_F_DUMP_INTR);
          if (m.type() == NetlinkMessage.NLMSG_DONE) {
            Ack done = m.payload().remaining() >= 4 ? MessageReader.readError(m)
                : new Ack(seq, 0, null, -1, List.of());
            if (!done.isSuccess()) {
              throw new NetlinkException("dump", null, 0, done.errno(), done.kernelMessage(),
                  null);
            }
            if (interrupted) {
              throw new DumpInterruptedException();
            }
            return out;
          } else if (m.type() == NetlinkMessage.NLMSG_ERROR) {
            Ack err = MessageReader.readError(m);
            if (!err.isSuccess()) {
              throw new NetlinkException("dump", null, 0, err.errno(), err.kernelMessage(), null);
            }
            // an ack inside a dump (only when NLM_F_ACK was set): the dump goes on to DONE
          } else if (m.type() == NetlinkMessage.NLMSG_OVERRUN) {
            throw new NetlinkProtocolException("kernel reported NLMSG_OVERRUN");
          } else if (m.type() != NetlinkMessage.NLMSG_NOOP) {
            out.add(m);
          }
        }
      }
    } finally {
      lock.unlock();
    }
  }

  private int reserveSeqs(int count) {
    if (nextSeq > Integer.MAX_VALUE - count - 1) {
      nextSeq = 1;
    }
    int first = nextSeq;
    nextSeq += count;
    return first;
  }

  private void send(List<byte[]> requests, int firstSeq) {
    long total = 0;
    for (byte[] r : requests) {
      total += MessageReader.align4(r.length);
    }
    if (total > sendBuffer.size()) {
      sendBuffer = new Memory(Math.max(total, sendBuffer.size() * 2));
      sendView = view(sendBuffer);
    }
    int offset = 0;
    int seq = firstSeq;
    for (byte[] r : requests) {
      sendView.put(offset, r);
      sendView.putInt(offset + 8, seq++);
      for (int p = offset + r.length; p < offset + MessageReader.align4(r.length); p++) {
        sendView.put(p, (byte) 0);
      }
      offset += MessageReader.align4(r.length);
    }
    byte[] kernel = KERNEL_ADDRESS;
    while (true) {
      long t0 = System.nanoTime();
      try {
        long sent = LibC.sendto(fd, sendBuffer, total, 0, kernel, kernel.length);
        syscallNanos += System.nanoTime() - t0;
        if (sent != total) {
          throw new NetlinkException("short netlink send: " + sent + " of " + total + " bytes",
              null, 0, 0, null, null);
        }
        return;
      } catch (LastErrorException e) {
        syscallNanos += System.nanoTime() - t0;
        if (e.getErrorCode() != LibC.EINTR) {
          throw new NetlinkException("sending " + requests.size() + " netlink request(s) of "
              + total + " bytes", null, 0, e.getErrorCode(), null, e);
        }
      }
    }
  }

  /** One datagram from the kernel, split into messages; datagrams from other senders are dropped. */
  private List<NetlinkMessage> receive() {
    while (true) {
      long n;
      fromLen[0] = SOCKADDR_NL_BYTES;
      long t0 = System.nanoTime();
      try {
        n = LibC.recvfrom(fd, receiveBuffer, RECEIVE_BUFFER_BYTES, LibC.MSG_TRUNC, from, fromLen);
        syscallNanos += System.nanoTime() - t0;
      } catch (LastErrorException e) {
        syscallNanos += System.nanoTime() - t0;
        if (e.getErrorCode() == LibC.EINTR) {
          continue;
        }
        if (e.getErrorCode() == LibC.EAGAIN) {
          throw new NetlinkException("no reply from the kernel within " + timeout.toMillis()
              + " ms", null, 0, e.getErrorCode(), null, e);
        }
        throw new NetlinkException("receiving from the netlink socket", null, 0,
            e.getErrorCode(), null, e);
      }
      if (n > RECEIVE_BUFFER_BYTES) {
        throw new NetlinkProtocolException("datagram of " + n + " bytes truncated to "
            + RECEIVE_BUFFER_BYTES);
      }
      // sockaddr_nl.nl_pid at offset 4, host order; any non-zero byte means a non-kernel sender
      if ((from[4] | from[5] | from[6] | from[7]) != 0) {
        continue; // only the kernel may answer
      }
      // copied out: messages outlive this call, and the native buffer is reused by the next one
      byte[] datagram = new byte[(int) n];
      receiveView.get(0, datagram);
      return MessageReader.split(ByteBuffer.wrap(datagram).order(ByteOrder.nativeOrder()));
    }
  }

  private void ensureOpen() {
    if (closed) {
      throw new IllegalStateException("netlink channel is closed");
    }
  }

  @Override
  public void close() {
    lock.lock();
    try {
      if (!closed) {
        closed = true;
        closeQuietly(fd);
      }
    } finally {
      lock.unlock();
    }
  }

  private static ByteBuffer view(Memory m) {
    return m.getByteBuffer(0, m.size()).order(ByteOrder.nativeOrder());
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

  /** The kernel flagged a dump as interrupted by a concurrent change; repeat it. */
  public static final class DumpInterruptedException extends NetlinkException {
    public DumpInterruptedException() {
      super("dump interrupted by a concurrent change (NLM_F_DUMP_INTR)", null, 0, 0, null, null);
    }
  }
}
