// SPDX-License-Identifier: Apache-2.0
package io.netfloor.spi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netfloor.model.Bandwidth;
import io.netfloor.model.Limits;
import io.netfloor.model.NetworkName;
import io.netfloor.model.NetworkStatus;
import io.netfloor.model.PluggedInterface;
import io.netfloor.model.StatusChange;
import io.netfloor.plan.U32Handle;
import io.netfloor.units.ByteSize;
import io.netfloor.units.InterfaceName;
import io.netfloor.units.MacAddress;
import io.netfloor.units.Rate;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import java.util.zip.CRC32C;
import org.junit.jupiter.api.Test;

/**
 * The status codec at its edges: the smallest records (no interface, with and without recorded
 * inbound limits) and records of several interfaces read back; limits with every field; version
 * numbers at the ends of what is read; the exact reason given for malformed input.
 */
class StatusRecordBoundsTest {
  private static final InterfaceName BR = InterfaceName.of("virbr0");
  private static final Limits RESIZED = Limits.builder().average(Rate.parse("10mbit"))
      .peak(Rate.parse("20mbit")).burst(ByteSize.parse("15kb")).build();

  private static PluggedInterface iface(String alias, int i, int classMinor) {
    return new PluggedInterface(alias, MacAddress.parse("52:54:00:00:00:0" + i),
        Bandwidth.floor(Rate.ofMegabits(i)), classMinor,
        Optional.of(U32Handle.of(0x800, 0, 0x800 + classMinor)));
  }

