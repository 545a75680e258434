// SPDX-License-Identifier: Apache-2.0
package io.netfloor.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import io.netfloor.InvalidBandwidthException;
import io.netfloor.InvalidValueException;
import io.netfloor.units.ByteSize;
import io.netfloor.units.Rate;
import java.io.StringReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.stream.Stream;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.w3c.dom.Element;
import org.xml.sax.InputSource;

/** Table-driven tests of libvirt's {@code <bandwidth>} interop. */
class LibvirtBandwidthXmlTest {

  private static Rate kBps(long n) {
    return Rate.ofKilobytesPerSecond(n);
  }

  private static Limits limits(Long average, Long peak, Long burstKib, Long floor) {
    return new Limits(Optional.ofNullable(average).map(LibvirtBandwidthXmlTest::kBps),
        Optional.ofNullable(peak).map(LibvirtBandwidthXmlTest::kBps),
        Optional.ofNullable(burstKib).map(ByteSize::ofKibibytes),
        Optional.ofNullable(floor).map(LibvirtBandwidthXmlTest::kBps));
  }

  // ------------------------------------------------------------ valid shapes

  static Stream<Arguments> validInterfaceShapes() {
    return Stream.of(
        // xml, expected inbound, expected outbound
        Arguments.of("<bandwidth><inbound average='1000' peak='2000' burst='256' floor='200'/>"
                + "<outbound average='500' peak='600' burst='128'/></bandwidth>",
            limits(1000L, 2000L, 256L, 200L), limits(500L, 600L, 128L, null)),
        Arguments.of("<bandwidth><inbound floor='200'/></bandwidth>",
            limits(null, null, null, 200L), null),
        Arguments.of("<bandwidth><inbound average='1'/></bandwidth>",
            limits(1L, null, null, null), null),
        Arguments.of("<bandwidth><outbound average='5' burst='7'/></bandwidth>",
            null, limits(5L, null, 7L, null)),
        // unknown children are ignored, as libvirt does
        Arguments.of("<bandwidth><foo/><inbound average='10'/><!-- c --></bandwidth>",
            limits(10L, null, null, null), null),
        // 0 means "not set": dropped attribute by attribute, a direction with only zeros is absent
        Arguments.of("<bandwidth><inbound average='1000' peak='0' burst='0' floor='0'/></bandwidth>",
            limits(1000L, null, null, null), null),
        Arguments.of("<bandwidth><inbound average='0'/></bandwidth>", null, null),
        Arguments.of("<bandwidth><inbound average='0' floor='300'/></bandwidth>",
            limits(null, null, null, 300L), null),
        Arguments.of("<bandwidth><outbound average='5' floor='0'/></bandwidth>",
            null, limits(5L, null, null, null)),
        Arguments.of("<bandwidth/>", null, null),
        Arguments.of("<bandwidth></bandwidth>", null, null),
        // libvirt's limits are inclusive
        Arguments.of("<bandwidth><inbound average='1000' burst='4194303'/></bandwidth>",
            limits(1000L, null, 4194303L, null), null),
        Arguments.of("<bandwidth><inbound average='" + LibvirtBandwidthXml.MAX_REPRESENTABLE_KBPS
                + "'/></bandwidth>",
            limits(LibvirtBandwidthXml.MAX_REPRESENTABLE_KBPS, null, null, null), null),
        // leading zeros are still decimal
        Arguments.of("<bandwidth><inbound average='010'/></bandwidth>",
            limits(10L, null, null, null), null));
  }

  @ParameterizedTest
  @MethodSource("validInterfaceShapes")
  void parsesInterfaceShapes(String xml, Limits inbound, Limits outbound) {
    Bandwidth b = LibvirtBandwidthXml.parseInterface(xml);
    assertThat(b.inbound()).isEqualTo(Optional.ofNullable(inbound));
    assertThat(b.outbound()).isEqualTo(Optional.ofNullable(outbound));
  }

