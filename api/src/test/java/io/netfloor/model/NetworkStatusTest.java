// SPDX-License-Identifier: Apache-2.0
package io.netfloor.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netfloor.InvalidBandwidthException;
import io.netfloor.InvalidValueException;
import io.netfloor.units.InterfaceName;
import io.netfloor.units.MacAddress;
import io.netfloor.units.Rate;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * A network's status is what a store keeps across restarts: it must refuse what no tree can hold,
 * derive the floor sum and used class ids from its interfaces, turn back into the tree it came from,
 * and describe a tree change as records whose every prefix is a consistent status.
 */
class NetworkStatusTest {
  private static final InterfaceName BR = InterfaceName.of("br0");
  private static final Rate MBIT = Rate.parse("1mbit");

  private static NetworkConfig config() {
    return NetworkConfig.builder("net", "br0").inbound(Limits.averageOnly(Rate.parse("1gbit")))
        .build();
  }

  private static MacAddress mac(int i) {
    return MacAddress.parse(String.format("52:54:00:00:00:%02x", i));
  }

  private static PluggedInterface floored(String alias, int i, Rate floor, int classMinor) {
    return new PluggedInterface(alias, mac(i), Bandwidth.floor(floor), classMinor,
        Optional.of(HtbTree.linearHandle(classMinor)));
  }

  private static PluggedInterface unfloored(String alias, int i) {
    return new PluggedInterface(alias, mac(i), Bandwidth.NONE, 0, Optional.empty());
  }

  private static NetworkStatus status(Set<Integer> parked, PluggedInterface... ifaces) {
    TreeMap<InterfaceAlias, PluggedInterface> m = new TreeMap<>();
    for (PluggedInterface p : ifaces) {
      m.put(p.alias(), p);
    }
    return new NetworkStatus(NetworkName.of("net"), BR, m, new TreeSet<>(parked));
  }

  @Test
  void recordedInboundLimitsNeedAnAverageAndNoFloor() {
    NetworkStatus plain = NetworkStatus.empty(NetworkName.of("net"), BR);
    assertThat(plain.inbound()).isEmpty();
    Limits average = Limits.averageOnly(MBIT);
    assertThat(plain.withInbound(Optional.of(average)).inbound()).contains(average);
    assertThatThrownBy(() -> plain.withInbound(Optional.of(Limits.floorOnly(MBIT))))
        .isInstanceOf(InvalidValueException.class).hasMessageContaining("need an average");
    Limits withFloor = Limits.builder().average(MBIT).floor(MBIT).build();
    assertThatThrownBy(() -> plain.withInbound(Optional.of(withFloor)))
        .isInstanceOf(InvalidValueException.class).hasMessageContaining("'net'");
    assertThatThrownBy(() -> new NetworkStatus(NetworkName.of("net"), BR, new TreeMap<>(), new TreeSet<>(), null))
        .isInstanceOf(NullPointerException.class);
    assertThatThrownBy(() -> NetworkStatus.empty(NetworkName.of("net"), null))
        .isInstanceOf(NullPointerException.class);
    assertThatThrownBy(() -> NetworkStatus.empty(NetworkName.of("bad name!"), BR))
        .isInstanceOf(InvalidValueException.class);
  }

  @Test
  void anInterfaceMustBeFiledUnderItsAliasAndTheCollectionsAreCopies() {
    TreeMap<InterfaceAlias, PluggedInterface> m = new TreeMap<>();
    m.put(InterfaceAlias.of("other"), unfloored("a", 1));
    assertThatThrownBy(() -> new NetworkStatus(NetworkName.of("net"), BR, m, new TreeSet<>()))
        .isInstanceOf(InvalidValueException.class).hasMessageContaining("'a'")
        .hasMessageContaining("'other'");

    TreeMap<InterfaceAlias, PluggedInterface> given = new TreeMap<>();
    given.put(InterfaceAlias.of("a"), unfloored("a", 1));
    TreeSet<Integer> parked = new TreeSet<>(List.of(5));
    NetworkStatus s = new NetworkStatus(NetworkName.of("net"), BR, given, parked);
    given.put(InterfaceAlias.of("b"), unfloored("b", 2));
    parked.add(6);
    assertThat(s.interfaces()).containsOnlyKeys(InterfaceAlias.of("a"));
    assertThat(s.parkedClassIds()).containsExactly(5);
    assertThatThrownBy(() -> s.parkedClassIds().add(7))
        .isInstanceOf(UnsupportedOperationException.class);
  }

