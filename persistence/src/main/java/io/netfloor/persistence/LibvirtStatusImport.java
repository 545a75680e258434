// SPDX-License-Identifier: Apache-2.0
package io.netfloor.persistence;

import com.google.common.collect.ImmutableList;
import com.google.common.collect.ImmutableSortedSet;
import io.netfloor.InvalidBandwidthException;
import io.netfloor.InvalidValueException;
import io.netfloor.internal.SecureXml;
import io.netfloor.model.Bandwidth;
import io.netfloor.model.ClassIdAllocator;
import io.netfloor.model.FilterLayout;
import io.netfloor.model.HtbTree;
import io.netfloor.model.InterfaceAlias;
import io.netfloor.model.LibvirtBandwidthXml;
import io.netfloor.model.NetworkConfig;
import io.netfloor.model.NetworkName;
import io.netfloor.model.NetworkStatus;
import io.netfloor.model.PluggedInterface;
import io.netfloor.spi.StatusStoreException;
import io.netfloor.units.InterfaceName;
import io.netfloor.units.MacAddress;
import io.netfloor.units.Rate;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.Collection;
import java.util.Comparator;
import java.util.HexFormat;
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
import org.xml.sax.InputSource;
import org.xml.sax.SAXException;

/**
 * Reads libvirt's status files of a running network and of the domains (or network ports) plugged
 * into it, and produces the {@link NetworkStatus} under which NetFloor can adopt the kernel tree
 * libvirt built (filter layout {@link io.netfloor.model.FilterLayout#LIBVIRT_LINEAR}).
 *
 * <p>Inputs, as libvirt writes them:
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
 * id, a class id without a floor, an id the linear layout cannot hold, an id held twice, a MAC held
 * twice) is left out or adopted without its class, with a warning; the engine's reconcile then
 * removes what nobody holds. Unreadable files: {@link StatusStoreException} naming the file.
 *
 * <h2>What libvirt accepts is never refused</h2>
 * A running guest's values were accepted by libvirt, so the import takes them, and where NetFloor's
 * rules differ it uses the value the kernel actually enforced and states it in a warning:
 *
 * <ul>
 *   <li>a network name NetFloor cannot use (libvirt allows spaces, {@code :}, {@code ;}…) is
 *       imported under {@link #deriveNetworkName(String) a derived valid name};
 *   <li>an interface's floor above its own peak (or average, without a peak) becomes that ceiling:
 *       the interface could never receive more;
 *   <li>a peak below the average becomes the average (the kernel's ceiling capped it), and a peak or
 *       burst without an average is dropped (libvirt shapes nothing without an average);
 *   <li>of two interfaces with one MAC, the one the kernel steers that MAC's frames to is adopted;
 *   <li>floors above what the network can guarantee are fitted to it by
 *       {@link Result#fitTo(NetworkConfig)}, once the caller has chosen the network's config.
 * </ul>
 *
 * Only what libvirt itself refuses (malformed XML or numbers, a DOCTYPE, a file that is not a
 * status file) is an error.
 *
 * <p>XML is parsed with DOCTYPEs refused and no external access; {@code <bandwidth>} with
 * {@link LibvirtBandwidthXml} (libvirt's units: kB/s, burst in KiB). Every input is bounded before
 * it is parsed: a file or document of more than {@value #MAX_DOCUMENT_BYTES} bytes, or a
 * {@code class_id} bitmap of more than {@value #MAX_BITMAP_CHARS} characters, is a
 * {@link StatusStoreException} naming it, so a damaged or hostile file cannot hold an import up.
 */
public final class LibvirtStatusImport {
  /**
   * The largest status file or document read: 4 MiB, far above what libvirt writes (a domain's
   * status file with many devices is some tens of kB).
   */
  public static final int MAX_DOCUMENT_BYTES = 4 * 1024 * 1024;
  /**
   * The longest {@code class_id bitmap} read: libvirt writes at most about 190,000 characters (every
   * other one of the 65,536 ids).
   */
  public static final int MAX_BITMAP_CHARS = 256 * 1024;

