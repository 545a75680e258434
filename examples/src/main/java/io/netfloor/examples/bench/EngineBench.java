// SPDX-License-Identifier: Apache-2.0
package io.netfloor.examples.bench;

import io.netfloor.model.Bandwidth;
import io.netfloor.model.ClassStrategy;
import io.netfloor.model.FilterLayout;
import io.netfloor.model.Limits;
import io.netfloor.model.NetworkConfig;
import io.netfloor.netlink.NetlinkTrafficControl;
import io.netfloor.shaping.NetworkShaper;
import io.netfloor.shaping.ParkedPoolPolicy;
import io.netfloor.shaping.ShaperOptions;
import io.netfloor.spi.StatusStore;
import io.netfloor.units.MacAddress;
import io.netfloor.units.Rate;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.lang.ref.Reference;
import java.util.List;

/**
 * NetFloor's side: a {@link NetworkShaper} on the lab's bridge with the real rtnetlink backend,
 * plugging N interfaces one call at a time (each call: model decision, kernel plan, store record,
 * publish), timing every call.
 */
final class EngineBench {
  static final Bandwidth FLOOR = Bandwidth.floor(Rate.parse("500kbit"));
  /** Rows 1-7 measure the class strategies as configured, without the default pool's top-ups. */
  static final ShaperOptions WITHOUT_POOL =
      ShaperOptions.builder().parkedPool(ParkedPoolPolicy.OFF).build();

  private final Lab lab;

  EngineBench(Lab lab) {
    this.lab = lab;
  }

  static NetworkConfig config(FilterLayout layout, ClassStrategy strategy) {
    return NetworkConfig.builder("bench", Lab.BRIDGE)
        .inbound(Limits.averageOnly(Rate.parse("10gbit")))
        .filterLayout(layout)
        .classStrategy(strategy)
        .build();
  }

  /** Interface i's MAC: 52:54:00:HH:MM:LL from i, so the last byte (the hash key) cycles. */
  static MacAddress mac(int i) {
    return MacAddress.of(new byte[] {0x52, 0x54, 0, (byte) (i >> 16), (byte) (i >> 8), (byte) i});
  }

  static String alias(int i) {
    return "vm" + i;
  }

  /**
   * One run's figures, all in nanoseconds. {@code plugKernelNs}: time inside netlink
   * {@code sendto}/{@code recvfrom} during the plugs. {@code heapBytesPerIface}: NaN unless asked.
   */
  record Run(long[] plugNs, long[] unplugNs, long parkNs, long plugWallNs, long plugKernelNs,
      long unplugWallNs, double heapBytesPerIface) {
    double plugUnplugNanosPerIface() {
      return (double) (plugWallNs + unplugWallNs) / plugNs.length;
    }

    /** Share of plug wall time spent outside the netlink syscalls. */
    double outsideKernelShare() {
      return (double) (plugWallNs - plugKernelNs) / plugWallNs;
    }
  }

  /**
   * On a fresh bridge: start, (PARKED_POOL: park N classes ahead, timed apart), plug 1..N timed, then
   * (when {@code unplug}) unplug them in the baseline's shuffled order, timed.
   *
   * @param measureHeap also measure retained heap per interface (heap after GC with N plugged minus
   *     with none, divided by N: the model, the store's in-memory state and everything they hold)
   */
  Run run(FilterLayout layout, ClassStrategy strategy, int n, boolean unplug, StatusStore store,
      boolean measureHeap) throws IOException {
    lab.freshBridge();
    NetlinkTrafficControl tc = lab.tc();
    NetworkShaper shaper = NetworkShaper.create(config(layout, strategy), tc, store, WITHOUT_POOL);
    shaper.start();
    MacAddress[] macs = new MacAddress[n + 1];
    String[] aliases = new String[n + 1];
    for (int i = 1; i <= n; i++) {
      macs[i] = mac(i);
      aliases[i] = alias(i);
    }
    long parkNs = 0;
    if (strategy == ClassStrategy.PARKED_POOL) {
      long t0 = System.nanoTime();
      shaper.park(n);
      parkNs = System.nanoTime() - t0;
    }
    double heapBefore = measureHeap ? usedHeapAfterGc() : 0;
    long[] plugNs = new long[n];
    long k0 = tc.netlinkSyscallNanos();
    long w0 = System.nanoTime();
    for (int i = 1; i <= n; i++) {
      long t0 = System.nanoTime();
      shaper.plug(aliases[i], macs[i], FLOOR);
      plugNs[i - 1] = System.nanoTime() - t0;
    }
    long plugWall = System.nanoTime() - w0;
    long plugKernel = tc.netlinkSyscallNanos() - k0;
    double heapPerIface = Double.NaN;
    if (measureHeap) {
      heapPerIface = (usedHeapAfterGc() - heapBefore) / n;
      Reference.reachabilityFence(shaper);
      Reference.reachabilityFence(store);
    }
    long[] unplugNs = new long[0];
    long unplugWall = 0;
    if (unplug) {
      List<Integer> order = TcBaseline.unplugOrder(n);
      unplugNs = new long[n];
      long u0 = System.nanoTime();
      for (int k = 0; k < n; k++) {
        long t0 = System.nanoTime();
        shaper.unplug(aliases[order.get(k)]);
        unplugNs[k] = System.nanoTime() - t0;
      }
      unplugWall = System.nanoTime() - u0;
    }
    return new Run(plugNs, unplugNs, parkNs, plugWall, plugKernel, unplugWall, heapPerIface);
  }

  /** Heap in use after several full collections (G1 collects fully on System.gc()). */
  static double usedHeapAfterGc() {
    MemoryMXBean mem = ManagementFactory.getMemoryMXBean();
    long last = Long.MAX_VALUE;
    for (int i = 0; i < 6; i++) {
      System.gc();
      try {
        Thread.sleep(20);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      }
      long used = mem.getHeapMemoryUsage().getUsed();
      if (i >= 2 && Math.abs(used - last) < 4096) {
        return used;
      }
      last = used;
    }
    return last;
  }
}
