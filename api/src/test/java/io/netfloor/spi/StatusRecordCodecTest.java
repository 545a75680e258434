// SPDX-License-Identifier: Apache-2.0
package io.netfloor.spi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netfloor.model.Bandwidth;
import io.netfloor.model.Limits;
import io.netfloor.model.NetworkName;
import io.netfloor.model.NetworkStatus;
import io.netfloor.model.PluggedInterface;
import io.netfloor.model.Priority;
import io.netfloor.model.StatusChange;
import io.netfloor.plan.U32Handle;
import io.netfloor.units.InterfaceName;
import io.netfloor.units.MacAddress;
import io.netfloor.units.Rate;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.TreeSet;
import java.util.zip.CRC32C;
import org.junit.jupiter.api.Test;

/** The public status codec's exact format: what a custom store keeps and the file store writes. */
class StatusRecordCodecTest {
  private static final PluggedInterface VM1 = new PluggedInterface("vm1-net0",
      MacAddress.parse("52:54:00:12:34:56"),
      new Bandwidth(Optional.of(Limits.floorOnly(Rate.ofMegabits(10))), Optional.empty()), 3,
      Optional.of(U32Handle.of(0x800, 0, 0x803)), Optional.empty());
  private static final NetworkStatus STATUS = NetworkStatus.empty(NetworkName.of("default"),
      InterfaceName.of("virbr0")).withInterface(VM1).withParked(List.of(4, 5), true);

  private static String crc(String text) {
    CRC32C c = new CRC32C();
    c.update(text.getBytes(StandardCharsets.US_ASCII));
    return String.format("%08x", c.getValue());
  }

  private static String ascii(byte[] b) {
    return new String(b, StandardCharsets.US_ASCII);
  }

  @Test
  void aStatusRecordIsVersionedLinesWithAChecksum() {
    String body = "netfloor-status-record 1\n"
        + "network default\n"
        + "bridge virbr0\n"
        + "interfaces 1\n"
        + "iface vm1-net0 52:54:00:12:34:56 class=3 filter=800::803 in=floor=10mbit out=-\n"
        + "parked 4,5\n";
    assertThat(ascii(StatusRecordCodec.encodeStatus(STATUS)))
        .isEqualTo(body + "crc32c " + crc(body) + "\n");
    assertThat(StatusRecordCodec.decodeStatus(StatusRecordCodec.encodeStatus(STATUS)))
        .isEqualTo(STATUS);
  }

  @Test
  void aBatchIsOneLineOfItsChangesAndAMalformedOneIsRefused() {
    StatusChange batch = new StatusChange.Batch(List.of(new StatusChange.InterfaceSet(VM1),
        new StatusChange.ClassesParked(new TreeSet<>(List.of(7))),
        new StatusChange.InterfaceRemoved("vm2")));
    String line = "batch 3 set vm1-net0 52:54:00:12:34:56 class=3 filter=800::803"
        + " in=floor=10mbit out=- / park 7 / remove vm2";
    assertThat(StatusRecordCodec.encodeChangeLine(batch)).isEqualTo(line);
    assertThat(StatusRecordCodec.decodeChangeLine(line)).isEqualTo(batch);
    assertThat(StatusRecordCodec.decodeChange(StatusRecordCodec.encodeChange(batch)))
        .isEqualTo(batch);
    assertThatThrownBy(() -> StatusRecordCodec.decodeChangeLine("batch 2 park 7"))
        .isInstanceOf(StatusStoreException.class).hasMessageContaining("says 2 changes but holds 1");
    assertThatThrownBy(() -> StatusRecordCodec.decodeChangeLine("batch 2 park 7 / batch 1 park 8"))
        .isInstanceOf(StatusStoreException.class).hasMessageContaining("holds another batch");
    assertThatThrownBy(() -> StatusRecordCodec.decodeChangeLine("batch 1"))
        .isInstanceOf(StatusStoreException.class).hasMessageContaining("no count and changes");
  }

  /** A record whose checksum is right but that holds no change is damaged, not a crash. */
  @Test
  void aChangeRecordWithAValidChecksumButNoChangeIsRefusedByName() {
    String body = "netfloor-change 1";
    CRC32C crc = new CRC32C();
    crc.update(body.getBytes(StandardCharsets.US_ASCII));
    byte[] record = (body + " crc32c=" + String.format("%08x", crc.getValue()) + "\n")
        .getBytes(StandardCharsets.US_ASCII);
    assertThatThrownBy(() -> StatusRecordCodec.decodeChange(record))
        .isInstanceOf(StatusStoreException.class).hasMessageContaining("has no checksum");
  }