  /** The ids the linear layout can hold, to tell which of libvirt's ids can be adopted. */
  private static final ClassIdAllocator LINEAR_IDS =
      ClassIdAllocator.forLayout(FilterLayout.LIBVIRT_LINEAR);

  private LibvirtStatusImport() {}

  /**
   * What an import found.
   *
   * @param status the status to adopt (interfaces as found, no parked classes), under the network's
   *     NetFloor name (see {@link #deriveNetworkName(String)})
   * @param libvirtClassIds the ids libvirt's bitmap marks used (0–2 included), empty if the file had
   *     no bitmap
   * @param libvirtFloorSum libvirt's recorded floor sum, if the file had one
   * @param warnings every disagreement, every value replaced and every interface not adopted as is,
   *     one sentence each, naming the file
   * @param libvirtNetworkName the network's name as libvirt spells it
   * @param networkBandwidth the {@code <bandwidth>} of the live network definition in the status
   *     file (its inbound average/peak is the capacity floors share), if it has one NetFloor can use
   */
  public record Result(NetworkStatus status, SortedSet<Integer> libvirtClassIds,
      Optional<Rate> libvirtFloorSum, List<String> warnings, String libvirtNetworkName,
      Optional<Bandwidth> networkBandwidth) {
    /**
     * Copies the lists and sets.
     *
     * @param status the status to adopt (interfaces as found, no parked classes), under the
     *     network's NetFloor name (see {@link #deriveNetworkName(String)})
     * @param libvirtClassIds the ids libvirt's bitmap marks used (0–2 included), empty if the file
     *     had no bitmap
     * @param libvirtFloorSum libvirt's recorded floor sum, if the file had one
     * @param warnings every disagreement, every value replaced and every interface not adopted as
     *     is, one sentence each, naming the file
     * @param libvirtNetworkName the network's name as libvirt spells it
     * @param networkBandwidth the {@code <bandwidth>} of the live network definition in the status
     *     file (its inbound average/peak is the capacity floors share), if it has one NetFloor can
     *     use
     * @throws NullPointerException if {@code libvirtClassIds}, {@code warnings},
     *     {@code libvirtNetworkName} or {@code networkBandwidth} is null
     */
    public Result {
      libvirtClassIds = ImmutableSortedSet.copyOf(libvirtClassIds);
      warnings = ImmutableList.copyOf(warnings);
      java.util.Objects.requireNonNull(libvirtNetworkName, "libvirtNetworkName");
      java.util.Objects.requireNonNull(networkBandwidth, "networkBandwidth");
    }

    /**
     * Ids libvirt's bitmap marks used (above the reserved 0–2) that no adopted interface holds:
     * adopting removes their classes from the kernel.
     *
     * @return the ids in ascending order, 3 and up; empty when every marked id is held
     */
    public SortedSet<Integer> unheldClassIds() {
      SortedSet<Integer> ids = new TreeSet<>(libvirtClassIds.tailSet(3));
      ids.removeAll(status.usedClassIds());
      return ImmutableSortedSet.copyOf(ids);
    }

    /**
     * This result made adoptable under {@code config}: the status takes {@code config}'s network
     * name, and floors are fitted to what the network can guarantee
     * ({@link NetworkConfig#floorCapacity()}, which depends on the admission rule), each change
     * stated in a warning with the floor NetFloor will use:
     *
     * <ul>
     *   <li>a floor above the capacity becomes the capacity;
     *   <li>when the floors still sum above the capacity (libvirt's separately kept floor sum, or a
     *       network whose bandwidth changed, let them), every floor is scaled by capacity ÷ sum,
     *       rounded down to a whole kB/s, so each interface keeps its class and a share of the
     *       guarantee in proportion to what libvirt promised it; a floor that rounds to nothing is
     *       dropped and the interface uses the default class;
     *   <li>without inbound bandwidth in {@code config}, floors are dropped.
     * </ul>
     *
     * Interfaces whose floors fit are unchanged, so their classes stay exactly as libvirt made them.
     *
     * @param config the configuration the network will be shaped with
     * @return a new result; this one is unchanged
     * @throws InvalidValueException if {@code config} is for another bridge, or does not use
     *     {@link FilterLayout#LIBVIRT_LINEAR} (libvirt's filters are a linear list)
     */
    public Result fitTo(NetworkConfig config) {
      if (!config.bridge().equals(status.bridge())) {
        throw new InvalidValueException("libvirt network '" + libvirtNetworkName + "' is on bridge "
            + status.bridge() + ", but the config of network '" + config.name() + "' is for bridge "
            + config.bridge());
      }
      if (config.filterLayout() != FilterLayout.LIBVIRT_LINEAR) {
        throw new InvalidValueException("network '" + config.name() + "': a libvirt network is"
            + " adopted with filter layout LIBVIRT_LINEAR (its filters are libvirt's linear list),"
            + " not " + config.filterLayout());
      }
      List<String> w = new ArrayList<>(warnings);
      if (!config.name().equals(status.network())) {
        // the caller chose the name: the import's rename warning names the chosen one instead
        String imported = renameSuffix(status.network().value());
        w.replaceAll(s -> s.endsWith(imported) && s.contains("'" + libvirtNetworkName + "'")
            ? s.substring(0, s.length() - imported.length()) + renameSuffix(config.name().value()) : s);
      }
      SortedMap<InterfaceAlias, PluggedInterface> ifs = new TreeMap<>(status.interfaces());
      List<PluggedInterface> floored = ifs.values().stream().filter(PluggedInterface::hasOwnClass)
          .sorted(Comparator.comparingInt(PluggedInterface::classMinor)).toList();
      Optional<Rate> capacity = config.floorCapacity();
      String net = "network '" + config.name() + "'";
      if (capacity.isEmpty()) {
        for (PluggedInterface p : floored) {
          ifs.put(p.alias(), withFloor(p, Rate.ZERO));
          w.add("interface " + p.alias() + ": " + net + " has no inbound bandwidth, so it cannot"
              + " guarantee floors; its floor of " + describe(p.bandwidth().floorOrZero())
              + " is dropped and its frames share the default class");
        }
      } else {
        Rate cap = capacity.get();
        String capWhat = describe(cap) + " (" + capacityName(config) + ")";
        // summed exactly: floors libvirt admitted may add up to more than a 64-bit Rate holds
        BigInteger sum = BigInteger.ZERO;
        for (PluggedInterface p : floored) {
          Rate f = p.bandwidth().floorOrZero();
          if (f.compareTo(cap) > 0) {
            ifs.put(p.alias(), withFloor(p, cap));
            w.add("interface " + p.alias() + ": floor " + describe(f) + " is above the " + capWhat
                + " that " + net + " can guarantee; NetFloor uses floor " + describe(cap));
            f = cap;
          }
          sum = sum.add(BigInteger.valueOf(f.bitsPerSecond()));
        }
        if (sum.compareTo(BigInteger.valueOf(cap.bitsPerSecond())) > 0) {
          w.add(net + ": the adopted floors sum to " + describe(sum) + ", above the " + capWhat
              + " it can guarantee; every floor is scaled by " + String.format(java.util.Locale.ROOT,
                  "%.2f%%", 100.0 * cap.bitsPerSecond() / sum.doubleValue())
              + " (rounded down to a whole kB/s) so that each can be met");
          for (PluggedInterface p : floored) {
            PluggedInterface now = ifs.get(p.alias());
            Rate f = now.bandwidth().floorOrZero();
            Rate scaled = scale(f, cap, sum);
            ifs.put(p.alias(), withFloor(now, scaled));
            w.add("interface " + p.alias() + ": floor " + describe(f) + (scaled.isZero()
                ? " scales to nothing; it is dropped and the interface's frames share the default"
                    + " class"
                : " scaled down; NetFloor uses floor " + describe(scaled)));
          }
        }
      }
      NetworkStatus fitted = new NetworkStatus(config.name(), status.bridge(), ifs,
          status.parkedClassIds());
      return new Result(fitted, libvirtClassIds, libvirtFloorSum, w, libvirtNetworkName,
          networkBandwidth);
    }
  }

