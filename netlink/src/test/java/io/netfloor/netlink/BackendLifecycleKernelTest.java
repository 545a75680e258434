// SPDX-License-Identifier: Apache-2.0
package io.netfloor.netlink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netfloor.model.Bandwidth;
import io.netfloor.model.HtbTree;
import io.netfloor.model.Limits;
import io.netfloor.model.NetworkConfig;
import io.netfloor.model.TreeChange;
import io.netfloor.netlink.netns.NamespaceThread;
import io.netfloor.plan.LeafQdiscKind;
import io.netfloor.plan.Plan;
import io.netfloor.testkit.kernel.Command;
import io.netfloor.testkit.kernel.TcOracle;
import io.netfloor.testkit.kernel.TestNamespace;
import io.netfloor.units.InterfaceName;
import io.netfloor.units.MacAddress;
import io.netfloor.units.Rate;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Namespaces, concurrency and closing of a backend, against the real kernel. */
class BackendLifecycleKernelTest {
  private static final InterfaceName BR0 = InterfaceName.of("br0");

  @BeforeEach
  void root() {
    TestNamespace.assumeRoot();
  }

  private static String myNamespace() throws Exception {
    return Files.readSymbolicLink(Path.of("/proc/thread-self/ns/net")).toString();
  }

  @Test
  void openingInANamespaceLeavesTheCallersNamespaceAlone() throws Exception {
    String before = myNamespace();
    try (TestNamespace ns = TestNamespace.create().bridge("br0");
        NetlinkTrafficControl tc = NetlinkTrafficControl.openInNamespace(ns.name())) {
      assertThat(myNamespace()).isEqualTo(before);
      assertThat(tc.deviceExists(BR0)).isTrue(); // br0 exists only in the test namespace
      // open() binds to the calling thread's namespace: here, a thread that entered ns
      boolean seen = NamespaceThread.callIn(NamespaceThread.pathOf(ns.name()), () -> {
        try (NetlinkTrafficControl inside = NetlinkTrafficControl.open()) {
          return inside.deviceExists(BR0);
        }
      });
      assertThat(seen).isTrue();
      assertThat(myNamespace()).isEqualTo(before);
    }
  }

  /**
   * A namespace opened by the path of its file, as container runtimes hand them out: a bind mount
   * anywhere (here, one made of the {@code ip netns} file), or {@code /proc/PID/ns/net}; a missing
   * file and a file that is not a network namespace are typed errors saying so.
   */
  @Test
  void aNamespaceOpensByThePathOfItsFile(@org.junit.jupiter.api.io.TempDir Path dir)
      throws Exception {
    try (TestNamespace ns = TestNamespace.create().bridge("br0")) {
      Path bind = dir.resolve("netns-bind");
      Files.createFile(bind);
      Command.run("mount", "--bind", "/run/netns/" + ns.name(), bind.toString());
      try (NetlinkTrafficControl tc = NetlinkTrafficControl.openInNamespaceFile(bind,
          NetlinkTrafficControl.Options.DEFAULTS)) {
        assertThat(tc.deviceExists(BR0)).isTrue();
        assertThat(tc.toString()).contains(bind.toString());
      } finally {
        Command.run("umount", bind.toString());
      }
      assertThatThrownBy(() -> NetlinkTrafficControl.openInNamespaceFile(dir.resolve("none"),
          NetlinkTrafficControl.Options.DEFAULTS)).isInstanceOf(NetlinkException.class)
          .hasMessageContaining("ENOENT").hasMessageContaining("no such namespace");
      assertThatThrownBy(() -> NetlinkTrafficControl.openInNamespaceFile(
          Path.of("/proc/self/ns/uts"), NetlinkTrafficControl.Options.DEFAULTS))
          .isInstanceOf(NetlinkException.class).hasMessageContaining("EINVAL")
          .hasMessageContaining("not a network namespace");
      // the caller's own namespace, by its /proc path
      try (NetlinkTrafficControl self = NetlinkTrafficControl.openInNamespaceFile(
          Path.of("/proc/self/ns/net"), NetlinkTrafficControl.Options.DEFAULTS)) {
        assertThat(self.deviceExists(InterfaceName.of("lo"))).isTrue();
      }
    }
  }

