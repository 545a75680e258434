// SPDX-License-Identifier: Apache-2.0
package io.netfloor.shaping;

import static org.assertj.core.api.Assertions.assertThat;

import io.netfloor.model.ClassStrategy;
import io.netfloor.model.FilterLayout;
import io.netfloor.model.Limits;
import io.netfloor.model.NetworkConfig;
import io.netfloor.model.NetworkStatus;
import io.netfloor.netlink.NetlinkTrafficControl;
import io.netfloor.persistence.FileStatusStore;
import io.netfloor.testkit.kernel.TestNamespace;
import io.netfloor.units.Rate;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * kill -9 of a process in the middle of plugging: a child JVM plugs and unplugs in a loop and is
 * killed with SIGKILL at a random moment, 20 times; after each kill a fresh engine (new process
 * state, same file store, same kernel) starts the network, which reconciles, and then the kernel as
 * {@code tc} reads it, the store and the model must agree, with floors within capacity.
 */
class CrashTest {
  static final int KILLS = 20;

  static NetworkConfig config(FilterLayout layout, ClassStrategy strategy) {
    return NetworkConfig.builder("crash-net", "br0")
        .inbound(Limits.averageOnly(Rate.parse("200mbit")))
        .filterLayout(layout).classStrategy(strategy).build();
  }

  @Test
  void survivesTwentySigkillsAtRandomMoments(@TempDir Path dir) throws Exception {
    Random random = new Random(42);
    int repairedRuns = 0;
    List<Long> opsSeen = new ArrayList<>();
    try (TestNamespace ns = TestNamespace.withBridge()) {
      Path state = dir.resolve("state");
      for (int kill = 0; kill < KILLS; kill++) {
        // two kills per configuration; the network is stopped after the second, because layout and
        // strategy are properties of a network, changed only across a stop
        FilterLayout layout = (kill / 2) % 2 == 0 ? FilterLayout.HASHED : FilterLayout.LIBVIRT_LINEAR;
        ClassStrategy strategy = (kill / 4) % 2 == 0 ? ClassStrategy.ADD_ON_PLUG
            : ClassStrategy.PARKED_POOL;
        Process child = new ProcessBuilder(javaBin(), "-cp", System.getProperty("java.class.path"),
            CrashChild.class.getName(), ns.name(), state.toString(), Long.toString(random.nextLong()),
            layout.name(), strategy.name())
            .redirectErrorStream(true).start();
        try {
          BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(),
              StandardCharsets.UTF_8));
          String line;
          while ((line = out.readLine()) != null && !line.equals("ready")) {
            // skip JVM/logging chatter until the child is plugging
          }
          assertThat(line).as("child started and reported ready").isEqualTo("ready");
          Thread.sleep(20 + random.nextInt(400));
        } finally {
          child.destroyForcibly(); // SIGKILL on Linux
          assertThat(child.waitFor(30, TimeUnit.SECONDS)).isTrue();
        }

        try (NetlinkTrafficControl tc = NetlinkTrafficControl.openInNamespace(ns.name());
            FileStatusStore store = FileStatusStore.open(state)) {
          NetworkShaper shaper = NetworkShaper.create(config(layout, strategy), tc, store);
          ReconcileReport report = shaper.start();
          if (!report.wasClean()) {
            repairedRuns++;
          }
          NetworkShaperKernelTest.assertKernelAgrees(ns, shaper.tree());
          assertThat(store.load("crash-net").orElseThrow())
              .isEqualTo(NetworkStatus.of(shaper.tree()));
          assertThat(shaper.tree().floorSum())
              .isLessThanOrEqualTo(shaper.config().floorCapacity().orElseThrow());
          assertThat(shaper.reconcile().wasClean()).isTrue();
          opsSeen.add((long) shaper.tree().interfaces().size());
          if (kill % 2 == 1) {
            shaper.stop(); // the next pair of kills uses another configuration
          }
        }
      }
    }
    System.out.printf("crash test: %d kills, %d needed kernel repairs, interfaces after each: %s%n",
        KILLS, repairedRuns, opsSeen);
  }

  private static String javaBin() {
    return Path.of(System.getProperty("java.home"), "bin", "java").toString();
  }
}
