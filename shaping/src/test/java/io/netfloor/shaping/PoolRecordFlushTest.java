// SPDX-License-Identifier: Apache-2.0
package io.netfloor.shaping;

import static org.assertj.core.api.Assertions.assertThat;

import io.netfloor.model.Bandwidth;
import io.netfloor.model.FilterLayout;
import io.netfloor.model.NetworkStatus;
import io.netfloor.persistence.FileStatusStore;
import io.netfloor.spi.InMemoryTrafficControl;
import io.netfloor.units.InterfaceName;
import io.netfloor.units.Rate;
import java.nio.file.Path;
import java.util.ArrayDeque;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The pool's top-up records its parked classes without a flush of its own (a plug arriving during
 * that flush would wait for it and then for its own): the next change's flush covers the record.
 */
class PoolRecordFlushTest {
  @Test
  void aTopUpsRecordIsMadeDurableByTheNextPlugsFlush(@TempDir Path dir) {
    Path state = dir.resolve("state");
    ArrayDeque<Runnable> tasks = new ArrayDeque<>();
    try (FileStatusStore store = FileStatusStore.open(state)) {
      NetworkShaper s = NetworkShaper.create(NetworkShaperTest.config(FilterLayout.HASHED),
          new InMemoryTrafficControl().addDevice(InterfaceName.of("br0")), store,
          ShaperOptions.builder().parkedPool(ParkedPoolPolicy.DEFAULT).poolExecutor(tasks::add)
              .build());
      s.start();
      Bandwidth floor = Bandwidth.floor(Rate.parse("1mbit"));
      for (int i = 0; tasks.isEmpty(); i++) {
        s.plug("vm" + i, CombinedCalls.mac(i), floor); // until the pool runs low
      }
      int parked = s.poolStats().parked();
      long syncs = store.journalSyncs();
      tasks.poll().run(); // the top-up
      assertThat(s.poolStats().parked()).isGreaterThan(parked);
      assertThat(store.journalSyncs()).as("flushes by the top-up").isEqualTo(syncs);

      s.plug("next", CombinedCalls.mac(500), floor);
      assertThat(store.journalSyncs()).as("one flush for the plug and the top-up's record")
          .isEqualTo(syncs + 1);
      assertThat(store.load("net").orElseThrow()).isEqualTo(NetworkStatus.of(s.tree()));
    }
  }
}