  /** How the warning about a libvirt name NetFloor cannot use ends. */
  private static String renameSuffix(String netfloorName) {
    return "; imported as '" + netfloorName + "'";
  }

  /** "its inbound peak" or "its inbound average", whichever {@code config} admits floors against. */
  private static String capacityName(NetworkConfig config) {
    boolean peak = config.admissionLimit() != io.netfloor.model.AdmissionLimit.AVERAGE
        && config.bandwidth().inbound().flatMap(io.netfloor.model.Limits::peak).isPresent();
    return "its inbound " + (peak ? "peak" : "average");
  }

  /** {@code f × cap ÷ sum}, rounded down to a whole kB/s (libvirt's unit) when at least one. */
  private static Rate scale(Rate f, Rate cap, BigInteger sum) {
    long bits = BigInteger.valueOf(f.bitsPerSecond()).multiply(BigInteger.valueOf(cap.bitsPerSecond()))
        .divide(sum).longValueExact();
    long kb = 8000;
    return Rate.ofBitsPerSecond(bits >= kb ? bits - bits % kb : bits);
  }

  /** {@code p} with another floor; zero drops the floor, its class and its filter. */
  private static PluggedInterface withFloor(PluggedInterface p, Rate floor) {
    if (floor.isZero()) {
      return new PluggedInterface(p.alias(), p.mac(), p.bandwidth().withFloor(null), 0,
          Optional.empty(), p.device());
    }
    return new PluggedInterface(p.alias(), p.mac(), p.bandwidth().withFloor(floor), p.classMinor(),
        p.filterHandle(), p.device());
  }

