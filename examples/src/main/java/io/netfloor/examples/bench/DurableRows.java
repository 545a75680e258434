// SPDX-License-Identifier: Apache-2.0
package io.netfloor.examples.bench;

import io.netfloor.shaping.PoolStats;
import java.io.IOException;
import java.lang.management.CompilationMXBean;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.function.Consumer;

/**
 * Rows 8 to 11: the default configuration (parked pool on) with the durable file store, as an
 * embedder gets it without tuning: plug latency at scale, a boot storm, throughput from several
 * threads, and the single durable plug against its physical floor.
 */
final class DurableRows {
  private final Benchmarks.Options o;
  private final DurableBench bench;
  private final TcBaseline tc;
  private final Consumer<String> progress;

  DurableRows(Benchmarks.Options o, DurableBench bench, TcBaseline tc, Consumer<String> progress) {
    this.o = o;
    this.bench = bench;
    this.tc = tc;
    this.progress = progress;
  }

  /** Row 8: p50/p99 of the last 10 % of N plugs over the first 10 %. */
  List<Benchmarks.Row> row8(StringBuilder details) throws IOException {
    List<Benchmarks.Row> rows = new ArrayList<>();
    details.append("### 8. Default configuration, durable store: plug latency, last 10 % vs first"
        + " 10 %\n\n`NetworkShaper.create(config, tc, fileStore)` with nothing tuned (HASHED"
        + " filters, the parked pool on by default), a `FileStatusStore` on the lab's directory;"
        + " N plugs one after another from one thread, each timed (kernel, record, fdatasync); p50"
        + " and p99 of the first and the last N/10; median over the runs. Pool: plugs that found a"
        + " parked class / plugs that added one, in the last run.\n\n"
        + "| N | runs | p50 first µs | p50 last µs | p50 last÷first | p99 first µs | p99 last µs |"
        + " p99 last÷first | from pool / with add |\n"
        + "|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
    for (int n : o.scaleSizes()) {
      int reps = n > 4000 ? o.scaleReps() : o.reps();
      List<Double> f50 = new ArrayList<>();
      List<Double> l50 = new ArrayList<>();
      List<Double> f99 = new ArrayList<>();
      List<Double> l99 = new ArrayList<>();
      PoolStats pool = null;
      for (int r = 0; r < reps; r++) {
        progress.accept("row 8: default configuration, durable store, N = " + n + " (run " + (r + 1)
            + "/" + reps + ")");
        DurableBench.Run run = bench.plugs(n, 1);
        int d = Math.max(1, n / 10);
        f50.add(Stats.percentile(run.plugNs(), 0, d, 50) / 1e3);
        l50.add(Stats.percentile(run.plugNs(), n - d, n, 50) / 1e3);
        f99.add(Stats.percentile(run.plugNs(), 0, d, 99) / 1e3);
        l99.add(Stats.percentile(run.plugNs(), n - d, n, 99) / 1e3);
        pool = run.pool();
      }
      double m50 = med(l50) / med(f50);
      double m99 = med(l99) / med(f99);
      double worst = Math.max(m50, m99);
      details.append(String.format(Locale.ROOT, "| %d | %d | %.1f | %.1f | %.2f× | %.1f | %.1f |"
              + " %.2f× | %d / %d |%n", n, reps, med(f50), med(l50), m50, med(f99), med(l99), m99,
          pool.plugsFromPool(), pool.plugsWithAdd()));
      rows.add(new Benchmarks.Row("8", "default config + durable store: plug p50/p99 last 10% ÷"
          + " first 10%, N=" + n, String.format(Locale.ROOT, "p50 %.2f×, p99 %.2f×", m50, m99),
          String.format(Locale.ROOT, "p50 first %.0f µs", med(f50)), worst, "≤ 1.3×",
          worst <= 1.3));
    }
    details.append('\n');
    return rows;
  }

  /**
   * Runs the three ways of plugging N untimed until the JIT compiler is done with their code: until a
   * round spends less than 10 % of its wall time compiling (at most {@link #MAX_WARM_UPS} rounds).
   * On two cores, a compiler thread still at work takes CPU from the plugging threads, and more
   * from 8 threads than from one. Returns the rounds run.
   */
  private int warmUntilCompiled(int n, int threads) throws IOException {
    CompilationMXBean jit = ManagementFactory.getCompilationMXBean();
    int rounds = 0;
    while (rounds < MAX_WARM_UPS) {
      rounds++;
      progress.accept("rows 9-11: warm-up round " + rounds + " (plugAll, " + threads
          + " threads, 1 thread; untimed)");
      long compiling = jit.getTotalCompilationTime();
      long t0 = System.nanoTime();
      bench.plugAll(n);
      bench.plugs(n, threads);
      bench.plugs(n, 1);
      double wallMs = (System.nanoTime() - t0) / 1e6;
      if (jit.getTotalCompilationTime() - compiling < 0.1 * wallMs) {
        break;
      }
    }
    return rounds;
  }

  /** Most untimed rounds before rows 9-11 (about a second each). */
  private static final int MAX_WARM_UPS = 12;

  /**
   * Rows 9 (boot storm), 10 (8 threads vs 1) and 11 (one durable plug vs fdatasync + kernel), all
   * from the same runs of N plugs with the durable store.
   */
  List<Benchmarks.Row> rows9to11(StringBuilder d9, StringBuilder d10, StringBuilder d11)
      throws IOException {
    int n = o.stormN();
    int threads = o.stormThreads();
    int reps = o.reps();
    List<Double> storm = new ArrayList<>();
    List<Double> stormInMemory = new ArrayList<>();
    List<Double> single = new ArrayList<>();
    List<Double> batchAll = new ArrayList<>();
    List<Double> plugMedianUs = new ArrayList<>();
    List<Double> plugMeanUs = new ArrayList<>();
    List<Double> syncMeanUs = new ArrayList<>();
    List<Double> kernelPerPlugUs = new ArrayList<>();
    List<Double> syncUs = new ArrayList<>();
    List<Double> forkTotal = new ArrayList<>();
    List<Double> tcBatchTotal = new ArrayList<>();
    PoolStats stormPool = null;
    int forkSampled = 0;
    int warmUps = warmUntilCompiled(n, threads);
    for (int r = 0; r < reps; r++) {
      progress.accept("rows 9-11: " + n + " plugs, " + threads + " threads (run " + (r + 1) + "/"
          + reps + ")");
      DurableBench.Run many = bench.plugs(n, threads);
      storm.add(many.wallNs() / 1e6);
      stormPool = many.pool();
      stormInMemory.add(bench.plugs(n, threads, false).wallNs() / 1e6);
      progress.accept("rows 9-11: " + n + " plugs, 1 thread");
      DurableBench.Run one = bench.plugs(n, 1);
      single.add(one.wallNs() / 1e6);
      double[] sorted = Arrays.stream(one.plugNs()).asDoubleStream().sorted().toArray();
      plugMedianUs.add(Stats.percentile(sorted, 50) / 1e3);
      plugMeanUs.add(Arrays.stream(sorted).average().orElseThrow() / 1e3);
      kernelPerPlugUs.add(one.kernelNs() / 1e3 / n);
      progress.accept("rows 9-11: plugAll of " + n);
      batchAll.add(bench.plugAll(n) / 1e6);
      double[] syncs = Arrays.stream(bench.bareFdatasyncs(500)).asDoubleStream().sorted().toArray();
      syncUs.add(Stats.percentile(syncs, 50) / 1e3);
      syncMeanUs.add(Arrays.stream(syncs).average().orElseThrow() / 1e3);
      progress.accept("rows 9-11: tc baselines, N = " + n);
      TcBaseline.Cost fork = tc.forkPerCommand(n, o.forkSamples() == 0 ? n : o.forkSamples());
      forkSampled = fork.sampled();
      forkTotal.add(fork.plugNanosPerIface() * n / 1e6);
      tcBatchTotal.add(tc.batch(n).plugNanosPerIface() * n / 1e6);
    }
    Stats.Summary st = Stats.Summary.of(storm);
    Stats.Summary sm = Stats.Summary.of(stormInMemory);
    Stats.Summary si = Stats.Summary.of(single);
    Stats.Summary ba = Stats.Summary.of(batchAll);
    Stats.Summary fk = Stats.Summary.of(forkTotal);
    Stats.Summary tb = Stats.Summary.of(tcBatchTotal);
    List<Benchmarks.Row> rows = new ArrayList<>();
    d9.append(String.format(Locale.ROOT, "### 9. Boot storm: %d VMs plugged at once, durable"
            + " store%n%nDefault configuration and a `FileStatusStore` (as row 8); %d threads each"
            + " plugging every %d-th interface with `plug`, or one `plugAll` of all %d; wall time"
            + " from the start signal to the last return, ms. Baselines on the same bridge:"
            + " libvirt's three `tc` commands per VM, one forked process each (%s), and all %d VMs'"
            + " commands in one `tc -batch`. Median of %d runs (min–max), after %d untimed rounds"
            + " of all three (until the JIT compiler's time in a round was under 10 %% of the"
            + " round's). Pool in the last %d-thread run: %d plugs from parked classes, %d with a"
            + " class add. For comparison, not durable: the same %d threads with the status in"
            + " memory (no fdatasync), which shows what combining the calls costs without the disk."
            + "%n%n| how | total ms | forked tc ÷ this | tc -batch ÷ this |%n|---|---:|---:|---:|%n"
            + "| NetFloor, %d threads × `plug` | %s | %.0f× | %.2f× |%n"
            + "| NetFloor, one `plugAll` | %s | %.0f× | %.2f× |%n"
            + "| NetFloor, 1 thread × `plug` | %s | %.0f× | %.2f× |%n"
            + "| forked `tc` per command | %s | 1× | |%n| `tc -batch` | %s | | 1× |%n"
            + "| *not durable:* NetFloor, %d threads × `plug`, status in memory | %s | %.0f× |"
            + " %.2f× |%n%n",
        n, threads, threads, n, forkSampled < n ? forkSampled + " VMs timed, spread over the N,"
            + " the rest applied untimed with tc -batch, total = mean × N" : "all timed", n, reps,
        warmUps, threads, stormPool.plugsFromPool(), stormPool.plugsWithAdd(), threads, threads,
        st.format("%.1f"), fk.median() / st.median(), tb.median() / st.median(),
        ba.format("%.1f"), fk.median() / ba.median(), tb.median() / ba.median(),
        si.format("%.1f"), fk.median() / si.median(), tb.median() / si.median(),
        fk.format("%.0f"), tb.format("%.1f"), threads, sm.format("%.1f"),
        fk.median() / sm.median(), tb.median() / sm.median()));
    double vsFork = fk.median() / st.median();
    rows.add(new Benchmarks.Row("9", "boot storm, " + n + " VMs, " + threads + " threads, durable,"
        + " vs forked tc", String.format(Locale.ROOT, "%.0f ms", st.median()),
        String.format(Locale.ROOT, "%.0f ms", fk.median()), vsFork, "≥ 100×", vsFork >= 100));
    double vsBatch = tb.median() / st.median();
    rows.add(new Benchmarks.Row("9", "boot storm, " + n + " VMs, " + threads + " threads, durable,"
        + " vs tc -batch", String.format(Locale.ROOT, "%.0f ms", st.median()),
        String.format(Locale.ROOT, "%.0f ms", tb.median()), vsBatch, "> 1×", vsBatch > 1));
    double allVsBatch = tb.median() / ba.median();
    rows.add(new Benchmarks.Row("9", "boot storm, " + n + " VMs as one plugAll, durable, vs tc"
        + " -batch", String.format(Locale.ROOT, "%.0f ms", ba.median()),
        String.format(Locale.ROOT, "%.0f ms", tb.median()), allVsBatch, "> 1×", allVsBatch > 1));

    double speedup = si.median() / st.median();
    d10.append(String.format(Locale.ROOT, "### 10. Durable plug throughput, %d threads vs 1%n%n"
            + "The runs of row 9: %d plugs with the durable store from %d threads, and from one"
            + " thread. Concurrent plugs are combined (the caller that gets the network's lock"
            + " applies every plug waiting by then as one kernel exchange and one record) and"
            + " share the store's fdatasync (group commit: each caller waits for a sync covering"
            + " its record outside the lock). Median of %d runs. The most any combining of the"
            + " calls can reach is one `plugAll` of the same N (row 9): the kernel's work is"
            + " serial.%n%n| threads | plugs/s |%n|---:|---:|%n| 1 | %.0f |%n"
            + "| %d | %.0f |%n| (bound: one `plugAll`) | %.0f |%n%nRatio: %.2f× (bound: %.2f×).%n%n",
        threads, n, threads, reps, n / (si.median() / 1e3), threads, n / (st.median() / 1e3),
        n / (ba.median() / 1e3), speedup, si.median() / ba.median()));
    rows.add(new Benchmarks.Row("10", "durable plug throughput, " + threads + " threads ÷ 1 thread,"
        + " N=" + n, String.format(Locale.ROOT, "%.0f plugs/s", n / (st.median() / 1e3)),
        String.format(Locale.ROOT, "%.0f plugs/s", n / (si.median() / 1e3)), speedup, "≥ 4×",
        speedup >= 4));

    // means throughout: the kernel time is only known as a sum over the plugs
    double plug = med(plugMeanUs);
    double sync = med(syncMeanUs);
    double kernel = med(kernelPerPlugUs);
    double floorRatio = plug / (sync + kernel);
    d11.append(String.format(Locale.ROOT, "### 11. One durable plug vs its physical floor%n%n"
            + "Mean plug of the 1-thread runs of row 9 (default configuration, durable store)"
            + " against one bare fdatasync (a 160-byte write into a preallocated file in the same"
            + " directory + `FileChannel.force(false)`, mean of 500) plus the time the same plugs"
            + " spent inside the netlink syscalls (mean per plug). Medians over %d runs; medians of"
            + " the single values for comparison: plug %.1f µs, fdatasync %.1f µs.%n%n"
            + "| durable plug µs | bare fdatasync µs | kernel µs per plug | ratio |%n"
            + "|---:|---:|---:|---:|%n| %.1f | %.1f | %.1f | %.2f× |%n%n", reps, med(plugMedianUs),
        med(syncUs), plug, sync, kernel, floorRatio));
    rows.add(new Benchmarks.Row("11", "durable single plug ÷ (bare fdatasync + kernel time), N=" + n,
        String.format(Locale.ROOT, "%.1f µs", plug),
        String.format(Locale.ROOT, "%.1f + %.1f µs", sync, kernel), floorRatio, "≤ 1.3×",
        floorRatio <= 1.3));
    return rows;
  }

  private static double med(List<Double> v) {
    return Stats.Summary.of(v).median();
  }
}