  @Test
  void theFloorSumAddsTheFloorsAndRefusesAnOverflow() {
    assertThat(NetworkStatus.empty(NetworkName.of("net"), BR).floorSum()).isEqualTo(Rate.ZERO);
    NetworkStatus s = status(Set.of(), floored("a", 1, MBIT, 3), unfloored("b", 2),
        floored("c", 3, Rate.parse("2mbit"), 4));
    assertThat(s.floorSum()).isEqualTo(Rate.parse("3mbit"));

    Rate half = Rate.ofBitsPerSecond(Long.MAX_VALUE / 2 + 1);
    NetworkStatus huge = status(Set.of(), floored("a", 1, half, 3), floored("b", 2, half, 4));
    assertThatThrownBy(huge::floorSum).isInstanceOf(InvalidBandwidthException.class)
        .hasMessageContaining("'b'");
    NetworkStatus justFits = status(Set.of(), floored("a", 1, half, 3),
        floored("b", 2, Rate.ofBitsPerSecond(Long.MAX_VALUE / 2), 4));
    assertThat(justFits.floorSum()).isEqualTo(Rate.MAX);
  }

  @Test
  void usedClassIdsAreTheReservedOnesTheFloorClassesAndTheParkedOnes() {
    NetworkStatus s = status(Set.of(9, 4), floored("a", 1, MBIT, 3), unfloored("b", 2),
        floored("c", 3, MBIT, 7));
    assertThat(s.usedClassIds()).containsExactly(0, 1, 2, 3, 4, 7, 9);
    assertThat(NetworkStatus.empty(NetworkName.of("net"), BR).usedClassIds()).containsExactly(0, 1, 2);
    assertThatThrownBy(() -> s.usedClassIds().add(10))
        .isInstanceOf(UnsupportedOperationException.class);
  }

  @Test
  void withInterfaceRecordsItAndTakesItsClassOutOfTheParkedSet() {
    Limits resized = Limits.averageOnly(MBIT);
    NetworkStatus s = status(Set.of(3, 4), floored("a", 1, MBIT, 5))
        .withInbound(Optional.of(resized));
    NetworkStatus taken = s.withInterface(floored("b", 2, MBIT, 3));
    assertThat(taken.parkedClassIds()).containsExactly(4);
    assertThat(taken.interfaces()).containsOnlyKeys(InterfaceAlias.of("a"), InterfaceAlias.of("b"));
    assertThat(taken.inbound()).contains(resized);
    assertThat(s.interfaces()).as("unchanged").containsOnlyKeys(InterfaceAlias.of("a"));
    assertThat(s.parkedClassIds()).containsExactly(3, 4);

    NetworkStatus replaced = taken.withInterface(unfloored("a", 9));
    assertThat(replaced.interfaces().get(InterfaceAlias.of("a")).mac()).isEqualTo(mac(9));
    assertThat(replaced.parkedClassIds()).containsExactly(4);

    NetworkStatus removed = replaced.withoutInterface(InterfaceAlias.of("b"));
    assertThat(removed.interfaces()).containsOnlyKeys(InterfaceAlias.of("a"));
    assertThat(removed.parkedClassIds()).as("a removed class is free, not parked")
        .containsExactly(4);
    assertThat(removed.inbound()).contains(resized);
    assertThat(removed.withoutInterface(InterfaceAlias.of("nobody"))).isEqualTo(removed);

    NetworkStatus parked = removed.withParked(List.of(8, 9), true);
    assertThat(parked.parkedClassIds()).containsExactly(4, 8, 9);
    assertThat(parked.inbound()).contains(resized);
    NetworkStatus unparked = parked.withParked(List.of(4, 9), false);
    assertThat(unparked.parkedClassIds()).containsExactly(8);
    assertThat(unparked.inbound()).contains(resized);
  }