  /** "2400kbit (300 kB/s)": tc's syntax and libvirt's unit, so either reader finds the number. */
  static String describe(Rate r) {
    return r.bitsPerSecond() % 8000 == 0 ? r + " (" + r.kilobytesPerSecond() + " kB/s)"
        : r.toString();
  }

  /** A sum of rates, which may exceed what a {@link Rate} holds. */
  private static String describe(BigInteger bitsPerSecond) {
    return bitsPerSecond.bitLength() < 64 ? describe(Rate.ofBitsPerSecond(bitsPerSecond.longValue()))
        : bitsPerSecond + " bit/s";
  }

  /** The exact sum of the interfaces' floors (see {@link #describe(BigInteger)}). */
  private static BigInteger floorSum(Collection<PluggedInterface> interfaces) {
    BigInteger sum = BigInteger.ZERO;
    for (PluggedInterface p : interfaces) {
      sum = sum.add(BigInteger.valueOf(p.bandwidth().floorOrZero().bitsPerSecond()));
    }
    return sum;
  }

  /**
   * The NetFloor name of a libvirt network: the name itself when NetFloor accepts it
   * ({@link NetworkName}: 1–64 characters of {@code [A-Za-z0-9._-]}, no leading dot),
   * else a valid name derived from it: every other character (and a leading dot) replaced by
   * {@code _}, cut to 55 characters, then {@code -} and the first 8 hex digits of the SHA-256 of the
   * libvirt name. The suffix keeps two libvirt networks apart whose names differ only in replaced
   * characters ({@code "lab net"}, {@code "lab:net"}), and the same libvirt name always gives the
   * same NetFloor name, so adopting again finds the stored status.
   *
   * @param libvirtName the network's name in libvirt
   * @return a valid NetFloor network name, always the same for the same libvirt name
   */
  public static NetworkName deriveNetworkName(String libvirtName) {
    try {
      return NetworkName.of(libvirtName);
    } catch (InvalidValueException invalid) {
      StringBuilder sb = new StringBuilder();
      libvirtName.codePoints().forEach(c -> sb.append(
          c < 128 && (Character.isLetterOrDigit(c) || c == '.' || c == '_' || c == '-')
              ? (char) c : '_'));
      if (sb.length() > 0 && sb.charAt(0) == '.') {
        sb.setCharAt(0, '_');
      }
      if (sb.length() > 55) {
        sb.setLength(55);
      }
      byte[] digest;
      try {
        digest = MessageDigest.getInstance("SHA-256")
            .digest(libvirtName.getBytes(StandardCharsets.UTF_8));
      } catch (NoSuchAlgorithmException e) {
        throw new IllegalStateException("the JDK lacks SHA-256", e);
      }
      String hash = HexFormat.of().formatHex(digest, 0, 4);
      return NetworkName.of(sb.length() == 0 ? "libvirt-" + hash : sb + "-" + hash);
    }
  }

