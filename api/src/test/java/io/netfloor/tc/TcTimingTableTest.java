// SPDX-License-Identifier: Apache-2.0
package io.netfloor.tc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netfloor.InvalidValueException;
import org.junit.jupiter.api.Test;

/**
 * The rate table tc sends with every HTB class, its cell log and tc's default burst: each table
 * entry is the transmit time of its cell, for the rate and cell log asked (never another cached
 * table), a returned table is the caller's own, and out-of-range inputs are refused. Each
 * instance here is fresh, so no table comes from a cache another test filled.
 */
class TcTimingTableTest {
  private static TcTiming fresh() {
    return TcTiming.of(PschedClock.LINUX_DEFAULT, TcTiming.Rounding.TRUNCATE);
  }

  @Test
  void everyEntryIsTheTransmitTimeOfItsCellAtTheRateAndCellLogAsked() {
    TcTiming t = fresh();
    long rate = 1_234_567;
    for (int cellLog : new int[] {0, 1, 3, 9, 31}) {
      long[] table = t.rateTable(rate, cellLog);
      assertThat(table).hasSize(TcTiming.RATE_TABLE_ENTRIES);
      for (int i = 0; i < table.length; i++) {
        assertThat(table[i]).as("entry %d, cell log %d", i, cellLog)
            .isEqualTo(t.xmitTicks(rate, (long) (i + 1) << cellLog));
      }
    }
    // the cell log and the rate each select their own table
    assertThat(t.rateTable(rate, 3)).isNotEqualTo(t.rateTable(rate, 4));
    assertThat(t.rateTable(rate, 3)).isNotEqualTo(t.rateTable(rate + 1_000_000, 3));
    assertThat(t.rateTable(2 * rate, 3)[0]).isEqualTo(t.xmitTicks(2 * rate, 8));
    // 100mbit, cell log 3: captured from tc (see TcTimingTest), here from a fresh instance
    long[] captured = fresh().rateTable(12_500_000, 3);
    assertThat(captured).startsWith(0L, 0x0fL, 0x0fL, 0x1fL, 0x2eL);
    assertThat(captured[255]).isEqualTo(0x9f2L);
  }

  @Test
  void aTableIsTheCallersOwnAndRatesAbove32BitsUseThe32BitRate() {
    TcTiming t = fresh();
    long[] first = t.rateTable(5_000_000, 3);
    long kept = first[10];
    first[10] = -1;
    assertThat(t.rateTable(5_000_000, 3)[10]).isEqualTo(kept);
    assertThat(t.rateTable(0x1_0000_0000L * 3, 9)).isEqualTo(t.rateTable(0xFFFF_FFFFL, 9));
  }

  @Test
  void aTableStaysRightAfterTheCacheIsFullAndCleared() {
    TcTiming t = fresh();
    for (long rate = 1_000; rate < 1_000 + 1_100; rate++) {
      long[] table = t.rateTable(rate, 2);
      assertThat(table[7]).isEqualTo(t.xmitTicks(rate, 32));
    }
    assertThat(t.rateTable(1_000, 2)[0]).isEqualTo(t.xmitTicks(1_000, 4));
  }

  @Test
  void outOfRangeInputsAreRefused() {
    TcTiming t = fresh();
    assertThatThrownBy(() -> t.rateTable(0, 3)).isInstanceOf(InvalidValueException.class)
        .hasMessageContaining("at least 1 byte/s");
    assertThatThrownBy(() -> t.rateTable(1000, -1)).isInstanceOf(InvalidValueException.class)
        .hasMessageContaining("cell_log -1");
    assertThatThrownBy(() -> t.rateTable(1000, 32)).isInstanceOf(InvalidValueException.class);
    assertThat(t.rateTable(1, 0)).hasSize(TcTiming.RATE_TABLE_ENTRIES);
    assertThatThrownBy(() -> t.xmitSizeBytes(0, 10)).isInstanceOf(InvalidValueException.class);
    assertThatThrownBy(() -> t.defaultBurstBytes(0)).isInstanceOf(InvalidValueException.class);
    assertThatThrownBy(() -> t.defaultBurstBytes(-5)).isInstanceOf(InvalidValueException.class);
  }

  @Test
  void theCellLogIsTheSmallestShiftThatBringsTheMtuTo255() {
    assertThat(TcTiming.cellLog(1)).isZero();
    assertThat(TcTiming.cellLog(255)).isZero();
    assertThat(TcTiming.cellLog(256)).isEqualTo(1);
    assertThat(TcTiming.cellLog(511)).isEqualTo(1);
    assertThat(TcTiming.cellLog(512)).isEqualTo(2);
    assertThat(TcTiming.cellLog(0)).as("tc's 2047").isEqualTo(TcTiming.cellLog(2047)).isEqualTo(3);
  }

  @Test
  void theDefaultBurstIsRateOverHzPlusTheMtu() {
    TcTiming t = fresh();
    long hz = PschedClock.LINUX_DEFAULT.tcHz();
    assertThat(t.defaultBurstBytes(1)).isEqualTo(1 / hz + TcTiming.DEFAULT_MTU_BYTES);
    assertThat(t.defaultBurstBytes(125_000_000)).isEqualTo(125_000_000 / hz + 1600);
  }

  @Test
  void anInstanceKeepsItsClockAndRounding() {
    PschedClock clock = PschedClock.parse("000003e8 00000040 000f4240 3b9aca00");
    TcTiming t = TcTiming.of(clock, TcTiming.Rounding.ROUND_UP);
    assertThat(t.clock()).isEqualTo(clock);
    assertThat(t.rounding()).isEqualTo(TcTiming.Rounding.ROUND_UP);
    assertThat(t.toString()).contains("ROUND_UP");
    assertThatThrownBy(() -> TcTiming.of(null, TcTiming.Rounding.ROUND_UP))
        .isInstanceOf(NullPointerException.class);
    assertThatThrownBy(() -> TcTiming.of(clock, null)).isInstanceOf(NullPointerException.class);
  }
}
