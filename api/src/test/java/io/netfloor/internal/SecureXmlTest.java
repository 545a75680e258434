// SPDX-License-Identifier: Apache-2.0
package io.netfloor.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.StringReader;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Document;
import org.xml.sax.InputSource;
import org.xml.sax.SAXException;

/** The one XML parser every NetFloor module reads XML with never opens a file or expands an entity. */
class SecureXmlTest {
  private static Document parse(String xml) throws Exception {
    return SecureXml.parse(new InputSource(new StringReader(xml)));
  }

  @Test
  void readsAPlainDocument() throws Exception {
    Document d = parse("<a x='1'><b>text</b></a>");
    assertThat(d.getDocumentElement().getAttribute("x")).isEqualTo("1");
    assertThat(d.getDocumentElement().getTextContent()).isEqualTo("text");
  }

  @Test
  void anExternalEntityIsRefusedAndItsFileNeverRead(@TempDir Path dir) throws Exception {
    Path secret = dir.resolve("secret.txt");
    Files.writeString(secret, "4242");
    String xxe = "<?xml version='1.0'?><!DOCTYPE a [<!ENTITY x SYSTEM '" + secret.toUri()
        + "'>]><a>&x;</a>";
    assertThatThrownBy(() -> parse(xxe)).isInstanceOf(SAXException.class)
        .hasMessageContaining("DOCTYPE")
        .satisfies(e -> assertThat(e.getMessage()).doesNotContain("4242"));
  }

  @Test
  void anExternalDtdIsRefused(@TempDir Path dir) throws Exception {
    Path dtd = dir.resolve("a.dtd");
    Files.writeString(dtd, "<!ENTITY x '4242'>");
    assertThatThrownBy(() -> parse("<!DOCTYPE a SYSTEM '" + dtd.toUri() + "'><a>&x;</a>"))
        .isInstanceOf(SAXException.class).hasMessageContaining("DOCTYPE");
  }

  @Test
  void internalEntitiesAreRefusedSoNoExpansionBomb() {
    String bomb = "<!DOCTYPE a [<!ENTITY a '1000'><!ENTITY b '&a;&a;&a;&a;&a;&a;&a;&a;'>]>"
        + "<a>&b;</a>";
    assertThatThrownBy(() -> parse(bomb)).isInstanceOf(SAXException.class)
        .hasMessageContaining("DOCTYPE");
  }

  @Test
  void xincludeIsNotFollowed(@TempDir Path dir) throws Exception {
    Path other = dir.resolve("in.xml");
    Files.writeString(other, "<b>4242</b>");
    Document d = parse("<a xmlns:xi='http://www.w3.org/2001/XInclude'><xi:include href='"
        + other.toUri() + "'/></a>");
    assertThat(d.getDocumentElement().getTextContent()).doesNotContain("4242");
    assertThat(d.getElementsByTagName("b").getLength()).isZero();
  }

  @Test
  void malformedXmlIsAnExceptionNotStderrNoise() {
    assertThatThrownBy(() -> parse("<a><b></a>")).isInstanceOf(SAXException.class)
        .hasMessageContaining("b");
  }
}
