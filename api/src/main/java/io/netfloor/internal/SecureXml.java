// SPDX-License-Identifier: Apache-2.0
package io.netfloor.internal;

import java.io.IOException;
import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilder;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.parsers.ParserConfigurationException;
import org.w3c.dom.Document;
import org.xml.sax.ErrorHandler;
import org.xml.sax.InputSource;
import org.xml.sax.SAXException;
import org.xml.sax.SAXParseException;

/**
 * The JDK's DOM parser, hardened, for every XML NetFloor reads (libvirt's {@code <bandwidth>}
 * elements and status files): DOCTYPE declarations are refused (so no entities, internal or
 * external, and no entity-expansion bombs), external DTDs, schemas and entities are never fetched,
 * XInclude is off, and errors are exceptions rather than output on stderr. The documents come from
 * libvirt or the user, but a parser that never opens a file or URL is cheap insurance.
 */
public final class SecureXml {
  private static final DocumentBuilderFactory FACTORY = hardenedFactory();

  private static final ErrorHandler THROWING = new ErrorHandler() {
    @Override
    public void warning(SAXParseException e) {}

    @Override
    public void error(SAXParseException e) throws SAXException {
      throw e;
    }

    @Override
    public void fatalError(SAXParseException e) throws SAXException {
      throw e;
    }
  };

  private SecureXml() {}

  /**
   * Parses a document, without namespaces and without validation.
   *
   * @param source the document's text or bytes
   * @return the document
   * @throws SAXException if it is not well-formed or has a DOCTYPE (the message says so)
   * @throws IOException if reading {@code source} fails
   */
  public static Document parse(InputSource source) throws IOException, SAXException {
    DocumentBuilder builder;
    try {
      builder = FACTORY.newDocumentBuilder();
    } catch (ParserConfigurationException e) {
      throw new IllegalStateException("the JDK's XML parser lacks a required security feature", e);
    }
    builder.setErrorHandler(THROWING);
    // never reached while DOCTYPEs are refused; a second lock should that ever change
    builder.setEntityResolver((publicId, systemId) -> {
      throw new SAXException("external entity '" + systemId + "' refused");
    });
    return builder.parse(source);
  }

  private static DocumentBuilderFactory hardenedFactory() {
    DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
    try {
      f.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
      f.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
      f.setFeature("http://xml.org/sax/features/external-general-entities", false);
      f.setFeature("http://xml.org/sax/features/external-parameter-entities", false);
      f.setFeature("http://apache.org/xml/features/nonvalidating/load-external-dtd", false);
    } catch (ParserConfigurationException e) {
      throw new IllegalStateException("the JDK's XML parser lacks a required security feature", e);
    }
    f.setAttribute(XMLConstants.ACCESS_EXTERNAL_DTD, "");
    f.setAttribute(XMLConstants.ACCESS_EXTERNAL_SCHEMA, "");
    f.setXIncludeAware(false);
    f.setExpandEntityReferences(false);
    f.setNamespaceAware(false);
    f.setValidating(false);
    return f;
  }
}
