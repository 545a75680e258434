// SPDX-License-Identifier: Apache-2.0
package io.netfloor.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netfloor.InvalidBandwidthException;
import io.netfloor.InvalidValueException;
import io.netfloor.units.Rate;
import org.junit.jupiter.api.Test;

/**
 * The bounds of libvirt's {@code <bandwidth>} format, each on both sides: the largest class id,
 * the longest document, the longest value quoted whole, the first number too wide for 64 bits.
 */
class LibvirtBandwidthXmlBoundsTest {
  private static final Bandwidth FLOOR = Bandwidth.floor(Rate.ofKilobytesPerSecond(100));

  @Test
  void classIdsReachExactly65535() {
    assertThat(LibvirtBandwidthXml.parsePort("<bandwidth classID='65535'><inbound floor='1'/>"
        + "</bandwidth>").classId()).isEqualTo(65535);
    assertThatThrownBy(() -> LibvirtBandwidthXml.parsePort("<bandwidth classID='65536'>"
        + "<inbound floor='1'/></bandwidth>")).isInstanceOf(InvalidValueException.class)
        .hasMessage("Unable to parse class id '65536': expected an unsigned decimal integer up to"
            + " 65535");
    assertThatThrownBy(() -> LibvirtBandwidthXml.parsePort("<bandwidth classID='000001'>"
        + "<inbound floor='1'/></bandwidth>")).isInstanceOf(InvalidValueException.class)
        .hasMessageContaining("'000001'");

    assertThat(LibvirtBandwidthXml.format(FLOOR, 65535)).startsWith("<bandwidth classID='65535'>");
    assertThat(LibvirtBandwidthXml.format(FLOOR, 0)).startsWith("<bandwidth>");
    assertThatThrownBy(() -> LibvirtBandwidthXml.format(FLOOR, -1))
        .isInstanceOf(InvalidValueException.class)
        .hasMessage("class id -1 is not a 16-bit class minor (0..65535)");
  }

  @Test
  void aValueOfFortyCharactersIsQuotedWholeAndALongerOneIsCut() {
    String forty = "x".repeat(40);
    assertThatThrownBy(() -> LibvirtBandwidthXml.parsePort("<bandwidth classID='" + forty
        + "'><inbound floor='1'/></bandwidth>"))
        .hasMessageStartingWith("Unable to parse class id '" + forty + "':");
    assertThatThrownBy(() -> LibvirtBandwidthXml.parsePort("<bandwidth classID='" + forty
        + "y'><inbound floor='1'/></bandwidth>"))
        .hasMessageStartingWith("Unable to parse class id '" + forty + "…':");
  }

  @Test
  void aDocumentOfExactlyTheMaximumLengthIsRead() {
    String element = "<bandwidth><inbound average='1000'/></bandwidth>";
    String exact = element + " ".repeat(LibvirtBandwidthXml.MAX_XML_CHARS - element.length());
    assertThat(exact).hasSize(LibvirtBandwidthXml.MAX_XML_CHARS);
    assertThat(LibvirtBandwidthXml.parseInterface(exact).inbound().orElseThrow().average())
        .contains(Rate.ofKilobytesPerSecond(1000));
    assertThatThrownBy(() -> LibvirtBandwidthXml.parseInterface(exact + " "))
        .isInstanceOf(InvalidValueException.class)
        .hasMessageContaining("is 65537 characters long, more than the 65536");
  }

  @Test
  void aTooLongDocumentIsShownFromItsStartAtMostTwoHundredCharactersLong() {
    // what is left after stripping the padding: 200 characters are shown whole, 201 cut
    String pad = " ".repeat(LibvirtBandwidthXml.MAX_XML_CHARS);
    String two = "<" + "b".repeat(199);
    assertThatThrownBy(() -> LibvirtBandwidthXml.parseInterface(pad + two))
        .hasMessageStartingWith("bandwidth XML '" + two + "' is ");
    assertThatThrownBy(() -> LibvirtBandwidthXml.parseInterface(pad + two + "c"))
        .hasMessageStartingWith("bandwidth XML '" + two + "…' is ");
    // 400 characters whose white space collapses to a few are shown collapsed, and whole
    String spaced = "<a" + " ".repeat(396) + "b>";
    assertThat(spaced).hasSize(400);
    assertThatThrownBy(() -> LibvirtBandwidthXml.parseInterface(pad + spaced))
        .hasMessageStartingWith("bandwidth XML '<a b>' is ");
    assertThatThrownBy(() -> LibvirtBandwidthXml.parseInterface(pad + spaced + "c"))
        .hasMessageStartingWith("bandwidth XML '<a b>…' is ");
  }

  @Test
  void aNumberOfSixtyFourBitsIsTooBigRatherThanUnreadable() {
    assertThatThrownBy(() -> LibvirtBandwidthXml.parseInterface(
        "<bandwidth><inbound average='18446744073709551615'/></bandwidth>"))
        .isInstanceOf(InvalidBandwidthException.class)
        .hasMessageContaining("value '18446744073709551615' is too big for 'average' parameter");
    assertThatThrownBy(() -> LibvirtBandwidthXml.parseInterface(
        "<bandwidth><inbound average='18446744073709551616'/></bandwidth>"))
        .isInstanceOf(InvalidValueException.class)
        .hasMessageContaining("it does not fit in 64 bits");
  }
}
