// SPDX-License-Identifier: Apache-2.0
package io.netfloor.model;

import io.netfloor.InvalidBandwidthException;
import io.netfloor.InvalidValueException;
import io.netfloor.internal.SecureXml;
import io.netfloor.units.ByteSize;
import io.netfloor.units.Rate;
import java.io.IOException;
import java.io.StringReader;
import java.math.BigInteger;
import java.util.Optional;
import java.util.OptionalInt;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.xml.sax.InputSource;
import org.xml.sax.SAXException;

/**
 * Reads and writes libvirt's {@code <bandwidth>} element (libvirt {@code
 * src/conf/netdev_bandwidth_conf.c}), for a network and for an interface:
 *
 * <pre>{@code
 * Bandwidth nic = LibvirtBandwidthXml.parseInterface(
 *     "<bandwidth><inbound average='1000' peak='2000' floor='200' burst='256'/></bandwidth>");
 * nic.floorOrZero();               // 1600kbit: 200 kB/s
 * LibvirtBandwidthXml.format(nic); // the same element back, attributes in libvirt's order
 * }</pre>
 *
 * <h2>Units</h2>
 * As libvirt: {@code average}, {@code peak} and {@code floor} are kilobytes per second, 1 = 8000
 * bit/s ({@link Rate#ofKilobytesPerSecond}, tc's {@code kbps}); {@code burst} is kilobytes of 1024
 * bytes ({@link ByteSize#ofKibibytes}, tc's {@code kb}).
 *
 * <h2>Rules, in the order they are checked</h2>
 * <ol>
 *   <li>The XML is at most {@value #MAX_XML_CHARS} characters (a {@code <bandwidth>} element takes a
 *       few hundred), well-formed, has no DOCTYPE (so no entities, internal or external), and its
 *       root element is {@code <bandwidth>} ({@link InvalidValueException} otherwise).
 *   <li>{@code <inbound>} and {@code <outbound>} appear at most once each ("Only one child
 *       &lt;inbound&gt; element allowed"); other child elements are ignored, as libvirt does.
 *   <li>Every attribute value is an unsigned decimal integer of at most
 *       {@value #MAX_NUMBER_CHARS} characters: digits only, no sign, no spaces, no hex ("could not
 *       convert bandwidth average value '…'"). libvirt's {@code strtoull} would also take leading
 *       spaces and a {@code +}; NetFloor does not. The length is checked before the value is
 *       converted, so a huge attribute is refused at once (converting a long digit string takes
 *       time quadratic in its length).
 *   <li>{@code average} or {@code floor} is present ("Missing mandatory average or floor
 *       attributes"); {@code peak} and {@code burst} need {@code average} ("'peak' and 'burst'
 *       require 'average' attribute"). These look at which attributes are written, as libvirt does.
 *   <li>The newer parser's limits: rates at most 2<sup>54</sup> kB/s, burst at most 4194303 kB
 *       ("value '…' is too big for 'average' parameter, maximum is '…'"). NetFloor's rates are 64-bit
 *       bits/s, so a rate above {@value #MAX_REPRESENTABLE_KBPS} kB/s (about 9.2 Ebit/s) is refused
 *       too, with an {@link InvalidValueException}.
 *   <li>{@code floor} only where the caller allows it: on an interface, not on a network ("floor
 *       attribute is not supported for this config"), and never on {@code <outbound>} ("'floor'
 *       attribute allowed only in &lt;inbound&gt; element").
 *   <li>The values then satisfy {@link Limits} and {@link Bandwidth} (peak ≥ average, floor within
 *       the interface's own ceiling, …): an {@link InvalidBandwidthException} quoting the element.
 * </ol>
 *
 * <h2>Zero means "not set"</h2>
 * libvirt stores each attribute as an unsigned number and uses 0 for "absent": the formatter and the
 * tc code skip a zero {@code peak}, {@code burst} or {@code floor}, and an {@code <inbound>} whose
 * {@code average} and {@code floor} are both 0 is neither formatted nor applied. NetFloor does the
 * same: after rules 2–6, a 0 is dropped, and a direction left with neither {@code average} nor
 * {@code floor} is absent. So {@code <inbound average='0'/>} parses to no inbound limits, and
 * {@code floor='0'} is allowed even where a floor is not. One difference: {@code <inbound floor='5'
 * average='0' peak='9'/>} is refused (peak without an effective average), where libvirt would keep it
 * and later write XML its own parser rejects.
 *
 * <p>A {@code <bandwidth/>} without {@code <inbound>} or {@code <outbound>} (or with only zeros) is
 * {@link Bandwidth#NONE}, as libvirt treats it as absent. The {@code classID} attribute (network-port
 * status only) is refused by {@link #parseInterface} and {@link #parseNetwork}, as in libvirt's
 * domain and network XML; {@link #fromElement} ignores it, {@link #classId} and {@link #parsePort}
 * read it, and {@link #format(Bandwidth, int)} writes it back.
 *
 * <h2>Security</h2>
 * Parsing uses the JDK's DOM parser with secure processing, DOCTYPE declarations disallowed,
 * external entities, external DTDs and schemas off, and XInclude off: the parser never opens a file
 * or a URL, and entity expansion attacks fail at the DOCTYPE.
 *
 * <p>This class holds no state; all methods are thread-safe.
 */