  @Test
  void aChangeRecordIsOneVersionedLineWithAChecksum() {
    String body = "netfloor-change 1 park 7,9";
    StatusChange park = new StatusChange.ClassesParked(new TreeSet<>(List.of(9, 7)));
    assertThat(ascii(StatusRecordCodec.encodeChange(park)))
        .isEqualTo(body + " crc32c=" + crc(body) + "\n");
    assertThat(StatusRecordCodec.decodeChange(StatusRecordCodec.encodeChange(park)))
        .isEqualTo(park);
  }

  @Test
  void linesAreTheFileStoresLines() {
    assertThat(StatusRecordCodec.encodeInterface(VM1))
        .isEqualTo("vm1-net0 52:54:00:12:34:56 class=3 filter=800::803 in=floor=10mbit out=-");
    assertThat(StatusRecordCodec.encodeChangeLine(new StatusChange.InterfaceRemoved("vm2-net0")))
        .isEqualTo("remove vm2-net0");
    assertThat(StatusRecordCodec.encodeClassIds(new TreeSet<>())).isEqualTo("-");
  }

  @Test
  void aNewerFormatVersionIsRefusedWithAnUpgradeHint() {
    String body = "netfloor-change 4 remove vm1";
    byte[] newer = (body + " crc32c=" + crc(body) + "\n").getBytes(StandardCharsets.US_ASCII);
    assertThatThrownBy(() -> StatusRecordCodec.decodeChange(newer))
        .isInstanceOf(StatusStoreException.class)
        .hasMessageContaining("format version 4 is newer").hasMessageContaining("upgrade");
    String status = ascii(StatusRecordCodec.encodeStatus(STATUS))
        .replace("netfloor-status-record 1", "netfloor-status-record 4");
    assertThatThrownBy(() -> StatusRecordCodec.decodeStatus(
        status.getBytes(StandardCharsets.US_ASCII)))
        .isInstanceOf(StatusStoreException.class).hasMessageContaining("format version 4");
  }

  @Test
  void anotherSpellingOfAValueIsReportedNotHalfUnderstood() {
    assertThatThrownBy(() -> StatusRecordCodec.decodeInterface(
        "vm1-net0 52:54:00:12:34:56 class=3 filter=800::803 in=floor=10Mbit out=-"))
        .isInstanceOf(StatusStoreException.class).hasMessageContaining("canonical");
    assertThatThrownBy(() -> StatusRecordCodec.decodeClassIds("5,4"))
        .isInstanceOf(StatusStoreException.class).hasMessageContaining("canonical");
  }

  @Test
  void resizedInboundLimitsAreVersion2RecordsAndEverythingElseStaysVersion1() {
    Limits resized = Limits.builder().average(Rate.ofMegabits(200)).peak(Rate.ofMegabits(300))
        .build();
    NetworkStatus withInbound = STATUS.withInbound(Optional.of(resized));
    String body = "netfloor-status-record 2\n"
        + "network default\n"
        + "bridge virbr0\n"
        + "inbound average=200mbit,peak=300mbit\n"
        + "interfaces 1\n"
        + "iface vm1-net0 52:54:00:12:34:56 class=3 filter=800::803 in=floor=10mbit out=-\n"
        + "parked 4,5\n";
    assertThat(ascii(StatusRecordCodec.encodeStatus(withInbound)))
        .isEqualTo(body + "crc32c " + crc(body) + "\n");
    assertThat(StatusRecordCodec.decodeStatus(StatusRecordCodec.encodeStatus(withInbound)))
        .isEqualTo(withInbound);

    StatusChange resize = new StatusChange.InboundResized(resized);
    String change = "netfloor-change 2 resize average=200mbit,peak=300mbit";
    assertThat(ascii(StatusRecordCodec.encodeChange(resize)))
        .isEqualTo(change + " crc32c=" + crc(change) + "\n");
    assertThat(StatusRecordCodec.decodeChange(StatusRecordCodec.encodeChange(resize)))
        .isEqualTo(resize);
    assertThat(StatusRecordCodec.encodeChangeLine(resize))
        .isEqualTo("resize average=200mbit,peak=300mbit");
  }

