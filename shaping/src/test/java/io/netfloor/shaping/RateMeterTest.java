// SPDX-License-Identifier: Apache-2.0
package io.netfloor.shaping;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netfloor.model.AdmissionLimit;
import io.netfloor.model.Bandwidth;
import io.netfloor.spi.ClassStats;
import io.netfloor.units.ClassHandle;
import io.netfloor.units.MacAddress;
import io.netfloor.units.Rate;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class RateMeterTest {
  private static final MacAddress MAC = MacAddress.parse("52:54:00:00:00:01");
  private static final ClassHandle C3 = ClassHandle.of(1, 3);

  private static StatsSample sample(long nanos, ClassHandle c, long bytes, long packets,
      long drops, long lends, long borrows) {
    ClassStats s = new ClassStats(bytes, packets, drops, 0, 0, 0, 0, lends, borrows, 0, 0);
    return new StatsSample("net", nanos, Instant.EPOCH, List.of(new InterfaceStats("vm1", MAC, c,
        Rate.parse("10mbit"), Rate.parse("100mbit"), s)));
  }

  @Test
  void ratesAreCounterDifferencesOverTheTimeBetweenSamples() {
    StatsSample a = sample(1_000_000_000L, C3, 1_000, 10, 1, 10, 0);
    StatsSample b = sample(3_000_000_000L, C3, 2_501_000, 2_010, 41, 1_010, 1_000);
    InterfaceRates r = InterfaceRates.between(a, b).get(0);
    assertThat(r.seconds()).isEqualTo(2.0);
    assertThat(r.throughput()).isEqualTo(Rate.ofBitsPerSecond(10_000_000)); // 2.5 MB in 2 s
    assertThat(r.packetsPerSecond()).isEqualTo(1_000.0);
    assertThat(r.dropsPerSecond()).isEqualTo(20.0);
    assertThat(r.borrowedPacketsPerSecond()).isEqualTo(500.0);
    assertThat(r.withinFloorPacketsPerSecond()).isEqualTo(500.0);
    assertThat(r.borrowingShare()).isEqualTo(0.5);
  }

  @Test
  void aRecreatedClassOrAnotherClassGivesNoRate() {
    StatsSample a = sample(1, C3, 5_000, 10, 0, 0, 0);
    assertThat(InterfaceRates.between(a, sample(2, C3, 100, 1, 0, 0, 0))).isEmpty();
    assertThat(InterfaceRates.between(a, sample(2, ClassHandle.of(1, 4), 9_000, 20, 0, 0, 0)))
        .isEmpty();
    assertThatThrownBy(() -> InterfaceRates.between(a, a))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void aMeterOverTheShaperReportsEachPluggedInterface() {
    io.netfloor.spi.InMemoryTrafficControl kernel = new io.netfloor.spi.InMemoryTrafficControl()
        .addDevice(io.netfloor.units.InterfaceName.of("br0"));
    NetworkShaper shaper = NetworkShaper.create(OrchestrationTest.config(
        OrchestrationTest.limits("100mbit", null), AdmissionLimit.AVERAGE), kernel,
        new io.netfloor.persistence.InMemoryStatusStore());
    shaper.start();
    shaper.plug("vm1", MAC, Bandwidth.floor(Rate.parse("10mbit")));
    RateMeter meter = new RateMeter(shaper);
    assertThat(meter.measure()).isEmpty(); // the baseline
    List<InterfaceRates> rates = meter.measure();
    assertThat(rates).extracting(InterfaceRates::alias).containsExactly("vm1");
    assertThat(rates.get(0).throughput()).isEqualTo(Rate.ZERO); // the simulated kernel sends none
    assertThat(meter.lastSample().orElseThrow().interfaces()).hasSize(1);
  }
}