public final class LibvirtBandwidthXml {
  /** libvirt's limit for {@code average}, {@code peak} and {@code floor}: 2<sup>54</sup> kB/s. */
  public static final long MAX_RATE_KBPS = 1L << 54;
  /** libvirt's limit for {@code burst}: {@code UINT_MAX >> 10} kB. */
  public static final long MAX_BURST_KIB = 0xFFFF_FFFFL >> 10;
  /** The largest rate in kB/s whose bit/s fit NetFloor's 64-bit {@link Rate}. */
  public static final long MAX_REPRESENTABLE_KBPS = Long.MAX_VALUE / 8000;
  /**
   * The longest XML text {@link #parseInterface}, {@link #parseNetwork} and {@link #parsePort} read:
   * a {@code <bandwidth>} element is a few hundred characters.
   */
  public static final int MAX_XML_CHARS = 64 * 1024;
  /**
   * The longest attribute value read as a number: a 64-bit number has at most 20 digits, and the
   * bound leaves room for leading zeros.
   */
  public static final int MAX_NUMBER_CHARS = 32;
  /** Attribute values in messages are cut to this many characters. */
  private static final int QUOTED_CHARS = 40;

  private static final String BANDWIDTH = "bandwidth";
  private static final String INBOUND = "inbound";
  private static final String OUTBOUND = "outbound";

  private LibvirtBandwidthXml() {}

  /**
   * Parses the {@code <bandwidth>} element of a domain interface or a network port, where a floor is
   * allowed.
   *
   * @param xml a document whose root element is {@code <bandwidth>}
   * @return the bandwidth; {@link Bandwidth#NONE} for {@code <bandwidth/>}
   * @throws InvalidValueException when the XML is malformed, has a DOCTYPE, is not a
   *     {@code <bandwidth>} element, has a {@code classID}, or a value is not an unsigned decimal
   *     integer or does not fit
   * @throws InvalidBandwidthException when a bandwidth rule (see the class documentation) is broken
   */
  public static Bandwidth parseInterface(String xml) {
    return fromElement(rootWithoutClassId(xml), true);
  }

  /**
   * Parses the {@code <bandwidth>} element of a network definition, where a floor is not allowed.
   *
   * @param xml a document whose root element is {@code <bandwidth>}
   * @return the bandwidth; {@link Bandwidth#NONE} for {@code <bandwidth/>}
   * @throws InvalidValueException as {@link #parseInterface}
   * @throws InvalidBandwidthException as {@link #parseInterface}, and when it has a non-zero floor
   */
  public static Bandwidth parseNetwork(String xml) {
    return fromElement(rootWithoutClassId(xml), false);
  }

