// SPDX-License-Identifier: Apache-2.0
package io.netfloor.tc;

import io.netfloor.InvalidValueException;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;

/**
 * tc's rate arithmetic ({@code tc/tc_core.c}, {@code tc/q_htb.c}): transmit times in scheduler
 * ticks, the default burst, rate tables and the 32/64-bit rate split. Every number the netlink
 * backend puts into an HTB class or a police action comes from here, so that a class NetFloor
 * creates holds exactly what {@code tc class add} would have sent.
 *
 * <p>Rates here are in <em>bytes</em> per second, as the kernel's {@code tc_ratespec} carries them
 * (convert with {@link io.netfloor.units.Rate#bytesPerSecond()}).
 *
 * <h2>Rounding</h2>
 *
 * iproute2 up to 6.14 truncates twice: {@code (u32)((u32)(1e6 * size / rate) * ticksPerUs)}, so a
 * 1606-byte burst at 50 Gbit/s becomes 0 ticks (captured: {@code buffer 0}). iproute2 6.15 (commit
 * d947f365) rounds the product up instead. {@link Rounding#TRUNCATE} reproduces the captures of tc
 * 6.1 byte for byte; {@link Rounding#ROUND_UP} is the fixed behaviour and never yields 0 ticks for a
 * non-empty burst.
 *
 * <p>Instances are immutable apart from an internal cache of rate tables, and safe to share between
 * threads.
 */
public final class TcTiming {
  /** tc's default MTU for HTB rate tables and default bursts. */
  public static final int DEFAULT_MTU_BYTES = 1600;
  /** Largest rate a 32-bit {@code tc_ratespec.rate} holds; above it the 64-bit attribute is used. */
  public static final long MAX_RATE32_BYTES_PER_SECOND = 0xFFFF_FFFFL;
  /** Entries of a rate table ({@code TCA_HTB_RTAB}, {@code TCA_POLICE_RATE}). */
  public static final int RATE_TABLE_ENTRIES = 256;

  /** How the transmit time of a size at a rate is rounded to ticks. */
  public enum Rounding {
    /** iproute2 ≤ 6.14: truncate the microseconds, then truncate the ticks. */
    TRUNCATE,
    /** iproute2 ≥ 6.15: exact microseconds times ticks per µs, rounded up. */
    ROUND_UP
  }

  private final PschedClock clock;
  private final Rounding rounding;
  /**
   * Rate tables already computed, by {@code rate32 << 5 | cellLog} (performance: every class add or
   * change carries two 256-entry tables, and recomputing them was a large share of a plug's time
   * outside the kernel; a network uses few distinct rates). Bounded: cleared when it grows past
   * {@value #MAX_CACHED_TABLES} entries. Tables are copied out, so callers may not corrupt it.
   */
  private final ConcurrentHashMap<Long, long[]> rateTables = new ConcurrentHashMap<>();
  private static final int MAX_CACHED_TABLES = 1024;

  private TcTiming(PschedClock clock, Rounding rounding) {
    this.clock = Objects.requireNonNull(clock, "clock");
    this.rounding = Objects.requireNonNull(rounding, "rounding");
  }

  /**
   * The arithmetic for {@code clock}, rounding as {@code rounding}.
   *
   * @param clock the scheduler clock of the host whose kernel gets the numbers
   * @param rounding how transmit times are rounded (the tc version to match)
   * @return the arithmetic, safe to share between threads
   */
  public static TcTiming of(PschedClock clock, Rounding rounding) {
    return new TcTiming(clock, rounding);
  }

  /**
   * The scheduler clock the ticks are computed for.
   *
   * @return the clock
   */
  public PschedClock clock() {
    return clock;
  }

  /**
   * How transmit times are rounded to ticks.
   *
   * @return the rounding
   */
  public Rounding rounding() {
    return rounding;
  }

  /**
   * Ticks needed to send {@code sizeBytes} at {@code rateBytesPerSecond} ({@code tc_calc_xmittime}),
   * saturated at {@code 0xFFFFFFFF} (tc reports that value as "burst out of range").
   *
   * @param rateBytesPerSecond the rate in bytes per second, at least 1
   * @param sizeBytes the bytes to send, 0 or more
   * @return the transmit time in scheduler ticks, 0..0xFFFFFFFF
   * @throws InvalidValueException if the rate is not positive or the size negative
   */
  public long xmitTicks(long rateBytesPerSecond, long sizeBytes) {
    checkRate(rateBytesPerSecond);
    if (sizeBytes < 0) {
      throw new InvalidValueException("size must not be negative, got " + sizeBytes + " bytes");
    }
    double micros = PschedClock.TIME_UNITS_PER_SEC * ((double) sizeBytes / rateBytesPerSecond);
    double ticks;
    if (rounding == Rounding.TRUNCATE) {
      // tc_core_time2tick takes an unsigned int: the microseconds are truncated to u32 first
      long wholeMicros = Math.min((long) micros, 0xFFFF_FFFFL);
      ticks = Math.floor(wholeMicros * clock.ticksPerMicrosecond());
    } else {
      ticks = Math.ceil(micros * clock.ticksPerMicrosecond());
    }
    return ticks >= 0xFFFF_FFFFL ? 0xFFFF_FFFFL : (long) ticks;
  }

