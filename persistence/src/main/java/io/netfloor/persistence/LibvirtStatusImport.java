package io.netfloor.persistence;

import com.google.common.collect.ImmutableList;
import com.google.common.collect.ImmutableSortedSet;
import io.netfloor.model.Bandwidth;
import io.netfloor.model.ClassIdAllocator;
import io.netfloor.model.FilterLayout;
import io.netfloor.model.HtbTree;
import io.netfloor.model.LibvirtBandwidthXml;
import io.netfloor.model.PluggedInterface;
import io.netfloor.persistence.internal.SecureXml;
import io.netfloor.spi.NetworkStatus;
import io.netfloor.spi.StatusStoreException;
import io.netfloor.units.InterfaceName;
import io.netfloor.units.MacAddress;
import io.netfloor.units.Rate;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.xml.sax.SAXException;

/**
 * Reads libvirt's status files of a running network and of the domains (or network ports) plugged
 * into it, and produces the {@link NetworkStatus} under which NetFloor can adopt the kernel tree
 * libvirt built (filter layout {@link io.netfloor.model.FilterLayout#LIBVIRT_LINEAR}).
 *
 * <p>Inputs, as libvirt writes them (reference: libvirt-floor.md §4):
 *
 * <ul>
 *   <li>the network status, {@code /run/libvirt/network/<network>.xml}: {@code <networkstatus>}
 *       with {@code <class_id bitmap='0-4,7'/>}, {@code <floor sum='600'/>} (kB/s) and the live
 *       {@code <network>} (its {@code <name>} and {@code <bridge name=…/>}). A bare {@code <network>}
 *       root (libvirt before 1.0) is accepted, without bitmap and sum;
 *   <li>domain status files, {@code /run/libvirt/qemu/<domain>.xml} ({@code <domstatus>} or a bare
 *       {@code <domain>}): every {@code <interface type='network'>} whose {@code <source
 *       network=…>} is this network, with {@code <actual type='network'><class id='3'/>} and the
 *       actual {@code <bandwidth>} (else the interface's own);
 *   <li>network port files (libvirt ≥ 5.5), {@code <networkport>} with {@code <bandwidth
 *       classID='3'>} and {@code <plug bridge=…/>}, matched by bridge.
 * </ul>
 *
 * <p>Alias of an adopted interface: the port's UUID (the {@code portid} of a domain interface, the
 * {@code <uuid>} of a port file); failing that, {@code <domain uuid>:<mac>}. Filter handle:
 * {@link HtbTree#linearHandle}, which for the ids libvirt can plug (3..199) is libvirt's own
 * {@code 800::<800+id>}, so the filters libvirt made are kept as they are.
 *
 * <p>The interfaces are trusted over the network's summary: where libvirt's bitmap or floor sum
 * disagrees with them (libvirt keeps them separately and has lost sync before), the result says so
 * in {@link Result#warnings()}. An interface that cannot be adopted as is (a floor without a class
 * id, a class id without a floor, an id the linear layout cannot hold, a bandwidth NetFloor rejects,
 * an id held twice) is left out or adopted without its class, with a warning; the engine's
 * reconcile then removes what nobody holds. Unreadable files: {@link StatusStoreException} naming
 * the file.
 *
 * <p>XML is parsed with DOCTYPEs refused and no external access; {@code <bandwidth>} with
 * {@link LibvirtBandwidthXml} (libvirt's units: kB/s, burst in KiB).
 */
public final class LibvirtStatusImport {
  /** The ids the linear layout can hold, to tell which of libvirt's ids can be adopted. */
  private static final ClassIdAllocator LINEAR_IDS =
      ClassIdAllocator.forLayout(FilterLayout.LIBVIRT_LINEAR);

  private LibvirtStatusImport() {}

  /**
   * What an import found.
   *
   * @param status the status to adopt (interfaces as found, no parked classes)
   * @param libvirtClassIds the ids libvirt's bitmap marks used (0–2 included), empty if the file had
   *     no bitmap
   * @param libvirtFloorSum libvirt's recorded floor sum, if the file had one
   * @param warnings every disagreement and every interface not adopted as is, one sentence each
   */
  public record Result(NetworkStatus status, SortedSet<Integer> libvirtClassIds,
      Optional<Rate> libvirtFloorSum, List<String> warnings) {
    public Result {
      libvirtClassIds = ImmutableSortedSet.copyOf(libvirtClassIds);
      warnings = ImmutableList.copyOf(warnings);
    }
  }