  @Test
  void aStatusTurnsBackIntoTheTreeItCameFromAndOnlyUnderItsOwnNetwork() {
    HtbTree tree = HtbTree.empty(config()).park(2).tree();
    tree = tree.plug("a", mac(1), Bandwidth.floor(MBIT)).tree();
    tree = tree.plug("b", mac(2), Bandwidth.NONE).tree();
    NetworkStatus s = NetworkStatus.of(tree);
    assertThat(s.network()).isEqualTo(NetworkName.of("net"));
    assertThat(s.bridge()).isEqualTo(BR);
    assertThat(s.interfaces().values()).containsExactlyInAnyOrderElementsOf(tree.interfaces().values());
    assertThat(s.parkedClassIds()).isEqualTo(tree.parkedClassIds());
    assertThat(s.toTree(config())).isEqualTo(tree);

    NetworkConfig otherName = NetworkConfig.builder("other", "br0")
        .inbound(Limits.averageOnly(Rate.parse("1gbit"))).build();
    NetworkConfig otherBridge = NetworkConfig.builder("net", "br1")
        .inbound(Limits.averageOnly(Rate.parse("1gbit"))).build();
    assertThatThrownBy(() -> s.toTree(otherName)).isInstanceOf(InvalidValueException.class)
        .hasMessageContaining("'net'").hasMessageContaining("'other'");
    assertThatThrownBy(() -> s.toTree(otherBridge)).isInstanceOf(InvalidValueException.class)
        .hasMessageContaining("br1");
  }

  @Test
  void recordedInboundLimitsTakeThePlaceOfTheConfigs() {
    NetworkConfig config = config();
    NetworkStatus s = NetworkStatus.empty(NetworkName.of("net"), BR);
    assertThat(s.applyInbound(config)).isSameAs(config);
    Limits same = config.bandwidth().inbound().orElseThrow();
    assertThat(s.withInbound(Optional.of(same)).applyInbound(config)).isSameAs(config);

    Limits resized = Limits.averageOnly(Rate.parse("500mbit"));
    NetworkConfig applied = s.withInbound(Optional.of(resized)).applyInbound(config);
    assertThat(applied.bandwidth().inbound()).contains(resized);
    assertThat(applied.toBuilder().inbound(same).build()).isEqualTo(config);
    assertThat(s.withInbound(Optional.of(resized)).toTree(config).config()).isEqualTo(applied);
  }

  @Test
  void aPlugIsOneRecordEvenWhenItTakesAParkedClass() {
    HtbTree before = HtbTree.empty(config()).park(2).tree();
    TreeChange plug = before.plug("a", mac(1), Bandwidth.floor(MBIT));
    PluggedInterface a = plug.tree().interfaces().get("a");
    assertThat(before.parkedClassIds()).contains(a.classMinor());
    assertThat(plug.records()).containsExactly(new StatusChange.InterfaceSet(a));
    assertReplays(before, plug);

    TreeChange noParked = HtbTree.empty(config()).plug("a", mac(1), Bandwidth.floor(MBIT));
    assertThat(noParked.records())
        .containsExactly(new StatusChange.InterfaceSet(noParked.tree().interfaces().get("a")));
  }

