// SPDX-License-Identifier: Apache-2.0
package io.netfloor.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netfloor.AdmissionException;
import io.netfloor.InvalidBandwidthException;
import io.netfloor.InvalidValueException;
import io.netfloor.units.Rate;
import org.junit.jupiter.api.Test;

/**
 * Admission on its own, both directions: a floor fits exactly when the others' floors plus it stay
 * at most the direction's capacity; the floor it replaces does not count; refusals name the rates.
 */
class AdmissionTest {
  private static final NetworkConfig BOTH = NetworkConfig.builder("net", "br0")
      .inbound(Limits.builder().average(mbit(100)).peak(mbit(150)).build())
      .outbound(Limits.builder().average(mbit(40)).peak(mbit(60)).build())
      .outboundFloors(OutboundFloorPlacement.bridgeIngress()).build();
  private static final NetworkConfig NONE = NetworkConfig.builder("net", "br0").build();

  private static Rate mbit(long m) {
    return Rate.ofMegabits(m);
  }

  @Test
  void aFloorFillingTheCapacityExactlyIsAdmittedAndOneBitMoreIsNot() {
    for (Direction d : Direction.values()) {
      Rate capacity = BOTH.floorCapacity(d).orElseThrow();
      Rate others = mbit(10);
      Rate left = capacity.minus(others);
      assertThat(Admission.admit(BOTH, d, others, "a", left, Rate.ZERO)).as(d.name())
          .isEqualTo(capacity);
      Rate tooMuch = left.plus(Rate.ofBitsPerSecond(1));
      assertThatThrownBy(() -> Admission.admit(BOTH, d, others, "a", tooMuch, Rate.ZERO))
          .as(d.name()).isInstanceOfSatisfying(AdmissionException.class, e -> {
            assertThat(e.interfaceAlias()).isEqualTo("a");
            assertThat(e.requestedFloor()).isEqualTo(tooMuch);
            assertThat(e.allottedFloors()).isEqualTo(others);
            assertThat(e.capacity()).isEqualTo(capacity);
          });
    }
  }

  @Test
  void theCapacityIsTheAverageByDefaultInBothDirections() {
    assertThat(BOTH.floorCapacity(Direction.INBOUND)).contains(mbit(100));
    assertThat(BOTH.floorCapacity(Direction.OUTBOUND)).contains(mbit(40));
    assertThatThrownBy(() -> Admission.admit(BOTH, Direction.OUTBOUND, Rate.ZERO, "a", mbit(41),
        Rate.ZERO)).isInstanceOf(AdmissionException.class).hasMessageContaining("outbound");
  }

  @Test
  void theFloorBeingReplacedIsNotCountedAgainstItsSuccessor() {
    // the sum 100 holds the interface's own 60 (others 40): it may keep 60 or drop to 20
    assertThat(Admission.admit(BOTH, Direction.INBOUND, mbit(100), "a", mbit(60), mbit(60)))
        .isEqualTo(mbit(100));
    assertThat(Admission.admit(BOTH, Direction.INBOUND, mbit(100), "a", mbit(20), mbit(60)))
        .isEqualTo(mbit(60));
    // the sum 100 holds its 40 (others 60): 41 would be 101
    assertThatThrownBy(() -> Admission.admit(BOTH, Direction.INBOUND, mbit(100), "a", mbit(41),
        mbit(40))).isInstanceOf(AdmissionException.class);
  }

  @Test
  void aFloorNearTheLargestRateIsRefusedWithoutOverflow() {
    assertThatThrownBy(() -> Admission.admit(BOTH, Direction.INBOUND, mbit(10), "a", Rate.MAX,
        Rate.ZERO)).isInstanceOf(AdmissionException.class);
  }

  @Test
  void aNetworkWithoutFloorsInADirectionRefusesEveryFloorThere() {
    assertThatThrownBy(() -> Admission.admit(NONE, Direction.INBOUND, Rate.ZERO, "a", mbit(1),
        Rate.ZERO)).isInstanceOfSatisfying(AdmissionException.class,
            e -> assertThat(e.capacity()).isEqualTo(Rate.ZERO))
        .hasMessageContaining("no inbound bandwidth");
    NetworkConfig inboundOnly = NetworkConfig.builder("net", "br0")
        .inbound(Limits.averageOnly(mbit(100))).outbound(Limits.averageOnly(mbit(100))).build();
    assertThatThrownBy(() -> Admission.admit(inboundOnly, Direction.OUTBOUND, Rate.ZERO, "a",
        mbit(1), Rate.ZERO)).isInstanceOf(AdmissionException.class)
        .hasMessageContaining("guarantees no outbound floors");
  }

  @Test
  void aPriorityNeedsTheInboundTreeUnlessAFloorIsAlsoAsked() {
    Bandwidth priorityOnly = Bandwidth.NONE.withPriority(Priority.of(3));
    assertThatThrownBy(() -> Admission.requirePriorityFits(NONE, "a", priorityOnly))
        .isInstanceOf(InvalidBandwidthException.class).hasMessageContaining("priority");
    Admission.requirePriorityFits(BOTH, "a", priorityOnly); // the tree exists
  }

  @Test
  void aResizeMustKeepRoomForTheGrantedFloors() {
    Admission.requireCapacityHolds(BOTH, mbit(50), mbit(50));
    assertThatThrownBy(() -> Admission.requireCapacityHolds(BOTH, mbit(50), mbit(49)))
        .isInstanceOf(AdmissionException.class);
  }

  @Test
  void recordedFloorsAreSummedWithoutOverflowAndMustFitTheNetworkAsConfiguredNow() {
    assertThat(Admission.addRecorded(Direction.INBOUND, mbit(1), mbit(2), "a")).isEqualTo(mbit(3));
    assertThatThrownBy(() -> Admission.addRecorded(Direction.OUTBOUND, Rate.MAX, mbit(1), "a"))
        .isInstanceOf(InvalidValueException.class).hasMessageContaining("outbound");
    Admission.requireRecordedFits(BOTH, Direction.OUTBOUND, mbit(40));
    assertThatThrownBy(() -> Admission.requireRecordedFits(BOTH, Direction.OUTBOUND, mbit(41)))
        .isInstanceOf(InvalidValueException.class).hasMessageContaining("outbound");
    assertThatThrownBy(() -> Admission.requireRecordedFits(BOTH, Direction.INBOUND, mbit(101)))
        .isInstanceOf(InvalidValueException.class).hasMessageContaining("inbound");
    Admission.requireRecordedFits(NONE, Direction.INBOUND, mbit(1)); // no capacity: nothing to fit
  }
}