  /**
   * Imports from files.
   *
   * @param networkStatusFile libvirt's {@code <network>.xml} status file
   * @param interfaceStatusFiles domain status files and/or network port files; interfaces of other
   *     networks in them are ignored
   * @return what the files hold, with a warning for everything changed or left out
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
   * @param networkStatusXml the content of libvirt's network status file
   * @param interfaceStatusXml source name → document, for domain status and network port XML
   * @return what the documents hold, with a warning for everything changed or left out
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
          throw new StatusStoreException(networkSource + ": Malformed 'floor_sum' attribute: '"
              + cut(sum) + "'");
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
    } catch (RuntimeException e) {
      throw new StatusStoreException(networkSource + ": " + e.getMessage(), e);
    }
    String netfloorName = deriveNetworkName(name).value();
    if (!netfloorName.equals(name)) {
      warnings.add(networkSource + ": libvirt network name '" + name + "' is not a valid NetFloor"
          + " network name (1-64 characters of A-Z a-z 0-9 . _ -, not starting with '.')"
          + renameSuffix(netfloorName));
    }
    Optional<Bandwidth> networkBandwidth = Optional.empty();
    Optional<Element> netBw = child(net, "bandwidth");
    if (netBw.isPresent()) {
      try {
        Bandwidth b = bandwidth(networkSource, "network '" + name + "'", netBw, false, warnings);
        networkBandwidth = b.equals(Bandwidth.NONE) ? Optional.empty() : Optional.of(b);
      } catch (StatusStoreException unusable) {
        // the caller may give the network's bandwidth another way; the interfaces still import
        warnings.add(unusable.getMessage() + "; the network's bandwidth must be given another way");
      }
    }

    List<Found> found = new ArrayList<>();
    for (Map.Entry<String, String> doc : interfaceStatusXml.entrySet()) {
      collect(doc.getKey(), parse(doc.getKey(), doc.getValue()), name, bridge, found, warnings);
    }

    SortedMap<InterfaceAlias, PluggedInterface> interfaces = new TreeMap<>();
    Map<Integer, String> holders = new TreeMap<>();
    found = oneInterfacePerMac(found, warnings);
    for (Found f : found) {
      Optional<PluggedInterface> p = adopt(f, holders, warnings);
      if (p.isEmpty()) {
        continue;
      }
      PluggedInterface was = interfaces.get(p.get().alias());
      if (was != null) {
        if (!was.equals(p.get())) {
          warnings.add(f.source + ": interface " + f.alias + " is described differently in another"
              + " file; keeping the first (" + was + ")");
        }
        continue;
      }
      interfaces.put(p.get().alias(), p.get());
      p.get().floorClass().ifPresent(c -> holders.put(p.get().classMinor(), f.alias));
    }
    NetworkStatus status = new NetworkStatus(NetworkName.of(netfloorName), bridge, interfaces, new TreeSet<>());

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
    BigInteger adoptedSum = floorSum(status.interfaces().values());
    if (floorSum.isPresent()
        && !BigInteger.valueOf(floorSum.get().bitsPerSecond()).equals(adoptedSum)) {
      warnings.add(networkSource + ": libvirt's floor sum is " + describe(floorSum.get())
          + " but the adopted interfaces' floors add up to " + describe(adoptedSum)
          + "; trusting the interfaces");
    }
    return new Result(status, bitmap, floorSum, warnings, name, networkBandwidth);
  }

  /**
   * The bandwidth of a libvirt network definition file: a {@code <network>} (as {@code virsh
   * net-dumpxml} prints it) or a {@code <networkstatus>} holding one. Values NetFloor's rules refuse
   * but libvirt accepts are replaced as the import does, with a warning added to {@code warnings}.
   *
   * @param networkXml the network definition file
   * @param warnings a list that receives one sentence per replaced value
   * @return the network's {@code <bandwidth>}; empty when it has none
   * @throws StatusStoreException naming the file when it cannot be read, is not a network
   *     definition, or its bandwidth cannot be used
   */
  public static Optional<Bandwidth> networkBandwidth(Path networkXml, List<String> warnings) {
    String source = networkXml.toString();
    Element root = parse(source, read(networkXml));
    Element net = switch (root.getTagName()) {
      case "network" -> root;
      case "networkstatus" -> child(root, "network").orElseThrow(() -> new StatusStoreException(
          source + ": <networkstatus> has no <network> element"));
      default -> throw new StatusStoreException(source + ": root element <" + root.getTagName()
          + "> is not a libvirt <network> definition");
    };
    String name = text(child(net, "name")).orElse("?");
    Bandwidth b = bandwidth(source, "network '" + name + "'", child(net, "bandwidth"), false,
        warnings);
    return b.equals(Bandwidth.NONE) ? Optional.empty() : Optional.of(b);
  }

