// SPDX-License-Identifier: Apache-2.0
/**
 * Crash-safe status stores: {@code io.netfloor.persistence.FileStatusStore} (snapshot plus journal
 * per network), an in-memory store, and the import of libvirt's status files. The file formats'
 * machinery is not exported.
 */
module io.netfloor.persistence {
  exports io.netfloor.persistence;

  requires transitive io.netfloor.api;
  requires com.google.common;
  requires org.slf4j;
  // libvirt's network status files are parsed with the JDK's hardened DOM parser
  requires java.xml;
}
