// SPDX-License-Identifier: Apache-2.0
package io.netfloor.examples.bench;

import io.netfloor.model.ClassStrategy;
import io.netfloor.model.FilterLayout;
import io.netfloor.netlink.NetlinkTrafficControl;
import io.netfloor.persistence.FileStatusStore;
import io.netfloor.persistence.InMemoryStatusStore;
import io.netfloor.shaping.NetworkShaper;
import io.netfloor.shaping.PlugRequest;
import io.netfloor.shaping.PoolStats;
import io.netfloor.spi.StatusStore;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BrokenBarrierException;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * NetFloor as an embedder gets it without tuning: {@link NetworkShaper#create} with its default
 * options (the parked-class pool on) and a durable {@link FileStatusStore}, on the lab's bridge.
 */
final class DurableBench {
  private final Lab lab;
  private int dirs;

  DurableBench(Lab lab) {
    this.lab = lab;
  }

  /** A run's figures, in nanoseconds. */
  record Run(long[] plugNs, long wallNs, long kernelNs, PoolStats pool) {}

  private Path freshDir() throws IOException {
    Path d = lab.workDir().resolve("durable-" + (dirs++));
    Files.createDirectories(d);
    return d.resolve("store");
  }

  /** Plugs 1..n from {@code threads} threads (interface i by thread i mod threads), each timed. */
  Run plugs(int n, int threads) throws IOException {
    return plugs(n, threads, true);
  }

  /**
   * As {@link #plugs(int, int)}; with {@code durable} false, the status is kept in memory (no
   * fdatasync), which shows what combining costs without the disk.
   */
  Run plugs(int n, int threads, boolean durable) throws IOException {
    lab.freshBridge();
    NetlinkTrafficControl tc = lab.tc();
    try (FileStatusStore files = durable ? FileStatusStore.open(freshDir()) : null) {
      StatusStore store = durable ? files : new InMemoryStatusStore();
      NetworkShaper shaper = NetworkShaper.create(
          EngineBench.config(FilterLayout.HASHED, ClassStrategy.ADD_ON_PLUG), tc, store);
      try {
        shaper.start();
        long[] plugNs = new long[n];
        long k0 = tc.netlinkSyscallNanos();
        long w0;
        if (threads == 1) {
          w0 = System.nanoTime();
          for (int i = 1; i <= n; i++) {
            long t0 = System.nanoTime();
            shaper.plug(EngineBench.alias(i), EngineBench.mac(i), EngineBench.FLOOR);
            plugNs[i - 1] = System.nanoTime() - t0;
          }
        } else {
          CyclicBarrier go = new CyclicBarrier(threads + 1);
          ExecutorService pool = Executors.newFixedThreadPool(threads);
          List<Future<?>> done = new ArrayList<>();
          for (int t = 0; t < threads; t++) {
            int first = t + 1;
            done.add(pool.submit(() -> {
              go.await();
              for (int i = first; i <= n; i += threads) {
                long t0 = System.nanoTime();
                shaper.plug(EngineBench.alias(i), EngineBench.mac(i), EngineBench.FLOOR);
                plugNs[i - 1] = System.nanoTime() - t0;
              }
              return null;
            }));
          }
          try {
            go.await();
            w0 = System.nanoTime();
            for (Future<?> f : done) {
              f.get(10, TimeUnit.MINUTES);
            }
          } catch (InterruptedException | ExecutionException | BrokenBarrierException
              | TimeoutException e) {
            throw new IOException("plugging from " + threads + " threads failed: " + e, e);
          } finally {
            pool.shutdownNow();
          }
        }
        long wall = System.nanoTime() - w0;
        long kernel = tc.netlinkSyscallNanos() - k0;
        return new Run(plugNs, wall, kernel, shaper.poolStats());
      } finally {
        shaper.close();
      }
    }
  }

  /** The n plugs as one {@link NetworkShaper#plugAll} call; returns its wall time. */
  long plugAll(int n) throws IOException {
    lab.freshBridge();
    NetlinkTrafficControl tc = lab.tc();
    try (FileStatusStore store = FileStatusStore.open(freshDir())) {
      NetworkShaper shaper = NetworkShaper.create(
          EngineBench.config(FilterLayout.HASHED, ClassStrategy.ADD_ON_PLUG), tc, store);
      try {
        shaper.start();
        List<PlugRequest> batch = new ArrayList<>(n);
        for (int i = 1; i <= n; i++) {
          batch.add(new PlugRequest(EngineBench.alias(i), EngineBench.mac(i), EngineBench.FLOOR));
        }
        long t0 = System.nanoTime();
        shaper.plugAll(batch);
        return System.nanoTime() - t0;
      } finally {
        shaper.close();
      }
    }
  }

  /**
   * One bare fdatasync of a record-sized write into a preallocated file in the same directory as
   * the stores, {@code count} times; nanoseconds each.
   */
  long[] bareFdatasyncs(int count) throws IOException {
    Path file = freshDir().resolveSibling("bare.dat");
    byte[] record = new byte[160];
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE,
        StandardOpenOption.WRITE)) {
      ch.write(ByteBuffer.wrap(new byte[(count + 1) * record.length]), 0);
      ch.force(true);
      long[] out = new long[count];
      for (int k = 0; k < count; k++) {
        record[0] = (byte) k;
        long t0 = System.nanoTime();
        ch.write(ByteBuffer.wrap(record), (long) k * record.length);
        ch.force(false);
        out[k] = System.nanoTime() - t0;
      }
      return out;
    }
  }
}
