// SPDX-License-Identifier: Apache-2.0
package io.netfloor.persistence;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import io.netfloor.model.Bandwidth;
import io.netfloor.model.ClassStrategy;
import io.netfloor.model.FilterLayout;
import io.netfloor.model.HtbTree;
import io.netfloor.model.Limits;
import io.netfloor.model.NetworkConfig;
import io.netfloor.model.NetworkStatus;
import io.netfloor.model.PluggedInterface;
import io.netfloor.model.StatusChange;
import io.netfloor.model.TreeChange;
import io.netfloor.units.InterfaceName;
import io.netfloor.units.MacAddress;
import io.netfloor.units.Rate;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

/**
 * A crash may stop the host between any two status records of one change. For every kind of
 * change, in every class strategy and filter layout, every prefix of the records the change makes
 * (its {@link TreeChange#records()}, in their order, as the engine appends them one by one)
 * is written through a {@link FileStatusStore}, read back by a fresh store, and must restore a
 * valid tree: no class id both parked and assigned, floors within the capacity. The whole sequence
 * gives exactly the tree after the change. Records in the wrong order (a parked id recorded before
 * the interface that held it is gone) fail here deterministically, not only in a random crash.
 */
class ChangeRecordPrefixTest {
  private static final String NET = "net";
  private static final Rate CAPACITY = Rate.parse("100mbit");

  @TempDir Path tmp;

  /** One change of a tree. */
  record Transition(String name, Function<HtbTree, TreeChange> apply) {
    @Override
    public String toString() {
      return name;
    }
  }

  private static MacAddress mac(int i) {
    return MacAddress.parse(String.format("52:54:00:00:01:%02x", i));
  }

  private static Bandwidth floor(String rate) {
    return Bandwidth.floor(Rate.parse(rate));
  }

  private static NetworkConfig config(ClassStrategy strategy, FilterLayout layout) {
    return NetworkConfig.builder(NET, "br0").inbound(Limits.averageOnly(CAPACITY))
        .classStrategy(strategy).filterLayout(layout).build();
  }

  /**
   * A tree with interfaces with and without floors, one with its own device, and parked classes
   * (in the pool strategy a plug takes one of those).
   */
  private static HtbTree base(NetworkConfig config) {
    HtbTree t = HtbTree.start(config).tree();
    t = t.plug("a", mac(1), floor("10mbit")).tree();
    t = t.plug("b", mac(2), floor("20mbit")).tree();
    t = t.plug("c", mac(3), Bandwidth.NONE).tree();
    t = t.plug("d", mac(4), Optional.of(InterfaceName.of("vnet4")), floor("5mbit")).tree();
    return t.park(3).tree();
  }

  private static List<Transition> transitions() {
    return List.of(
        new Transition("plug with floor", t -> t.plug("n", mac(9), floor("30mbit"))),
        new Transition("plug with device",
            t -> t.plug("n", mac(9), Optional.of(InterfaceName.of("vnet9")), floor("1mbit"))),
        new Transition("plug without floor", t -> t.plug("n", mac(9), Bandwidth.NONE)),
        new Transition("unplug with floor", t -> t.unplug("a")),
        new Transition("unplug with device", t -> t.unplug("d")),
        new Transition("unplug without floor", t -> t.unplug("c")),
        new Transition("update floor up", t -> t.update("a", floor("40mbit"))),
        new Transition("update floor removed", t -> t.update("b", Bandwidth.NONE)),
        new Transition("update floor given", t -> t.update("c", floor("2mbit"))),
        new Transition("update floor removed with device", t -> t.update("d", Bandwidth.NONE)),
        new Transition("changeMac with floor", t -> t.changeMac("a", mac(0x77))),
        new Transition("changeMac without floor", t -> t.changeMac("c", mac(0x78))),
        new Transition("park", t -> t.park(4)),
        new Transition("releaseParked", t -> t.releaseParked(2)),
        new Transition("releaseParked all", t -> t.releaseParked(100)),
        new Transition("resize", t -> t.resize(Limits.averageOnly(Rate.parse("40mbit")))));
  }