  @Test
  void concurrentPlugsAndDumpsOnOneBackend() throws Exception {
    try (TestNamespace ns = TestNamespace.create().bridge("br0");
        NetlinkTrafficControl tc = NetlinkTrafficControl.openInNamespace(ns.name())) {
      NetworkConfig config = NetworkConfig.builder("net", "br0")
          .inbound(Limits.builder().average(Rate.parse("1gbit")).build())
          .filterLayout(io.netfloor.model.FilterLayout.HASHED).leafQdisc(LeafQdiscKind.PFIFO).build();
      TreeChange start = HtbTree.start(config);
      tc.apply(start.plan());
      // precompute 4 disjoint plugs per thread from one tree, so the plans do not conflict
      HtbTree tree = start.tree();
      List<Plan> plans = new ArrayList<>();
      for (int i = 0; i < 32; i++) {
        TreeChange plug = tree.plug("vm" + i, MacAddress.parse(String.format("52:54:00:00:01:%02x", i)),
            Bandwidth.floor(Rate.parse("1mbit")));
        // only the class, leaf and filter: the default class change is shared, applied below
        plans.add(new Plan(plug.plan().ops().stream()
            .filter(op -> !(op instanceof io.netfloor.plan.TcOp.Change)).toList()));
        tree = plug.tree();
      }
      ExecutorService pool = Executors.newFixedThreadPool(4);
      try {
        List<Future<?>> done = new ArrayList<>();
        for (Plan p : plans) {
          done.add(pool.submit(() -> tc.apply(p)));
          done.add(pool.submit(() -> tc.dump(BR0)));
        }
        for (Future<?> f : done) {
          f.get();
        }
      } finally {
        pool.shutdownNow();
      }
      assertThat(TcOracle.classes(ns, "br0")).hasSize(2 + 32);
      // 32 MAC nodes, table 10:, the link node, the mark and its table, and the kernel's root
      // table 800:
      assertThat(tc.dump(BR0).filters()).hasSize(32 + 5);
    }
  }

  @Test
  void aPlanLargerThanOneDatagramGoesInSeveralBatches() {
    try (TestNamespace ns = TestNamespace.create().bridge("br0");
        NetlinkTrafficControl tc = NetlinkTrafficControl.openInNamespace(ns.name())) {
      NetworkConfig config = NetworkConfig.builder("net", "br0")
          .inbound(Limits.builder().average(Rate.parse("1gbit")).build())
          .leafQdisc(LeafQdiscKind.PFIFO).build();
      TreeChange start = HtbTree.start(config);
      // 150 parked classes with their leaves: 300 requests of ~2.2 KB and 56 bytes, so both the
      // byte and the count limit of a batch are hit many times
      TreeChange parked = start.tree().park(150);
      Plan all = start.plan().then(parked.plan());
      assertThat(all.size()).isGreaterThan(9 * NetlinkTrafficControl.MAX_BATCH_OPS);
      tc.apply(all);
      assertThat(TcOracle.classes(ns, "br0")).hasSize(2 + 150);
      assertThat(TcOracle.qdiscs(ns, "br0")).hasSize(1 + 1 + 150);
      tc.apply(parked.tree().teardownPlan());
      assertThat(TcOracle.classes(ns, "br0")).isEmpty();
    }
  }

  @Test
  void aClosedBackendRefusesWork() {
    try (TestNamespace ns = TestNamespace.create().bridge("br0")) {
      NetlinkTrafficControl tc = NetlinkTrafficControl.openInNamespace(ns.name());
      tc.close();
      tc.close(); // idempotent
      assertThatThrownBy(() -> tc.dump(BR0)).isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("closed");
    }
  }
}