  @Test
  void anUnplugAndAChangeOfNothingAreWhatTheyAre() {
    HtbTree plugged = HtbTree.empty(config()).plug("a", mac(1), Bandwidth.floor(MBIT)).tree();
    TreeChange unplug = plugged.unplug("a");
    assertThat(unplug.records().get(0)).isEqualTo(new StatusChange.InterfaceRemoved("a"));
    assertReplays(plugged, unplug);

    assertThat(plugged.update("a", Bandwidth.floor(MBIT)).records()).isEmpty();
  }

  @Test
  void parkingAndReleasingAreOneRecordOfTheClassesMoved() {
    HtbTree empty = HtbTree.empty(config());
    TreeChange park = empty.park(3);
    assertThat(park.records())
        .containsExactly(new StatusChange.ClassesParked(park.tree().parkedClassIds()));
    HtbTree parked = park.tree();
    TreeChange release = parked.releaseParked(2);
    SortedSet<Integer> gone = new TreeSet<>(parked.parkedClassIds());
    gone.removeAll(release.tree().parkedClassIds());
    assertThat(gone).hasSize(2);
    assertThat(release.records()).containsExactly(new StatusChange.ClassesUnparked(gone));
  }

  @Test
  void changesInARowBesideBulkParksReplayToTheLastTree() {
    HtbTree before = HtbTree.empty(config()).park(1).tree();
    TreeChange plug = before.plug("a", mac(1), Bandwidth.floor(MBIT));
    TreeChange park = plug.tree().park(3);
    assertReplays(before, plug, park);
    assertThat(park.records()).hasSize(1).first().isInstanceOf(StatusChange.ClassesParked.class);

    // and the other way: an unplug beside a release of other parked classes
    TreeChange unplug = park.tree().unplug("a");
    assertReplays(park.tree(), unplug, unplug.tree().releaseParked(2));
    HtbTree moreParked = HtbTree.empty(config()).plug("a", mac(1), Bandwidth.floor(MBIT)).tree();
    TreeChange parkMore = moreParked.park(2);
    assertReplays(moreParked, parkMore, parkMore.tree().unplug("a"));
  }

  @Test
  void everyPrefixOfAChangeFromALongSessionIsAConsistentStatus() {
    HtbTree tree = HtbTree.empty(config()).park(4).tree();
    for (int i = 1; i <= 8; i++) {
      String alias = "if" + i;
      TreeChange plug = i % 3 == 0 ? tree.plug(alias, mac(i), Bandwidth.NONE)
          : tree.plug(alias, mac(i), Bandwidth.floor(MBIT));
      assertReplays(tree, plug);
      tree = plug.tree();
    }
    for (String alias : List.of("if2", "if3", "if7")) {
      TreeChange unplug = tree.unplug(alias);
      assertReplays(tree, unplug);
      tree = unplug.tree();
    }
    TreeChange update = tree.update("if1", Bandwidth.floor(Rate.parse("5mbit")));
    assertReplays(tree, update);
    TreeChange noFloor = update.tree().update("if4", Bandwidth.NONE);
    assertReplays(update.tree(), noFloor);
    assertReplays(noFloor.tree(), noFloor.tree().update("if4", Bandwidth.floor(MBIT)));
  }

  /**
   * Replaying the changes' records, in order, on the status of {@code before} gives the status of
   * the last change's tree, and no prefix holds an id both parked and assigned.
   */
  private static void assertReplays(HtbTree before, TreeChange... changes) {
    NetworkStatus s = NetworkStatus.of(before);
    for (TreeChange change : changes) {
      for (StatusChange c : change.records()) {
        s = c.applyTo(s);
        Set<Integer> assigned = new HashSet<>();
        s.interfaces().values().forEach(p -> assigned.add(p.classMinor()));
        assigned.retainAll(s.parkedClassIds());
        assertThat(assigned).as("ids both parked and assigned after %s", c).isEmpty();
      }
    }
    assertThat(s).isEqualTo(NetworkStatus.of(changes[changes.length - 1].tree()));
  }
}
