// SPDX-License-Identifier: Apache-2.0
package io.netfloor.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netfloor.InvalidValueException;
import io.netfloor.plan.EtherType;
import io.netfloor.plan.HtbClass;
import io.netfloor.plan.HtbQdisc;
import io.netfloor.plan.LeafQdisc;
import io.netfloor.plan.LeafQdiscKind;
import io.netfloor.plan.TcObject;
import io.netfloor.plan.U32HashLink;
import io.netfloor.plan.U32HashTable;
import io.netfloor.plan.U32Handle;
import io.netfloor.plan.U32MacFilter;
import io.netfloor.plan.U32OwnerMark;
import io.netfloor.units.ByteSize;
import io.netfloor.units.ClassHandle;
import io.netfloor.units.InterfaceName;
import io.netfloor.units.MacAddress;
import io.netfloor.units.Rate;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

/**
 * The kernel objects a tree stands for, written out by hand from the documented policy (10 ms
 * bursts, quantum = rate ÷ r2q clamped to 1600..200000 bytes, class ceilings capped by the
 * network's and never below the floor, the default class taking what the floors leave), so that a
 * change of the policy fails here and not only on real traffic.
 */
class HtbTreeKernelObjectsTest {
  private static final InterfaceName BR = InterfaceName.of("br0");
  private static final ClassHandle Q = ClassHandle.qdisc(1);
  private static final MacAddress MAC_A = MacAddress.parse("52:54:00:00:00:2a");
  private static final MacAddress MAC_B = MacAddress.parse("52:54:00:00:01:2b");

  private static Rate r(String text) {
    return Rate.parse(text);
  }

  private static NetworkConfig config() {
    return NetworkConfig.builder("net", "br0")
        .inbound(Limits.builder().average(r("100mbit")).peak(r("200mbit")).build())
        .trafficMatch(TrafficMatch.IPV4_ONLY).build();
  }

  private static HtbClass htbClass(int minor, int parentMinor, String rate, String ceil,
      long burst, long cburst, long quantum) {
    return new HtbClass(BR, ClassHandle.of(1, minor),
        parentMinor == 0 ? Q : ClassHandle.of(1, parentMinor), r(rate), r(ceil),
        Optional.of(ByteSize.ofBytes(burst)), Optional.of(ByteSize.ofBytes(cburst)), quantum, 0);
  }

  @Test
  void aNetworkWithTwoFlooredInterfacesIsTheseObjects() {
    HtbTree tree = HtbTree.empty(config())
        .plug("a", MAC_A, Bandwidth.inboundOnly(Limits.builder().average(r("300mbit"))
            .peak(r("500mbit")).floor(r("10mbit")).build())).tree()
        .plug("b", MAC_B, Bandwidth.inboundOnly(Limits.builder().average(r("50mbit"))
            .floor(r("5mbit")).build())).tree();
    int a = tree.interfaces().get("a").classMinor();
    int b = tree.interfaces().get("b").classMinor();
    assertThat(a).isEqualTo(3);
    assertThat(b).isEqualTo(4);

    List<TcObject> expected = List.of(
        new HtbQdisc(BR, Q, ClassHandle.ROOT, 2, 10, OptionalInt.empty()),
        new U32OwnerMark(BR, Q, 2, EtherType.IPV4, true, "net"),
        // 1:1: average and peak of the network, 10 ms of each, the inner quantum
        htbClass(1, 0, "100mbit", "200mbit", 125_000, 250_000, 1600),
        // 1:2: what the floors leave; burst from the capacity, not the moving rate; quantum capped
        htbClass(2, 1, "85mbit", "200mbit", 125_000, 250_000, 200_000),
        LeafQdisc.of(BR, ClassHandle.qdisc(2), ClassHandle.of(1, 2), LeafQdiscKind.FQ_CODEL),
        new U32HashTable(BR, Q, 2, EtherType.IPV4, 0x10, 256),
        new U32HashLink(BR, Q, 2, EtherType.IPV4, U32Handle.of(0x800, 0, 0x800), 0x10, -12, 0xff),
        // a: the first node of its MAC's bucket is the top one; its own peak capped by the network's 200mbit; 1,250,000 B/s ÷ 10 = 125,000 quantum
        htbClass(3, 1, "10mbit", "200mbit", 12_500, 250_000, 125_000),
        LeafQdisc.of(BR, ClassHandle.qdisc(3), ClassHandle.of(1, 3), LeafQdiscKind.FQ_CODEL),
        new U32MacFilter(BR, Q, 2, EtherType.IPV4, U32Handle.of(0x10, 0x2a, 0xfff), true, MAC_A,
            OptionalInt.of(EtherType.IPV4), ClassHandle.of(1, 3)),
        // b: its own average is its ceiling; 625,000 B/s ÷ 10 = 62,500
        htbClass(4, 1, "5mbit", "50mbit", 6_250, 62_500, 62_500),
        LeafQdisc.of(BR, ClassHandle.qdisc(4), ClassHandle.of(1, 4), LeafQdiscKind.FQ_CODEL),
        new U32MacFilter(BR, Q, 2, EtherType.IPV4, U32Handle.of(0x10, 0x2b, 0xfff), true, MAC_B,
            OptionalInt.of(EtherType.IPV4), ClassHandle.of(1, 4)));
    assertThat(tree.kernelObjects()).containsExactlyElementsOf(expected);
    assertThat(tree.floorSum()).isEqualTo(r("15mbit"));
    assertThat(tree.defaultClassRate()).isEqualTo(r("85mbit"));
    assertThat(tree.remainingCapacity()).contains(r("85mbit"));
  }