  /**
   * Reads a {@code <bandwidth>} element that is part of a larger document (a domain, network or
   * network-port XML the caller parsed). The {@code classID} attribute is ignored.
   *
   * @param element the {@code <bandwidth>} element, from a document the caller parsed
   * @param floorAllowed whether the context accepts a floor (interfaces and ports: yes; networks: no)
   * @return the bandwidth; {@link Bandwidth#NONE} when it has no non-zero limits
   * @throws InvalidValueException when {@code element} is not {@code <bandwidth>} or a value is
   *     malformed or too big
   * @throws InvalidBandwidthException when a bandwidth rule is broken
   */
  public static Bandwidth fromElement(Element element, boolean floorAllowed) {
    if (element == null || !BANDWIDTH.equals(name(element))) {
      throw new InvalidValueException("expected a <bandwidth> element, got "
          + (element == null ? "nothing" : "<" + name(element) + ">"));
    }
    Element in = null;
    Element out = null;
    for (Node n = element.getFirstChild(); n != null; n = n.getNextSibling()) {
      if (n instanceof Element child) {
        if (INBOUND.equals(name(child))) {
          if (in != null) {
            throw new InvalidBandwidthException("Only one child <inbound> element allowed, got "
                + describe(in) + " and " + describe(child));
          }
          in = child;
        } else if (OUTBOUND.equals(name(child))) {
          if (out != null) {
            throw new InvalidBandwidthException("Only one child <outbound> element allowed, got "
                + describe(out) + " and " + describe(child));
          }
          out = child;
        }
        // libvirt silently ignores unknown elements
      }
    }
    Optional<Limits> inbound = Optional.empty();
    if (in != null) {
      RawRate r = parseRate(in);
      if (r.floor != 0 && !floorAllowed) {
        throw new InvalidBandwidthException("floor attribute is not supported for this config: "
            + describe(in) + "; a floor belongs to an interface, not to a network");
      }
      inbound = r.toLimits(in);
    }
    Optional<Limits> outbound = Optional.empty();
    if (out != null) {
      RawRate r = parseRate(out);
      if (r.floor != 0) {
        throw new InvalidBandwidthException("'floor' attribute allowed only in <inbound> element, got "
            + describe(out));
      }
      outbound = r.toLimits(out);
    }
    try {
      return new Bandwidth(inbound, outbound);
    } catch (InvalidBandwidthException e) {
      throw new InvalidBandwidthException(describe(element) + ": " + e.getMessage());
    }
  }

  /**
   * The {@code classID} attribute of a network port's {@code <bandwidth classID='3'>}, if present.
   *
   * @param bandwidth a {@code <bandwidth>} element
   * @return the class id, or empty when the attribute is absent
   * @throws InvalidValueException quoting the value when it is not an unsigned decimal integer of at
   *     most 16 bits ("Unable to parse class id")
   */
  public static OptionalInt classId(Element bandwidth) {
    if (!bandwidth.hasAttribute("classID")) {
      return OptionalInt.empty();
    }
    String v = bandwidth.getAttribute("classID");
    if (v.length() > 5 || !isDigits(v) || Integer.parseInt(v) > 0xffff) {
      throw new InvalidValueException("Unable to parse class id '" + quote(v)
          + "': expected an unsigned decimal integer up to 65535");
    }
    return OptionalInt.of(Integer.parseInt(v));
  }

  /**
   * Formats {@code bandwidth} as libvirt does: attributes in the order {@code average}, {@code peak},
   * {@code floor}, {@code burst}, absent ones left out, {@code <inbound>} before {@code <outbound>},
   * two-space indent, one element per line, single quotes. An {@code <inbound>} with only a floor is
   * kept. {@link Bandwidth#NONE} gives the empty string: libvirt writes no element for absent
   * bandwidth.
   *
   * @param bandwidth the limits to write
   * @return the element followed by a newline, or the empty string for {@link Bandwidth#NONE}
   * @throws InvalidBandwidthException naming the value when a rate is not a whole number of kB/s
   *     (8000 bit/s) or a burst not a whole number of kB (1024 bytes), or when {@code bandwidth}
   *     has an outbound floor: libvirt's XML cannot express it
   */
  public static String format(Bandwidth bandwidth) {
    return format(bandwidth, 0);
  }