  @Test
  void aRecordWhoseVersionDoesNotMatchItsContentIsRefused() {
    String v1Resize = "netfloor-change 1 resize average=200mbit";
    assertThatThrownBy(() -> StatusRecordCodec.decodeChange(
        (v1Resize + " crc32c=" + crc(v1Resize) + "\n").getBytes(StandardCharsets.US_ASCII)))
        .isInstanceOf(StatusStoreException.class).hasMessageContaining("canonical");
    String v2Remove = "netfloor-change 2 remove vm1";
    assertThatThrownBy(() -> StatusRecordCodec.decodeChange(
        (v2Remove + " crc32c=" + crc(v2Remove) + "\n").getBytes(StandardCharsets.US_ASCII)))
        .isInstanceOf(StatusStoreException.class).hasMessageContaining("canonical");
    String v2NoInbound = ascii(StatusRecordCodec.encodeStatus(STATUS)).replace(
        "netfloor-status-record 1", "netfloor-status-record 2");
    String v2Body = v2NoInbound.substring(0, v2NoInbound.indexOf("crc32c "));
    assertThatThrownBy(() -> StatusRecordCodec.decodeStatus(
        (v2Body + "crc32c " + crc(v2Body) + "\n").getBytes(StandardCharsets.US_ASCII)))
        .isInstanceOf(StatusStoreException.class).hasMessageContaining("inbound");
    assertThatThrownBy(() -> StatusRecordCodec.decodeChangeLine("resize floor=5mbit"))
        .isInstanceOf(StatusStoreException.class).hasMessageContaining("floor");
  }

  @Test
  void aPriorityEndsTheInterfaceLineInVersion3RecordsOnly() {
    PluggedInterface prio = new PluggedInterface("vm2-net0", MacAddress.parse("52:54:00:12:34:57"),
        Bandwidth.NONE.withPriority(Priority.of(7)), 6, Optional.of(U32Handle.of(0x800, 0, 0x806)),
        Optional.of(InterfaceName.of("vnet2")));
    assertThat(StatusRecordCodec.encodeInterface(prio)).isEqualTo("vm2-net0 52:54:00:12:34:57"
        + " class=6 filter=800::806 in=- out=- dev=vnet2 prio=7");
    assertThat(StatusRecordCodec.decodeInterface(StatusRecordCodec.encodeInterface(prio)))
        .isEqualTo(prio);
    PluggedInterface floorAndPrio = new PluggedInterface("vm3", MacAddress.parse("52:54:00:12:34:58"),
        Bandwidth.floor(Rate.ofMegabits(5)).withPriority(Priority.HIGHEST), 7,
        Optional.of(U32Handle.of(0x800, 0, 0x807)));
    assertThat(StatusRecordCodec.encodeInterface(floorAndPrio))
        .endsWith("in=floor=5mbit out=- prio=0");

    NetworkStatus withPrio = STATUS.withInterface(prio).withInbound(
        Optional.of(Limits.averageOnly(Rate.ofMegabits(100))));
    String body = "netfloor-status-record 3\n"
        + "network default\n"
        + "bridge virbr0\n"
        + "inbound average=100mbit\n"
        + "interfaces 2\n"
        + "iface vm1-net0 52:54:00:12:34:56 class=3 filter=800::803 in=floor=10mbit out=-\n"
        + "iface vm2-net0 52:54:00:12:34:57 class=6 filter=800::806 in=- out=- dev=vnet2 prio=7\n"
        + "parked 4,5\n";
    assertThat(ascii(StatusRecordCodec.encodeStatus(withPrio)))
        .isEqualTo(body + "crc32c " + crc(body) + "\n");
    assertThat(StatusRecordCodec.decodeStatus(StatusRecordCodec.encodeStatus(withPrio)))
        .isEqualTo(withPrio);
    assertThat(ascii(StatusRecordCodec.encodeStatus(STATUS.withInterface(prio))))
        .startsWith("netfloor-status-record 3\nnetwork default\nbridge virbr0\ninterfaces 2\n");

    StatusChange set = new StatusChange.InterfaceSet(prio);
    assertThat(ascii(StatusRecordCodec.encodeChange(set))).startsWith("netfloor-change 3 set ");
    assertThat(StatusRecordCodec.decodeChange(StatusRecordCodec.encodeChange(set))).isEqualTo(set);
    StatusChange batch = new StatusChange.Batch(List.of(new StatusChange.InterfaceRemoved("x"), set));
    assertThat(ascii(StatusRecordCodec.encodeChange(batch))).startsWith("netfloor-change 3 batch");
    assertThat(StatusRecordCodec.decodeChange(StatusRecordCodec.encodeChange(batch)))
        .isEqualTo(batch);
    // without a priority, nothing changes: version 1, no prio field
    assertThat(ascii(StatusRecordCodec.encodeChange(new StatusChange.InterfaceSet(VM1))))
        .startsWith("netfloor-change 1 set ").doesNotContain("prio");
  }

