// SPDX-License-Identifier: Apache-2.0
package io.netfloor.examples.cli;


import io.netfloor.model.AdmissionLimit;
import io.netfloor.model.FilterLayout;
import io.netfloor.model.Limits;
import io.netfloor.model.NetworkConfig;
import io.netfloor.model.OutboundFloorPlacement;
import io.netfloor.model.TrafficMatch;
import io.netfloor.plan.LeafQdiscKind;
import io.netfloor.units.ByteSize;
import io.netfloor.units.Rate;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * What {@code netfloor start} or {@code netfloor adopt} was told about a network, kept in the state
 * directory so that later commands need only {@code --network}: its bridge, the namespace the bridge
 * lives in, its inbound (and, for an adopted libvirt network, outbound) limits in tc syntax (e.g.
 * {@code 100mbit}), and the options that shape the tree: filter layout, which EtherTypes the filters
 * steer, the admission rule and the leaf qdisc.
 *
 * <p>A {@code null} option means the default ({@code hashed}, {@code all}, {@code average}, the
 * library's leaf preference), so records written before an option existed read as before.
 *
 * @param ethertypes {@code all} or {@code ipv4} (libvirt's {@code protocol ip} filters)
 * @param admission {@code average} or {@code peak} (libvirt's rule)
 * @param leaf the leaf qdisc kind ({@code fq_codel}, {@code sfq}, {@code pfifo}); the kernel's best
 *     is used where it lacks this one
 * @param adoptedFrom the libvirt network status file the network was adopted from, if it was
 * @param outboundFloors where outbound floors are guaranteed: {@code bridge} (the bridge's ingress,
 *     redirected to an ifb) or {@code uplink:DEV} (the egress of the bridge's port DEV); null for
 *     none (needs the outbound average)
 */
public record NetworkDefinition(String name, String bridge, String netns, String average,
    String peak, String burst, String layout, String ethertypes, String admission, String leaf,
    String outboundAverage, String outboundPeak, String outboundBurst, String adoptedFrom,
    String outboundFloors) {

  /** A definition without outbound floors (as every record before they existed). */
  public NetworkDefinition(String name, String bridge, String netns, String average, String peak,
      String burst, String layout, String ethertypes, String admission, String leaf,
      String outboundAverage, String outboundPeak, String outboundBurst, String adoptedFrom) {
    this(name, bridge, netns, average, peak, burst, layout, ethertypes, admission, leaf,
        outboundAverage, outboundPeak, outboundBurst, adoptedFrom, null);
  }

  /** The record's fields as stored in {@code networks/NAME.json} (by component name). */
  Map<String, Object> toFields() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("name", name);
    m.put("bridge", bridge);
    m.put("netns", netns);
    m.put("average", average);
    m.put("peak", peak);
    m.put("burst", burst);
    m.put("layout", layout);
    m.put("ethertypes", ethertypes);
    m.put("admission", admission);
    m.put("leaf", leaf);
    m.put("outboundAverage", outboundAverage);
    m.put("outboundPeak", outboundPeak);
    m.put("outboundBurst", outboundBurst);
    m.put("adoptedFrom", adoptedFrom);
    if (outboundFloors != null) {
      m.put("outboundFloors", outboundFloors); // absent otherwise: records read as before
    }
    return m;
  }

  /**
   * The record {@link #toFields} stored; fields it does not know are ignored.
   *
   * @throws IOException naming a field that is not a string
   */
  static NetworkDefinition fromFields(Map<String, Object> f) throws IOException {
    return new NetworkDefinition(FlatJson.string(f, "name"), FlatJson.string(f, "bridge"),
        FlatJson.string(f, "netns"), FlatJson.string(f, "average"), FlatJson.string(f, "peak"),
        FlatJson.string(f, "burst"), FlatJson.string(f, "layout"),
        FlatJson.string(f, "ethertypes"), FlatJson.string(f, "admission"),
        FlatJson.string(f, "leaf"), FlatJson.string(f, "outboundAverage"),
        FlatJson.string(f, "outboundPeak"), FlatJson.string(f, "outboundBurst"),
        FlatJson.string(f, "adoptedFrom"), FlatJson.string(f, "outboundFloors"));
  }

  /** The library's configuration of this network (validating every value). */
  public NetworkConfig toConfig() {
    Limits.Builder in = Limits.builder().average(Rate.parse(average));
    if (peak != null) {
      in.peak(Rate.parse(peak));
    }
    if (burst != null) {
      in.burst(ByteSize.parse(burst));
    }
    NetworkConfig.Builder b = NetworkConfig.builder(name, bridge).inbound(in.build())
        .filterLayout(layoutOf(layout)).trafficMatch(matchOf(ethertypes))
        .admissionLimit(admissionOf(admission));
    if (leaf != null) {
      b.leafQdisc(LeafQdiscKind.fromKernelName(leaf));
    }
    if (outboundAverage != null) {
      b.outbound(Limits.builder().average(Rate.parse(outboundAverage))
          .peak(outboundPeak == null ? null : Rate.parse(outboundPeak))
          .burst(outboundBurst == null ? null : ByteSize.parse(outboundBurst)).build());
    }
    b.outboundFloors(outboundFloorsOf(outboundFloors));
    return b.build();
  }

  /**
   * {@code bridge} (the bridge's ingress, through an ifb), {@code uplink:DEV} (the egress of the
   * bridge's port DEV), or null / {@code none} for no outbound floors.
   */
  public static OutboundFloorPlacement outboundFloorsOf(String text) {
    if (text == null || text.equals("none")) {
      return OutboundFloorPlacement.NONE;
    }
    if (text.equals("bridge")) {
      return OutboundFloorPlacement.bridgeIngress();
    }
    if (text.startsWith("uplink:") && text.length() > "uplink:".length()) {
      return OutboundFloorPlacement.uplinkEgress(
          io.netfloor.units.InterfaceName.of(text.substring("uplink:".length())));
    }
    throw new CliException(ExitCodes.USAGE, "--outbound-floors '" + text + "' must be 'bridge'"
        + " (the bridge's ingress, routed and NAT networks), 'uplink:DEV' (the egress of the"
        + " bridge's uplink port DEV, bridged networks) or 'none'");
  }

  /** The same definition with the bridge in namespace {@code ns}. */
  public NetworkDefinition withNetns(String ns) {
    return new NetworkDefinition(name, bridge, ns, average, peak, burst, layout, ethertypes,
        admission, leaf, outboundAverage, outboundPeak, outboundBurst, adoptedFrom, outboundFloors);
  }

  /** The same definition with every defaulted option spelled out, for comparing two records. */
  public NetworkDefinition normalized() {
    return new NetworkDefinition(name, bridge, netns, average, peak, burst,
        Objects.requireNonNullElse(layout, "hashed"), Objects.requireNonNullElse(ethertypes, "all"),
        Objects.requireNonNullElse(admission, "average"),
        Objects.requireNonNullElse(leaf, LeafQdiscKind.FQ_CODEL.kernelName()), outboundAverage,
        outboundPeak, outboundBurst, adoptedFrom,
        "none".equals(outboundFloors) ? null : outboundFloors);
  }

  /** {@code hashed} or {@code libvirt} (the linear list libvirt builds). */
  public static FilterLayout layoutOf(String text) {
    if (text == null || text.equals("hashed")) {
      return FilterLayout.HASHED;
    }
    if (text.equals("libvirt")) {
      return FilterLayout.LIBVIRT_LINEAR;
    }
    throw new CliException(ExitCodes.USAGE, "layout '" + text + "' must be 'hashed' or 'libvirt'");
  }

  /** {@code all} (every EtherType reaches the floor class) or {@code ipv4} (libvirt's filters). */
  public static TrafficMatch matchOf(String text) {
    if (text == null || text.equals("all")) {
      return TrafficMatch.ALL_ETHERTYPES;
    }
    if (text.equals("ipv4")) {
      return TrafficMatch.IPV4_ONLY;
    }
    throw new CliException(ExitCodes.USAGE, "--ethertypes '" + text + "' must be 'all' or 'ipv4'");
  }

  /** {@code average} (what class 1:1 guarantees) or {@code peak} (libvirt's admission rule). */
  public static AdmissionLimit admissionOf(String text) {
    if (text == null || text.equals("average")) {
      return AdmissionLimit.AVERAGE;
    }
    if (text.equals("peak")) {
      return AdmissionLimit.PEAK_LIKE_LIBVIRT;
    }
    throw new CliException(ExitCodes.USAGE, "--admission '" + text
        + "' must be 'average' or 'peak'");
  }

  /** The CLI's name of a layout. */
  public static String nameOf(FilterLayout layout) {
    return io.netfloor.examples.Units.layout(layout);
  }

  /** The CLI's name of an EtherType match. */
  public static String nameOf(TrafficMatch match) {
    return match == TrafficMatch.IPV4_ONLY ? "ipv4" : "all";
  }

  /** The CLI's name of an admission rule. */
  public static String nameOf(AdmissionLimit admission) {
    return admission == AdmissionLimit.AVERAGE ? "average" : "peak";
  }

  /**
   * "bridge br0 in netns X, inbound 100mbit peak 200mbit burst 64kb, layout hashed, ethertypes all,
   * admission average".
   */
  public String describe() {
    StringBuilder sb = new StringBuilder("bridge ").append(bridge);
    if (netns != null) {
      sb.append(" in netns ").append(netns);
    }
    sb.append(", inbound ").append(average);
    if (peak != null) {
      sb.append(" peak ").append(peak);
    }
    if (burst != null) {
      sb.append(" burst ").append(burst);
    }
    if (outboundAverage != null) {
      sb.append(", outbound ").append(outboundAverage);
      if (outboundPeak != null) {
        sb.append(" peak ").append(outboundPeak);
      }
      if (outboundBurst != null) {
        sb.append(" burst ").append(outboundBurst);
      }
      if (outboundFloors != null) {
        sb.append(", outbound floors on ").append(outboundFloors);
      }
    }
    NetworkDefinition n = normalized();
    sb.append(", layout ").append(n.layout).append(", ethertypes ").append(n.ethertypes)
        .append(", admission ").append(n.admission);
    if (leaf != null) {
      sb.append(", leaf ").append(leaf);
    }
    if (adoptedFrom != null) {
      sb.append(", adopted from ").append(adoptedFrom);
    }
    return sb.toString();
  }
}