  @Test
  void unitsAreLibvirts() {
    Bandwidth b = LibvirtBandwidthXml.parseInterface(
        "<bandwidth><inbound average='1' peak='2' floor='1' burst='4'/></bandwidth>");
    Limits in = b.inbound().orElseThrow();
    assertThat(in.average()).contains(Rate.ofBitsPerSecond(8_000)); // tc kbps: 1000 bytes/s
    assertThat(in.peak()).contains(Rate.ofBitsPerSecond(16_000));
    assertThat(in.floor()).contains(Rate.ofBitsPerSecond(8_000));
    assertThat(in.burst()).contains(ByteSize.ofBytes(4096)); // tc kb: 1024 bytes
  }

  @Test
  void networkAcceptsEverythingButFloor() {
    Bandwidth b = LibvirtBandwidthXml.parseNetwork(
        "<bandwidth><inbound average='1000' peak='2000' burst='256'/><outbound average='500'/>"
            + "</bandwidth>");
    assertThat(b).isEqualTo(Bandwidth.of(limits(1000L, 2000L, 256L, null), limits(500L, null, null,
        null)));
    // a zero floor is "not set", so even a network accepts it
    assertThat(LibvirtBandwidthXml.parseNetwork(
        "<bandwidth><inbound average='1000' floor='0'/></bandwidth>"))
        .isEqualTo(Bandwidth.inboundOnly(limits(1000L, null, null, null)));
  }

  // ------------------------------------------------------------ libvirt's errors

  static Stream<Arguments> bandwidthRuleViolations() {
    return Stream.of(
        // xml, floorAllowed, message fragments
        Arguments.of("<bandwidth><inbound average='1'/><inbound average='2'/></bandwidth>", true,
            new String[] {"Only one child <inbound> element allowed", "average='1'", "average='2'"}),
        Arguments.of("<bandwidth><outbound average='1'/><outbound average='2'/></bandwidth>", true,
            new String[] {"Only one child <outbound> element allowed", "average='2'"}),
        Arguments.of("<bandwidth><inbound peak='2000'/></bandwidth>", true,
            new String[] {"Missing mandatory average or floor attributes", "peak='2000'"}),
        Arguments.of("<bandwidth><inbound/></bandwidth>", true,
            new String[] {"Missing mandatory average or floor attributes", "<inbound/>"}),
        Arguments.of("<bandwidth><outbound burst='10'/></bandwidth>", true,
            new String[] {"Missing mandatory average or floor attributes", "burst='10'"}),
        Arguments.of("<bandwidth><inbound floor='10' peak='20'/></bandwidth>", true,
            new String[] {"'peak' and 'burst' require 'average' attribute", "peak='20'"}),
        Arguments.of("<bandwidth><inbound floor='10' burst='20'/></bandwidth>", true,
            new String[] {"'peak' and 'burst' require 'average' attribute", "burst='20'"}),
        // average='0' is not set, so the peak has nothing to rest on (libvirt would keep it)
        Arguments.of("<bandwidth><inbound floor='5' average='0' peak='9'/></bandwidth>", true,
            new String[] {"peak and burst require an average", "peak='9'"}),
        Arguments.of("<bandwidth><inbound average='1000' floor='200'/></bandwidth>", false,
            new String[] {"floor attribute is not supported for this config", "floor='200'"}),
        Arguments.of("<bandwidth><outbound average='1000' floor='200'/></bandwidth>", true,
            new String[] {"'floor' attribute allowed only in <inbound> element", "floor='200'"}),
        Arguments.of("<bandwidth><outbound average='1000' floor='200'/></bandwidth>", false,
            new String[] {"'floor' attribute allowed only in <inbound> element"}),
        Arguments.of("<bandwidth><inbound average='18014398509481985'/></bandwidth>", true,
            new String[] {"value '18014398509481985' is too big for 'average' parameter,"
                + " maximum is '18014398509481984'"}),
        Arguments.of("<bandwidth><inbound average='1' peak='18014398509481985'/></bandwidth>", true,
            new String[] {"too big for 'peak' parameter"}),
        Arguments.of("<bandwidth><inbound floor='18014398509481985'/></bandwidth>", true,
            new String[] {"too big for 'floor' parameter"}),
        Arguments.of("<bandwidth><inbound average='1' burst='4194304'/></bandwidth>", true,
            new String[] {"value '4194304' is too big for 'burst' parameter, maximum is '4194303'"}),
        // NetFloor's own rules (Limits), with the element quoted
        Arguments.of("<bandwidth><inbound average='1000' peak='500'/></bandwidth>", true,
            new String[] {"peak 4mbit is below average 8mbit", "peak='500'"}),
        Arguments.of("<bandwidth><inbound average='100' floor='200'/></bandwidth>", true,
            new String[] {"floor 1600kbit exceeds ceiling 800kbit", "floor='200'"}));
  }