  @Test
  void aClassCeilingIsTheOwnPeakElseAverageCappedByTheNetworkAndNeverBelowTheFloor() {
    HtbTree tree = HtbTree.empty(config());
    assertThat(tree.ceilingOf(plugged(Bandwidth.floor(r("1mbit"))))).isEqualTo(r("200mbit"));
    assertThat(tree.ceilingOf(plugged(Bandwidth.inboundOnly(Limits.builder().average(r("3mbit"))
        .peak(r("7mbit")).floor(r("1mbit")).build())))).isEqualTo(r("7mbit"));
    assertThat(tree.ceilingOf(plugged(Bandwidth.inboundOnly(Limits.builder().average(r("1gbit"))
        .floor(r("1mbit")).build())))).isEqualTo(r("200mbit"));
    assertThat(tree.ceilingOf(plugged(Bandwidth.floor(r("300mbit"))))).as("never below the floor")
        .isEqualTo(r("300mbit"));

    HtbTree noInbound = HtbTree.empty(NetworkConfig.builder("net", "br0").build());
    assertThat(noInbound.ceilingOf(plugged(Bandwidth.NONE))).isEqualTo(Rate.ZERO);
    assertThat(noInbound.remainingCapacity()).isEmpty();
  }

  private static PluggedInterface plugged(Bandwidth bandwidth) {
    return new PluggedInterface("x", MAC_A, bandwidth, bandwidth.hasFloor() ? 3 : 0,
        bandwidth.hasFloor() ? Optional.of(U32Handle.of(0x10, 0x2a, 1)) : Optional.empty());
  }

  @Test
  void theDefaultClassKeepsItsMinimumWhenTheFloorsTakeEverything() {
    HtbTree full = HtbTree.empty(config()).plug("a", MAC_A, Bandwidth.floor(r("100mbit"))).tree();
    assertThat(full.remainingCapacity()).contains(Rate.ZERO);
    assertThat(full.defaultClassRate()).isEqualTo(HtbTree.MIN_DEFAULT_RATE);
    HtbTree almost = HtbTree.empty(config())
        .plug("a", MAC_A, Bandwidth.floor(Rate.ofBitsPerSecond(100_000_000 - 5_000))).tree();
    assertThat(almost.defaultClassRate()).isEqualTo(HtbTree.MIN_DEFAULT_RATE);
    HtbTree roomy = HtbTree.empty(config())
        .plug("a", MAC_A, Bandwidth.floor(Rate.ofBitsPerSecond(100_000_000 - 9_000))).tree();
    assertThat(roomy.defaultClassRate()).isEqualTo(Rate.ofBitsPerSecond(9_000));
  }

  @Test
  void theQuantumIsTheRateOverR2qWithinTheKernelsQuietRange() {
    assertThat(HtbTree.quantumFor(r("1mbit"), 10)).isEqualTo(12_500); // 125,000 B/s ÷ 10
    assertThat(HtbTree.quantumFor(r("1mbit"), 100)).isEqualTo(1600); // 1,250 → the minimum
    assertThat(HtbTree.quantumFor(Rate.ofBytesPerSecond(16_000), 10)).isEqualTo(1600);
    assertThat(HtbTree.quantumFor(Rate.ofBytesPerSecond(16_010), 10)).isEqualTo(1601);
    assertThat(HtbTree.quantumFor(Rate.ofBytesPerSecond(2_000_000), 10)).isEqualTo(200_000);
    assertThat(HtbTree.quantumFor(Rate.ofBytesPerSecond(2_000_010), 10)).isEqualTo(200_000);
    assertThat(HtbTree.quantumFor(Rate.ofBytesPerSecond(1_999_990), 10)).isEqualTo(199_999);
    assertThat(HtbTree.quantumFor(Rate.ofBytesPerSecond(100_000), 1)).isEqualTo(100_000);
  }

