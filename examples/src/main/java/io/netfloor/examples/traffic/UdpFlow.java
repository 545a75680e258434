// SPDX-License-Identifier: Apache-2.0
package io.netfloor.examples.traffic;

import io.netfloor.netlink.netns.NamespaceThread;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.DatagramChannel;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One saturating UDP stream between two network namespaces: a sender thread inside the sending
 * namespace writes full-size datagrams as fast as its socket lets it, a receiver thread inside the
 * receiving namespace counts what arrives.
 *
 * <p>The sender is not paced: a blocking UDP socket sleeps while its send buffer is full, i.e. while
 * its packets wait in the qdisc. So each flow keeps its HTB class backlogged (the condition under
 * which a floor is a promise at all) without flooding the queue. The flow is bounded in time: the
 * sender stops by itself after {@code maxDuration} even if nobody calls {@link #stopSending()}.
 *
 * <p>Sizes: 1472 bytes of payload make a 1514-byte Ethernet frame (14 Ethernet + 20 IPv4 + 8 UDP
 * header bytes), exactly what HTB counts for the packet on the bridge; {@link Counters#l2Bytes()} is
 * the received traffic at that layer.
 */
public final class UdpFlow implements AutoCloseable {
  /** Payload per datagram: a 1500-byte IPv4 MTU minus the IPv4 and UDP headers. */
  public static final int PAYLOAD_BYTES = 1472;
  /** Ethernet (14), IPv4 (20) and UDP (8) header bytes around each payload. */
  public static final int L2_OVERHEAD_BYTES = 42;

  private final String name;
  private final String senderNamespace;
  private final String receiverNamespace;
  private final InetSocketAddress source;
  private final InetSocketAddress target;
  private final Duration maxDuration;
  /** Nanoseconds between two datagrams when paced; 0 for an unpaced sender. */
  private final long paceNanos;
  private final AtomicLong rxBytes = new AtomicLong();
  private final AtomicLong rxPackets = new AtomicLong();
  private final AtomicLong txPackets = new AtomicLong();
  private final AtomicLong txErrors = new AtomicLong();
  private final CountDownLatch receiverReady = new CountDownLatch(1);
  private volatile boolean sending = true;
  private volatile DatagramChannel rxChannel;
  private volatile DatagramChannel txChannel;
  // each runs on its own thread inside its namespace; null until started
  private volatile Future<Void> receiver;
  private volatile Future<Void> sender;

  /**
   * What a flow has received (at the receiver's socket) and sent so far.
   *
   * @param payloadBytes UDP payload bytes received
   * @param packets datagrams received
   * @param sentPackets datagrams the sender handed to its socket
   * @param sendErrors sends the kernel refused (e.g. ENOBUFS when a queue was full)
   */
  public record Counters(long payloadBytes, long packets, long sentPackets, long sendErrors) {
    /** The received traffic as Ethernet frames: payload plus 42 header bytes per datagram. */
    public long l2Bytes() {
      return payloadBytes + packets * L2_OVERHEAD_BYTES;
    }
  }

  private UdpFlow(String name, String senderNamespace, String receiverNamespace,
      InetSocketAddress source, InetSocketAddress target, Duration maxDuration, long paceNanos) {
    this.paceNanos = paceNanos;
    this.name = Objects.requireNonNull(name, "name");
    this.senderNamespace = Objects.requireNonNull(senderNamespace, "senderNamespace");
    this.receiverNamespace = Objects.requireNonNull(receiverNamespace, "receiverNamespace");
    this.source = Objects.requireNonNull(source, "source");
    this.target = Objects.requireNonNull(target, "target");
    this.maxDuration = Objects.requireNonNull(maxDuration, "maxDuration");
  }

  /**
   * Starts a flow: the receiver first (bound to {@code target} inside {@code receiverNamespace}), then
   * the sender (bound to {@code source} inside {@code senderNamespace}).
   *
   * @throws IllegalStateException if the receiver cannot bind within 5 seconds
   * @throws io.netfloor.InvalidValueException if a namespace name is not one {@code ip netns}
   *     takes
   */
  public static UdpFlow start(String name, String senderNamespace, String receiverNamespace,
      InetSocketAddress source, InetSocketAddress target, Duration maxDuration) {
    return start(name, senderNamespace, receiverNamespace, source, target, maxDuration, 0);
  }

  /**
   * {@link #start(String, String, String, InetSocketAddress, InetSocketAddress, Duration)} with a
   * sender paced to at most {@code layer2BitsPerSecond} (frames as HTB counts them). For a sender
   * whose socket is not held back by the shaping queue — a guest's upload, which leaves its
   * namespace through a veth at once — an unpaced sender would spin at full speed and drop almost
   * everything it sends; a pace above the link's rate keeps its class backlogged at a fraction of
   * the CPU.
   *
   * @throws IllegalStateException if the receiver cannot bind within 5 seconds
   */
  public static UdpFlow startPaced(String name, String senderNamespace, String receiverNamespace,
      InetSocketAddress source, InetSocketAddress target, Duration maxDuration,
      long layer2BitsPerSecond) {
    if (layer2BitsPerSecond <= 0) {
      throw new IllegalArgumentException("pace must be positive, got " + layer2BitsPerSecond);
    }
    long nanos = Math.max(1, (PAYLOAD_BYTES + L2_OVERHEAD_BYTES) * 8L * 1_000_000_000L
        / layer2BitsPerSecond);
    return start(name, senderNamespace, receiverNamespace, source, target, maxDuration, nanos);
  }

  private static UdpFlow start(String name, String senderNamespace, String receiverNamespace,
      InetSocketAddress source, InetSocketAddress target, Duration maxDuration, long paceNanos) {
    UdpFlow flow = new UdpFlow(name, senderNamespace, receiverNamespace, source, target,
        maxDuration, paceNanos);
    flow.receiver = NamespaceThread.startIn(NamespaceThread.pathOf(flow.receiverNamespace),
        "udp-rx-" + name, () -> {
          flow.receive();
          return null;
        });
    try {
      if (!flow.receiverReady.await(5, TimeUnit.SECONDS) || failure(flow.receiver) != null) {
        flow.close();
        Throwable why = failure(flow.receiver);
        throw new IllegalStateException("receiver of flow " + name + " did not start"
            + (why == null ? "" : ": " + why.getMessage()), why);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      flow.close();
      throw new IllegalStateException("interrupted while starting flow " + name, e);
    }
    flow.sender = NamespaceThread.startIn(NamespaceThread.pathOf(flow.senderNamespace),
        "udp-tx-" + name, () -> {
          flow.send(flow.source);
          return null;
        });
    return flow;
  }

  public String name() {
    return name;
  }

  /** The counters now. */
  public Counters counters() {
    return new Counters(rxBytes.get(), rxPackets.get(), txPackets.get(), txErrors.get());
  }

  /** Whether the sender is still sending. */
  public boolean isSending() {
    return sender != null && !sender.isDone();
  }

  /** Stops the sender and waits (at most 5 s) for its thread to end; the receiver keeps counting. */
  public void stopSending() {
    sending = false;
    closeQuietly(txChannel);
    join(sender);
  }

  /** Stops both threads and closes their sockets. */
  @Override
  public void close() {
    stopSending();
    closeQuietly(rxChannel);
    receiverReady.countDown();
    join(receiver);
  }

  /** The sender's or receiver's failure, if one of them died of an unexpected error. */
  public Throwable failure() {
    Throwable sent = failure(sender);
    return sent != null ? sent : failure(receiver);
  }

  private void receive() throws IOException {
    try (DatagramChannel ch = DatagramChannel.open(StandardProtocolFamily.INET)) {
      rxChannel = ch;
      ch.setOption(StandardSocketOptions.SO_RCVBUF, 4 << 20);
      ch.bind(target);
      receiverReady.countDown();
      ByteBuffer buf = ByteBuffer.allocateDirect(65536);
      while (true) {
        buf.clear();
        try {
          ch.receive(buf);
        } catch (ClosedChannelException closed) {
          return; // close() ends the receiver
        }
        rxBytes.addAndGet(buf.position());
        rxPackets.incrementAndGet();
      }
    }
  }

  private void send(InetSocketAddress source) throws IOException {
    long deadline = System.nanoTime() + maxDuration.toNanos();
    try (DatagramChannel ch = DatagramChannel.open(StandardProtocolFamily.INET)) {
      txChannel = ch;
      if (!sending) {
        return;
      }
      ch.bind(source);
      ch.connect(target);
      ByteBuffer payload = ByteBuffer.allocateDirect(PAYLOAD_BYTES);
      long started = System.nanoTime();
      long sent = 0;
      while (sending && System.nanoTime() < deadline) {
        if (paceNanos > 0) {
          // sleep while more than a millisecond ahead of the pace: bursts of about 1 ms
          long ahead = started + sent * paceNanos - System.nanoTime();
          if (ahead > 1_000_000) {
            sleepQuietly();
            continue;
          }
          sent++;
        }
        payload.clear();
        try {
          ch.write(payload);
          txPackets.incrementAndGet();
        } catch (ClosedChannelException closed) {
          return; // stopSending() closed the socket
        } catch (IOException refused) {
          // ENOBUFS (a full queue) or ECONNREFUSED (an ICMP error from a receiver not yet up):
          // transient; count it and keep the stream going
          txErrors.incrementAndGet();
          sleepQuietly();
        }
      }
    }
  }

  private static void sleepQuietly() {
    try {
      Thread.sleep(1);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static void closeQuietly(DatagramChannel ch) {
    if (ch != null) {
      try {
        ch.close();
      } catch (IOException ignored) {
        // closing a datagram socket does not fail in a way worth reporting
      }
    }
  }

  /** Waits at most 5 s for a thread's end; what it threw is read by {@link #failure()}. */
  private static void join(Future<Void> thread) {
    if (thread == null) {
      return;
    }
    try {
      thread.get(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (ExecutionException | TimeoutException | CancellationException e) {
      // a failure is reported by failure(); a thread still running after 5 s is a daemon
    }
  }

  /** What a finished thread threw (or entering its namespace did), else null. */
  private static Throwable failure(Future<Void> thread) {
    if (thread == null || !thread.isDone()) {
      return null;
    }
    try {
      thread.get();
      return null;
    } catch (ExecutionException e) {
      return e.getCause();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return null;
    } catch (CancellationException e) {
      return e;
    }
  }
}
