// SPDX-License-Identifier: Apache-2.0
package io.netfloor.model;

import static org.assertj.core.api.Assertions.assertThat;

import io.netfloor.plan.HtbClass;
import io.netfloor.plan.TcObject;
import io.netfloor.units.ByteSize;
import io.netfloor.units.MacAddress;
import io.netfloor.units.Rate;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The burst NetFloor gives a class without one of its own: 10 ms of the rate (of the ceil for
 * cburst), rounded down to whole bytes, at least 1600 bytes. Every expectation here is worked out
 * by hand from that rule, so a change of the policy (another time, another minimum, rounding up)
 * fails the test instead of moving the expectation along with it.
 */
class BurstPolicyTest {

  private static long burstOf(String rate) {
    return HtbTree.defaultBurst(Rate.parse(rate)).bytes();
  }

  @Test
  void tenMillisecondsOfCommonRates() {
    // 1 gbit/s = 125,000,000 bytes/s; 10 ms of it = 1,250,000 bytes
    assertThat(burstOf("1gbit")).isEqualTo(1_250_000L);
    assertThat(burstOf("100mbit")).isEqualTo(125_000L);
    assertThat(burstOf("10gbit")).isEqualTo(12_500_000L);
    assertThat(burstOf("30mbit")).isEqualTo(37_500L);
  }

  @Test
  void slowRatesGetTheMinimumOfOneFrameWithHeadroom() {
    // 1 mbit/s = 125,000 bytes/s; 10 ms = 1,250 bytes, below the 1,600-byte minimum
    assertThat(burstOf("1mbit")).isEqualTo(1_600L);
    assertThat(burstOf("8bit")).isEqualTo(1_600L);
    assertThat(HtbTree.defaultBurst(Rate.ZERO)).isEqualTo(ByteSize.ofBytes(1_600));
    // 159,999 bytes/s: 1,599.99 bytes, rounded down, then raised to the minimum
    assertThat(HtbTree.defaultBurst(Rate.ofBytesPerSecond(159_999)).bytes()).isEqualTo(1_600L);
    // 160,000 bytes/s (1.28 mbit/s) is where 10 ms reaches the minimum exactly
    assertThat(HtbTree.defaultBurst(Rate.ofBytesPerSecond(160_000)).bytes()).isEqualTo(1_600L);
    assertThat(HtbTree.defaultBurst(Rate.ofBytesPerSecond(160_100)).bytes()).isEqualTo(1_601L);
  }

  @Test
  void fractionsOfAByteAreRoundedDown() {
    // 160,199 bytes/s × 0.01 s = 1,601.99 bytes → 1,601
    assertThat(HtbTree.defaultBurst(Rate.ofBytesPerSecond(160_199)).bytes()).isEqualTo(1_601L);
    // 1,234,567 bytes/s × 0.01 s = 12,345.67 bytes → 12,345
    assertThat(HtbTree.defaultBurst(Rate.ofBytesPerSecond(1_234_567)).bytes()).isEqualTo(12_345L);
    // bits that do not make a whole byte are dropped first: 80,000,007 bit/s = 10,000,000 bytes/s
    assertThat(HtbTree.defaultBurst(Rate.ofBitsPerSecond(80_000_007)).bytes()).isEqualTo(100_000L);
  }

  @Test
  void theLargestRateDoesNotOverflow() {
    // (2^63 − 1) bit/s = 1,152,921,504,606,846,975 bytes/s; 10 ms of it, rounded down
    assertThat(HtbTree.defaultBurst(Rate.MAX).bytes()).isEqualTo(11_529_215_046_068_469L);
  }

  /** The policy reaches the kernel objects: an interface's class carries 10 ms of floor and ceil. */
  @Test
  void anInterfaceClassCarriesTenMillisecondsOfItsFloorAndItsCeiling() {
    NetworkConfig config = NetworkConfig.builder("net", "br0")
        .inbound(Limits.averageOnly(Rate.parse("1gbit"))).build();
    HtbTree tree = HtbTree.start(config).tree()
        .plug("vm", MacAddress.parse("52:54:00:00:00:01"), Bandwidth.floor(Rate.parse("100mbit")))
        .tree();
    List<HtbClass> classes = tree.kernelObjects().stream()
        .filter(o -> o instanceof HtbClass).map(o -> (HtbClass) o)
        .filter(c -> c.rate().equals(Rate.parse("100mbit"))).toList();
    assertThat(classes).hasSize(1);
    HtbClass vm = classes.get(0);
    assertThat(vm.ceil()).isEqualTo(Rate.parse("1gbit"));
    assertThat(vm.burst()).contains(ByteSize.ofBytes(125_000));
    assertThat(vm.cburst()).contains(ByteSize.ofBytes(1_250_000));
    TcObject top = tree.kernelObjects().stream()
        .filter(o -> o instanceof HtbClass c && c.classId().equals(HtbTree.TOP_CLASS))
        .findFirst().orElseThrow();
    assertThat(((HtbClass) top).burst()).contains(ByteSize.ofBytes(1_250_000));
  }
}