  @Test
  void parkingNeedsATreeAndACountThatIsNotNegative() {
    HtbTree tree = HtbTree.empty(config());
    assertThatThrownBy(() -> tree.park(-1)).isInstanceOf(InvalidValueException.class)
        .hasMessageContaining("-1");
    assertThatThrownBy(() -> tree.releaseParked(-1)).isInstanceOf(InvalidValueException.class)
        .hasMessageContaining("-1");
    HtbTree noInbound = HtbTree.empty(NetworkConfig.builder("net", "br0").build());
    assertThatThrownBy(() -> noInbound.park(1)).isInstanceOf(InvalidValueException.class)
        .hasMessageContaining("'net'");
    assertThat(tree.park(0).tree()).isEqualTo(tree);
    assertThat(tree.park(0).plan().ops()).isEmpty();

    HtbTree parked = tree.park(3).tree();
    assertThat(parked.parkedClassIds()).containsExactly(3, 4, 5);
    assertThat(parked.kernelObjects()).contains(
        new HtbClass(BR, ClassHandle.of(1, 4), ClassHandle.of(1, 1), HtbTree.PARKED_RATE,
            HtbTree.PARKED_RATE, Optional.empty(), Optional.empty(), 1600, 0),
        LeafQdisc.of(BR, ClassHandle.qdisc(4), ClassHandle.of(1, 4), LeafQdiscKind.FQ_CODEL));
    HtbTree released = parked.releaseParked(2).tree();
    assertThat(released.parkedClassIds()).as("highest first").containsExactly(3);
    assertThat(released.classIds().isUsed(4)).isFalse();
    assertThat(parked.releaseParked(10).tree().parkedClassIds()).isEmpty();
    assertThat(parked.releaseParked(10).tree()).isEqualTo(tree);
  }

  @Test
  void aTreeIsPlacedWhereTheKernelHasItAndStaysEqual() {
    HtbTree tree = HtbTree.empty(config()).plug("a", MAC_A, Bandwidth.floor(r("1mbit"))).tree();
    assertThat(tree.placement()).isEqualTo(KernelPlacement.DEFAULT);
    assertThat(tree.withPlacement(KernelPlacement.DEFAULT)).isSameAs(tree);
    KernelPlacement elsewhere = new KernelPlacement(false, 7, 0x803);
    HtbTree placed = tree.withPlacement(elsewhere);
    assertThat(placed.placement()).isEqualTo(elsewhere);
    assertThat(placed.interfaces()).isEqualTo(tree.interfaces());
    assertThat(placed.hashLinkHandle()).isEqualTo(U32Handle.of(0x803, 0, 0x800));
    assertThat(placed.kernelObjects()).noneMatch(o -> o instanceof HtbQdisc);
    assertThat(placed.kernelObjects()).contains(new U32OwnerMark(BR, Q, 7, EtherType.IPV4, false,
        "net"));
    assertThatThrownBy(() -> tree.withPlacement(null)).isInstanceOf(NullPointerException.class);

    assertThat(tree.find("a")).contains(tree.interfaces().get("a"));
    assertThat(tree.find("z")).isEmpty();
    assertThatThrownBy(() -> tree.interfaces().remove("a"))
        .isInstanceOf(UnsupportedOperationException.class);
    assertThatThrownBy(() -> tree.parkedClassIds().add(9))
        .isInstanceOf(UnsupportedOperationException.class);
    assertThat(tree.toString()).contains("net", "br0", "interfaces=1");
    // trees are equal exactly when they hold the same interfaces and parked classes
    HtbTree other = HtbTree.empty(config()).plug("a", MAC_B, Bandwidth.floor(r("1mbit"))).tree();
    assertThat(other).isNotEqualTo(tree);
    assertThat(HtbTree.empty(config()).park(1).tree()).isNotEqualTo(HtbTree.empty(config()));
    HtbTree same = HtbTree.empty(config()).plug("a", MAC_A, Bandwidth.floor(r("1mbit"))).tree();
    assertThat(same).isEqualTo(tree).hasSameHashCodeAs(tree);
  }
}