  /**
   * A network port's {@code <bandwidth>} as libvirt keeps it in the port's status file: the limits
   * and the class id libvirt allotted to the port ({@code <bandwidth classID='3'>}).
   *
   * @param bandwidth the port's limits
   * @param classId the port's class id, 0 when it has none (libvirt then writes no attribute)
   */
  public record PortBandwidth(Bandwidth bandwidth, int classId) {
    /**
     * Checks the class id.
     *
     * @param bandwidth the port's limits
     * @param classId the port's class id, 0 when it has none (libvirt then writes no attribute)
     * @throws InvalidValueException if {@code classId} is outside 0..65535
     * @throws NullPointerException if {@code bandwidth} is null
     */
    public PortBandwidth {
      java.util.Objects.requireNonNull(bandwidth, "bandwidth");
      if (classId < 0 || classId > 0xffff) {
        throw new InvalidValueException("class id " + classId + " is not a 16-bit class minor"
            + " (0..65535)");
      }
    }
  }

  /**
   * Parses the {@code <bandwidth>} of a network port's status, where a floor and the
   * {@code classID} attribute are allowed.
   *
   * @param xml a document whose root element is {@code <bandwidth>}, with an optional
   *     {@code classID}
   * @return the limits and the class id (0 when the attribute is absent)
   * @throws InvalidValueException as {@link #parseInterface}, except that {@code classID} is read
   *     (and must be an unsigned decimal integer up to 65535)
   * @throws InvalidBandwidthException when a bandwidth rule is broken
   */
  public static PortBandwidth parsePort(String xml) {
    Element root = parseDocument(xml).getDocumentElement();
    return new PortBandwidth(fromElement(root, true), classId(root).orElse(0));
  }

  /**
   * Formats a network port's {@code <bandwidth>} as libvirt writes it in the port's status file:
   * as {@link #format(Bandwidth)}, with {@code classID='N'} on the element when {@code classId} is
   * not 0, so that a port read with {@link #parsePort} and written back keeps its class.
   * {@link Bandwidth#NONE} still gives the empty string (libvirt writes no element for absent
   * bandwidth; a port with a class always has a floor).
   *
   * @param bandwidth the limits to write
   * @param classId the port's class id, 0 for none
   * @return the element followed by a newline, or the empty string for {@link Bandwidth#NONE}
   * @throws InvalidValueException when {@code classId} is not 0..65535
   * @throws InvalidBandwidthException as {@link #format(Bandwidth)}
   */
  public static String format(Bandwidth bandwidth, int classId) {
    if (classId < 0 || classId > 0xffff) {
      throw new InvalidValueException("class id " + classId + " is not a 16-bit class minor"
          + " (0..65535)");
    }
    if (bandwidth.inbound().isEmpty() && bandwidth.outbound().isEmpty()) {
      return "";
    }
    if (bandwidth.hasOutboundFloor()) {
      throw new InvalidBandwidthException("outbound floor " + bandwidth.outboundFloorOrZero()
          + " cannot be written as libvirt's <bandwidth>: libvirt has no floor on <outbound>;"
          + " keep it in NetFloor's status (or its CLI) and give libvirt the bandwidth without it");
    }
    StringBuilder sb = new StringBuilder("<bandwidth");
    if (classId != 0) {
      sb.append(" classID='").append(classId).append('\'');
    }
    sb.append(">\n");
    bandwidth.inbound().ifPresent(l -> formatLimits(sb, INBOUND, l));
    bandwidth.outbound().ifPresent(l -> formatLimits(sb, OUTBOUND, l));
    return sb.append("</bandwidth>\n").toString();
  }

  // ---------------------------------------------------------------- formatting