  @ParameterizedTest
  @MethodSource("bandwidthRuleViolations")
  void bandwidthRuleViolationsAreInvalidBandwidth(String xml, boolean floorAllowed,
      String[] fragments) {
    assertThatThrownBy(() -> parse(xml, floorAllowed))
        .isInstanceOf(InvalidBandwidthException.class)
        .satisfies(e -> assertThat(e.getMessage()).contains(fragments));
  }

  static Stream<Arguments> malformedValues() {
    return Stream.of(
        Arguments.of("<bandwidth><inbound average='-1'/></bandwidth>",
            "could not convert bandwidth average value '-1'"),
        Arguments.of("<bandwidth><inbound average='+1'/></bandwidth>",
            "could not convert bandwidth average value '+1'"),
        Arguments.of("<bandwidth><inbound average=' 1'/></bandwidth>",
            "could not convert bandwidth average value ' 1'"),
        Arguments.of("<bandwidth><inbound average='1.5'/></bandwidth>",
            "could not convert bandwidth average value '1.5'"),
        Arguments.of("<bandwidth><inbound average='0x10'/></bandwidth>",
            "could not convert bandwidth average value '0x10'"),
        Arguments.of("<bandwidth><inbound average='10mbit'/></bandwidth>",
            "could not convert bandwidth average value '10mbit'"),
        Arguments.of("<bandwidth><inbound average=''/></bandwidth>",
            "could not convert bandwidth average value ''"),
        Arguments.of("<bandwidth><inbound average='1' peak='x'/></bandwidth>",
            "could not convert bandwidth peak value 'x'"),
        Arguments.of("<bandwidth><inbound average='1' burst='-4'/></bandwidth>",
            "could not convert bandwidth burst value '-4'"),
        Arguments.of("<bandwidth><inbound floor='1e3'/></bandwidth>",
            "could not convert bandwidth floor value '1e3'"),
        Arguments.of("<bandwidth><inbound average='99999999999999999999999'/></bandwidth>",
            "could not convert bandwidth average value '99999999999999999999999'"),
        // within libvirt's 2^54 but above what 64-bit bit/s hold
        Arguments.of("<bandwidth><inbound average='" + (LibvirtBandwidthXml.MAX_REPRESENTABLE_KBPS + 1)
            + "'/></bandwidth>", "value '1152921504606847' for 'average'"),
        Arguments.of("<bandwidth><inbound average='1'>", "malformed bandwidth XML"),
        Arguments.of("not xml", "malformed bandwidth XML 'not xml'"),
        Arguments.of("", "bandwidth XML is empty"),
        Arguments.of("<network><inbound average='1'/></network>",
            "expected a <bandwidth> element, got <network>"),
        Arguments.of("<bandwidth classID='3'><inbound floor='1'/></bandwidth>",
            "classID attribute not supported on <bandwidth> in this usage context (classID='3')"));
  }

