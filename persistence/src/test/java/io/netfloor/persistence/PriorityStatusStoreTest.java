// SPDX-License-Identifier: Apache-2.0
package io.netfloor.persistence;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netfloor.model.Bandwidth;
import io.netfloor.model.InterfaceAlias;
import io.netfloor.model.Limits;
import io.netfloor.model.NetworkStatus;
import io.netfloor.model.PluggedInterface;
import io.netfloor.model.Priority;
import io.netfloor.model.StatusChange;
import io.netfloor.persistence.internal.Checksums;
import io.netfloor.persistence.internal.FormatException;
import io.netfloor.persistence.internal.SnapshotFile;
import io.netfloor.plan.U32Handle;
import io.netfloor.units.MacAddress;
import io.netfloor.units.Rate;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Optional;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Interface priorities in the file store: kept through the journal, a compaction and a reopen; a
 * snapshot holding one is the third format, and files without one are written as before.
 */
class PriorityStatusStoreTest {
  private static final PluggedInterface LOW = new PluggedInterface("bulk",
      MacAddress.parse("52:54:00:00:00:09"), Bandwidth.NONE.withPriority(Priority.LOWEST), 9,
      Optional.of(U32Handle.of(0x800, 0, 0x809)));

  @TempDir Path dir;

  @Test
  void aPriorityIsKeptThroughTheJournalACompactionAndAReopen() {
    try (FileStatusStore store = FileStatusStore.open(dir)) {
      store.save(FileStatusStoreTest.small());
      store.record("default", new StatusChange.InterfaceSet(LOW));
    }
    try (FileStatusStore store = FileStatusStore.open(dir)) {
      NetworkStatus loaded = store.load("default").orElseThrow();
      assertThat(loaded.interfaces().get(InterfaceAlias.of("bulk"))).isEqualTo(LOW);
      store.save(loaded); // the snapshot now carries it
    }
    try (FileStatusStore store = FileStatusStore.open(dir)) {
      assertThat(store.load("default").orElseThrow().interfaces().get(InterfaceAlias.of("bulk")).bandwidth()
          .priority()).contains(Priority.LOWEST);
    }
  }

  @Test
  void onlyASnapshotWithAPriorityIsTheThirdFormat() throws Exception {
    NetworkStatus plain = FileStatusStoreTest.small();
    assertThat(new String(new SnapshotFile(plain, 7, OptionalLong.empty(), 0).encode(),
        StandardCharsets.US_ASCII)).startsWith("netfloor-status 1\n").doesNotContain("prio=");
    NetworkStatus prio = plain.withInterface(LOW);
    String v3 = new String(new SnapshotFile(prio, 7, OptionalLong.empty(), 0).encode(),
        StandardCharsets.US_ASCII);
    assertThat(v3).startsWith("netfloor-status 3\nnetwork default\nbridge virbr0\ngeneration ")
        .contains("iface bulk 52:54:00:00:00:09 class=9 filter=800::809 in=- out=- prio=7\n");
    assertThat(SnapshotFile.decode(v3.getBytes(StandardCharsets.US_ASCII)).status())
        .isEqualTo(prio);
    NetworkStatus both = prio.withInbound(Optional.of(Limits.averageOnly(Rate.parse("1gbit"))));
    String v3Inbound = new String(new SnapshotFile(both, 7, OptionalLong.empty(), 0).encode(),
        StandardCharsets.US_ASCII);
    assertThat(v3Inbound).startsWith("netfloor-status 3\nnetwork default\nbridge virbr0\n"
        + "inbound average=1gbit\n");
    assertThat(SnapshotFile.decode(v3Inbound.getBytes(StandardCharsets.US_ASCII)).status())
        .isEqualTo(both);
  }

  @Test
  void aSnapshotWhoseVersionDoesNotFitItsPrioritiesIsRefused() {
    String v3 = new String(new SnapshotFile(FileStatusStoreTest.small().withInterface(LOW), 7,
        OptionalLong.empty(), 0).encode(), StandardCharsets.US_ASCII);
    String asV1 = resign(v3.replace("netfloor-status 3", "netfloor-status 1"));
    assertThatThrownBy(() -> SnapshotFile.decode(asV1.getBytes(StandardCharsets.US_ASCII)))
        .isInstanceOf(FormatException.class).hasMessageContaining("priority");
    String plainAsV3 = resign(new String(new SnapshotFile(FileStatusStoreTest.small(), 7,
        OptionalLong.empty(), 0).encode(), StandardCharsets.US_ASCII)
        .replace("netfloor-status 1", "netfloor-status 3"));
    assertThatThrownBy(() -> SnapshotFile.decode(plainAsV3.getBytes(StandardCharsets.US_ASCII)))
        .isInstanceOf(FormatException.class).hasMessageContaining("priority");
    String newer = resign(v3.replace("netfloor-status 3", "netfloor-status 4"));
    assertThatThrownBy(() -> SnapshotFile.decode(newer.getBytes(StandardCharsets.US_ASCII)))
        .isInstanceOf(FormatException.class).hasMessageContaining("newer");
  }

  private static String resign(String file) {
    String body = file.substring(0, file.lastIndexOf("crc32c "));
    return body + "crc32c " + Checksums.crc32c(body) + "\n";
  }
}
