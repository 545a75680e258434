// SPDX-License-Identifier: Apache-2.0
package io.netfloor.tc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netfloor.InvalidValueException;
import net.jqwik.api.Assume;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.LongRange;
import org.junit.jupiter.api.Test;

/** Pins the numbers tc 6.1 sent for HTB classes in captured requests, and the 6.15 rounding. */
class TcTimingTest {
  private static final TcTiming TRUNC = TcTiming.of(PschedClock.LINUX_DEFAULT,
      TcTiming.Rounding.TRUNCATE);
  private static final TcTiming UP = TcTiming.of(PschedClock.LINUX_DEFAULT,
      TcTiming.Rounding.ROUND_UP);

  @Test
  void clockOfThisKernel() {
    PschedClock c = PschedClock.parse("000003e8 00000040 000f4240 3b9aca00\n");
    assertThat(c).isEqualTo(PschedClock.LINUX_DEFAULT);
    assertThat(c.ticksPerMicrosecond()).isEqualTo(15.625);
    assertThat(c.tcHz()).isEqualTo(1_000_000_000L);
    assertThat(c.toString()).isEqualTo("000003e8 00000040 000f4240 3b9aca00");
  }

  @Test
  void malformedClockIsRejectedQuotingTheInput() {
    assertThatThrownBy(() -> PschedClock.parse("000003e8 00000040")).isInstanceOf(
        InvalidValueException.class).hasMessageContaining("000003e8 00000040");
    assertThatThrownBy(() -> PschedClock.parse("zz 1 2 3")).hasMessageContaining("zz");
  }

  @Test
  void capturedBuffers() {
    // 02: 100mbit, default burst 1600 bytes -> 2000 ticks
    assertThat(TRUNC.defaultBurstBytes(12_500_000)).isEqualTo(1600);
    assertThat(TRUNC.xmitTicks(12_500_000, 1600)).isEqualTo(2000);
    // 03: 90mbit -> 2218 with tc 6.1, 2223 with tc 6.15
    assertThat(TRUNC.xmitTicks(11_250_000, 1600)).isEqualTo(2218);
    assertThat(UP.xmitTicks(11_250_000, 1600)).isEqualTo(2223);
    // 04: 10mbit burst 15k -> 192000 ticks
    assertThat(TRUNC.xmitTicks(1_250_000, 15 * 1024)).isEqualTo(192_000);
    // 17: 80mbit -> 2500 (0x9c4)
    assertThat(TRUNC.xmitTicks(10_000_000, 1600)).isEqualTo(0x9c4);
    // 19: 1000kbps (1 MB/s) -> 0x61a8
    assertThat(TRUNC.xmitTicks(1_000_000, 1600)).isEqualTo(0x61a8);
    // e2: 1mbit -> 0x30d40
    assertThat(TRUNC.xmitTicks(125_000, 1600)).isEqualTo(0x30d40);
  }

  @Test
  void fiftyGigabitBurstTruncatesToZeroOnlyWithTc61() {
    long rate = 6_250_000_000L;
    long burst = TRUNC.defaultBurstBytes(rate);
    assertThat(burst).isEqualTo(1606);
    assertThat(TRUNC.xmitTicks(rate, burst)).isZero();
    assertThat(UP.xmitTicks(rate, burst)).isEqualTo(5);
    assertThat(TcTiming.needs64BitRate(rate)).isTrue();
    assertThat(TcTiming.rate32(rate)).isEqualTo(0xFFFF_FFFFL);
    assertThat(TRUNC.rateTable(rate, 3)).containsOnly(0L);
  }

  @Test
  void capturedRateTableOf100mbit() {
    long[] rtab = TRUNC.rateTable(12_500_000, TcTiming.cellLog(1600));
    assertThat(TcTiming.cellLog(1600)).isEqualTo(3);
    assertThat(TcTiming.cellLog(65536)).isEqualTo(9);
    assertThat(rtab).startsWith(0L, 0x0fL, 0x0fL, 0x1fL, 0x2eL, 0x2eL, 0x3eL, 0x4eL, 0x4eL, 0x5dL);
    assertThat(rtab).hasSize(256);
    assertThat(rtab[255]).isEqualTo(0x9f2L);
  }

  @Test
  void boundaries() {
    assertThat(TcTiming.needs64BitRate(0xFFFF_FFFFL)).isFalse();
    assertThat(TcTiming.needs64BitRate(0x1_0000_0000L)).isTrue();
    assertThat(TRUNC.xmitTicks(1, Long.MAX_VALUE / 2)).isEqualTo(0xFFFF_FFFFL);
    assertThatThrownBy(() -> TRUNC.xmitTicks(0, 1)).isInstanceOf(InvalidValueException.class);
    assertThatThrownBy(() -> TRUNC.xmitTicks(1, -1)).isInstanceOf(InvalidValueException.class);
  }

  @Property(tries = 300)
  void xmitTimeIsMonotoneInSize(@ForAll @LongRange(min = 1, max = 10_000_000_000L) long rate,
      @ForAll @LongRange(min = 0, max = 10_000_000) long size) {
    for (TcTiming t : new TcTiming[] {TRUNC, UP}) {
      assertThat(t.xmitTicks(rate, size + 1)).isGreaterThanOrEqualTo(t.xmitTicks(rate, size));
    }
  }

  @Property(tries = 300)
  void sizeOfTicksIsWithinATickOfTheSize(
      @ForAll @LongRange(min = 1000, max = 1_000_000_000L) long rate,
      @ForAll @LongRange(min = 0, max = 1_000_000) long size) {
    long ticks = UP.xmitTicks(rate, size);
    Assume.that(ticks < 0xFFFF_FFFFL); // saturated: "burst out of range"
    long back = UP.xmitSizeBytes(rate, ticks);
    double oneTickBytes = rate / 1e6 / PschedClock.LINUX_DEFAULT.ticksPerMicrosecond();
    assertThat((double) Math.abs(back - size)).isLessThanOrEqualTo(oneTickBytes + 1);
  }
}
