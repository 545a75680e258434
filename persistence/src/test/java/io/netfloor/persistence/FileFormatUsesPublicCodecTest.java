// SPDX-License-Identifier: Apache-2.0
package io.netfloor.persistence;

import static org.assertj.core.api.Assertions.assertThat;

import io.netfloor.model.Bandwidth;
import io.netfloor.model.Limits;
import io.netfloor.model.NetworkName;
import io.netfloor.model.NetworkStatus;
import io.netfloor.model.PluggedInterface;
import io.netfloor.model.StatusChange;
import io.netfloor.plan.U32Handle;
import io.netfloor.spi.StatusRecordCodec;
import io.netfloor.units.InterfaceName;
import io.netfloor.units.MacAddress;
import io.netfloor.units.Rate;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The snapshot and journal files hold exactly the lines of the public {@link StatusRecordCodec},
 * spelled as they always were: a custom store and the file store share one format, and the files
 * of earlier versions stay readable.
 */
class FileFormatUsesPublicCodecTest {
  @TempDir Path dir;

  @Test
  void snapshotAndJournalLinesAreThePublicCodecsLines() throws Exception {
    PluggedInterface vm1 = new PluggedInterface("vm1-net0", MacAddress.parse("52:54:00:12:34:56"),
        new Bandwidth(Optional.of(Limits.floorOnly(Rate.ofMegabits(10))), Optional.empty()), 3,
        Optional.of(U32Handle.of(0x800, 0, 0x803)), Optional.empty());
    NetworkStatus status = NetworkStatus.empty(NetworkName.of("default"), InterfaceName.of("virbr0"))
        .withInterface(vm1).withParked(List.of(4, 5), true);
    StatusChange removal = new StatusChange.InterfaceRemoved("vm2-net0");
    try (FileStatusStore store = FileStatusStore.open(dir)) {
      store.save(status);
      store.record("default", removal);
      List<String> snapshot = Files.readAllLines(store.statusFile("default"),
          StandardCharsets.US_ASCII);
      assertThat(snapshot).contains(
          "iface vm1-net0 52:54:00:12:34:56 class=3 filter=800::803 in=floor=10mbit out=-",
          "iface " + StatusRecordCodec.encodeInterface(vm1),
          "parked 4,5", "parked " + StatusRecordCodec.encodeClassIds(status.parkedClassIds()));
      String journal = Files.readString(store.journalFile("default"), StandardCharsets.ISO_8859_1);
      assertThat(journal).contains(" remove vm2-net0 crc=")
          .contains(" " + StatusRecordCodec.encodeChangeLine(removal) + " crc=");
    }
  }
}
