// SPDX-License-Identifier: Apache-2.0
package io.netfloor.shaping;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netfloor.AdmissionException;
import io.netfloor.model.Bandwidth;
import io.netfloor.model.FilterLayout;
import io.netfloor.model.NetworkConfig;
import io.netfloor.model.NetworkStatus;
import io.netfloor.netlink.NetlinkTrafficControl;
import io.netfloor.persistence.FileStatusStore;
import io.netfloor.testkit.kernel.TestNamespace;
import io.netfloor.units.Rate;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A batch of plugs against the real kernel: what {@code tc -j} shows afterwards is what the model
 * says, a refused batch leaves the kernel as {@code tc} showed it before, and a restart from the
 * file store finds nothing to repair.
 */
class PlugAllKernelTest {

  @ParameterizedTest
  @EnumSource(FilterLayout.class)
  void aBatchOfThreeHundredLandsAsOneAndARefusedBatchLeavesNothing(FilterLayout layout,
      @TempDir Path dir) {
    NetworkConfig config = NetworkShaperKernelTest.config(layout);
    try (TestNamespace ns = TestNamespace.withBridge()) {
      Path state = dir.resolve("state");
      try (NetlinkTrafficControl tc = NetlinkTrafficControl.openInNamespace(ns.name());
          FileStatusStore store = FileStatusStore.open(state)) {
        NetworkShaper shaper = NetworkShaper.create(config, tc, store);
        try {
          shaper.start();
          shaper.close(); // no background top-up between the batch and tc's dumps
          List<PlugRequest> batch = new ArrayList<>();
          for (int i = 0; i < 300; i++) {
            batch.add(new PlugRequest("vm" + i, NetworkShaperKernelTest.mac(i),
                i % 10 == 9 ? Bandwidth.NONE : Bandwidth.floor(Rate.ofMegabits(1 + i % 3))));
          }
          shaper.plugAll(batch);
          NetworkShaperKernelTest.assertKernelAgrees(ns, shaper.tree());
          String classesBefore = ns.exec("tc", "-j", "class", "show", "dev", "br0");
          String filtersBefore = ns.exec("tc", "-j", "filter", "show", "dev", "br0");
          List<PlugRequest> tooMuch = new ArrayList<>();
          for (int i = 300; i < 320; i++) {
            tooMuch.add(new PlugRequest("vm" + i, NetworkShaperKernelTest.mac(i),
                Bandwidth.floor(Rate.ofMegabits(100))));
          }
          assertThatThrownBy(() -> shaper.plugAll(tooMuch)).isInstanceOf(AdmissionException.class);
          assertThat(ns.exec("tc", "-j", "class", "show", "dev", "br0")).isEqualTo(classesBefore);
          assertThat(ns.exec("tc", "-j", "filter", "show", "dev", "br0")).isEqualTo(filtersBefore);
        } finally {
          shaper.close();
        }
      }
      try (NetlinkTrafficControl tc = NetlinkTrafficControl.openInNamespace(ns.name());
          FileStatusStore store = FileStatusStore.open(state)) {
        NetworkShaper restarted = NetworkShaper.create(config, tc, store,
            ShaperOptions.builder().parkedPool(ParkedPoolPolicy.OFF).build());
        assertThat(restarted.start().wasClean()).isTrue();
        assertThat(restarted.tree().interfaces()).hasSize(300);
        NetworkShaperKernelTest.assertKernelAgrees(ns, restarted.tree());
        assertThat(store.load(config.name().value()).orElseThrow())
            .isEqualTo(NetworkStatus.of(restarted.tree()));
      }
    }
  }
}