  @ParameterizedTest
  @MethodSource("malformedValues")
  void malformedInputIsInvalidValueButNotABandwidthRule(String xml, String fragment) {
    assertThatThrownBy(() -> LibvirtBandwidthXml.parseInterface(xml))
        .isExactlyInstanceOf(InvalidValueException.class)
        .hasMessageContaining(fragment);
  }

  /**
   * A million digits in an attribute are refused by their length at once (converting them took
   * minutes), with a message that quotes only their start; so is a document far larger than any
   * {@code <bandwidth>} element.
   */
  @Test
  void hugeInputsAreRefusedBeforeTheyAreConverted() throws Exception {
    String digits = "7".repeat(1_000_000);
    for (String attribute : new String[] {"average", "floor"}) {
      String xml = "<bandwidth><inbound " + attribute + "='" + digits + "'/></bandwidth>";
      // as text: the document's own bound
      assertTimeoutPreemptively(Duration.ofSeconds(5), () ->
          assertThatThrownBy(() -> LibvirtBandwidthXml.parseInterface(xml))
              .isExactlyInstanceOf(InvalidValueException.class)
              .hasMessageContaining("is " + xml.length() + " characters long, more than the 65536")
              .satisfies(e -> assertThat(e.getMessage()).hasSizeLessThan(400)));
      // as an element of a larger document (a status file): the attribute's bound
      Element element = DocumentBuilderFactory.newInstance().newDocumentBuilder()
          .parse(new InputSource(new StringReader(xml))).getDocumentElement();
      assertTimeoutPreemptively(Duration.ofSeconds(5), () ->
          assertThatThrownBy(() -> LibvirtBandwidthXml.fromElement(element, true))
              .isExactlyInstanceOf(InvalidValueException.class)
              .hasMessageContaining("could not convert bandwidth " + attribute + " value '"
                  + "7".repeat(40) + "…' in <inbound>: it is 1000000 characters long")
              .satisfies(e -> assertThat(e.getMessage()).hasSizeLessThan(250)));
    }
    String padded = "<bandwidth><inbound average='1000'/>" + " ".repeat(70_000) + "</bandwidth>";
    assertThatThrownBy(() -> LibvirtBandwidthXml.parseInterface(padded))
        .isExactlyInstanceOf(InvalidValueException.class)
        .hasMessageContaining("characters long, more than the 65536 a <bandwidth> element may take");
    // leading zeros within the bound are still read, as libvirt reads them
    assertThat(LibvirtBandwidthXml.parseInterface("<bandwidth><inbound average='"
        + "0".repeat(28) + "1000'/></bandwidth>").inbound().orElseThrow().average())
        .contains(Rate.ofKilobytesPerSecond(1000));
  }

  private static Bandwidth parse(String xml, boolean floorAllowed) {
    return floorAllowed ? LibvirtBandwidthXml.parseInterface(xml)
        : LibvirtBandwidthXml.parseNetwork(xml);
  }

  // ------------------------------------------------------------ security

  @Test
  void externalEntityIsRefusedAndNeverRead(@TempDir Path dir) throws Exception {
    Path secret = dir.resolve("secret.txt");
    Files.writeString(secret, "4242");
    String xxe = "<?xml version='1.0'?><!DOCTYPE bandwidth [<!ENTITY x SYSTEM '"
        + secret.toUri() + "'>]><bandwidth><inbound average='&x;'/></bandwidth>";
    assertThatThrownBy(() -> LibvirtBandwidthXml.parseInterface(xxe))
        .isExactlyInstanceOf(InvalidValueException.class)
        .hasMessageContaining("malformed bandwidth XML")
        .hasMessageContaining("DOCTYPE")
        .satisfies(e -> assertThat(e.getMessage()).doesNotContain("4242"));
  }

