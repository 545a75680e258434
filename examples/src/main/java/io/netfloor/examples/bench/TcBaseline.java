// SPDX-License-Identifier: Apache-2.0
package io.netfloor.examples.bench;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;

/**
 * The baseline: libvirt's plug and unplug done with the {@code tc} binary, exactly libvirt's
 * commands (3 per plug: class add, leaf qdisc add, linear u32 filter add; 3 per unplug in
 * reverse), either one forked {@code tc} per command (as libvirt's virCommandRun does, so a lower
 * bound for libvirt) or all of them in one {@code tc -batch} file.
 */
final class TcBaseline {
  /** u32 node ids are 12 bits: the baseline's {@code 800::<hex(i)>} handles stop at 4095. */
  static final int MAX_N = 4095;

  private final Lab lab;

  TcBaseline(Lab lab) {
    this.lab = lab;
  }

  /** Per-plug and per-unplug cost in nanoseconds. */
  record Cost(double plugNanosPerIface, double unplugNanosPerIface, int sampled) {
    double plugUnplugNanos() {
      return plugNanosPerIface + unplugNanosPerIface;
    }
  }

  static List<String> setup() {
    return List.of("qdisc add dev br0 root handle 1: htb default 2",
        "class add dev br0 parent 1: classid 1:1 htb rate 10gbit",
        "class add dev br0 parent 1:1 classid 1:2 htb rate 1mbit ceil 10gbit");
  }

  static List<String> plug(int i) {
    String x = Integer.toHexString(i + 2);
    String y = Integer.toHexString(i);
    String m32 = String.format("%08x", i);
    return List.of("class add dev br0 parent 1:1 classid 1:" + x + " htb rate 1mbit ceil 10gbit",
        "qdisc add dev br0 parent 1:" + x + " handle " + x + ": pfifo",
        "filter add dev br0 parent 1:0 protocol all prio 2 handle 800::" + y
            + " u32 match u16 0x5254 0xffff at -14 match u32 0x" + m32 + " 0xffffffff at -12 flowid 1:"
            + x);
  }

  static List<String> unplug(int i) {
    String x = Integer.toHexString(i + 2);
    String y = Integer.toHexString(i);
    return List.of("filter del dev br0 parent 1:0 protocol all prio 2 handle 800::" + y + " u32",
        "qdisc del dev br0 parent 1:" + x + " handle " + x + ":",
        "class del dev br0 classid 1:" + x);
  }

  /** The unplug order: a fixed shuffle of 1..n (the baseline's default). */
  static List<Integer> unplugOrder(int n) {
    List<Integer> order = new ArrayList<>();
    for (int i = 1; i <= n; i++) {
      order.add(i);
    }
    Collections.shuffle(order, new Random(42));
    return order;
  }

  private void freshTree() throws IOException {
    lab.freshBridge();
    lab.tcBatch(setup());
  }

  /** All N plugs in one {@code tc -batch}, then all N unplugs in another. */
  Cost batch(int n) throws IOException {
    check(n);
    freshTree();
    List<String> lines = new ArrayList<>();
    for (int i = 1; i <= n; i++) {
      lines.addAll(plug(i));
    }
    long plugNs = lab.tcBatch(lines);
    lines.clear();
    for (int i : unplugOrder(n)) {
      lines.addAll(unplug(i));
    }
    long unplugNs = lab.tcBatch(lines);
    return new Cost((double) plugNs / n, (double) unplugNs / n, n);
  }

  /**
   * The N plugs as 10 {@code tc -batch} files of N/10 plugs each, run one after another (the
   * baseline's scaling measurement); returns the wall time of each file in nanoseconds.
   */
  long[] batchDeciles(int n) throws IOException {
    check(n);
    freshTree();
    int d = Math.max(1, n / 10);
    long[] out = new long[10];
    for (int k = 0; k < 10; k++) {
      List<String> lines = new ArrayList<>();
      for (int i = k * d + 1; i <= Math.min(n, (k + 1) * d); i++) {
        lines.addAll(plug(i));
      }
      out[k] = lines.isEmpty() ? 0 : lab.tcBatch(lines);
    }
    return out;
  }

  /**
   * One forked {@code tc} per command. When {@code samples < n}, only {@code samples} plugs spread
   * evenly over 1..n (and the same number of unplugs spread over the unplug order) are forked and
   * timed; the plugs and unplugs between them are done untimed with {@code tc -batch}, so each timed
   * plug meets the tree size it would meet in a full run. The per-interface cost is then the mean of
   * the timed ones (a full fork run at N = 4,000 takes about a minute).
   */
  Cost forkPerCommand(int n, int samples) throws IOException {
    check(n);
    freshTree();
    int every = Math.max(1, n / Math.max(1, samples));
    long plugNs = 0;
    int plugTimed = 0;
    List<String> pending = new ArrayList<>();
    for (int i = 1; i <= n; i++) {
      if (i % every == 0) {
        if (!pending.isEmpty()) {
          lab.tcBatch(pending);
          pending.clear();
        }
        for (String cmd : plug(i)) {
          plugNs += lab.tcTimed(cmd.split(" "));
        }
        plugTimed++;
      } else {
        pending.addAll(plug(i));
      }
    }
    if (!pending.isEmpty()) {
      lab.tcBatch(pending);
      pending.clear();
    }
    long unplugNs = 0;
    int unplugTimed = 0;
    List<Integer> order = unplugOrder(n);
    for (int k = 0; k < n; k++) {
      int i = order.get(k);
      if ((k + 1) % every == 0) {
        if (!pending.isEmpty()) {
          lab.tcBatch(pending);
          pending.clear();
        }
        for (String cmd : unplug(i)) {
          unplugNs += lab.tcTimed(cmd.split(" "));
        }
        unplugTimed++;
      } else {
        pending.addAll(unplug(i));
      }
    }
    if (!pending.isEmpty()) {
      lab.tcBatch(pending);
    }
    return new Cost((double) plugNs / plugTimed, (double) unplugNs / unplugTimed, plugTimed);
  }

  /**
   * Wall time of the three dumps NetFloor's reconcile replaces: {@code tc -s -j class show},
   * {@code tc -j filter show}, {@code tc -s -j qdisc show}, each one process.
   */
  long threeDumps() throws IOException {
    return lab.tcTimed("-s", "-j", "class", "show", "dev", Lab.BRIDGE)
        + lab.tcTimed("-j", "filter", "show", "dev", Lab.BRIDGE)
        + lab.tcTimed("-s", "-j", "qdisc", "show", "dev", Lab.BRIDGE);
  }

  private static void check(int n) {
    if (n < 1 || n > MAX_N) {
      throw new IllegalArgumentException("the tc baseline needs 1 <= N <= " + MAX_N + ", got " + n);
    }
  }
}