  private static String crc(String text) {
    CRC32C c = new CRC32C();
    c.update(text.getBytes(StandardCharsets.US_ASCII));
    return String.format("%08x", c.getValue());
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.US_ASCII);
  }

  @Test
  void theSmallestRecordsAndRecordsOfSeveralInterfacesReadBack() {
    NetworkStatus empty = NetworkStatus.empty(NetworkName.of("net"), BR);
    NetworkStatus emptyResized = empty.withInbound(Optional.of(RESIZED));
    NetworkStatus three = empty.withInterface(iface("a", 1, 3)).withInterface(iface("b", 2, 4))
        .withInterface(iface("c", 3, 5)).withParked(List.of(6, 9), true);
    for (NetworkStatus s : List.of(empty, emptyResized, three,
        three.withInbound(Optional.of(RESIZED)))) {
      assertThat(StatusRecordCodec.decodeStatus(StatusRecordCodec.encodeStatus(s))).isEqualTo(s);
    }
    String v1 = new String(StatusRecordCodec.encodeStatus(empty), StandardCharsets.US_ASCII);
    assertThat(v1.split("\n")).hasSize(6);
    String v2 = new String(StatusRecordCodec.encodeStatus(emptyResized), StandardCharsets.US_ASCII);
    assertThat(v2.split("\n")).hasSize(7);
    assertThat(v2).contains("\ninbound average=10mbit,peak=20mbit,burst=15kb\n");

    // one line short, checksum right: the count is reported
    String body = "netfloor-status-record 1\nnetwork net\nbridge virbr0\nparked \n";
    assertThatThrownBy(() -> StatusRecordCodec.decodeStatus(bytes(body + "crc32c " + crc(body)
        + "\n"))).isInstanceOf(StatusStoreException.class).hasMessageContaining("has 5 lines");
    String v2body = "netfloor-status-record 2\nnetwork net\nbridge virbr0\ninterfaces 0\n"
        + "parked \n";
    assertThatThrownBy(() -> StatusRecordCodec.decodeStatus(bytes(v2body + "crc32c "
        + crc(v2body) + "\n"))).isInstanceOf(StatusStoreException.class)
        .hasMessageContaining("'inbound' line");
  }

  @Test
  void limitsWithEveryFieldAreWrittenInOrderAndReadBack() {
    Limits all = Limits.builder().average(Rate.parse("10mbit")).peak(Rate.parse("20mbit"))
        .burst(ByteSize.parse("15kb")).floor(Rate.parse("5mbit")).build();
    assertThat(StatusRecordCodec.encodeLimits(all))
        .isEqualTo("average=10mbit,peak=20mbit,burst=15kb,floor=5mbit");
    assertThat(StatusRecordCodec.decodeLimits("average=10mbit,peak=20mbit,burst=15kb,floor=5mbit"))
        .isEqualTo(all);
    assertThatThrownBy(() -> StatusRecordCodec.decodeLimits("=10mbit"))
        .isInstanceOf(StatusStoreException.class).hasMessageContaining("unknown limit");
    assertThatThrownBy(() -> StatusRecordCodec.decodeLimits("average"))
        .isInstanceOf(StatusStoreException.class).hasMessageContaining("not key=value");
  }

  private static String change(String version, String line) {
    String body = "netfloor-change " + version + " " + line;
    return body + " crc32c=" + crc(body) + "\n";
  }

  @Test
  void versionsAreDigitsOfAtMostNineAndANewerOneAsksForAnUpgrade() {
    assertThat(StatusRecordCodec.decodeChange(bytes(change("1", "remove a"))))
        .isEqualTo(new StatusChange.InterfaceRemoved("a"));
    for (String newer : new String[] {"9", "999999999"}) {
      assertThatThrownBy(() -> StatusRecordCodec.decodeChange(bytes(change(newer, "remove a"))))
          .isInstanceOf(StatusStoreException.class).hasMessageContaining("upgrade NetFloor");
    }
    assertThatThrownBy(() -> StatusRecordCodec.decodeChange(bytes(change("0", "remove a"))))
        .isInstanceOf(StatusStoreException.class).hasMessageContaining("unknown format version");
    for (String bad : new String[] {"1000000000", "1a", "/", ":"}) {
      assertThatThrownBy(() -> StatusRecordCodec.decodeChange(bytes(change(bad, "remove a"))))
          .as(bad).isInstanceOf(StatusStoreException.class)
          .hasMessageContaining("does not start with 'netfloor-change <version>'");
    }
  }

  @Test
  void malformedChangesAreReportedForWhatTheyAre() {
    assertThatThrownBy(() -> StatusRecordCodec.decodeChangeLine(" a"))
        .isInstanceOf(StatusStoreException.class).hasMessageContaining("unknown change ''");
    assertThatThrownBy(() -> StatusRecordCodec.decodeChangeLine("remove"))
        .isInstanceOf(StatusStoreException.class).hasMessageContaining("no operation");
    assertThatThrownBy(() -> StatusRecordCodec.decodeChangeLine("batch  remove a"))
        .isInstanceOf(StatusStoreException.class).hasMessageContaining("cannot read");
    assertThatThrownBy(() -> StatusRecordCodec.decodeChangeLine("batch 1"))
        .isInstanceOf(StatusStoreException.class).hasMessageContaining("no count and changes");
    assertThatThrownBy(() -> StatusRecordCodec.decodeChangeLine("batch 2  / remove a"))
        .isInstanceOf(StatusStoreException.class).hasMessageContaining("'' has no operation");
  }

  @Test
  void aByteOutsidePrintableAsciiIsNamedWithItsOffset() {
    assertThatThrownBy(() -> StatusRecordCodec.decodeChange(bytes("net\u007f")))
        .isInstanceOf(StatusStoreException.class).hasMessageContaining("byte 0x7f at offset 3");
    byte[] high = {'n', 'e', 't', (byte) 0xc3};
    assertThatThrownBy(() -> StatusRecordCodec.decodeChange(high))
        .isInstanceOf(StatusStoreException.class).hasMessageContaining("byte 0xc3 at offset 3");
    assertThatThrownBy(() -> StatusRecordCodec.decodeChange(bytes("a\u001fb")))
        .isInstanceOf(StatusStoreException.class).hasMessageContaining("byte 0x1f at offset 1");
    // '~' and ' ' are printable: the record is refused for another reason
    assertThatThrownBy(() -> StatusRecordCodec.decodeChange(bytes("~ ~\n")))
        .isInstanceOf(StatusStoreException.class).hasMessageNotContaining("printable");
  }
}