  /**
   * Imports from files.
   *
   * @param networkStatusFile libvirt's {@code <network>.xml} status file
   * @param interfaceStatusFiles domain status files and/or network port files; interfaces of other
   *     networks in them are ignored
   * @throws StatusStoreException naming the file that cannot be read or understood
   */
  public static Result fromFiles(Path networkStatusFile, Collection<Path> interfaceStatusFiles) {
    Map<String, String> docs = new LinkedHashMap<>();
    for (Path p : interfaceStatusFiles) {
      docs.put(p.toString(), read(p));
    }
    return fromXml(networkStatusFile.toString(), read(networkStatusFile), docs);
  }

  /**
   * Imports from XML text.
   *
   * @param networkSource how to name the network status document in messages
   * @param interfaceStatusXml source name → document, for domain status and network port XML
   * @throws StatusStoreException naming the document that cannot be read or understood
   */
  public static Result fromXml(String networkSource, String networkStatusXml,
      Map<String, String> interfaceStatusXml) {
    List<String> warnings = new ArrayList<>();
    Element root = parse(networkSource, networkStatusXml);
    Element net;
    SortedSet<Integer> bitmap = new TreeSet<>();
    Optional<Rate> floorSum = Optional.empty();
    if (root.getTagName().equals("networkstatus")) {
      net = child(root, "network").orElseThrow(() -> new StatusStoreException(networkSource
          + ": <networkstatus> has no <network> element"));
      Optional<Element> classId = child(root, "class_id");
      if (classId.isPresent()) {
        bitmap = parseBitmap(networkSource, classId.get().getAttribute("bitmap"));
      } else {
        warnings.add(networkSource + ": no <class_id bitmap>; nothing to compare the interfaces with");
      }
      Optional<Element> floor = child(root, "floor");
      if (floor.isPresent()) {
        String sum = floor.get().getAttribute("sum");
        if (!sum.matches("[0-9]{1,18}")) {
          throw new StatusStoreException(networkSource + ": Malformed 'floor_sum' attribute: '" + sum
              + "'");
        }
        floorSum = Optional.of(Rate.ofKilobytesPerSecond(Long.parseLong(sum)));
      }
    } else if (root.getTagName().equals("network")) {
      net = root;
      warnings.add(networkSource + ": a bare <network> (libvirt before 1.0): no class id bitmap or"
          + " floor sum to compare with");
    } else {
      throw new StatusStoreException(networkSource + ": root element <" + root.getTagName()
          + "> is neither <networkstatus> nor <network>");
    }
    String name = text(child(net, "name")).orElseThrow(() -> new StatusStoreException(networkSource
        + ": the network has no <name>"));
    String bridgeName = child(net, "bridge").map(b -> b.getAttribute("name")).filter(s -> !s.isEmpty())
        .orElseThrow(() -> new StatusStoreException(networkSource + ": network '" + name
            + "' has no <bridge name=…>; only bridged networks can have floors"));
    InterfaceName bridge;
    try {
      bridge = InterfaceName.of(bridgeName);
      NetworkStatus.empty(name, bridge); // validates the name
    } catch (RuntimeException e) {
      throw new StatusStoreException(networkSource + ": " + e.getMessage(), e);
    }

    List<Found> found = new ArrayList<>();
    for (Map.Entry<String, String> doc : interfaceStatusXml.entrySet()) {
      collect(doc.getKey(), parse(doc.getKey(), doc.getValue()), name, bridge, found, warnings);
    }

    SortedMap<String, PluggedInterface> interfaces = new TreeMap<>();
    Map<Integer, String> holders = new TreeMap<>();
    for (Found f : found) {
      Optional<PluggedInterface> p = adopt(f, holders, warnings);
      if (p.isEmpty()) {
        continue;
      }
      PluggedInterface was = interfaces.get(f.alias);
      if (was != null) {
        if (!was.equals(p.get())) {
          warnings.add(f.source + ": interface " + f.alias + " is described differently in another"
              + " file; keeping the first (" + was + ")");
        }
        continue;
      }
      interfaces.put(f.alias, p.get());
      p.get().floorClass().ifPresent(c -> holders.put(p.get().classMinor(), f.alias));
    }
    NetworkStatus status = new NetworkStatus(name, bridge, interfaces, new TreeSet<>());

    if (!bitmap.isEmpty()) {
      for (int id : bitmap) {
        if (id > 2 && !holders.containsKey(id)) {
          warnings.add(networkSource + ": class id " + id + " is marked used in libvirt's bitmap but"
              + " no interface holds it (leaked by libvirt); not adopted");
        }
      }
      for (Map.Entry<Integer, String> h : holders.entrySet()) {
        if (!bitmap.contains(h.getKey())) {
          warnings.add(networkSource + ": interface " + h.getValue() + " holds class id " + h.getKey()
              + ", which libvirt's bitmap marks free; trusting the interface");
        }
      }
    }
    if (floorSum.isPresent() && !floorSum.get().equals(status.floorSum())) {
      warnings.add(networkSource + ": libvirt's floor sum is " + floorSum.get() + " ("
          + floorSum.get().kilobytesPerSecond() + " kB/s) but the adopted interfaces' floors add up"
          + " to " + status.floorSum() + " (" + status.floorSum().kilobytesPerSecond()
          + " kB/s); trusting the interfaces");
    }
    return new Result(status, bitmap, floorSum, warnings);
  }

