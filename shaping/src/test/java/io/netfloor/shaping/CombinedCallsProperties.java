// SPDX-License-Identifier: Apache-2.0
package io.netfloor.shaping;

import static org.assertj.core.api.Assertions.assertThat;

import io.netfloor.model.FilterLayout;
import io.netfloor.model.NetworkStatus;
import io.netfloor.persistence.InMemoryStatusStore;
import io.netfloor.spi.InMemoryTrafficControl;
import io.netfloor.units.InterfaceName;
import java.util.HashSet;
import java.util.List;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;

/**
 * Any calls from several threads at once (plugs, unplugs, updates; refused for admission, a taken
 * MAC, an unknown alias, or by the kernel) leave the network exactly as the same calls applied one
 * at a time in the order the shaper applied them: the same outcome per call, the same tree, status
 * and kernel objects.
 */
class CombinedCallsProperties {
  private static final InterfaceName BR = InterfaceName.of("br0");

  @Property(tries = 25)
  void concurrentCallsEndAsTheSameCallsOneAtATime(@ForAll long seed,
      @ForAll @IntRange(min = 2, max = 8) int threads,
      @ForAll @IntRange(min = 0, max = 15) int poisonedAlias) throws Exception {
    InMemoryTrafficControl memory = new InMemoryTrafficControl().addDevice(BR);
    InMemoryStatusStore store = new InMemoryStatusStore();
    // aliases 0..11: an index above that poisons nothing
    NetworkShaper s = NetworkShaperTest.create(NetworkShaperTest.config(FilterLayout.HASHED),
        new CombinedCalls.PoisonedMac(memory, CombinedCalls.mac(poisonedAlias)), store);
    s.start();
    List<List<CombinedCalls.Op>> ops = CombinedCalls.randomOps(seed, threads, 40, 12);
    CombinedCalls.Run run = CombinedCalls.runConcurrently(s, ops);

    InMemoryStatusStore serialStore = new InMemoryStatusStore();
    NetworkShaper serial = NetworkShaperTest.create(NetworkShaperTest.config(FilterLayout.HASHED),
        new CombinedCalls.PoisonedMac(new InMemoryTrafficControl().addDevice(BR),
            CombinedCalls.mac(poisonedAlias)), serialStore);
    serial.start();
    CombinedCalls.replay(run, serial);

    assertThat(NetworkStatus.of(s.tree())).isEqualTo(NetworkStatus.of(serial.tree()));
    assertThat(store.load("net").orElseThrow()).isEqualTo(NetworkStatus.of(s.tree()));
    assertThat(serialStore.load("net").orElseThrow()).isEqualTo(NetworkStatus.of(s.tree()));
    assertThat(new HashSet<>(memory.objects())).isEqualTo(new HashSet<>(s.tree().kernelObjects()));
    assertThat(new HashSet<>(serial.tree().kernelObjects()))
        .isEqualTo(new HashSet<>(s.tree().kernelObjects()));
  }
}