  @Test
  void internalEntityExpansionIsRefused() {
    String bomb = "<!DOCTYPE bandwidth [<!ENTITY a '1000'><!ENTITY b '&a;&a;&a;&a;'>]>"
        + "<bandwidth><inbound average='&b;'/></bandwidth>";
    assertThatThrownBy(() -> LibvirtBandwidthXml.parseInterface(bomb))
        .isExactlyInstanceOf(InvalidValueException.class)
        .hasMessageContaining("DOCTYPE");
  }

  @Test
  void xincludeIsNotProcessed(@TempDir Path dir) throws Exception {
    Path other = dir.resolve("in.xml");
    Files.writeString(other, "<inbound average='77'/>");
    String xml = "<bandwidth xmlns:xi='http://www.w3.org/2001/XInclude'><xi:include href='"
        + other.toUri() + "'/></bandwidth>";
    // the include element is an unknown child and ignored: nothing was read from the file
    assertThat(LibvirtBandwidthXml.parseInterface(xml)).isEqualTo(Bandwidth.NONE);
  }

  // ------------------------------------------------------------ formatting

  @Test
  void formatsInLibvirtsAttributeOrder() {
    Bandwidth b = Bandwidth.of(limits(1000L, 2000L, 256L, 200L), limits(500L, 600L, 128L, null));
    assertThat(LibvirtBandwidthXml.format(b)).isEqualTo("""
        <bandwidth>
          <inbound average='1000' peak='2000' floor='200' burst='256'/>
          <outbound average='500' peak='600' burst='128'/>
        </bandwidth>
        """);
  }

  @Test
  void keepsAnInboundWithOnlyAFloor() {
    assertThat(LibvirtBandwidthXml.format(Bandwidth.floor(kBps(200)))).isEqualTo("""
        <bandwidth>
          <inbound floor='200'/>
        </bandwidth>
        """);
  }

  @Test
  void absentBandwidthFormatsToNothing() {
    assertThat(LibvirtBandwidthXml.format(Bandwidth.NONE)).isEmpty();
  }

  static Stream<Arguments> inexpressible() {
    return Stream.of(
        Arguments.of(Bandwidth.inboundOnly(Limits.averageOnly(Rate.parse("1500bit"))),
            "inbound average 1500bit (1500 bit/s) is not a whole number of kilobytes per second"),
        Arguments.of(Bandwidth.floor(Rate.parse("10kibit")),
            "inbound floor 10240bit (10240 bit/s)"),
        Arguments.of(Bandwidth.inboundOnly(Limits.builder().average(kBps(10))
                .peak(Rate.parse("100001bit")).build()),
            "inbound peak 100001bit"),
        Arguments.of(Bandwidth.of(null, Limits.builder().average(kBps(10))
                .burst(ByteSize.ofBytes(1500)).build()),
            "outbound burst 1500b (1500 bytes) is not a whole number of kilobytes"));
  }

  @ParameterizedTest
  @MethodSource("inexpressible")
  void valuesNotInWholeLibvirtUnitsAreRefused(Bandwidth b, String fragment) {
    assertThatThrownBy(() -> LibvirtBandwidthXml.format(b))
        .isInstanceOf(InvalidBandwidthException.class)
        .hasMessageContaining(fragment);
  }

  @ParameterizedTest
  @MethodSource("validInterfaceShapes")
  void formatThenParseRoundTrips(String xml, Limits inbound, Limits outbound) {
    Bandwidth b = new Bandwidth(Optional.ofNullable(inbound), Optional.ofNullable(outbound));
    String formatted = LibvirtBandwidthXml.format(b);
    if (b.equals(Bandwidth.NONE)) {
      assertThat(formatted).isEmpty();
    } else {
      assertThat(LibvirtBandwidthXml.parseInterface(formatted)).isEqualTo(b);
    }
  }