  @Test
  void aPriorityInTheWrongVersionOrSpellingIsRefused() {
    String v1Prio = "netfloor-change 1 set vm2 52:54:00:12:34:57 class=6 filter=800::806 in=- out=-"
        + " prio=7";
    assertThatThrownBy(() -> StatusRecordCodec.decodeChange(
        (v1Prio + " crc32c=" + crc(v1Prio) + "\n").getBytes(StandardCharsets.US_ASCII)))
        .isInstanceOf(StatusStoreException.class).hasMessageContaining("version 3");
    String v3NoPrio = "netfloor-change 3 remove vm1";
    assertThatThrownBy(() -> StatusRecordCodec.decodeChange(
        (v3NoPrio + " crc32c=" + crc(v3NoPrio) + "\n").getBytes(StandardCharsets.US_ASCII)))
        .isInstanceOf(StatusStoreException.class).hasMessageContaining("canonical");
    String v3Status = ascii(StatusRecordCodec.encodeStatus(STATUS)).replace(
        "netfloor-status-record 1", "netfloor-status-record 3");
    String v3Body = v3Status.substring(0, v3Status.indexOf("crc32c "));
    assertThatThrownBy(() -> StatusRecordCodec.decodeStatus(
        (v3Body + "crc32c " + crc(v3Body) + "\n").getBytes(StandardCharsets.US_ASCII)))
        .isInstanceOf(StatusStoreException.class).hasMessageContaining("version 1, not 3");
    assertThatThrownBy(() -> StatusRecordCodec.decodeInterface(
        "vm2 52:54:00:12:34:57 class=6 filter=800::806 in=- out=- prio=8"))
        .isInstanceOf(StatusStoreException.class).hasMessageContaining("0..7");
    assertThatThrownBy(() -> StatusRecordCodec.decodeInterface(
        "vm2 52:54:00:12:34:57 class=6 filter=800::806 in=- out=- prio=7 dev=vnet2"))
        .isInstanceOf(StatusStoreException.class);
    assertThatThrownBy(() -> StatusRecordCodec.decodeInterface(
        "vm2 52:54:00:12:34:57 class=0 filter=- in=- out=- prio=3"))
        .isInstanceOf(StatusStoreException.class).hasMessageContaining("class of its own");
  }

  @Test
  void aTruncatedOrDamagedRecordIsReported() {
    byte[] record = StatusRecordCodec.encodeStatus(STATUS);
    byte[] cut = Arrays.copyOf(record, record.length - 5);
    assertThatThrownBy(() -> StatusRecordCodec.decodeStatus(cut))
        .isInstanceOf(StatusStoreException.class).hasMessageContaining("truncated");
    byte[] flipped = record.clone();
    flipped[40] ^= 1;
    assertThatThrownBy(() -> StatusRecordCodec.decodeStatus(flipped))
        .isInstanceOf(StatusStoreException.class);
    assertThatThrownBy(() -> StatusRecordCodec.decodeStatus(new byte[0]))
        .isInstanceOf(StatusStoreException.class).hasMessageContaining("empty");
  }

  @Test
  void aDeviceWithoutAPriorityEndsTheInterfaceLine() {
    PluggedInterface dev = new PluggedInterface("vm4", MacAddress.parse("52:54:00:12:34:59"),
        Bandwidth.floor(Rate.ofMegabits(2)), 8, Optional.of(U32Handle.of(0x800, 0, 0x808)),
        Optional.of(InterfaceName.of("vnet4")));
    String line = "vm4 52:54:00:12:34:59 class=8 filter=800::808 in=floor=2mbit out=- dev=vnet4";
    assertThat(StatusRecordCodec.encodeInterface(dev)).isEqualTo(line);
    assertThat(StatusRecordCodec.decodeInterface(line)).isEqualTo(dev);
    assertThat(StatusRecordCodec.decodeInterface(line).device())
        .contains(InterfaceName.of("vnet4"));
  }
}