  @TestFactory
  Stream<DynamicTest> everyPrefixOfAChangesRecordsRestoresAValidTree() {
    List<DynamicTest> out = new ArrayList<>();
    for (ClassStrategy s : ClassStrategy.values()) {
      for (FilterLayout l : FilterLayout.values()) {
        for (Transition t : transitions()) {
          out.add(DynamicTest.dynamicTest(s + " " + l + ": " + t, () -> check(s, l, t)));
        }
      }
    }
    return out.stream();
  }

  private void check(ClassStrategy strategy, FilterLayout layout, Transition transition)
      throws Exception {
    NetworkConfig config = config(strategy, layout);
    HtbTree before = base(config);
    TreeChange change = transition.apply().apply(before);
    HtbTree after = change.tree();
    List<StatusChange> records = change.records();
    assertThat(records).as("the change is recorded").isNotEmpty();
    for (int k = 0; k <= records.size(); k++) {
      Path dir = Files.createDirectory(tmp.resolve(
          strategy + "-" + layout + "-" + transition.name().replace(' ', '-') + "-" + k));
      try (FileStatusStore store = FileStatusStore.open(dir)) {
        store.save(NetworkStatus.of(before));
        for (StatusChange c : records.subList(0, k)) {
          store.record(NET, c);
        }
      }
      NetworkStatus read;
      try (FileStatusStore store = FileStatusStore.open(dir)) {
        read = store.load(NET).orElseThrow();
      }
      String prefix = "after " + k + " of " + records;
      assertConsistent(read, prefix);
      assertThatCode(() -> read.toTree(config)).as(prefix).doesNotThrowAnyException();
      HtbTree restored = read.toTree(config);
      assertThat(restored.floorSum()).as(prefix).isLessThanOrEqualTo(CAPACITY);
      if (k == records.size()) {
        // a resize's record keeps the new limits, which the tree holds in its config
        assertThat(read).isEqualTo(NetworkStatus.of(after).withInbound(
            after.config().equals(config) ? Optional.empty() : after.config().bandwidth().inbound()));
        assertThat(restored).isEqualTo(after);
        assertThat(restored.interfaces()).isEqualTo(after.interfaces());
        assertThat(restored.parkedClassIds()).isEqualTo(after.parkedClassIds());
        assertThat(restored.kernelObjects())
            .containsExactlyInAnyOrderElementsOf(after.kernelObjects());
      }
    }
  }

  /** Class ids and filter handles held once each, none both parked and assigned. */
  private static void assertConsistent(NetworkStatus status, String prefix) {
    Set<Integer> ids = new HashSet<>(status.parkedClassIds());
    Set<Object> handles = new HashSet<>();
    for (PluggedInterface p : status.interfaces().values()) {
      if (p.hasOwnClass()) {
        assertThat(ids.add(p.classMinor()))
            .as("%s: class id %d of '%s' is held twice or parked", prefix, p.classMinor(),
                p.alias())
            .isTrue();
        assertThat(handles.add(p.filterHandle().orElseThrow())).as(prefix).isTrue();
      }
    }
  }

  /** The engine records a resize as one record of its own: with it, the tree has the new capacity. */
  @TestFactory
  Stream<DynamicTest> aResizeRecordRestoresTheResizedTree() {
    return Stream.of(ClassStrategy.values())
        .map(s -> DynamicTest.dynamicTest(s.toString(), () -> checkResize(s)));
  }

  private void checkResize(ClassStrategy strategy) throws Exception {
    NetworkConfig config = config(strategy, FilterLayout.HASHED);
    HtbTree before = base(config);
    Limits smaller = Limits.averageOnly(Rate.parse("40mbit"));
    Path dir = Files.createDirectory(tmp.resolve("resize-" + strategy));
    try (FileStatusStore store = FileStatusStore.open(dir)) {
      store.save(NetworkStatus.of(before));
      store.record(NET, new StatusChange.InboundResized(smaller));
    }
    try (FileStatusStore store = FileStatusStore.open(dir)) {
      NetworkStatus read = store.load(NET).orElseThrow();
      HtbTree restored = read.toTree(config);
      assertThat(restored.config().floorCapacity()).contains(Rate.parse("40mbit"));
      assertThat(restored.floorSum()).isEqualTo(Rate.parse("35mbit"));
      assertThat(restored.interfaces()).isEqualTo(before.interfaces());
      assertThat(restored.parkedClassIds()).isEqualTo(before.parkedClassIds());
    }
  }
}
