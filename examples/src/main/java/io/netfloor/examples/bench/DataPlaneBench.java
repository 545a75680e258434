// SPDX-License-Identifier: Apache-2.0
package io.netfloor.examples.bench;

import io.netfloor.model.ClassStrategy;
import io.netfloor.model.FilterLayout;
import io.netfloor.model.PluggedInterface;
import io.netfloor.netlink.netns.NamespaceThread;
import io.netfloor.persistence.InMemoryStatusStore;
import io.netfloor.shaping.NetworkShaper;
import io.netfloor.spi.ClassStats;
import io.netfloor.units.ClassHandle;
import io.netfloor.units.InterfaceName;
import io.netfloor.units.MacAddress;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.util.Comparator;

/**
 * Row 4: per-packet classification cost on the bridge's egress. Topology, as in the baseline script:
 * sender namespace {@code -tx} (10.250.1.2) → routed by the lab namespace (which owns br0 with the
 * HTB tree, 10.250.2.1) → br0's root qdisc → bridge port veth → receiver namespace {@code -rx}
 * (10.250.2.2), whose MAC is set to the plugged interface whose u32 filter is the <em>last</em> one
 * the kernel walks (last node of the linear list; last node of its bucket when hashed). Frames
 * bridged port to port never pass br0's root qdisc, hence the routing.
 *
 * <p>The sender is a Java platform thread that entered the {@code -tx} namespace ({@code setns}), then
 * writes 1000-byte UDP datagrams as fast as it can for a fixed time; the figure is the packets the
 * target class passed on (its HTB counter) per second of sending. The whole path (forward, classify,
 * HTB, bridge, veth) runs on the sender's CPU, so classification cost shows up as a lower rate.
 */
final class DataPlaneBench {
  private static final String HOST_IP = "10.250.1.1";
  private static final String TX_IP = "10.250.1.2";
  private static final String BR_IP = "10.250.2.1";
  static final String RX_IP = "10.250.2.2";
  private static final int PAYLOAD_BYTES = 1000;
  private static final long MAX_DATAGRAMS = 2_000_000;

  private final Lab lab;
  private final String tx;
  private final String rx;
  private static final int PORT = 9999;
  private DatagramChannel sink;

  DataPlaneBench(Lab lab) {
    this.lab = lab;
    this.tx = lab.ns + "-tx";
    this.rx = lab.ns + "-rx";
  }

  /** Builds the three-namespace topology around a fresh br0. */
  void setUp() throws IOException {
    lab.freshBridge();
    lab.addNamespace(tx);
    lab.addNamespace(rx);
    String h = lab.ns;
    Lab.run("ip", "-n", h, "link", "add", "vtx", "type", "veth", "peer", "name", "eth0", "netns", tx);
    Lab.run("ip", "-n", h, "addr", "add", HOST_IP + "/24", "dev", "vtx");
    Lab.run("ip", "-n", h, "link", "set", "vtx", "up");
    Lab.run("ip", "-n", tx, "addr", "add", TX_IP + "/24", "dev", "eth0");
    Lab.run("ip", "-n", tx, "link", "set", "eth0", "up");
    Lab.run("ip", "-n", tx, "route", "add", "default", "via", HOST_IP);
    Lab.run("ip", "-n", h, "link", "add", "vport", "type", "veth", "peer", "name", "eth0", "netns",
        rx);
    Lab.run("ip", "-n", h, "link", "set", "vport", "master", Lab.BRIDGE, "up");
    Lab.run("ip", "-n", rx, "addr", "add", RX_IP + "/24", "dev", "eth0");
    Lab.run("ip", "-n", rx, "link", "set", "eth0", "up");
    Lab.run("ip", "-n", h, "addr", "add", BR_IP + "/24", "dev", Lab.BRIDGE);
    Lab.run("ip", "netns", "exec", h, "sysctl", "-qw", "net.ipv4.ip_forward=1");
    // a bound socket that never reads: the receiver drops silently (full buffer) instead of
    // answering ICMP port unreachable, which would make the sender's writes fail now and then
    sink = NamespaceThread.callIn(NamespaceThread.pathOf(rx), () -> {
      DatagramChannel ch = DatagramChannel.open();
      ch.bind(new InetSocketAddress(RX_IP, PORT));
      return ch;
    });
  }

