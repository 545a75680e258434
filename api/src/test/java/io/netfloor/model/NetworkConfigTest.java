// SPDX-License-Identifier: Apache-2.0
package io.netfloor.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netfloor.InvalidBandwidthException;
import io.netfloor.InvalidValueException;
import io.netfloor.model.NetworkName;
import io.netfloor.units.Rate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** {@link NetworkConfig}: name rules, no floor on a network, capacity. */
class NetworkConfigTest {

  private static final Limits IN = Limits.builder().average(Rate.parse("8mbit"))
      .peak(Rate.parse("16mbit")).build();

  @ParameterizedTest
  @ValueSource(strings = {"default", "a", "net-1_b.2", "A.", "0123456789012345678901234567890123456789"
      + "012345678901234567890123"})
  void acceptsNames(String name) {
    assertThat(NetworkConfig.builder(name, "virbr0").build().name().value()).isEqualTo(name);
  }

  @ParameterizedTest
  @ValueSource(strings = {"", ".hidden", "..", "a/b", "a b", "net\u00e9", "a:b",
      "01234567890123456789012345678901234567890123456789012345678901234"})
  void rejectsNamesQuotingThem(String name) {
    assertThatThrownBy(() -> NetworkConfig.builder(name, "virbr0").build())
        .isExactlyInstanceOf(InvalidValueException.class)
        .hasMessageContaining("network name '" + name + "'")
        .hasMessageContaining("1-64 characters");
  }

  @Test
  void rejectsNullName() {
    assertThatThrownBy(() -> NetworkName.of(null).value())
        .isExactlyInstanceOf(InvalidValueException.class).hasMessageContaining("'null'");
  }

  @Test
  void rejectsABadBridgeName() {
    assertThatThrownBy(() -> NetworkConfig.builder("default", "virbr0:1"))
        .isExactlyInstanceOf(InvalidValueException.class).hasMessageContaining("'virbr0:1'");
  }

  @Test
  void rejectsAFloorOnTheNetwork() {
    assertThatThrownBy(() -> NetworkConfig.builder("default", "virbr0")
        .inbound(IN.withFloor(Rate.parse("1mbit"))).build())
        .isExactlyInstanceOf(InvalidBandwidthException.class)
        .hasMessageContaining("floor 1mbit is not supported for network 'default'");
    assertThatThrownBy(() -> NetworkConfig.builder("default", "virbr0")
        .inbound(Limits.floorOnly(Rate.parse("1mbit"))).build())
        .isExactlyInstanceOf(InvalidBandwidthException.class)
        .hasMessageContaining("floor 1mbit");
  }

  @Test
  void rejectsBadRateToQuantum() {
    assertThatThrownBy(() -> NetworkConfig.builder("default", "virbr0").rateToQuantum(0).build())
        .isExactlyInstanceOf(InvalidValueException.class)
        .hasMessageContaining("r2q must be at least 1, got 0");
  }

  @Test
  void defaultsAndCapacity() {
    NetworkConfig none = NetworkConfig.builder("default", "virbr0").build();
    assertThat(none.filterLayout()).isEqualTo(FilterLayout.HASHED);
    assertThat(none.trafficMatch()).isEqualTo(TrafficMatch.ALL_ETHERTYPES);
    assertThat(none.admissionLimit()).isEqualTo(AdmissionLimit.AVERAGE);
    assertThat(none.supportsFloors()).isFalse();
    assertThat(none.floorCapacity()).isEmpty();

    NetworkConfig avg = none.toBuilder().inbound(IN).build();
    assertThat(avg.supportsFloors()).isTrue();
    assertThat(avg.inboundAverage()).contains(Rate.parse("8mbit"));
    assertThat(avg.inboundCeiling()).contains(Rate.parse("16mbit"));
    assertThat(avg.floorCapacity()).contains(Rate.parse("8mbit"));
    NetworkConfig libvirt = avg.toBuilder().admissionLimit(AdmissionLimit.PEAK_LIKE_LIBVIRT).build();
    assertThat(libvirt.floorCapacity()).contains(Rate.parse("16mbit"));
    assertThat(libvirt.toBuilder().build()).isEqualTo(libvirt);
  }
}