  /**
   * Bytes that can be sent at {@code rateBytesPerSecond} in {@code ticks} ({@code
   * tc_calc_xmitsize}, truncated): the inverse of {@link #xmitTicks} within one tick, used to show a
   * dumped buffer as a burst.
   *
   * @param rateBytesPerSecond the rate in bytes per second, at least 1
   * @param ticks a time in scheduler ticks
   * @return the bytes, rounded down
   * @throws InvalidValueException if the rate is not positive
   */
  public long xmitSizeBytes(long rateBytesPerSecond, long ticks) {
    checkRate(rateBytesPerSecond);
    double micros = ticks / clock.ticksPerMicrosecond();
    double bytes = rateBytesPerSecond * micros / PschedClock.TIME_UNITS_PER_SEC;
    return (long) bytes; // tc truncates to an unsigned int

  }

  /**
   * tc's default HTB burst: {@code rate / hz + mtu} bytes (integer division), 1600 below 1 GB/s.
   *
   * @param rateBytesPerSecond the rate in bytes per second, at least 1
   * @return the burst in bytes
   * @throws InvalidValueException if the rate is not positive
   */
  public long defaultBurstBytes(long rateBytesPerSecond) {
    checkRate(rateBytesPerSecond);
    return rateBytesPerSecond / clock.tcHz() + DEFAULT_MTU_BYTES;
  }

  /**
   * The rate as a 32-bit {@code tc_ratespec.rate}: itself, or {@code 0xFFFFFFFF} above it.
   *
   * @param rateBytesPerSecond the rate in bytes per second
   * @return the rate, capped at {@link #MAX_RATE32_BYTES_PER_SECOND}
   */
  public static long rate32(long rateBytesPerSecond) {
    return Math.min(rateBytesPerSecond, MAX_RATE32_BYTES_PER_SECOND);
  }

  /**
   * Whether the rate needs {@code TCA_HTB_RATE64}/{@code CEIL64} (at least 2³² bytes/s).
   *
   * @param rateBytesPerSecond the rate in bytes per second
   * @return true above {@link #MAX_RATE32_BYTES_PER_SECOND}
   */
  public static boolean needs64BitRate(long rateBytesPerSecond) {
    return rateBytesPerSecond > MAX_RATE32_BYTES_PER_SECOND;
  }

  /**
   * tc's {@code cell_log} for an MTU: the smallest {@code n} with {@code (mtu >> n) <= 255} (3 for
   * 1600 bytes, 9 for 64 KiB).
   *
   * @param mtuBytes the MTU in bytes; 0 means tc's 2047
   * @return the cell log, 0 or more
   */
  public static int cellLog(long mtuBytes) {
    long mtu = mtuBytes == 0 ? 2047 : mtuBytes;
    int cellLog = 0;
    while ((mtu >> cellLog) > 255) {
      cellLog++;
    }
    return cellLog;
  }

  /**
   * The 256-entry rate table of {@code tc_calc_rtable} for an Ethernet link layer without MPU or
   * overhead: entry {@code i} is the transmit time of {@code (i + 1) << cellLog} bytes at the 32-bit
   * rate (so above 2³²−1 bytes/s it is computed at {@code 0xFFFFFFFF}, as tc does).
   *
   * @param rateBytesPerSecond the rate in bytes per second, at least 1
   * @param cellLog the table's cell log, 0..31 (see {@link #cellLog})
   * @return a new array of {@value #RATE_TABLE_ENTRIES} transmit times in ticks; the caller may
   *     change it
   * @throws InvalidValueException if the rate is not positive or {@code cellLog} is outside 0..31
   */
  public long[] rateTable(long rateBytesPerSecond, int cellLog) {
    checkRate(rateBytesPerSecond);
    if (cellLog < 0 || cellLog > 31) {
      throw new InvalidValueException("cell_log " + cellLog + " not in 0..31");
    }
    long rate32 = rate32(rateBytesPerSecond);
    Long key = rate32 << 5 | cellLog;
    long[] table = rateTables.get(key);
    if (table == null) {
      table = new long[RATE_TABLE_ENTRIES];
      for (int i = 0; i < RATE_TABLE_ENTRIES; i++) {
        table[i] = xmitTicks(rate32, (long) (i + 1) << cellLog);
      }
      if (rateTables.size() >= MAX_CACHED_TABLES) {
        rateTables.clear();
      }
      rateTables.put(key, table);
    }
    return table.clone();
  }

  private static void checkRate(long rateBytesPerSecond) {
    if (rateBytesPerSecond <= 0) {
      throw new InvalidValueException("rate must be at least 1 byte/s, got " + rateBytesPerSecond);
    }
  }

  @Override
  public String toString() {
    return "TcTiming{clock=" + clock + ", rounding=" + rounding + "}";
  }
}
