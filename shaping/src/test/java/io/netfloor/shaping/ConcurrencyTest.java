// SPDX-License-Identifier: Apache-2.0
package io.netfloor.shaping;

import static org.assertj.core.api.Assertions.assertThat;

import io.netfloor.NetFloorException;
import io.netfloor.model.Bandwidth;
import io.netfloor.model.FilterLayout;
import io.netfloor.model.HtbTree;
import io.netfloor.model.Limits;
import io.netfloor.model.NetworkConfig;
import io.netfloor.model.NetworkStatus;
import io.netfloor.netlink.NetlinkTrafficControl;
import io.netfloor.persistence.FileStatusStore;
import io.netfloor.persistence.InMemoryStatusStore;
import io.netfloor.plan.TcObject;
import io.netfloor.spi.InMemoryTrafficControl;
import io.netfloor.testkit.kernel.TestNamespace;
import io.netfloor.units.InterfaceName;
import io.netfloor.units.MacAddress;
import io.netfloor.units.Rate;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** 8 threads × 500 random operations on one network, and on two networks sharing kernel and store. */
class ConcurrencyTest {

  private static NetworkConfig config(String name, String bridge) {
    return NetworkConfig.builder(name, bridge)
        .inbound(Limits.averageOnly(Rate.parse("1gbit"))).filterLayout(FilterLayout.HASHED).build();
  }

  @Test
  void concurrentCallsOnOneAndTwoNetworksKeepKernelStoreAndModelEqual() throws Exception {
    InMemoryTrafficControl kernel = new InMemoryTrafficControl()
        .addDevice(InterfaceName.of("br0")).addDevice(InterfaceName.of("br1"));
    InMemoryStatusStore store = new InMemoryStatusStore();
    List<NetworkShaper> shapers = List.of(
        NetworkShaper.create(config("net0", "br0"), kernel, store),
        NetworkShaper.create(config("net1", "br1"), kernel, store));
    hammer(shapers);
    for (NetworkShaper s : shapers) {
      HtbTree model = s.tree();
      List<TcObject> onBridge = kernel.objects(s.config().bridge());
      assertThat(new HashSet<>(onBridge)).isEqualTo(new HashSet<>(model.kernelObjects()));
      FaultInjectionProperties.assertNoFilterWithoutClass(onBridge);
    }
    checkAgreement(shapers, store);
  }

  /** The same against the real kernel (one netlink socket shared by all threads) and a file store. */
  @Test
  void concurrentCallsAgainstTheKernelAndAFileStore(@TempDir Path dir) throws Exception {
    try (TestNamespace ns = TestNamespace.withBridge();
        NetlinkTrafficControl kernel = NetlinkTrafficControl.openInNamespace(ns.name());
        FileStatusStore store = FileStatusStore.open(dir.resolve("state"))) {
      ns.ip("link", "add", "br1", "type", "bridge");
      ns.ip("link", "set", "br1", "up");
      List<NetworkShaper> shapers = List.of(
          NetworkShaper.create(config("net0", "br0"), kernel, store),
          NetworkShaper.create(config("net1", "br1"), kernel, store));
      hammer(shapers);
      checkAgreement(shapers, store);
      NetworkShaperKernelTest.assertKernelAgrees(ns, shapers.get(0).tree());
    }
  }

  private static void checkAgreement(List<NetworkShaper> shapers, io.netfloor.spi.StatusStore store) {
    for (NetworkShaper s : shapers) {
      HtbTree model = s.tree();
      assertThat(store.load(s.config().name().value()).orElseThrow()).isEqualTo(NetworkStatus.of(model));
      assertThat(s.reconcile().wasClean()).isTrue();
      Set<Integer> ids = new HashSet<>();
      model.interfaces().values().forEach(p -> {
        if (p.hasOwnClass()) {
          assertThat(ids.add(p.classMinor())).isTrue();
        }
      });
    }
  }

  private static void hammer(List<NetworkShaper> shapers) throws Exception {
    shapers.forEach(NetworkShaper::start);
    AtomicInteger accepted = new AtomicInteger();
    ExecutorService pool = Executors.newFixedThreadPool(8);
    List<Future<?>> done = new ArrayList<>();
    for (int t = 0; t < 8; t++) {
      final int thread = t;
      done.add(pool.submit(() -> {
        Random r = new Random(thread);
        for (int i = 0; i < 500; i++) {
          // threads 0-3 share network 0; 4-7 split over both, so aliases collide across threads
          NetworkShaper s = shapers.get(thread < 4 ? 0 : r.nextInt(2));
          int n = r.nextInt(64);
          String alias = "vm" + n;
          MacAddress mac = MacAddress.parse(String.format("52:54:00:00:01:%02x", n + 1));
          Bandwidth bw = Bandwidth.floor(Rate.ofMegabits(1 + r.nextInt(40)));
          try {
            switch (r.nextInt(3)) {
              case 0 -> s.plug(alias, mac, bw);
              case 1 -> s.unplug(alias);
              default -> s.update(alias, bw);
            }
            accepted.incrementAndGet();
          } catch (NetFloorException refused) {
            // unknown alias, duplicate, admission: fine under contention
          }
        }
        return null;
      }));
    }
    for (Future<?> f : done) {
      f.get();
    }
    pool.shutdown();
    assertThat(accepted.get()).isGreaterThan(1000);
  }
}
