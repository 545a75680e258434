// SPDX-License-Identifier: Apache-2.0
package io.netfloor.persistence;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netfloor.model.InterfaceAlias;
import io.netfloor.model.Limits;
import io.netfloor.model.NetworkStatus;
import io.netfloor.model.StatusChange;
import io.netfloor.persistence.internal.Checksums;
import io.netfloor.persistence.internal.FormatException;
import io.netfloor.persistence.internal.SnapshotFile;
import io.netfloor.units.ByteSize;
import io.netfloor.units.Rate;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Optional;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A resized network's inbound limits survive a restart; files of unresized networks are as before. */
class ResizedStatusStoreTest {
  private static final Limits RESIZED = Limits.builder().average(Rate.parse("200mbit"))
      .peak(Rate.parse("300mbit")).burst(ByteSize.parse("64kb")).build();

  @TempDir Path dir;

  @Test
  void aRecordedResizeIsLoadedAfterReopeningFromTheJournalAndAfterCompaction() {
    try (FileStatusStore store = FileStatusStore.open(dir)) {
      store.save(FileStatusStoreTest.small());
      store.record("default", new StatusChange.InboundResized(RESIZED));
    }
    try (FileStatusStore store = FileStatusStore.open(dir)) {
      NetworkStatus loaded = store.load("default").orElseThrow();
      assertThat(loaded.inbound()).contains(RESIZED);
      assertThat(loaded.interfaces()).isEqualTo(FileStatusStoreTest.small().interfaces());
      store.save(loaded); // the snapshot now carries the limits itself
    }
    try (FileStatusStore store = FileStatusStore.open(dir)) {
      assertThat(store.load("default").orElseThrow().inbound()).contains(RESIZED);
    }
  }

  @Test
  void aSnapshotWithoutInboundLimitsIsWrittenInTheFirstFormatAndOneWithThemInTheSecond()
      throws Exception {
    NetworkStatus plain = FileStatusStoreTest.small();
    byte[] v1 = new SnapshotFile(plain, 7, OptionalLong.empty(), 0).encode();
    assertThat(new String(v1, StandardCharsets.US_ASCII))
        .startsWith("netfloor-status 1\nnetwork default\nbridge virbr0\ngeneration ");
    assertThat(SnapshotFile.decode(v1).status()).isEqualTo(plain);

    NetworkStatus resized = plain.withInbound(Optional.of(RESIZED));
    byte[] v2 = new SnapshotFile(resized, 7, OptionalLong.empty(), 0).encode();
    assertThat(new String(v2, StandardCharsets.US_ASCII)).startsWith("netfloor-status 2\nnetwork"
        + " default\nbridge virbr0\ninbound average=200mbit,peak=300mbit,burst=64kb\ngeneration ");
    assertThat(SnapshotFile.decode(v2).status()).isEqualTo(resized);
  }

  @Test
  void aSecondFormatSnapshotWithoutItsInboundLineIsRefusedByName() {
    byte[] v1 = new SnapshotFile(FileStatusStoreTest.small(), 7, OptionalLong.empty(), 0).encode();
    String body = new String(v1, StandardCharsets.US_ASCII).replace("netfloor-status 1",
        "netfloor-status 2");
    body = body.substring(0, body.lastIndexOf("crc32c "));
    byte[] forged = (body + "crc32c " + crc32c(body) + "\n").getBytes(StandardCharsets.US_ASCII);
    assertThatThrownBy(() -> SnapshotFile.decode(forged)).isInstanceOf(FormatException.class)
        .hasMessageContaining("'inbound' line");
  }

  @Test
  void aFileWrittenBeforeResizeExistedIsStillRead() throws Exception {
    // a snapshot exactly as the first format wrote it
    String body = "netfloor-status 1\nnetwork default\nbridge virbr0\ngeneration 6b1d0c5e93a8f4e2\n"
        + "previous -\nseq 0\ninterfaces 1\n"
        + "iface vm1 52:54:00:00:00:03 class=3 filter=800::803 in=floor=10mbit out=-\nparked 4\n";
    NetworkStatus read = SnapshotFile.decode((body + "crc32c " + crc32c(body) + "\n")
        .getBytes(StandardCharsets.US_ASCII)).status();
    assertThat(read.inbound()).isEmpty();
    assertThat(read.interfaces()).containsOnlyKeys(InterfaceAlias.of("vm1"));
  }

  @Test
  void recordedLimitsMustBeANetworksLimits() {
    assertThatThrownBy(() -> FileStatusStoreTest.small().withInbound(
        Optional.of(Limits.floorOnly(Rate.parse("1mbit")))))
        .hasMessageContaining("need an average");
  }

  private static String crc32c(String body) {
    return Checksums.crc32c(body);
  }
}
