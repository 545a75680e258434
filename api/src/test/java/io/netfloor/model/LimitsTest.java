// SPDX-License-Identifier: Apache-2.0
package io.netfloor.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netfloor.InvalidBandwidthException;
import io.netfloor.units.ByteSize;
import io.netfloor.units.Rate;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Every rule of {@link Limits} (numbered as in its Javadoc) and of {@link Bandwidth}. */
class LimitsTest {

  private static Optional<Rate> r(String s) {
    return Optional.ofNullable(s).map(Rate::parse);
  }

  private static Optional<ByteSize> b(String s) {
    return Optional.ofNullable(s).map(ByteSize::parse);
  }

  private static Limits limits(String average, String peak, String burst, String floor) {
    return new Limits(r(average), r(peak), b(burst), r(floor));
  }

  static Stream<Arguments> valid() {
    return Stream.of(
        Arguments.of("10mbit", null, null, null, "{average=10mbit}"),
        Arguments.of(null, null, null, "2mbit", "{floor=2mbit}"),
        Arguments.of("10mbit", "20mbit", "256kb", "20mbit", "{average=10mbit peak=20mbit floor=20mbit burst=256kb}"),
        Arguments.of("10mbit", "10mbit", null, null, "{average=10mbit peak=10mbit}"), // peak = average
        Arguments.of("10mbit", null, null, "10mbit", "{average=10mbit floor=10mbit}"), // floor = ceiling
        Arguments.of("8bit", null, "1b", null, "{average=8bit burst=1b}"),
        Arguments.of("1mbit", null, "4294967295b", null, "{average=1mbit burst=4294967295b}"));
  }

  @ParameterizedTest
  @MethodSource("valid")
  void validLimits(String average, String peak, String burst, String floor, String text) {
    Limits l = limits(average, peak, burst, floor);
    assertThat(l.toString()).isEqualTo(text);
    assertThat(l.ceiling()).isEqualTo(r(peak).or(() -> r(average)));
    assertThat(l.floorOrZero()).isEqualTo(r(floor).orElse(Rate.ZERO));
  }

  static Stream<Arguments> violations() {
    return Stream.of(
        // rule 1: average or floor
        Arguments.of(null, null, null, null, new String[] {"need an average or a floor", "got {}"}),
        Arguments.of(null, "20mbit", "10kb", null,
            new String[] {"need an average or a floor", "peak=20mbit", "burst=10kb"}),
        // rule 2: peak and burst need average
        Arguments.of(null, "20mbit", null, "1mbit",
            new String[] {"peak and burst require an average", "peak=20mbit", "floor=1mbit"}),
        Arguments.of(null, null, "10kb", "1mbit",
            new String[] {"peak and burst require an average", "burst=10kb"}),
        // rule 3: positive rates
        Arguments.of("0", null, null, null, new String[] {"average 0bit must be positive"}),
        Arguments.of("1mbit", "0", null, null, new String[] {"peak 0bit must be positive"}),
        Arguments.of("1mbit", null, null, "0", new String[] {"floor 0bit must be positive"}),
        // rule 4: peak >= average
        Arguments.of("10mbit", "5mbit", null, null,
            new String[] {"peak 5mbit is below average 10mbit"}),
        // rule 5: floor within the ceiling
        Arguments.of("10mbit", null, null, "11mbit",
            new String[] {"floor 11mbit exceeds ceiling 10mbit (average)"}),
        Arguments.of("10mbit", "20mbit", null, "21mbit",
            new String[] {"floor 21mbit exceeds ceiling 20mbit (peak)"}),
        // rule 6: burst in 1..2^32-1 bytes
        Arguments.of("10mbit", null, "0", null, new String[] {"burst 0b must be between 1 byte"}),
        Arguments.of("10mbit", null, "4gb", null,
            new String[] {"burst 4gb must be between 1 byte and 4294967295 bytes"}));
  }

  @ParameterizedTest
  @MethodSource("violations")
  void eachRuleIsATypedErrorNamingTheValues(String average, String peak, String burst, String floor,
      String[] fragments) {
    assertThatThrownBy(() -> limits(average, peak, burst, floor))
        .isExactlyInstanceOf(InvalidBandwidthException.class)
        .satisfies(e -> assertThat(e.getMessage()).contains(fragments));
  }