  private static void formatLimits(StringBuilder sb, String element, Limits l) {
    sb.append("  <").append(element);
    l.average().ifPresent(r -> attr(sb, "average", kbps(element, "average", r)));
    l.peak().ifPresent(r -> attr(sb, "peak", kbps(element, "peak", r)));
    l.floor().ifPresent(r -> attr(sb, "floor", kbps(element, "floor", r)));
    l.burst().ifPresent(b -> attr(sb, "burst", kib(element, b)));
    sb.append("/>\n");
  }

  private static void attr(StringBuilder sb, String name, long value) {
    sb.append(' ').append(name).append("='").append(value).append('\'');
  }

  private static long kbps(String element, String attribute, Rate rate) {
    if (rate.bitsPerSecond() % 8000 != 0) {
      throw new InvalidBandwidthException(element + " " + attribute + " " + rate + " ("
          + rate.bitsPerSecond() + " bit/s) is not a whole number of kilobytes per second"
          + " (8000 bit/s each); libvirt's XML cannot express it");
    }
    return rate.kilobytesPerSecond();
  }

  private static long kib(String element, ByteSize size) {
    if (size.bytes() % 1024 != 0) {
      throw new InvalidBandwidthException(element + " burst " + size + " (" + size.bytes()
          + " bytes) is not a whole number of kilobytes (1024 bytes each); libvirt's XML cannot"
          + " express it");
    }
    return size.kibibytes();
  }

  // ---------------------------------------------------------------- parsing

  /** The four attributes of one direction, 0 where absent (libvirt's representation). */
  private record RawRate(long average, long peak, long burst, long floor) {
    /** The limits these numbers stand for; empty when neither average nor floor is set. */
    Optional<Limits> toLimits(Element source) {
      if (average == 0 && floor == 0) {
        return Optional.empty();
      }
      try {
        return Optional.of(new Limits(
            average == 0 ? Optional.empty() : Optional.of(rate("average", average, source)),
            peak == 0 ? Optional.empty() : Optional.of(rate("peak", peak, source)),
            burst == 0 ? Optional.empty() : Optional.of(ByteSize.ofKibibytes(burst)),
            floor == 0 ? Optional.empty() : Optional.of(rate("floor", floor, source))));
      } catch (InvalidBandwidthException e) {
        throw new InvalidBandwidthException(describe(source) + ": " + e.getMessage());
      }
    }
  }

  private static RawRate parseRate(Element e) {
    boolean hasAverage = e.hasAttribute("average");
    boolean hasFloor = e.hasAttribute("floor");
    long average = number(e, "average", MAX_RATE_KBPS);
    if (!hasAverage && !hasFloor) {
      throw new InvalidBandwidthException("Missing mandatory average or floor attributes in "
          + describe(e));
    }
    if ((e.hasAttribute("peak") || e.hasAttribute("burst")) && !hasAverage) {
      throw new InvalidBandwidthException("'peak' and 'burst' require 'average' attribute, got "
          + describe(e));
    }
    long peak = number(e, "peak", MAX_RATE_KBPS);
    long burst = number(e, "burst", MAX_BURST_KIB);
    long floor = number(e, "floor", MAX_RATE_KBPS);
    return new RawRate(average, peak, burst, floor);
  }

  /** The attribute as an unsigned decimal number, 0 when absent. */
  private static long number(Element e, String attribute, long max) {
    if (!e.hasAttribute(attribute)) {
      return 0;
    }
    String v = e.getAttribute(attribute);
    if (v.length() > MAX_NUMBER_CHARS) {
      throw new InvalidValueException("could not convert bandwidth " + attribute + " value '"
          + quote(v) + "' in <" + name(e) + ">: it is " + v.length() + " characters long, more than"
          + " the " + MAX_NUMBER_CHARS + " an unsigned 64-bit decimal integer needs");
    }
    if (!isDigits(v)) {
      throw new InvalidValueException("could not convert bandwidth " + attribute + " value '" + v
          + "' in " + describe(e) + ": expected an unsigned decimal integer");
    }
    BigInteger value = new BigInteger(v);
    if (value.bitLength() > 64) {
      throw new InvalidValueException("could not convert bandwidth " + attribute + " value '" + v
          + "' in " + describe(e) + ": it does not fit in 64 bits");
    }
    if (value.compareTo(BigInteger.valueOf(max)) > 0) {
      throw new InvalidBandwidthException("value '" + v + "' is too big for '" + attribute
          + "' parameter, maximum is '" + max + "'");
    }
    return value.longValueExact();
  }

