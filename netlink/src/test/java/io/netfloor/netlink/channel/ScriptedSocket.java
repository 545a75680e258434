// SPDX-License-Identifier: Apache-2.0
package io.netfloor.netlink.channel;

import com.sun.jna.LastErrorException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.function.Function;

/**
 * A {@link NetlinkSocket} that plays a script: each receive takes the next scripted event (a
 * datagram from some port, or an errno), built from the datagrams sent so far so that replies can
 * carry the sequence numbers the channel chose. An exhausted script behaves like a silent kernel:
 * {@code EAGAIN}, the receive timeout. Sends record the datagram, or fail with scripted errnos first.
 */
final class ScriptedSocket implements NetlinkSocket {
  static final int PORT = 4242;
  static final int EINTR = 4;
  static final int EAGAIN = 11;
  static final int ENOBUFS = 105;

  /** One receive: a datagram from {@code senderPort}, or a failure with {@code errno}. */
  record Event(byte[] datagram, long reportedLength, int senderPort, int errno) {}

  private final Deque<Function<ScriptedSocket, Event>> script = new ArrayDeque<>();
  private final Deque<Integer> sendErrnos = new ArrayDeque<>();
  private final List<byte[]> sent = new ArrayList<>();
  private Long shortSend;
  int receiveCalls;
  int closeCalls;
  /** Time a successful receive, a successful send, and a failing call of either take. */
  long receiveDelayMillis;
  long sendDelayMillis;
  long failDelayMillis;

  @Override
  public int portId() {
    return PORT;
  }

  @Override
  public long send(ByteBuffer datagram, long lengthBytes) {
    if (!sendErrnos.isEmpty()) {
      pause(failDelayMillis);
      throw new LastErrorException(sendErrnos.poll());
    }
    pause(sendDelayMillis);
    byte[] copy = new byte[(int) lengthBytes];
    datagram.get(0, copy);
    sent.add(copy);
    if (shortSend != null) {
      return shortSend;
    }
    return lengthBytes;
  }

  @Override
  public Received receive(ByteBuffer into) {
    receiveCalls++;
    Function<ScriptedSocket, Event> next = script.poll();
    if (next == null) {
      pause(failDelayMillis);
      throw new LastErrorException(EAGAIN);
    }
    Event e = next.apply(this);
    if (e.errno() != 0) {
      pause(failDelayMillis);
      throw new LastErrorException(e.errno());
    }
    pause(receiveDelayMillis);
    into.put(0, e.datagram(), 0, Math.min(e.datagram().length, into.capacity()));
    return new Received(e.reportedLength(), e.senderPort());
  }

  /** Time spent "inside the kernel". */
  private static void pause(long millis) {
    if (millis > 0) {
      try {
        Thread.sleep(millis);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  @Override
  public void close() {
    closeCalls++;
  }

  /** The next receive gets what {@code reply} builds from the socket's state then. */
  ScriptedSocket then(Function<ScriptedSocket, byte[]> reply) {
    return thenFrom(0, reply);
  }

  /** The next receive gets a datagram from port {@code senderPort}. */
  ScriptedSocket thenFrom(int senderPort, Function<ScriptedSocket, byte[]> reply) {
    script.add(s -> {
      byte[] d = reply.apply(s);
      return new Event(d, d.length, senderPort, 0);
    });
    return this;
  }

  /** The next receive fails with {@code errno}. */
  ScriptedSocket thenErrno(int errno) {
    script.add(s -> new Event(null, 0, 0, errno));
    return this;
  }

  /** The next receive reports a datagram of {@code length} bytes (more than fit: truncated). */
  ScriptedSocket thenTruncated(long length) {
    script.add(s -> new Event(new byte[0], length, 0, 0));
    return this;
  }

  /** The next sends fail with these errnos, in order. */
  ScriptedSocket failSends(int... errnos) {
    for (int e : errnos) {
      sendErrnos.add(e);
    }
    return this;
  }

  /** Every send reports {@code bytes} sent. */
  ScriptedSocket reportShortSends(long bytes) {
    shortSend = bytes;
    return this;
  }

  List<byte[]> sent() {
    return sent;
  }

  /** The sequence numbers of the messages of sent datagram {@code i}, in order. */
  List<Integer> seqsOf(int i) {
    List<Integer> out = new ArrayList<>();
    for (NetlinkMessage m : MessageReader.split(ByteBuffer.wrap(sent.get(i))
        .order(ByteOrder.nativeOrder()))) {
      out.add(m.seq());
    }
    return out;
  }

  /** The sequence number of the first message of the last datagram sent. */
  int lastSeq() {
    return seqsOf(sent.size() - 1).get(0);
  }

  boolean scriptExhausted() {
    return script.isEmpty();
  }
}