  /**
   * Two interfaces with one MAC (libvirt does not stop two guests from having one): frames to that
   * MAC go where the kernel's first matching filter sends them, i.e. to the floored interface with
   * the lowest class id (libvirt's nodes are ordered by id), else to the default class. That
   * interface is adopted; the others are left out, with a warning.
   */
  private static List<Found> oneInterfacePerMac(List<Found> found, List<String> warnings) {
    Map<MacAddress, Found> winner = new LinkedHashMap<>();
    Comparator<Found> steeredFirst = Comparator.comparing((Found f) -> f.classId == 0)
        .thenComparingInt(f -> f.classId);
    for (Found f : found) {
      Found was = winner.get(f.mac);
      if (was == null || (!was.alias.equals(f.alias) && steeredFirst.compare(f, was) < 0)) {
        winner.put(f.mac, f);
      }
    }
    List<Found> out = new ArrayList<>();
    for (Found f : found) {
      Found w = winner.get(f.mac);
      if (w == f || w.alias.equals(f.alias)) {
        out.add(f);
      } else {
        warnings.add(f.source + ": interface " + f.alias + " has MAC " + f.mac + ", as interface "
            + w.alias + " has; the kernel steers that MAC's frames to " + w.alias
            + (w.classId == 0 ? " (default class)" : " (class id " + w.classId + ")")
            + ", so " + f.alias + " is not adopted");
      }
    }
    return out;
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
      out.add(new Found(source, alias, mac, bandwidth(source, "interface " + alias, bw, true,
          warnings), classId));
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
    out.add(new Found(source, alias, mac, bandwidth(source, "interface " + alias, bw, true,
        warnings), classId));
  }

  private static MacAddress mac(String source, Element iface) {
    String addr = child(iface, "mac").map(m -> m.getAttribute("address")).orElse("");
    try {
      return MacAddress.parse(addr);
    } catch (RuntimeException e) {
      throw new StatusStoreException(source + ": interface MAC address '" + cut(addr) + "': "
          + e.getMessage(), e);
    }
  }

