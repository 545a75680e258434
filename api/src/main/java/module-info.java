// SPDX-License-Identifier: Apache-2.0
/**
 * NetFloor's pure model: bandwidth values, the HTB tree model, admission control, kernel-operation
 * plans and the two service interfaces ({@code TrafficControl}, {@code StatusStore}) that backends
 * and stores implement. No I/O, no native code.
 */
module io.netfloor.api {
  exports io.netfloor;
  exports io.netfloor.model;
  exports io.netfloor.plan;
  exports io.netfloor.spi;
  exports io.netfloor.tc;
  exports io.netfloor.units;
  // not API: the hardened XML parser libvirt's status files are read with
  exports io.netfloor.internal to io.netfloor.persistence;

  // internal: no Guava or pcollections type appears in an exported signature
  requires com.google.common;
  requires org.pcollections;
  // LibvirtBandwidthXml reads <bandwidth> from a DOM element the caller parsed: part of the API
  requires transitive java.xml;
}