  @Test
  void builderAndCopies() {
    Limits l = Limits.builder().average(Rate.parse("10mbit")).peak(Rate.parse("20mbit"))
        .burst(ByteSize.parse("64kb")).build();
    assertThat(l).isEqualTo(limits("10mbit", "20mbit", "64kb", null));
    assertThat(l.withFloor(Rate.parse("1mbit")).floor()).contains(Rate.parse("1mbit"));
    assertThat(l.withFloor(Rate.parse("1mbit")).withFloor(null)).isEqualTo(l);
    assertThat(Limits.floorOnly(Rate.parse("1mbit"))).isEqualTo(limits(null, null, null, "1mbit"));
    assertThat(Limits.averageOnly(Rate.parse("1mbit"))).isEqualTo(limits("1mbit", null, null, null));
    assertThatThrownBy(() -> l.withFloor(Rate.parse("30mbit")))
        .isExactlyInstanceOf(InvalidBandwidthException.class)
        .hasMessageContaining("floor 30mbit exceeds ceiling 20mbit");
    assertThatThrownBy(() -> Limits.builder().build())
        .isExactlyInstanceOf(InvalidBandwidthException.class);
  }

  // ------------------------------------------------------------ Bandwidth

  @Test
  void bandwidthOutboundFloorIsItsOwnDirection() {
    Bandwidth b = Bandwidth.of(null, limits("10mbit", null, null, "1mbit"));
    assertThat(b.hasOutboundFloor()).isTrue();
    assertThat(b.hasFloor()).isFalse();
    assertThat(b.hasAnyFloor()).isTrue();
    assertThat(b.outboundFloorOrZero()).isEqualTo(Rate.parse("1mbit"));
    assertThat(b.floorOrZero(Direction.OUTBOUND)).isEqualTo(Rate.parse("1mbit"));
    assertThat(b.floorOrZero(Direction.INBOUND)).isEqualTo(Rate.ZERO);
    Bandwidth floorOnly = Bandwidth.NONE.withOutboundFloor(Rate.parse("3mbit"));
    assertThat(floorOnly.outbound()).contains(Limits.floorOnly(Rate.parse("3mbit")));
    assertThat(floorOnly.withOutboundFloor(null)).isEqualTo(Bandwidth.NONE);
    assertThat(b.withOutboundFloor(Rate.ZERO).outbound())
        .contains(Limits.averageOnly(Rate.parse("10mbit")));
    assertThatThrownBy(() -> b.withOutboundFloor(Rate.parse("20mbit")))
        .isExactlyInstanceOf(InvalidBandwidthException.class)
        .hasMessageContaining("exceeds ceiling 10mbit");
    assertThatThrownBy(() -> floorOnly.requireNoFloor("network 'default'"))
        .isExactlyInstanceOf(InvalidBandwidthException.class)
        .hasMessageContaining("outbound floor 3mbit is not supported for network 'default'");
    assertThatThrownBy(() -> LibvirtBandwidthXml.format(floorOnly))
        .isExactlyInstanceOf(InvalidBandwidthException.class)
        .hasMessageContaining("libvirt has no floor on <outbound>");
  }

  @Test
  void bandwidthRequireNoFloorNamesContextAndFloor() {
    Bandwidth withFloor = Bandwidth.floor(Rate.parse("2mbit"));
    assertThatThrownBy(() -> withFloor.requireNoFloor("network 'default'"))
        .isExactlyInstanceOf(InvalidBandwidthException.class)
        .hasMessageContaining("floor 2mbit is not supported for network 'default'");
    Bandwidth without = Bandwidth.inboundOnly(Limits.averageOnly(Rate.parse("2mbit")));
    assertThat(without.requireNoFloor("x")).isSameAs(without);
  }

  @Test
  void bandwidthFloorQueriesAndWithFloor() {
    Limits in = limits("10mbit", "20mbit", null, null);
    Bandwidth bw = Bandwidth.inboundOnly(in);
    assertThat(bw.hasFloor()).isFalse();
    assertThat(bw.floorOrZero()).isEqualTo(Rate.ZERO);
    Bandwidth floored = bw.withFloor(Rate.parse("5mbit"));
    assertThat(floored.hasFloor()).isTrue();
    assertThat(floored.floorOrZero()).isEqualTo(Rate.parse("5mbit"));
    assertThat(floored.withFloor(Rate.ZERO)).isEqualTo(bw);
    assertThat(floored.withFloor(null)).isEqualTo(bw);
    // a floor-only inbound without its floor is no inbound at all
    assertThat(Bandwidth.floor(Rate.parse("1mbit")).withFloor(null)).isEqualTo(Bandwidth.NONE);
    assertThat(Bandwidth.NONE.withFloor(Rate.parse("1mbit")))
        .isEqualTo(Bandwidth.floor(Rate.parse("1mbit")));
    assertThat(Bandwidth.NONE.withFloor(null)).isSameAs(Bandwidth.NONE);
    assertThat(Bandwidth.NONE.hasFloor()).isFalse();
  }
}