  /**
   * Reads a {@code <bandwidth>} element. When it breaks one of NetFloor's rules that libvirt does not
   * have, the value the kernel enforced is used instead (see {@link #relax}), with a warning; what
   * libvirt itself refuses (malformed numbers…) is a {@link StatusStoreException}.
   *
   * @param what "interface ALIAS" or "network 'NAME'", for messages
   */
  private static Bandwidth bandwidth(String source, String what, Optional<Element> element,
      boolean floorAllowed, List<String> warnings) {
    if (element.isEmpty()) {
      return Bandwidth.NONE;
    }
    try {
      return LibvirtBandwidthXml.fromElement(element.get(), floorAllowed);
    } catch (InvalidBandwidthException rule) {
      Element relaxed = (Element) element.get().cloneNode(true);
      List<String> changes = new ArrayList<>();
      for (Node n = relaxed.getFirstChild(); n != null; n = n.getNextSibling()) {
        if (n instanceof Element e && (e.getTagName().equals("inbound")
            || e.getTagName().equals("outbound"))) {
          relax(e, changes);
        }
      }
      if (changes.isEmpty()) {
        throw new StatusStoreException(source + ": " + what + ": " + rule.getMessage(), rule);
      }
      try {
        Bandwidth b = LibvirtBandwidthXml.fromElement(relaxed, floorAllowed);
        changes.forEach(c -> warnings.add(source + ": " + what + ": " + c));
        return b;
      } catch (RuntimeException e) {
        throw new StatusStoreException(source + ": " + what + ": " + e.getMessage(), e);
      }
    } catch (RuntimeException e) {
      throw new StatusStoreException(source + ": " + what + ": " + e.getMessage(), e);
    }
  }

  /**
   * Rewrites one {@code <inbound>}/{@code <outbound>} whose values libvirt accepted but NetFloor's
   * {@code Limits} refuse, to the values the kernel enforced under libvirt (0 means absent, as in
   * libvirt): a peak or burst without an average is dropped (libvirt's tc code shapes nothing without
   * an average); a peak below the average becomes the average (HTB's ceil capped the rate); a floor
   * above the own ceiling becomes that ceiling (the interface could never receive more). Each change
   * is described in {@code changes}. Values that are not plain numbers are left for the parser to
   * report.
   */
  private static void relax(Element e, List<String> changes) {
    String dir = e.getTagName();
    long average = kilo(e, "average");
    long peak = kilo(e, "peak");
    long burst = kilo(e, "burst");
    long floor = kilo(e, "floor");
    if (average == 0 && (peak > 0 || burst > 0)) {
      e.removeAttribute("peak");
      e.removeAttribute("burst");
      changes.add(dir + " peak/burst without an average: libvirt shapes nothing without an average,"
          + " so NetFloor ignores them");
      peak = 0;
    }
    if (average > 0 && peak > 0 && peak < average) {
      e.setAttribute("average", Long.toString(peak));
      e.removeAttribute("peak");
      changes.add(dir + " peak " + describe(Rate.ofKilobytesPerSecond(peak)) + " is below its"
          + " average " + describe(Rate.ofKilobytesPerSecond(average)) + ": the kernel never let it"
          + " exceed the peak, so NetFloor uses average " + describe(Rate.ofKilobytesPerSecond(peak))
          + " and no peak");
      average = peak;
      peak = 0;
    }
    long ceiling = peak > 0 ? peak : average;
    if (floor > 0 && ceiling > 0 && floor > ceiling) {
      e.setAttribute("floor", Long.toString(ceiling));
      changes.add(dir + " floor " + describe(Rate.ofKilobytesPerSecond(floor)) + " is above its own "
          + (peak > 0 ? "peak " : "average ") + describe(Rate.ofKilobytesPerSecond(ceiling))
          + ", which the interface can never exceed; NetFloor uses floor "
          + describe(Rate.ofKilobytesPerSecond(ceiling)));
    }
  }

  /** A libvirt attribute's number: 0 when absent, -1 when not a plain number NetFloor can hold. */
  private static long kilo(Element e, String attribute) {
    if (!e.hasAttribute(attribute)) {
      return 0;
    }
    String v = e.getAttribute(attribute);
    if (!v.matches("[0-9]{1,18}") || Long.parseLong(v) > LibvirtBandwidthXml.MAX_REPRESENTABLE_KBPS) {
      return -1;
    }
    return Long.parseLong(v);
  }

