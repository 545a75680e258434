// SPDX-License-Identifier: Apache-2.0
package io.netfloor.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netfloor.InvalidValueException;
import io.netfloor.units.InterfaceName;
import io.netfloor.units.MacAddress;
import io.netfloor.units.Rate;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * Each kind of status change does to a status what its name says and nothing else, refuses what no
 * journal may hold (an empty or nested batch, inbound limits a network cannot have), and keeps its
 * own copy of what it was given.
 */
class StatusChangeTest {
  private static final InterfaceName BR = InterfaceName.of("br0");
  private static final NetworkStatus EMPTY = NetworkStatus.empty(NetworkName.of("net"), BR);

  private static PluggedInterface floored(String alias, int classMinor) {
    return new PluggedInterface(alias, MacAddress.parse(String.format("52:54:00:00:00:%02x",
        classMinor)), Bandwidth.floor(Rate.parse("1mbit")), classMinor,
        Optional.of(HtbTree.linearHandle(classMinor)));
  }

  @Test
  void aBatchAppliesItsChangesInTheirOrder() {
    PluggedInterface a = floored("a", 5);
    StatusChange set = new StatusChange.InterfaceSet(a);
    StatusChange remove = new StatusChange.InterfaceRemoved(InterfaceAlias.of("a"));

    assertThat(new StatusChange.Batch(List.of(set, remove)).applyTo(EMPTY).interfaces()).isEmpty();
    assertThat(new StatusChange.Batch(List.of(remove, set)).applyTo(EMPTY).interfaces())
        .containsExactly(java.util.Map.entry(InterfaceAlias.of("a"), a));

    // parking then taking the class leaves it assigned, not parked; the other order parks it again
    StatusChange park = new StatusChange.ClassesParked(new TreeSet<>(List.of(5, 6)));
    NetworkStatus taken = new StatusChange.Batch(List.of(park, set)).applyTo(EMPTY);
    assertThat(taken.parkedClassIds()).containsExactly(6);
    assertThat(taken.usedClassIds()).containsExactly(0, 1, 2, 5, 6);
    NetworkStatus unparked = new StatusChange.Batch(List.of(park,
        new StatusChange.ClassesUnparked(new TreeSet<>(List.of(6, 7))))).applyTo(EMPTY);
    assertThat(unparked.parkedClassIds()).containsExactly(5);
    assertThat(EMPTY.parkedClassIds()).as("the status applied to is unchanged").isEmpty();
  }

  @Test
  void aBatchIsNeverEmptyAndNeverNested() {
    assertThatThrownBy(() -> new StatusChange.Batch(List.of()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("a batch of status changes needs at least one");
    StatusChange inner = new StatusChange.Batch(List.of(new StatusChange.InterfaceRemoved(InterfaceAlias.of("a"))));
    assertThatThrownBy(() -> new StatusChange.Batch(
        List.of(new StatusChange.InterfaceRemoved(InterfaceAlias.of("b")), inner)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("batches of status changes do not nest");
  }

  @Test
  void aResizeRecordsInboundLimitsANetworkCanHave() {
    Limits limits = Limits.builder().average(Rate.parse("50mbit")).peak(Rate.parse("80mbit"))
        .build();
    NetworkStatus resized = new StatusChange.InboundResized(limits).applyTo(EMPTY);
    assertThat(resized.inbound()).contains(limits);
    assertThat(resized.interfaces()).isEmpty();

    for (Limits bad : List.of(Limits.floorOnly(Rate.parse("1mbit")),
        Limits.builder().average(Rate.parse("50mbit")).floor(Rate.parse("1mbit")).build())) {
      assertThatThrownBy(() -> new StatusChange.InboundResized(bad))
          .isInstanceOf(InvalidValueException.class)
          .hasMessage("a resize gives a network inbound limits " + bad
              + "; a network's inbound limits need an average and have no floor");
    }
  }

  @Test
  void changesKeepTheirOwnCopies() {
    SortedSet<Integer> ids = new TreeSet<>(List.of(4, 5));
    StatusChange.ClassesParked parked = new StatusChange.ClassesParked(ids);
    StatusChange.ClassesUnparked unparked = new StatusChange.ClassesUnparked(ids);
    List<StatusChange> list = new ArrayList<>(List.of(parked));
    StatusChange.Batch batch = new StatusChange.Batch(list);
    ids.add(9);
    list.add(new StatusChange.InterfaceRemoved(InterfaceAlias.of("x")));

    assertThat(parked.classIds()).containsExactly(4, 5);
    assertThat(unparked.classIds()).containsExactly(4, 5);
    assertThat(batch.changes()).containsExactly(parked);
    assertThat(batch.applyTo(EMPTY).parkedClassIds()).containsExactly(4, 5);
    assertThatThrownBy(() -> parked.classIds().add(1))
        .isInstanceOf(UnsupportedOperationException.class);
  }

  @Test
  void removingOrUnparkingWhatIsNotThereChangesNothing() {
    TreeMap<InterfaceAlias, PluggedInterface> m = new TreeMap<>();
    m.put(InterfaceAlias.of("a"), floored("a", 3));
    NetworkStatus one = new NetworkStatus(NetworkName.of("net"), BR, m, new TreeSet<>(List.of(4)));
    assertThat(new StatusChange.InterfaceRemoved(InterfaceAlias.of("b")).applyTo(one)).isEqualTo(one);
    assertThat(new StatusChange.ClassesUnparked(new TreeSet<>(List.of(3, 5))).applyTo(one))
        .isEqualTo(one);
  }
}