  /** An interface as a status file describes it. */
  private record Found(String source, String alias, MacAddress mac, Bandwidth bandwidth, int classId) {}

  private static Optional<PluggedInterface> adopt(Found f, Map<Integer, String> holders,
      List<String> warnings) {
    int id = f.classId;
    boolean floor = f.bandwidth.hasFloor();
    if (floor && id == 0) {
      warnings.add(f.source + ": interface " + f.alias + " has a floor of "
          + f.bandwidth.floorOrZero() + " but no class id; not adopted (plug it again)");
      return Optional.empty();
    }
    if (!floor && id != 0) {
      warnings.add(f.source + ": interface " + f.alias + " holds class id " + id
          + " but has no floor; adopted without a class");
      id = 0;
    }
    if (id != 0 && LINEAR_IDS.isReserved(id)) {
      warnings.add(f.source + ": interface " + f.alias + " holds class id " + id + ", which libvirt's"
          + " linear filter layout cannot address (3..0xfff except 0x800); not adopted");
      return Optional.empty();
    }
    if (id != 0 && holders.containsKey(id)) {
      warnings.add(f.source + ": interface " + f.alias + " holds class id " + id + ", already held by "
          + holders.get(id) + "; not adopted");
      return Optional.empty();
    }
    try {
      return Optional.of(new PluggedInterface(f.alias, f.mac, f.bandwidth, id,
          id == 0 ? Optional.empty() : Optional.of(HtbTree.linearHandle(id))));
    } catch (RuntimeException e) {
      warnings.add(f.source + ": interface " + f.alias + " not adopted: " + e.getMessage());
      return Optional.empty();
    }
  }

  private static void collect(String source, Element root, String network, InterfaceName bridge,
      List<Found> out, List<String> warnings) {
    switch (root.getTagName()) {
      case "domstatus" -> collect(source, child(root, "domain").orElseThrow(
          () -> new StatusStoreException(source + ": <domstatus> has no <domain>")), network, bridge,
          out, warnings);
      case "domain" -> collectDomain(source, root, network, bridge, out, warnings);
      case "networkport" -> collectPort(source, root, bridge, out, warnings);
      default -> throw new StatusStoreException(source + ": root element <" + root.getTagName()
          + "> is not <domstatus>, <domain> or <networkport>");
    }
  }

  private static void collectDomain(String source, Element domain, String network,
      InterfaceName bridge, List<Found> out, List<String> warnings) {
    String uuid = text(child(domain, "uuid")).orElse("");
    Optional<Element> devices = child(domain, "devices");
    if (devices.isEmpty()) {
      return;
    }
    for (Element iface : children(devices.get(), "interface")) {
      if (!iface.getAttribute("type").equals("network")) {
        continue;
      }
      Optional<Element> src = child(iface, "source");
      if (src.isEmpty() || !src.get().getAttribute("network").equals(network)) {
        continue;
      }
      String srcBridge = src.get().getAttribute("bridge");
      if (!srcBridge.isEmpty() && !srcBridge.equals(bridge.toString())) {
        warnings.add(source + ": an interface of network " + network + " names bridge " + srcBridge
            + ", not " + bridge + "; adopted anyway");
      }
      MacAddress mac = mac(source, iface);
      Optional<Element> actual = child(iface, "actual");
      int classId = 0;
      Optional<Element> bw = child(iface, "bandwidth");
      if (actual.isPresent()) {
        Optional<Element> cls = child(actual.get(), "class");
        if (cls.isPresent()) {
          String id = cls.get().getAttribute("id");
          if (!id.matches("[0-9]{1,5}") || Integer.parseInt(id) > 0xffff) {
            throw new StatusStoreException(source + ": interface " + mac + ": Unable to parse class"
                + " id '" + id + "'");
          }
          classId = Integer.parseInt(id);
        }
        bw = child(actual.get(), "bandwidth").or(() -> child(iface, "bandwidth"));
      }
      String portId = src.get().getAttribute("portid");
      String alias = !portId.isEmpty() ? portId : uuid + ":" + mac;
      out.add(new Found(source, alias, mac, bandwidth(source, alias, bw), classId));
    }
  }