  /** Closes the receiver's socket (the namespaces go with the lab). */
  void tearDown() {
    if (sink != null) {
      try {
        sink.close();
      } catch (IOException e) {
        // closing a datagram socket does not fail in practice; the namespace goes anyway
      }
      sink = null;
    }
  }

  /** Gives the receiver {@code mac}, and tells the router (lab namespace) so (no ARP). */
  private void receiverMac(MacAddress mac) throws IOException {
    Lab.run("ip", "-n", rx, "link", "set", "eth0", "address", mac.toString());
    Lab.run("ip", "-n", lab.ns, "neigh", "replace", RX_IP, "lladdr", mac.toString(), "dev",
        Lab.BRIDGE, "nud", "permanent");
  }

  /** One measurement: packets per second through the target class, and a check that it matched. */
  record Sample(double classPps, double sentPps, long classPackets, long sent) {}

  /**
   * A network of {@code n} floored interfaces in {@code layout}; traffic to the one whose filter is
   * last; {@code reps} timed runs of {@code seconds} each.
   */
  Sample[] measure(FilterLayout layout, int n, int reps, double seconds) throws IOException {
    NetworkShaper shaper = NetworkShaper.create(EngineBench.config(layout, ClassStrategy.ADD_ON_PLUG),
        lab.tc(), new InMemoryStatusStore(), EngineBench.WITHOUT_POOL);
    shaper.start();
    try {
      for (int i = 1; i <= n; i++) {
        shaper.plug(EngineBench.alias(i), EngineBench.mac(i), EngineBench.FLOOR);
      }
      PluggedInterface target = shaper.tree().interfaces().values().stream()
          .max(Comparator.comparingInt(p -> p.filterHandle().orElseThrow().node()))
          .orElseThrow();
      receiverMac(target.mac());
      ClassHandle cls = target.effectiveClass();
      send(0.05); // warm-up: neighbour, bridge learning, JIT of the send loop
      Sample[] out = new Sample[reps];
      for (int r = 0; r < reps; r++) {
        long before = packets(cls);
        long t0 = System.nanoTime();
        long sent = send(seconds);
        double secs = (System.nanoTime() - t0) / 1e9;
        sleep(50); // let the queue drain before reading the counter
        long passed = packets(cls) - before;
        out[r] = new Sample(passed / secs, sent / secs, passed, sent);
      }
      return out;
    } finally {
      shaper.stop();
    }
  }

  private long packets(ClassHandle cls) {
    return lab.tc().classStats(InterfaceName.of(Lab.BRIDGE)).getOrDefault(cls, ClassStats.ZERO)
        .packets();
  }

  /** Sends from the sender namespace for {@code seconds}; returns the datagrams written. */
  private long send(double seconds) {
    return NamespaceThread.callIn(NamespaceThread.pathOf(tx), () -> {
      try (DatagramChannel ch = DatagramChannel.open()) {
        ch.connect(new InetSocketAddress(RX_IP, PORT));
        ByteBuffer buf = ByteBuffer.allocateDirect(PAYLOAD_BYTES);
        long deadline = System.nanoTime() + (long) (seconds * 1e9);
        long sent = 0;
        while (sent < MAX_DATAGRAMS) {
          if ((sent & 63) == 0 && System.nanoTime() >= deadline) {
            break;
          }
          buf.clear();
          try {
            ch.write(buf);
            sent++;
          } catch (IOException e) {
            // ENOBUFS / ECONNREFUSED from an ICMP reply: not sent, go on
          }
        }
        return sent;
      }
    });
  }

  private static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
