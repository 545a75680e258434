// SPDX-License-Identifier: Apache-2.0
package io.netfloor.persistence;

import static org.assertj.core.api.Assertions.assertThat;

import io.netfloor.model.NetworkName;
import io.netfloor.model.NetworkStatus;
import io.netfloor.model.StatusChange;
import io.netfloor.units.InterfaceName;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The revision tells a caller whether a network's stored status changed since it looked. */
class StoreRevisionTest {
  @TempDir Path tmp;

  @Test
  void everySaveAndRecordChangesTheRevisionAndReopeningKeepsIt() {
    Path dir = tmp.resolve("store");
    String afterRecord;
    try (FileStatusStore store = FileStatusStore.open(dir)) {
      assertThat(store.revision("net")).isEmpty();
      store.save(NetworkStatus.empty(NetworkName.of("net"), InterfaceName.of("br0")));
      String saved = store.revision("net").orElseThrow();
      store.record("net", new StatusChange.InterfaceSet(FileStatusStoreTest.floored("vm3", 3, 1)));
      afterRecord = store.revision("net").orElseThrow();
      assertThat(afterRecord).isNotEqualTo(saved);
      store.save(store.load("net").orElseThrow());
      assertThat(store.revision("net").orElseThrow()).isNotEqualTo(afterRecord)
          .isNotEqualTo(saved);
      afterRecord = store.revision("net").orElseThrow();
    }
    try (FileStatusStore readOnly = FileStatusStore.openReadOnly(dir)) {
      assertThat(readOnly.revision("net")).isEqualTo(Optional.of(afterRecord));
    }
    try (FileStatusStore again = FileStatusStore.open(dir)) {
      assertThat(again.revision("net")).isEqualTo(Optional.of(afterRecord));
      again.delete("net");
      assertThat(again.revision("net")).isEmpty();
    }
  }

  @Test
  void compactionsKeepTheRevisionOfWhatIsStored() {
    Path dir = tmp.resolve("store");
    String saved;
    String last;
    // compacts whenever the journal outgrows the snapshot: most records below compact
    try (FileStatusStore store = FileStatusStore.open(dir,
        new FileStatusStore.Compaction(0, 0.01))) {
      store.save(NetworkStatus.empty(NetworkName.of("net"), InterfaceName.of("br0")));
      saved = store.revision("net").orElseThrow();
      for (int i = 0; i < 20; i++) {
        store.record("net", new StatusChange.InterfaceSet(
            FileStatusStoreTest.floored("vm" + (3 + i), 3 + i, 1)));
      }
      last = store.revision("net").orElseThrow();
    }
    assertThat(last).isNotEqualTo(saved)
        .startsWith(saved.substring(0, saved.indexOf(':'))); // same generation, 20 records on
    try (FileStatusStore again = FileStatusStore.open(dir)) {
      assertThat(again.revision("net")).contains(last);
    }
  }
}