  private static Rate rate(String attribute, long kbps, Element source) {
    if (kbps > MAX_REPRESENTABLE_KBPS) {
      throw new InvalidValueException("value '" + kbps + "' for '" + attribute + "' in "
          + describe(source) + " is " + kbps + " kB/s, above the " + MAX_REPRESENTABLE_KBPS
          + " kB/s that NetFloor's 64-bit bit/s rates can hold");
    }
    return Rate.ofKilobytesPerSecond(kbps);
  }

  private static boolean isDigits(String v) {
    if (v.isEmpty()) {
      return false;
    }
    for (int i = 0; i < v.length(); i++) {
      char c = v.charAt(i);
      if (c < '0' || c > '9') {
        return false;
      }
    }
    return true;
  }

  private static Element rootWithoutClassId(String xml) {
    Element root = parseDocument(xml).getDocumentElement();
    if (!BANDWIDTH.equals(name(root))) {
      throw new InvalidValueException("expected a <bandwidth> element, got <" + name(root) + ">");
    }
    if (root.hasAttribute("classID")) {
      throw new InvalidValueException("classID attribute not supported on <bandwidth> in this usage"
          + " context (classID='" + quote(root.getAttribute("classID")) + "'); it belongs to network-port"
          + " status only");
    }
    return root;
  }

  private static Document parseDocument(String xml) {
    if (xml == null || xml.isBlank()) {
      throw new InvalidValueException("bandwidth XML is empty; expected e.g. "
          + "<bandwidth><inbound average='1000'/></bandwidth>");
    }
    if (xml.length() > MAX_XML_CHARS) {
      throw new InvalidValueException("bandwidth XML '" + abbreviate(xml) + "' is " + xml.length()
          + " characters long, more than the " + MAX_XML_CHARS + " a <bandwidth> element may take");
    }
    try {
      return SecureXml.parse(new InputSource(new StringReader(xml)));
    } catch (SAXException e) {
      throw new InvalidValueException("malformed bandwidth XML '" + abbreviate(xml) + "': "
          + e.getMessage(), e);
    } catch (IOException e) {
      throw new InvalidValueException("cannot read bandwidth XML '" + abbreviate(xml) + "': "
          + e.getMessage(), e);
    }
  }

  private static String name(Element e) {
    return e.getLocalName() != null ? e.getLocalName() : e.getTagName();
  }

  /** {@code <inbound average='1000' floor='x'/>}: the element as written, for messages. */
  private static String describe(Element e) {
    StringBuilder sb = new StringBuilder("<").append(name(e));
    var attrs = e.getAttributes();
    for (int i = 0; i < attrs.getLength(); i++) {
      Node a = attrs.item(i);
      sb.append(' ').append(a.getNodeName()).append("='").append(quote(a.getNodeValue()))
          .append('\'');
    }
    return sb.append(BANDWIDTH.equals(name(e)) ? ">" : "/>").toString();
  }

  /** An attribute value for a message: cut after {@value #QUOTED_CHARS} characters. */
  private static String quote(String value) {
    return value.length() <= QUOTED_CHARS ? value : value.substring(0, QUOTED_CHARS) + "…";
  }

  private static String abbreviate(String s) {
    String stripped = s.strip();
    // only the start is collapsed: the message shows 200 characters at most
    String one = (stripped.length() <= 400 ? stripped : stripped.substring(0, 400))
        .replaceAll("\\s+", " ");
    return one.length() <= 200 && stripped.length() <= 400 ? one
        : one.substring(0, Math.min(200, one.length())) + "…";
  }
}
