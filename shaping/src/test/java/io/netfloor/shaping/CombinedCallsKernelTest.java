// SPDX-License-Identifier: Apache-2.0
package io.netfloor.shaping;

import static org.assertj.core.api.Assertions.assertThat;

import io.netfloor.model.Bandwidth;
import io.netfloor.model.FilterLayout;
import io.netfloor.model.NetworkStatus;
import io.netfloor.netlink.NetlinkTrafficControl;
import io.netfloor.persistence.FileStatusStore;
import io.netfloor.persistence.InMemoryStatusStore;
import io.netfloor.plan.TcOp;
import io.netfloor.plan.U32MacFilter;
import io.netfloor.spi.InMemoryTrafficControl;
import io.netfloor.spi.TrafficControlException;
import io.netfloor.testkit.kernel.TestNamespace;
import io.netfloor.units.ClassHandle;
import io.netfloor.units.InterfaceName;
import io.netfloor.units.Rate;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Combined calls against the real kernel (in a throwaway namespace, checked with {@code tc -j}) and
 * the durable file store: many threads end as their calls one at a time would, and a kernel
 * refusal of a combined exchange fails only the call at fault and leaves nothing of the others'
 * exchange behind.
 */
class CombinedCallsKernelTest {
  @BeforeAll
  static void root() {
    TestNamespace.assumeRoot();
  }

  @Test
  void threadsOnTheKernelEndAsTheirCallsOneAtATime(@TempDir Path dir) throws Exception {
    try (TestNamespace ns = TestNamespace.withBridge();
        NetlinkTrafficControl kernel = NetlinkTrafficControl.openInNamespace(ns.name());
        FileStatusStore store = FileStatusStore.open(dir.resolve("state"))) {
      CombinedCalls.PoisonedMac backend = new CombinedCalls.PoisonedMac(kernel,
          CombinedCalls.mac(5));
      NetworkShaper s = NetworkShaperTest.create(NetworkShaperTest.config(FilterLayout.HASHED),
          backend, store);
      s.start();
      CombinedCalls.Run run = CombinedCalls.runConcurrently(s,
          CombinedCalls.randomOps(42, 8, 60, 16));
      assertThat(backend.plans).as("exchanges that carry several plugs")
          .anyMatch(p -> p.ops().stream().filter(op -> op instanceof TcOp.Add a
              && a.object() instanceof U32MacFilter).count() > 1);
      assertThat(run.events()).filteredOn(e -> e instanceof NetworkEvent.Refused r
          && r.reason() instanceof TrafficControlException).as("kernel refusals").isNotEmpty();

      NetworkShaper serial = NetworkShaperTest.create(
          NetworkShaperTest.config(FilterLayout.HASHED), new CombinedCalls.PoisonedMac(
              new InMemoryTrafficControl().addDevice(InterfaceName.of("br0")),
              CombinedCalls.mac(5)), new InMemoryStatusStore());
      serial.start();
      CombinedCalls.replay(run, serial);

      assertThat(NetworkStatus.of(s.tree())).isEqualTo(NetworkStatus.of(serial.tree()));
      assertThat(store.load("net").orElseThrow()).isEqualTo(NetworkStatus.of(s.tree()));
      NetworkShaperKernelTest.assertKernelAgrees(ns, s.tree());
      assertThat(s.reconcile().wasClean()).isTrue();
    }
  }

  @Test
  void aKernelRefusalInACombinedExchangeFailsOnlyItsCall(@TempDir Path dir) throws Exception {
    try (TestNamespace ns = TestNamespace.withBridge();
        NetlinkTrafficControl kernel = NetlinkTrafficControl.openInNamespace(ns.name());
        FileStatusStore store = FileStatusStore.open(dir.resolve("state"))) {
      CombinedCallsTest.Gate gate = new CombinedCallsTest.Gate(
          new CombinedCalls.PoisonedMac(kernel, CombinedCalls.mac(4)));
      NetworkShaper s = NetworkShaperTest.create(NetworkShaperTest.config(FilterLayout.HASHED),
          gate, store);
      s.start();
      Bandwidth ten = Bandwidth.floor(Rate.parse("10mbit"));
      List<Supplier<Object>> calls = new ArrayList<>();
      for (int i = 1; i <= 6; i++) {
        int k = i;
        calls.add(() -> s.plug("vm" + k, CombinedCalls.mac(k), ten));
      }
      List<Object> out = CombinedCallsTest.queueBehindOneCall(s, gate,
          () -> s.plug("first", CombinedCalls.mac(50), ten), calls);

      assertThat(out.get(3)).isInstanceOf(TrafficControlException.class);
      assertThat(out).filteredOn(o -> o instanceof ClassHandle).hasSize(5);
      assertThat(s.tree().interfaces().keySet()).containsExactlyInAnyOrder("first", "vm1", "vm2",
          "vm3", "vm5", "vm6");
      assertThat(store.load("net").orElseThrow()).isEqualTo(NetworkStatus.of(s.tree()));
      NetworkShaperKernelTest.assertKernelAgrees(ns, s.tree());
      assertThat(s.reconcile().wasClean()).isTrue();
    }
  }
}
