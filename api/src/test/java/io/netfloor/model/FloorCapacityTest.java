// SPDX-License-Identifier: Apache-2.0
package io.netfloor.model;

import static org.assertj.core.api.Assertions.assertThat;

import io.netfloor.units.Rate;
import org.junit.jupiter.api.Test;

/**
 * What the floors of each direction may sum to: the direction's average (or ceiling, as libvirt
 * admits), and nothing outbound unless the network places outbound floors somewhere.
 */
class FloorCapacityTest {

  private static NetworkConfig.Builder limited() {
    return NetworkConfig.builder("net", "br0")
        .inbound(Limits.builder().average(Rate.parse("100mbit")).peak(Rate.parse("150mbit"))
            .build())
        .outbound(Limits.builder().average(Rate.parse("50mbit")).peak(Rate.parse("70mbit"))
            .build());
  }

  @Test
  void eachDirectionHasItsOwnCapacity() {
    NetworkConfig config = limited().outboundFloors(OutboundFloorPlacement.bridgeIngress()).build();
    assertThat(config.floorCapacity(Direction.INBOUND)).contains(Rate.parse("100mbit"));
    assertThat(config.floorCapacity(Direction.OUTBOUND)).contains(Rate.parse("50mbit"));

    NetworkConfig likeLibvirt = config.toBuilder()
        .admissionLimit(AdmissionLimit.PEAK_LIKE_LIBVIRT).build();
    assertThat(likeLibvirt.floorCapacity(Direction.INBOUND)).contains(Rate.parse("150mbit"));
    assertThat(likeLibvirt.floorCapacity(Direction.OUTBOUND)).contains(Rate.parse("70mbit"));
  }

  @Test
  void outboundLimitsAloneGiveNoOutboundCapacity() {
    NetworkConfig config = limited().build();
    assertThat(config.supportsOutboundFloors()).isFalse();
    assertThat(config.outboundFloorCapacity()).isEmpty();
    assertThat(config.floorCapacity(Direction.OUTBOUND)).isEmpty();
    assertThat(config.floorCapacity(Direction.INBOUND)).contains(Rate.parse("100mbit"));
  }
}
