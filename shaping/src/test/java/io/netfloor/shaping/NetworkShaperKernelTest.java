// SPDX-License-Identifier: Apache-2.0
package io.netfloor.shaping;

import static org.assertj.core.api.Assertions.assertThat;

import io.netfloor.model.Bandwidth;
import io.netfloor.model.FilterLayout;
import io.netfloor.model.HtbTree;
import io.netfloor.model.Limits;
import io.netfloor.model.NetworkConfig;
import io.netfloor.model.NetworkStatus;
import io.netfloor.model.PluggedInterface;
import io.netfloor.netlink.NetlinkTrafficControl;
import io.netfloor.persistence.FileStatusStore;
import io.netfloor.testkit.kernel.TcOracle;
import io.netfloor.testkit.kernel.TestNamespace;
import io.netfloor.units.ClassHandle;
import io.netfloor.units.MacAddress;
import io.netfloor.units.Rate;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The engine against the real kernel, in a throwaway namespace: start, plug 200 interfaces, update
 * some, unplug half, then a new engine (new socket, same file store) restarts the network. The
 * kernel, as {@code tc} reads it, the store and the model agree at the end.
 */
class NetworkShaperKernelTest {

  static NetworkConfig config(FilterLayout layout) {
    return NetworkConfig.builder("kernel-net", "br0")
        .inbound(Limits.builder().average(Rate.parse("1gbit")).build())
        .filterLayout(layout).build();
  }

  static MacAddress mac(int i) {
    return MacAddress.parse(String.format("52:54:00:%02x:%02x:%02x", i / 65536, (i / 256) % 256,
        i % 256));
  }

  @ParameterizedTest
  @EnumSource(FilterLayout.class)
  void twoHundredInterfacesSurviveARestartAndTcAgrees(FilterLayout layout, @TempDir Path dir) {
    try (TestNamespace ns = TestNamespace.withBridge()) {
      NetworkConfig config = config(layout);
      Path state = dir.resolve("state");
      try (NetlinkTrafficControl tc = NetlinkTrafficControl.openInNamespace(ns.name());
          FileStatusStore store = FileStatusStore.open(state)) {
        NetworkShaper shaper = NetworkShaperTest.create(config, tc, store);
        shaper.start();
        for (int i = 0; i < 200; i++) {
          Bandwidth bw = i % 10 == 9 ? Bandwidth.NONE
              : Bandwidth.floor(Rate.ofMegabits(1 + i % 4));
          shaper.plug("vm" + i, mac(i), bw);
        }
        for (int i = 0; i < 40; i += 2) {
          shaper.update("vm" + i, Bandwidth.floor(Rate.ofMegabits(2 + i % 3)));
        }
        for (int i = 1; i < 200; i += 2) {
          assertThat(shaper.unplug("vm" + i)).isTrue();
        }
        assertKernelAgrees(ns, shaper.tree());
      }

      try (NetlinkTrafficControl tc = NetlinkTrafficControl.openInNamespace(ns.name());
          FileStatusStore store = FileStatusStore.open(state)) {
        NetworkShaper restarted = NetworkShaperTest.create(config, tc, store);
        ReconcileReport report = restarted.start();
        assertThat(report.wasClean()).as("%s", report).isTrue();
        assertThat(restarted.tree().interfaces()).hasSize(100);
        assertKernelAgrees(ns, restarted.tree());
        assertThat(store.load(config.name().value()).orElseThrow())
            .isEqualTo(NetworkStatus.of(restarted.tree()));

        // freed ids are reused lowest first: vm1 had 1:4, the lowest id unplugging freed
        ClassHandle reused = restarted.plug("new", mac(999), Bandwidth.floor(Rate.ofMegabits(1)));
        assertThat(reused).isEqualTo(ClassHandle.parse("1:4"));
        assertKernelAgrees(ns, restarted.tree());

        restarted.stop();
        assertThat(TcOracle.classes(ns, "br0")).isEmpty();
        assertThat(classifyingFilters(ns)).isEmpty();
        assertThat(store.load(config.name().value())).isEmpty();
      }
    }
  }

  /** tc's view of br0 equals the model: classes with their rates, and one filter per floor. */
  static void assertKernelAgrees(TestNamespace ns, HtbTree tree) {
    Map<ClassHandle, TcOracle.HtbClass> classes = TcOracle.classes(ns, "br0");
    Map<ClassHandle, Rate> expectedRates = new HashMap<>();
    expectedRates.put(HtbTree.TOP_CLASS, tree.config().inboundAverage().orElseThrow());
    expectedRates.put(HtbTree.DEFAULT_CLASS, tree.defaultClassRate());
    for (PluggedInterface p : tree.interfaces().values()) {
      p.floorClass().ifPresent(c -> expectedRates.put(c, p.bandwidth().hasFloor()
          ? p.bandwidth().floorOrZero() : HtbTree.PRIORITY_ONLY_RATE));
    }
    for (int parked : tree.parkedClassIds()) {
      expectedRates.put(ClassHandle.of(1, parked), HtbTree.PARKED_RATE);
    }
    assertThat(new java.util.TreeSet<>(classes.keySet().stream().map(ClassHandle::toString).toList()))
        .isEqualTo(new java.util.TreeSet<>(expectedRates.keySet().stream().map(ClassHandle::toString)
            .toList()));
    expectedRates.forEach((id, rate) ->
        assertThat(classes.get(id).rate()).as("rate of %s", id).isEqualTo(rate));

    Set<String> expectedFilters = new HashSet<>();
    for (PluggedInterface p : tree.interfaces().values()) {
      p.floorClass().ifPresent(c -> expectedFilters.add(p.filterHandle().orElseThrow() + " -> " + c));
    }
    Set<String> filters = classifyingFilters(ns).stream()
        .map(f -> f.handle() + " -> " + f.flowId().orElseThrow()).collect(Collectors.toSet());
    assertThat(filters).isEqualTo(expectedFilters);
    // every filter matches its interface's MAC: dst MAC bytes 2-5 at -12
    Map<ClassHandle, PluggedInterface> byClass = new HashMap<>();
    tree.interfaces().values().forEach(p -> p.floorClass().ifPresent(c -> byClass.put(c, p)));
    for (TcOracle.Filter f : classifyingFilters(ns)) {
      MacAddress m = byClass.get(f.flowId().orElseThrow()).mac();
      assertThat(f.keys()).contains(new TcOracle.Key(m.octet(2) << 24 | m.octet(3) << 16
          | m.octet(4) << 8 | m.octet(5), 0xffffffff, -12));
    }
  }

  /** The u32 nodes on br0 that send packets to a class. */
  static List<TcOracle.Filter> classifyingFilters(TestNamespace ns) {
    return TcOracle.filters(ns, "br0").stream().filter(f -> f.flowId().isPresent()).toList();
  }
}