  @Test
  void parseThenFormatIsLibvirtsCanonicalForm() {
    String xml = "<bandwidth>\n  <inbound burst='256' floor='200' peak='2000' average='1000'/>\n"
        + "</bandwidth>";
    assertThat(LibvirtBandwidthXml.format(LibvirtBandwidthXml.parseInterface(xml))).isEqualTo(
        "<bandwidth>\n  <inbound average='1000' peak='2000' floor='200' burst='256'/>\n"
            + "</bandwidth>\n");
  }

  // ------------------------------------------------------------ embedded elements

  @Test
  void readsAnElementOfALargerDocumentAndItsClassId() throws Exception {
    String port = "<networkport><uuid>x</uuid><bandwidth classID='3'>"
        + "<inbound floor='200'/></bandwidth></networkport>";
    var factory = DocumentBuilderFactory.newInstance();
    Element root = factory.newDocumentBuilder()
        .parse(new InputSource(new StringReader(port))).getDocumentElement();
    Element bw = (Element) root.getElementsByTagName("bandwidth").item(0);
    assertThat(LibvirtBandwidthXml.fromElement(bw, true)).isEqualTo(Bandwidth.floor(kBps(200)));
    assertThat(LibvirtBandwidthXml.classId(bw)).isEqualTo(OptionalInt.of(3));
    assertThatThrownBy(() -> LibvirtBandwidthXml.fromElement(bw, false))
        .isInstanceOf(InvalidBandwidthException.class)
        .hasMessageContaining("floor attribute is not supported for this config");
    assertThatThrownBy(() -> LibvirtBandwidthXml.fromElement(root, true))
        .isExactlyInstanceOf(InvalidValueException.class)
        .hasMessageContaining("got <networkport>");
    bw.setAttribute("classID", "0x3");
    assertThatThrownBy(() -> LibvirtBandwidthXml.classId(bw))
        .isExactlyInstanceOf(InvalidValueException.class)
        .hasMessageContaining("Unable to parse class id '0x3'");
    bw.setAttribute("classID", "65536");
    assertThatThrownBy(() -> LibvirtBandwidthXml.classId(bw))
        .hasMessageContaining("'65536'");
    bw.removeAttribute("classID");
    assertThat(LibvirtBandwidthXml.classId(bw)).isEmpty();
  }

  // ------------------------------------------------------------ network-port status

  @Test
  void portBandwidthKeepsItsClassIdThroughARoundTrip() {
    String port = "<bandwidth classID='12'>\n  <inbound average='800' floor='150'/>\n"
        + "  <outbound average='500'/>\n</bandwidth>\n";
    LibvirtBandwidthXml.PortBandwidth read = LibvirtBandwidthXml.parsePort(port);
    assertThat(read.classId()).isEqualTo(12);
    assertThat(read.bandwidth().floorOrZero()).isEqualTo(kBps(150));
    String written = LibvirtBandwidthXml.format(read.bandwidth(), read.classId());
    assertThat(written).isEqualTo(port); // libvirt's own form, classID first
    assertThat(LibvirtBandwidthXml.parsePort(written)).isEqualTo(read);
    // a port without a class: no attribute, as libvirt writes it
    String plain = LibvirtBandwidthXml.format(read.bandwidth(), 0);
    assertThat(plain).startsWith("<bandwidth>\n");
    assertThat(LibvirtBandwidthXml.parsePort(plain).classId()).isZero();
    // the interface/network parsers still refuse the port-only attribute
    assertThatThrownBy(() -> LibvirtBandwidthXml.parseInterface(written))
        .hasMessageContaining("classID attribute not supported");
    assertThatThrownBy(() -> LibvirtBandwidthXml.format(read.bandwidth(), 65536))
        .isInstanceOf(InvalidValueException.class).hasMessageContaining("65536");
    assertThatThrownBy(() -> LibvirtBandwidthXml.parsePort("<bandwidth classID='x'>"
        + "<inbound floor='1'/></bandwidth>")).hasMessageContaining("Unable to parse class id 'x'");
  }
}