  /** libvirt's bitmap syntax: comma-separated ids and ranges, {@code ^n} excluding an id. */
  static SortedSet<Integer> parseBitmap(String source, String text) {
    if (text.length() > MAX_BITMAP_CHARS) {
      throw new StatusStoreException(source + ": class_id bitmap '" + cut(text) + "' is " + text.length() + " characters long, more than the " + MAX_BITMAP_CHARS
          + " any bitmap of 65536 class ids takes");
    }
    // a BitSet: a range sets whole words, so a long list of wide ranges stays linear in its length
    BitSet ids = new BitSet(0x10000);
    BitSet excluded = new BitSet(0x10000);
    if (text.isBlank()) {
      return new TreeSet<>();
    }
    for (String part : text.split(",", -1)) {
      String p = part.strip();
      try {
        if (p.startsWith("^")) {
          excluded.set(id(p.substring(1)));
        } else if (p.contains("-")) {
          int dash = p.indexOf('-');
          int from = id(p.substring(0, dash));
          int to = id(p.substring(dash + 1));
          if (from > to) {
            throw new IllegalArgumentException("range " + p + " is backwards");
          }
          ids.set(from, to + 1);
        } else {
          ids.set(id(p));
        }
      } catch (RuntimeException e) {
        throw new StatusStoreException(source + ": class_id bitmap '" + cut(text) + "': "
            + e.getMessage(), e);
      }
    }
    ids.andNot(excluded);
    SortedSet<Integer> out = new TreeSet<>();
    ids.stream().forEach(out::add);
    return out;
  }

  private static int id(String s) {
    String t = s.strip();
    if (!t.matches("[0-9]{1,5}") || Integer.parseInt(t) > 0xffff) {
      throw new IllegalArgumentException("'" + cut(s) + "' is not a class id (0..65535)");
    }
    return Integer.parseInt(t);
  }

  // ---- DOM helpers

  private static Element parse(String source, String xml) {
    // chars, checked before encoding: a document within the bound in UTF-8 is within it in chars
    if (xml.length() > MAX_DOCUMENT_BYTES) {
      throw tooBig(source, xml.length() + " characters");
    }
    byte[] bytes = xml.getBytes(StandardCharsets.UTF_8);
    if (bytes.length > MAX_DOCUMENT_BYTES) {
      throw tooBig(source, bytes.length + " bytes");
    }
    try (InputStream in = new ByteArrayInputStream(bytes)) {
      Document d = SecureXml.parse(new InputSource(in));
      return d.getDocumentElement();
    } catch (SAXException | IOException e) {
      throw new StatusStoreException(source + ": not well-formed XML, or it has a DOCTYPE (refused): "
          + e.getMessage(), e);
    }
  }

  /** The file as text, refused unread beyond {@link #MAX_DOCUMENT_BYTES}. */
  private static String read(Path p) {
    try (InputStream in = Files.newInputStream(p)) {
      // one byte past the bound tells a file that is too big, whatever its size claims (a file
      // that grows while it is read, or one in /proc that claims size 0)
      byte[] bytes = in.readNBytes(MAX_DOCUMENT_BYTES + 1);
      if (bytes.length > MAX_DOCUMENT_BYTES) {
        throw tooBig(p.toString(), "more than " + MAX_DOCUMENT_BYTES + " bytes");
      }
      return new String(bytes, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new StatusStoreException("cannot read libvirt status file " + p + ": " + e, e);
    }
  }

  /** A value for a message: its first 40 characters. */
  private static String cut(String value) {
    return value.length() <= 40 ? value : value.substring(0, 40) + "…";
  }

  private static StatusStoreException tooBig(String source, String size) {
    return new StatusStoreException(source + ": " + size + " is more than a libvirt status file"
        + " holds (at most " + MAX_DOCUMENT_BYTES + " bytes are read); not a status file, or"
        + " damaged");
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
