// SPDX-License-Identifier: Apache-2.0
package io.netfloor.persistence;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import io.netfloor.model.AdmissionLimit;
import io.netfloor.model.FilterLayout;
import io.netfloor.model.Limits;
import io.netfloor.model.LibvirtBandwidthXml;
import io.netfloor.model.NetworkConfig;
import io.netfloor.model.PluggedInterface;
import io.netfloor.model.TrafficMatch;
import io.netfloor.spi.StatusStoreException;
import io.netfloor.units.Rate;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A hostile or damaged libvirt status file cannot hold an import up or make it fail untyped: every
 * input is bounded before it is parsed, and floors that add up past a 64-bit rate are still
 * imported and fitted.
 */
class LibvirtStatusImportBoundsTest {
  private static final Duration QUICK = Duration.ofSeconds(5);

  private static String network(String bitmap, String average) {
    return "<networkstatus><class_id bitmap='" + bitmap + "'/><network><name>default</name>"
        + "<bridge name='virbr0'/><bandwidth><inbound average='" + average + "'/></bandwidth>"
        + "</network></networkstatus>";
  }

  private static String port(int id, String floor, String average) {
    return String.format("<networkport><uuid>port-%d</uuid><group>default</group>"
        + "<mac address='52:54:00:00:00:%02x'/><bandwidth classID='%d'><inbound average='%s'"
        + " floor='%s'/></bandwidth><plug type='network' bridge='virbr0'/></networkport>",
        id, id, id, average, floor);
  }

  @Test
  void aMillionDigitAttributeIsRefusedAtOnceNamingTheFile() {
    Map<String, String> ports = new LinkedHashMap<>();
    ports.put("ports/p3.xml", port(3, "9".repeat(1_000_000), "100"));
    assertTimeoutPreemptively(QUICK, () ->
        assertThatThrownBy(() -> LibvirtStatusImport.fromXml("default.xml",
            network("0-3", "12500"), ports))
            .isExactlyInstanceOf(StatusStoreException.class)
            .hasMessageStartingWith("ports/p3.xml: interface port-3: could not convert bandwidth"
                + " floor value '9999")
            .hasMessageContaining("it is 1000000 characters long")
            .satisfies(e -> assertThat(e.getMessage()).hasSizeLessThan(400)));
  }

  @Test
  void aFileAboveTheBoundIsRefusedUnparsed(@TempDir Path dir) throws IOException {
    Path big = dir.resolve("default.xml");
    try (OutputStream out = Files.newOutputStream(big)) {
      out.write(network("0-2", "12500").getBytes(StandardCharsets.UTF_8));
      byte[] comment = ("<!--" + "x".repeat(1 << 20) + "-->").getBytes(StandardCharsets.UTF_8);
      for (int i = 0; i < 5; i++) {
        out.write(comment);
      }
    }
    assertThat(Files.size(big)).isGreaterThan(LibvirtStatusImport.MAX_DOCUMENT_BYTES);
    assertThatThrownBy(() -> LibvirtStatusImport.fromFiles(big, List.of()))
        .isExactlyInstanceOf(StatusStoreException.class)
        .hasMessageContaining(big + ": more than 4194304 bytes is more than a libvirt status file"
            + " holds");
    assertThatThrownBy(() -> LibvirtStatusImport.networkBandwidth(big, new java.util.ArrayList<>()))
        .isExactlyInstanceOf(StatusStoreException.class)
        .hasMessageContaining(big.toString());
    // the same bound for documents given as text
    String text = Files.readString(big);
    assertThatThrownBy(() -> LibvirtStatusImport.fromXml("net.xml", text, Map.of()))
        .isExactlyInstanceOf(StatusStoreException.class)
        .hasMessageStartingWith("net.xml: ");
  }

  @Test
  void aBitmapOfManyWideRangesIsReadInLinearTime() {
    String ranges = String.join(",", java.util.Collections.nCopies(30_000, "0-65535"));
    assertThat(ranges.length()).isLessThan(LibvirtStatusImport.MAX_BITMAP_CHARS);
    assertTimeoutPreemptively(QUICK, () ->
        assertThat(LibvirtStatusImport.parseBitmap("net.xml", ranges + ",^7"))
            .hasSize(65_535).doesNotContain(7).contains(0, 65_535));
    String tooLong = "1,".repeat(LibvirtStatusImport.MAX_BITMAP_CHARS);
    assertThatThrownBy(() -> LibvirtStatusImport.parseBitmap("net.xml", tooLong))
        .isExactlyInstanceOf(StatusStoreException.class)
        .hasMessageContaining("net.xml: class_id bitmap '1,1,")
        .hasMessageContaining("characters long, more than the 262144");
  }

  /**
   * Floors libvirt admitted that add up to more than 2^63−1 bit/s: the import reports libvirt's
   * sum against the exact one, and fitting them to a network scales them down instead of failing.
   */
  @Test
  void floorsSummingPastA64BitRateAreImportedAndFitted() {
    long max = LibvirtBandwidthXml.MAX_REPRESENTABLE_KBPS;
    Map<String, String> ports = new LinkedHashMap<>();
    for (int id = 3; id <= 6; id++) {
      ports.put("p" + id + ".xml", port(id, Long.toString(max), Long.toString(max)));
    }
    String net = network("0-6", Long.toString(max)).replace("<network>",
        "<floor sum='5'/><network>");
    LibvirtStatusImport.Result r = LibvirtStatusImport.fromXml("default.xml", net, ports);
    assertThat(r.status().interfaces()).hasSize(4);
    assertThat(r.warnings()).anySatisfy(w -> assertThat(w).contains("libvirt's floor sum is 40kbit"
        + " (5 kB/s) but the adopted interfaces' floors add up to 36893488147419072000 bit/s"));
    assertThatThrownBy(() -> r.status().floorSum())
        .isInstanceOf(io.netfloor.InvalidBandwidthException.class)
        .hasMessageContaining("sum to more than 9223372036854775807 bit/s");

    Rate capacity = Rate.ofKilobytesPerSecond(max);
    NetworkConfig config = NetworkConfig.builder("default", "virbr0")
        .inbound(Limits.averageOnly(capacity)).filterLayout(FilterLayout.LIBVIRT_LINEAR)
        .trafficMatch(TrafficMatch.IPV4_ONLY).admissionLimit(AdmissionLimit.PEAK_LIKE_LIBVIRT)
        .build();
    LibvirtStatusImport.Result fitted = r.fitTo(config);
    assertThat(fitted.status().floorSum()).isLessThanOrEqualTo(capacity);
    assertThat(fitted.status().interfaces().values()).allSatisfy((PluggedInterface p) ->
        assertThat(p.bandwidth().floorOrZero().bitsPerSecond()).isBetween(
            capacity.bitsPerSecond() / 4 - 8000, capacity.bitsPerSecond() / 4));
    assertThat(fitted.warnings()).anySatisfy(w -> assertThat(w).contains("sum to"
        + " 36893488147419072000 bit/s", "every floor is scaled by 25.00%"));
  }
}