  private static void collectPort(String source, Element port, InterfaceName bridge,
      List<Found> out, List<String> warnings) {
    Optional<Element> plug = child(port, "plug");
    if (plug.isEmpty() || !plug.get().getAttribute("bridge").equals(bridge.toString())) {
      return; // a port of another network (or not bridged)
    }
    String alias = text(child(port, "uuid")).orElseThrow(() -> new StatusStoreException(source
        + ": <networkport> has no <uuid>"));
    MacAddress mac = mac(source, port);
    Optional<Element> bw = child(port, "bandwidth");
    int classId;
    try {
      OptionalInt id = bw.isPresent() ? LibvirtBandwidthXml.classId(bw.get()) : OptionalInt.empty();
      classId = id.orElse(0);
    } catch (RuntimeException e) {
      throw new StatusStoreException(source + ": port " + alias + ": " + e.getMessage(), e);
    }
    out.add(new Found(source, alias, mac, bandwidth(source, alias, bw), classId));
  }

  private static MacAddress mac(String source, Element iface) {
    String addr = child(iface, "mac").map(m -> m.getAttribute("address")).orElse("");
    try {
      return MacAddress.parse(addr);
    } catch (RuntimeException e) {
      throw new StatusStoreException(source + ": interface MAC address '" + addr + "': "
          + e.getMessage(), e);
    }
  }

  private static Bandwidth bandwidth(String source, String alias, Optional<Element> element) {
    if (element.isEmpty()) {
      return Bandwidth.NONE;
    }
    try {
      return LibvirtBandwidthXml.fromElement(element.get(), true);
    } catch (RuntimeException e) {
      throw new StatusStoreException(source + ": interface " + alias + ": " + e.getMessage(), e);
    }
  }

  /** libvirt's bitmap syntax: comma-separated ids and ranges, {@code ^n} excluding an id. */
  static SortedSet<Integer> parseBitmap(String source, String text) {
    SortedSet<Integer> ids = new TreeSet<>();
    SortedSet<Integer> excluded = new TreeSet<>();
    if (text.isBlank()) {
      return ids;
    }
    for (String part : text.split(",", -1)) {
      String p = part.strip();
      try {
        if (p.startsWith("^")) {
          excluded.add(id(p.substring(1)));
        } else if (p.contains("-")) {
          int dash = p.indexOf('-');
          int from = id(p.substring(0, dash));
          int to = id(p.substring(dash + 1));
          if (from > to) {
            throw new IllegalArgumentException("range " + p + " is backwards");
          }
          for (int i = from; i <= to; i++) {
            ids.add(i);
          }
        } else {
          ids.add(id(p));
        }
      } catch (RuntimeException e) {
        throw new StatusStoreException(source + ": class_id bitmap '" + text + "': " + e.getMessage(), e);
      }
    }
    ids.removeAll(excluded);
    return ids;
  }

  private static int id(String s) {
    String t = s.strip();
    if (!t.matches("[0-9]{1,5}") || Integer.parseInt(t) > 0xffff) {
      throw new IllegalArgumentException("'" + s + "' is not a class id (0..65535)");
    }
    return Integer.parseInt(t);
  }

  // ---- DOM helpers

  private static Element parse(String source, String xml) {
    try (InputStream in = new ByteArrayInputStream(xml.getBytes(StandardCharsets.UTF_8))) {
      Document d = SecureXml.parse(in);
      return d.getDocumentElement();
    } catch (SAXException | IOException e) {
      throw new StatusStoreException(source + ": not well-formed XML, or it has a DOCTYPE (refused): "
          + e.getMessage(), e);
    }
  }

  private static String read(Path p) {
    try {
      return Files.readString(p, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new StatusStoreException("cannot read libvirt status file " + p + ": " + e, e);
    }
  }

  private static Optional<Element> child(Element parent, String name) {
    List<Element> c = children(parent, name);
    return c.isEmpty() ? Optional.empty() : Optional.of(c.get(0));
  }

  private static List<Element> children(Element parent, String name) {
    List<Element> out = new ArrayList<>();
    for (Node n = parent.getFirstChild(); n != null; n = n.getNextSibling()) {
      if (n instanceof Element e && e.getTagName().equals(name)) {
        out.add(e);
      }
    }
    return out;
  }

  private static Optional<String> text(Optional<Element> e) {
    return e.map(x -> x.getTextContent().strip()).filter(s -> !s.isEmpty());
  }
}
