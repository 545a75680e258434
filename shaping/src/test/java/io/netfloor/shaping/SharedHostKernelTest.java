// SPDX-License-Identifier: Apache-2.0
package io.netfloor.shaping;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netfloor.model.Bandwidth;
import io.netfloor.model.DeviceShaping;
import io.netfloor.model.FilterLayout;
import io.netfloor.model.Limits;
import io.netfloor.model.NetworkConfig;
import io.netfloor.model.TrafficMatch;
import io.netfloor.netlink.NetlinkTrafficControl;
import io.netfloor.persistence.FileStatusStore;
import io.netfloor.persistence.InMemoryStatusStore;
import io.netfloor.persistence.LibvirtStatusImport;
import io.netfloor.plan.HtbQdisc;
import io.netfloor.plan.LeafQdiscKind;
import io.netfloor.plan.TcOp;
import io.netfloor.testkit.kernel.TcOracle;
import io.netfloor.testkit.kernel.TestNamespace;
import io.netfloor.units.ClassHandle;
import io.netfloor.units.InterfaceName;
import io.netfloor.units.MacAddress;
import io.netfloor.units.Rate;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * NetFloor on a host where other tools shape too, against the real kernel in throwaway namespaces,
 * with {@code tc -j} as the oracle: libvirt's bare root and its DHCP filter, libvirt's full floor
 * tree, foreign ingress and clsact qdiscs, another tool's filter under NetFloor's own root, a second
 * network or a second state directory on the same bridge, and devices whose qdiscs another tool
 * holds. What is not NetFloor's stays exactly as it was; what is NetFloor's goes on stop; and a
 * reconcile after any step finds nothing left to repair.
 */
class SharedHostKernelTest {
  private static final InterfaceName TAP = InterfaceName.of("tap0");

  // ------------------------------------------------------------------ tc -j, read as data

  /** A u32 filter or table as {@code tc -j filter show} lists it; {@code fh} null for the instance. */
  record Filter(String parent, String protocol, int pref, int chain, String kind, String fh,
      String flowid, List<String> matches, List<String> actions) {
    boolean isNode() {
      return fh != null && fh.chars().filter(c -> c == ':').count() == 2;
    }
  }

  /** {@code tc -j filter show dev DEV [where…]}, every entry (instances, tables and nodes). */
  static List<Filter> filters(TestNamespace ns, String dev, String... where) {
    List<String> args = new ArrayList<>(List.of("filter", "show", "dev", dev));
    args.addAll(List.of(where));
    List<Filter> out = new ArrayList<>();
    for (Map<String, Object> f : TcOracle.tcJson(ns, args.toArray(String[]::new))) {
      Map<String, Object> o = object(f.get("options"));
      List<String> matches = new ArrayList<>();
      List<String> actions = new ArrayList<>();
      if (o != null) {
        for (Object m : TcOracle.every(o, "match")) {
          Map<String, Object> k = object(m);
          matches.add(text(k, "value") + "/" + text(k, "mask") + "@" + text(k, "off"));
        }
        if (o.get("actions") instanceof List<?> list) {
          list.forEach(a -> actions.add(text(object(a), "kind")));
        }
      }
      out.add(new Filter(text(f, "parent"), text(f, "protocol"), number(f, "pref"),
          number(f, "chain"), text(f, "kind"), o == null ? null : text(o, "fh"),
          o == null ? null : text(o, "flowid"), matches, actions));
    }
    return out;
  }

  @SuppressWarnings("unchecked")
  static Map<String, Object> object(Object jsonObject) {
    return (Map<String, Object>) jsonObject;
  }

  /** A member of a tc JSON object as text (numbers and booleans as tc wrote them), or null. */
  static String text(Map<String, Object> jsonObject, String key) {
    Object v = jsonObject.get(key);
    return v == null ? null : v.toString();
  }

  static int number(Map<String, Object> jsonObject, String key) {
    return ((Number) jsonObject.get(key)).intValue();
  }

  static List<Filter> nodes(TestNamespace ns, String dev, String... where) {
    return filters(ns, dev, where).stream().filter(Filter::isNode).toList();
  }

  /** {@code tc -j qdisc show dev DEV}, without the HTB counter of directly sent packets. */
  static String qdiscJson(TestNamespace ns, String dev) {
    return ns.tc("-j", "qdisc", "show", "dev", dev).replaceAll("\"direct_packets_stat\":\\d+,?",
        "");
  }

  static List<Map<String, Object>> qdiscs(TestNamespace ns, String dev) {
    return TcOracle.tcJson(ns, "qdisc", "show", "dev", dev);
  }

  /** The device's root qdisc as {@code kind handle}, e.g. {@code htb 1:}; {@code noqueue 0:} etc. */
  static String root(TestNamespace ns, String dev) {
    return qdiscs(ns, dev).stream().filter(q -> "true".equals(text(q, "root")))
        .map(q -> text(q, "kind") + " " + text(q, "handle")).findFirst().orElse("none");
  }

  /**
   * Everything tc shows on {@code dev}: qdiscs, classes (tc prints HTB classes only as text) and the
   * filters under the root qdisc and, where there is one, under the ingress/clsact qdisc.
   */
  static String state(TestNamespace ns, String dev) {
    StringBuilder sb = new StringBuilder(qdiscJson(ns, dev)).append('\n')
        .append(ns.tc("class", "show", "dev", dev)).append('\n');
    if (!root(ns, dev).endsWith(" 0:") && !root(ns, dev).equals("none")) {
      sb.append("root filters ").append(ns.tc("-j", "filter", "show", "dev", dev)).append('\n');
    }
    for (Map<String, Object> q : qdiscs(ns, dev)) {
      if ("ingress".equals(text(q, "kind")) || "clsact".equals(text(q, "kind"))) {
        sb.append("ingress filters ")
            .append(ns.tc("-j", "filter", "show", "dev", dev, "ingress")).append('\n');
      }
      if ("clsact".equals(text(q, "kind"))) {
        sb.append("egress filters ")
            .append(ns.tc("-j", "filter", "show", "dev", dev, "egress")).append('\n');
      }
    }
    return sb.toString();
  }

  /** Names of every link in the namespace, per {@code ip -j link show}. */
  static List<String> links(TestNamespace ns) {
    return TcOracle.links(ns);
  }

  static List<String> ifbs(TestNamespace ns) {
    return links(ns).stream().filter(n -> n.startsWith("nfb-")).toList();
  }

  /** What a NetFloor mark node says, read from its tc match keys (hex words at 0, 4, 8…). */
  record Mark(int prio, boolean ownsQdisc, String network) {}

  static Optional<Mark> mark(TestNamespace ns, String dev, String... where) {
    for (Filter f : nodes(ns, dev, where)) {
      if (!f.fh().equals("7fe::1")) {
        continue;
      }
      assertThat(f.matches().get(0)).as("magic of %s", f).isEqualTo("4e464c52/ffffffff@0");
      long flags = Long.parseLong(f.matches().get(1).split("/")[0], 16);
      StringBuilder name = new StringBuilder();
      for (String m : f.matches().subList(2, f.matches().size())) {
        long word = Long.parseLong(m.split("/")[0], 16);
        for (int shift = 24; shift >= 0; shift -= 8) {
          char c = (char) (word >>> shift & 0xff);
          if (c != 0) {
            name.append(c);
          }
        }
      }
      return Optional.of(new Mark(f.pref(), (flags & 1) == 1, name.toString()));
    }
    return Optional.empty();
  }

  static MacAddress mac(int i) {
    return MacAddress.parse(String.format("52:54:00:aa:00:%02x", i));
  }

  // ------------------------------------------------------------------ 1. libvirt's bare root

  /** The two ways a network shares libvirt's bare root, and the prio its filters then take. */
  enum Sharing {
    /** HASHED, all EtherTypes: prio 2 holds libvirt's protocol-ip filter, so the next one, 3. */
    HASHED_ALL_ETHERTYPES(FilterLayout.HASHED, TrafficMatch.ALL_ETHERTYPES, 3),
    /** libvirt's own layout and protocol: NetFloor's nodes join libvirt's table at prio 2. */
    LINEAR_IPV4(FilterLayout.LIBVIRT_LINEAR, TrafficMatch.IPV4_ONLY, 2);

    final FilterLayout layout;
    final TrafficMatch match;
    final int prio;

    Sharing(FilterLayout layout, TrafficMatch match, int prio) {
      this.layout = layout;
      this.match = match;
      this.prio = prio;
    }
  }

  /**
   * What libvirt's nftables backend leaves on a network bridge: a bare {@code htb 1: default 2}
   * root and a u32 filter on DHCP replies (libvirt adds a csum action, which this kernel lacks; the
   * match is the same).
   */
  static Filter bareLibvirtRoot(TestNamespace ns) {
    ns.tc("qdisc", "add", "dev", "br0", "root", "handle", "1:", "htb", "default", "2");
    ns.tc("filter", "add", "dev", "br0", "parent", "1:", "protocol", "ip", "prio", "2", "u32",
        "match", "ip", "dport", "68", "0xffff");
    List<Filter> nodes = nodes(ns, "br0");
    assertThat(nodes).hasSize(1);
    Filter dhcp = nodes.get(0);
    assertThat(dhcp.fh()).isEqualTo("800::800");
    assertThat(dhcp.protocol()).isEqualTo("ip");
    assertThat(dhcp.pref()).isEqualTo(2);
    assertThat(dhcp.matches()).containsExactly("44/ffff@20");
    return dhcp;
  }

  static void assertLibvirtsRootAndDhcpFilter(TestNamespace ns, Filter dhcp, String step) {
    List<Map<String, Object>> roots = qdiscs(ns, "br0").stream()
        .filter(q -> "true".equals(text(q, "root"))).toList();
    assertThat(roots).as("root qdisc %s", step).hasSize(1);
    assertThat(text(roots.get(0), "kind") + " " + text(roots.get(0), "handle") + " default "
        + text(object(roots.get(0).get("options")), "default")).as("root qdisc %s", step)
        .isEqualTo("htb 1: default 0x2");
    assertThat(nodes(ns, "br0")).as("libvirt's DHCP filter %s", step).contains(dhcp);
  }

  /**
   * Under libvirt's bare root, with its DHCP filter: start, plug two floors, update, reconcile
   * (twice), unplug, restart (new shaper, same store), stop. The root and the DHCP filter (handle, protocol, prio, match) stay after
   * every step; NetFloor's filters and mark sit at the prio it may use; after stop exactly the bare
   * root and the DHCP filter are left, as tc showed them before start.
   */
  @ParameterizedTest
  @EnumSource(Sharing.class)
  void libvirtsBareRootAndDhcpFilterStayThroughEveryStep(Sharing sharing, @TempDir Path dir) {
    try (TestNamespace ns = TestNamespace.withBridge()) {
      Filter dhcp = bareLibvirtRoot(ns);
      String qdiscsBefore = qdiscJson(ns, "br0");
      String filtersBefore = ns.tc("-j", "filter", "show", "dev", "br0");
      NetworkConfig config = NetworkConfig.builder("shared", "br0")
          .inbound(Limits.averageOnly(Rate.parse("100mbit")))
          .filterLayout(sharing.layout).trafficMatch(sharing.match).build();
      try (NetlinkTrafficControl tc = NetlinkTrafficControl.openInNamespace(ns.name());
          FileStatusStore store = FileStatusStore.open(dir.resolve("state"))) {
        NetworkShaper shaper = NetworkShaperTest.create(config, tc, store);
        shaper.start();
        assertLibvirtsRootAndDhcpFilter(ns, dhcp, "after start");
        assertThat(mark(ns, "br0")).as("mark under libvirt's root")
            .contains(new Mark(sharing.prio, false, "shared"));

        ClassHandle c1 = shaper.plug("vm1", mac(1), Bandwidth.floor(Rate.parse("10mbit")));
        ClassHandle c2 = shaper.plug("vm2", mac(2), Bandwidth.floor(Rate.parse("20mbit")));
        assertLibvirtsRootAndDhcpFilter(ns, dhcp, "after plugs");
        NetworkShaperKernelTest.assertKernelAgrees(ns, shaper.tree());
        List<Filter> steering = nodes(ns, "br0").stream().filter(f -> f.flowid() != null)
            .toList();
        assertThat(steering).extracting(Filter::flowid)
            .containsExactlyInAnyOrder(c1.toString(), c2.toString());
        assertThat(steering).allSatisfy(f -> assertThat(f.pref()).isEqualTo(sharing.prio));
        if (sharing.layout == FilterLayout.LIBVIRT_LINEAR) {
          // libvirt's own handles: 800:: followed by the decimal digits of 800 + class id
          assertThat(steering).extracting(Filter::fh).containsExactlyInAnyOrder(
              "800::" + (800 + c1.minor()), "800::" + (800 + c2.minor()));
        }

        shaper.update("vm1", Bandwidth.floor(Rate.parse("30mbit")));
        assertThat(TcOracle.classes(ns, "br0").get(c1).rate()).isEqualTo(Rate.parse("30mbit"));
        assertLibvirtsRootAndDhcpFilter(ns, dhcp, "after update");

        ReconcileReport first = shaper.reconcile();
        assertThat(first.wasClean()).as("first reconcile: %s", first).isTrue();
        assertThat(first.foreign()).as("foreign of %s", first).anyMatch(s -> s.contains("800::800"));
        ReconcileReport second = shaper.reconcile();
        assertThat(second.repairs().ops()).as("second reconcile: %s", second).isEmpty();
        assertLibvirtsRootAndDhcpFilter(ns, dhcp, "after reconcile");

        assertThat(shaper.unplug("vm2")).isTrue();
        assertLibvirtsRootAndDhcpFilter(ns, dhcp, "after unplug");
        NetworkShaperKernelTest.assertKernelAgrees(ns, shaper.tree());
      }

      // a new process: same store, new socket; the root is still libvirt's to it
      try (NetlinkTrafficControl tc = NetlinkTrafficControl.openInNamespace(ns.name());
          FileStatusStore store = FileStatusStore.open(dir.resolve("state"))) {
        NetworkShaper restarted = NetworkShaperTest.create(config, tc, store);
        ReconcileReport report = restarted.start();
        assertThat(report.repairs().ops()).as("restart: %s", report).isEmpty();
        assertThat(restarted.tree().interfaces()).containsOnlyKeys("vm1");
        assertLibvirtsRootAndDhcpFilter(ns, dhcp, "after restart");
        NetworkShaperKernelTest.assertKernelAgrees(ns, restarted.tree());

        restarted.stop();
        SoftAssertions.assertSoftly(soft -> {
          soft.assertThat(qdiscJson(ns, "br0")).as("qdiscs after stop").isEqualTo(qdiscsBefore);
          soft.assertThat(ns.tc("class", "show", "dev", "br0")).as("classes after stop")
              .isBlank();
          soft.assertThat(ns.tc("-j", "filter", "show", "dev", "br0")).as("filters after stop")
              .isEqualTo(filtersBefore);
          soft.assertThat(store.load("shared")).as("status after stop").isEmpty();
        });
      }
    }
  }

  // ------------------------------------------------------------------ 2. libvirt's full tree

  /**
   * libvirt's floor tree (root, 1:1, 1:2 with its leaf, floored classes 1:3 and 1:c with leaves and
   * libvirt's filters 800::803 and 800::812): a plain start refuses, naming libvirt, the counts and
   * both ways out, and changes nothing tc can see; startReplacing then deletes it and builds
   * NetFloor's own marked tree, which stop removes whole.
   */
  @Test
  void libvirtsFullTreeIsRefusedUntouchedAndReplacedOnRequest(@TempDir Path dir) {
    try (TestNamespace ns = TestNamespace.withBridge()) {
      LeafQdiscKind leaf = LibvirtAdoptionTest.startLikeLibvirt(ns);
      LibvirtAdoptionTest.plug(ns, leaf, 3, "0x00100003", "2500kbps");
      LibvirtAdoptionTest.plug(ns, leaf, 12, "0x0010000c", "1250kbps");
      assertThat(nodes(ns, "br0")).extracting(f -> f.fh() + " -> " + f.flowid())
          .containsExactly("800::803 -> 1:3", "800::812 -> 1:c");
      String before = state(ns, "br0");
      NetworkConfig config = NetworkConfig.builder("default", "br0")
          .inbound(Limits.averageOnly(Rate.ofKilobytesPerSecond(12500))).build();
      try (NetlinkTrafficControl tc = NetlinkTrafficControl.openInNamespace(ns.name());
          FileStatusStore store = FileStatusStore.open(dir.resolve("state"))) {
        NetworkShaper shaper = NetworkShaperTest.create(config, tc, store);
        assertThatThrownBy(shaper::start).isInstanceOfSatisfying(ForeignTreeException.class, e -> {
          assertThat(e.owner()).isEqualTo(ForeignTreeException.Owner.LIBVIRT);
          assertThat(e.ownerNetwork()).isEmpty();
          assertThat(e.device()).isEqualTo(InterfaceName.of("br0"));
          assertThat(e.qdisc()).isEqualTo("htb 1: (default 2)");
          assertThat(e.classCount()).as("1:1, 1:2, 1:3, 1:c").isEqualTo(4);
          assertThat(e.filterCount()).as("800::803, 800::812").isEqualTo(2);
          assertThat(e.getMessage()).containsIgnoringCase("adopt").containsIgnoringCase("replac")
              .contains("br0");
        });
        assertThat(state(ns, "br0")).as("libvirt's tree after the refused start")
            .isEqualTo(before);
        assertThat(shaper.isStarted()).isFalse();
        assertThat(store.load("default")).isEmpty();

        ReconcileReport report = shaper.startReplacing();
        assertThat(report.operations().ops().get(0)).as("%s", report)
            .isInstanceOfSatisfying(TcOp.Delete.class,
                d -> assertThat(d.object()).isInstanceOf(HtbQdisc.class));
        assertThat(root(ns, "br0")).isEqualTo("htb 1:");
        assertThat(mark(ns, "br0")).contains(new Mark(2, true, "default"));
        assertThat(TcOracle.classes(ns, "br0").keySet()).extracting(ClassHandle::toString)
            .containsExactlyInAnyOrder("1:1", "1:2");
        assertThat(nodes(ns, "br0")).extracting(Filter::fh)
            .doesNotContain("800::803", "800::812");
        assertThat(qdiscs(ns, "br0")).extracting(q -> text(q, "parent"))
            .doesNotContain("1:3", "1:c");
        NetworkShaperKernelTest.assertKernelAgrees(ns, shaper.tree());

        assertThat(shaper.plug("vm", mac(1), Bandwidth.floor(Rate.parse("1mbit"))))
            .isEqualTo(ClassHandle.parse("1:3"));
        NetworkShaperKernelTest.assertKernelAgrees(ns, shaper.tree());
        assertThat(shaper.reconcile().repairs().ops()).isEmpty();
        shaper.stop();
        assertThat(qdiscs(ns, "br0")).extracting(q -> text(q, "kind")).doesNotContain("htb");
        assertThat(ns.tc("class", "show", "dev", "br0")).isBlank();
      }
    }
  }

  // ------------------------------------------------------------------ 3. foreign qdiscs, filters

  /** Another tool's qdisc at the bridge's ingress hook. */
  enum IngressKind {
    INGRESS, CLSACT
  }

  /** Adds the foreign qdisc with a DNS-matching u32 filter (and, for clsact, an egress one too). */
  static void addForeignIngress(TestNamespace ns, IngressKind kind) {
    if (kind == IngressKind.INGRESS) {
      ns.tc("qdisc", "add", "dev", "br0", "ingress");
      ns.tc("filter", "add", "dev", "br0", "parent", "ffff:", "protocol", "ip", "prio", "7", "u32",
          "match", "ip", "dport", "53", "0xffff");
    } else {
      ns.tc("qdisc", "add", "dev", "br0", "clsact");
      ns.tc("filter", "add", "dev", "br0", "ingress", "protocol", "ip", "prio", "7", "u32",
          "match", "ip", "dport", "53", "0xffff");
      ns.tc("filter", "add", "dev", "br0", "egress", "protocol", "ip", "prio", "7", "u32",
          "match", "ip", "sport", "53", "0xffff");
    }
  }

  /** The ingress-side qdisc entry and every filter under it, as tc -j shows them. */
  static String ingressSide(TestNamespace ns, IngressKind kind) {
    String qdisc = qdiscs(ns, "br0").stream()
        .filter(q -> "ffff:".equals(text(q, "handle"))).map(Object::toString)
        .reduce("", String::concat);
    String out = qdisc + "\n" + ns.tc("-j", "filter", "show", "dev", "br0", "ingress");
    if (kind == IngressKind.CLSACT) {
      out += "\n" + ns.tc("-j", "filter", "show", "dev", "br0", "egress");
    }
    return out;
  }

  /**
   * A foreign ingress or clsact qdisc with filters on the bridge, for a network without and with
   * outbound limits (which it would shape at the bridge's ingress): the qdisc and its filters stay
   * exactly as they were through start, plug, reconcile and stop, and the reconcile report lists
   * the qdisc as foreign. With outbound limits, the start report says they are not applied there.
   */
  @ParameterizedTest
  @EnumSource(IngressKind.class)
  void foreignIngressSideQdiscSurvivesEveryStep(IngressKind kind) {
    for (boolean outbound : new boolean[] {false, true}) {
      try (TestNamespace ns = TestNamespace.withBridge()) {
        addForeignIngress(ns, kind);
        String before = ingressSide(ns, kind);
        NetworkConfig.Builder b = NetworkConfig.builder("n", "br0")
            .inbound(Limits.averageOnly(Rate.parse("100mbit")));
        if (outbound) {
          b.outbound(Limits.averageOnly(Rate.parse("50mbit")));
        }
        try (NetlinkTrafficControl tc = NetlinkTrafficControl.openInNamespace(ns.name())) {
          NetworkShaper shaper = NetworkShaperTest.create(b.build(), tc, new InMemoryStatusStore());
          ReconcileReport started = shaper.start();
          assertThat(ingressSide(ns, kind)).as("after start, outbound=%s", outbound)
              .isEqualTo(before);
          if (outbound) {
            assertThat(started.notes()).as("%s", started)
                .anyMatch(n -> n.contains("ingress") && n.contains("br0"));
          }
          shaper.plug("vm1", mac(1), Bandwidth.floor(Rate.parse("10mbit")));
          assertThat(ingressSide(ns, kind)).as("after plug, outbound=%s", outbound)
              .isEqualTo(before);
          NetworkShaperKernelTest.assertKernelAgrees(ns, shaper.tree());
          ReconcileReport report = shaper.reconcile();
          assertThat(report.repairs().ops()).as("%s", report).isEmpty();
          assertThat(report.foreign()).as("%s", report).anyMatch(f -> f.contains(kind.name()
              .toLowerCase()) && f.contains("ffff:") && f.contains("br0"));
          assertThat(ingressSide(ns, kind)).as("after reconcile, outbound=%s", outbound)
              .isEqualTo(before);
          shaper.stop();
          assertThat(ingressSide(ns, kind)).as("after stop, outbound=%s", outbound)
              .isEqualTo(before);
          assertThat(root(ns, "br0")).as("NetFloor's own root after stop").isNotEqualTo("htb 1:");
          assertThat(ifbs(ns)).isEmpty();
        }
      }
    }
  }

  /** Where another tool puts its u32 filter under NetFloor's own root {@code 1:} (prio 2). */
  enum ForeignFilter {
    /** Its own prio, 3. */
    PRIO_3(3, 0),
    /** NetFloor's prio 2, in chain 1. */
    CHAIN_1(2, 1);

    final int prio;
    final int chain;

    ForeignFilter(int prio, int chain) {
      this.prio = prio;
      this.chain = chain;
    }

    void add(TestNamespace ns) {
      List<String> cmd = new ArrayList<>(List.of("filter", "add", "dev", "br0", "parent", "1:"));
      if (chain != 0) {
        cmd.addAll(List.of("chain", String.valueOf(chain)));
      }
      cmd.addAll(List.of("protocol", "ip", "prio", String.valueOf(prio), "u32", "match", "ip",
          "dport", "53", "0xffff"));
      ns.tc(cmd.toArray(String[]::new));
    }

    /** The node the command made, as tc -j lists it. */
    Filter find(TestNamespace ns) {
      List<Filter> found = nodes(ns, "br0").stream().filter(f -> f.pref() == prio
          && f.chain() == chain && f.matches().equals(List.of("35/ffff@20"))).toList();
      assertThat(found).as("the %s filter", this).hasSize(1);
      return found.get(0);
    }
  }

  static Stream<Arguments> layoutsAndFilters() {
    return Arrays.stream(FilterLayout.values()).flatMap(l -> Arrays.stream(
        ForeignFilter.values()).map(f -> Arguments.of(l, f)));
  }

  /**
   * Another tool adds a u32 filter under the root NetFloor made (at prio 3, or at NetFloor's prio 2
   * in chain 1): it survives plug, reconcile (which repairs nothing and lists it as foreign) and
   * stop; stop leaves the root in place, emptied — no NetFloor class, leaf, u32 instance, table,
   * node or mark — so the other tool's filter lives on. A later start builds under that root (the
   * hashed layout; the linear one is refused, as it cannot have table 800: there), and its stop
   * again leaves exactly the root and the filter.
   */
  @ParameterizedTest
  @MethodSource("layoutsAndFilters")
  void foreignFilterUnderNetFloorsOwnRootSurvivesAndKeepsTheRoot(FilterLayout layout,
      ForeignFilter where) {
    try (TestNamespace ns = TestNamespace.withBridge()) {
      NetworkConfig config = NetworkConfig.builder("own", "br0")
          .inbound(Limits.averageOnly(Rate.parse("100mbit"))).filterLayout(layout).build();
      try (NetlinkTrafficControl tc = NetlinkTrafficControl.openInNamespace(ns.name())) {
        NetworkShaper shaper = NetworkShaperTest.create(config, tc, new InMemoryStatusStore());
        shaper.start();
        assertThat(mark(ns, "br0")).contains(new Mark(2, true, "own"));
        shaper.plug("vm1", mac(1), Bandwidth.floor(Rate.parse("10mbit")));
        where.add(ns);
        Filter foreign = where.find(ns);

        shaper.plug("vm2", mac(2), Bandwidth.floor(Rate.parse("20mbit")));
        assertThat(where.find(ns)).isEqualTo(foreign);
        NetworkShaperKernelTest.assertKernelAgrees(ns, shaper.tree());
        ReconcileReport report = shaper.reconcile();
        assertThat(report.repairs().ops()).as("%s", report).isEmpty();
        assertThat(report.foreign()).as("%s", report).anyMatch(f -> f.contains("prio " + where.prio)
            && (where.chain == 0 || f.contains("chain " + where.chain)) && f.contains("br0"));
        assertThat(where.find(ns)).isEqualTo(foreign);
        NetworkShaperKernelTest.assertKernelAgrees(ns, shaper.tree());

        shaper.stop();
        assertEmptiedRootWith(ns, foreign, "after stop");

        NetworkShaper again = NetworkShaperTest.create(config, tc, new InMemoryStatusStore());
        if (layout == FilterLayout.LIBVIRT_LINEAR) {
          // libvirt's handles need the u32 table 800:, which the kernel gives only to the first
          // u32 instance on a qdisc: with the other tool's instance there, the start is refused
          org.assertj.core.api.Assertions.assertThatThrownBy(again::start)
              .isInstanceOf(ShapingException.class).hasMessageContaining("LIBVIRT_LINEAR")
              .hasMessageContaining("HASHED");
          assertEmptiedRootWith(ns, foreign, "after the refused start");
          return;
        }
        again.start();
        again.plug("vm1", mac(1), Bandwidth.floor(Rate.parse("10mbit")));
        NetworkShaperKernelTest.assertKernelAgrees(ns, again.tree());
        assertThat(where.find(ns)).isEqualTo(foreign);
        again.stop();
        assertEmptiedRootWith(ns, foreign, "after the second stop");
      }
    }
  }

  /**
   * Only the root {@code htb 1:} and the {@code foreign} filter's u32 instance are left on br0: no
   * class, leaf, mark, other u32 instance, or node other than the foreign one. (tc lists a u32 node
   * under every instance of its prio, whatever the chain: u32 tables are per qdisc.)
   */
  static void assertEmptiedRootWith(TestNamespace ns, Filter foreign, String step) {
    List<Filter> all = filters(ns, "br0");
    SoftAssertions.assertSoftly(soft -> {
      soft.assertThat(qdiscs(ns, "br0")).extracting(q -> text(q, "kind") + " " + text(q, "handle"))
          .as("only the emptied root %s", step).containsExactly("htb 1:");
      soft.assertThat(ns.tc("class", "show", "dev", "br0")).as("classes %s", step).isBlank();
      soft.assertThat(mark(ns, "br0")).as("mark %s", step).isEmpty();
      soft.assertThat(all).filteredOn(f -> f.fh() == null)
          .extracting(f -> f.protocol() + " prio " + f.pref() + " chain " + f.chain())
          .as("u32 instances %s: %s", step, all).containsExactly(foreign.protocol() + " prio "
              + foreign.pref() + " chain " + foreign.chain());
      soft.assertThat(all).filteredOn(Filter::isNode)
          .extracting(f -> f.fh() + " " + f.matches() + " flowid " + f.flowid())
          .as("u32 nodes %s: %s", step, all).containsOnly(foreign.fh() + " " + foreign.matches()
              + " flowid " + foreign.flowid());
    });
  }

  // ------------------------------------------------------------------ 4. two owners, one bridge

  /**
   * Network n1 shapes br0; network n2 (another store) is refused on the same bridge, naming n1, and
   * n1's tree is exactly as it was; n1 goes on plugging.
   */
  @Test
  void aSecondNetworkOnTheBridgeIsRefusedAndTheFirstIsUntouched() {
    try (TestNamespace ns = TestNamespace.withBridge()) {
      try (NetlinkTrafficControl tc = NetlinkTrafficControl.openInNamespace(ns.name())) {
        NetworkShaper n1 = NetworkShaperTest.create(NetworkConfig.builder("n1", "br0")
            .inbound(Limits.averageOnly(Rate.parse("100mbit"))).build(), tc,
            new InMemoryStatusStore());
        n1.start();
        n1.plug("vm1", mac(1), Bandwidth.floor(Rate.parse("10mbit")));
        String before = state(ns, "br0");

        InMemoryStatusStore store2 = new InMemoryStatusStore();
        NetworkShaper n2 = NetworkShaperTest.create(NetworkConfig.builder("n2", "br0")
            .inbound(Limits.averageOnly(Rate.parse("50mbit"))).build(), tc, store2);
        assertThatThrownBy(n2::start).isInstanceOfSatisfying(ForeignTreeException.class, e -> {
          assertThat(e.owner()).isEqualTo(ForeignTreeException.Owner.NETFLOOR);
          assertThat(e.ownerNetwork()).contains("n1");
          assertThat(e.getMessage()).contains("'n1'");
        });
        assertThat(state(ns, "br0")).isEqualTo(before);
        assertThat(store2.load("n2")).isEmpty();

        n1.plug("vm2", mac(2), Bandwidth.floor(Rate.parse("20mbit")));
        NetworkShaperKernelTest.assertKernelAgrees(ns, n1.tree());
        assertThat(n1.reconcile().repairs().ops()).isEmpty();
        n1.stop();
        assertThat(root(ns, "br0")).isNotEqualTo("htb 1:");
      }
    }
  }

  /**
   * The same network started from a second state directory while the first runs it: refused (the
   * mark names the network, but this store knows nothing of it), nothing changes, and the first
   * shaper still plugs and reconciles clean.
   */
  @Test
  void theSameNetworkFromASecondStoreIsRefusedAndTheFirstStillWorks(@TempDir Path dir) {
    try (TestNamespace ns = TestNamespace.withBridge()) {
      NetworkConfig config = NetworkConfig.builder("same", "br0")
          .inbound(Limits.averageOnly(Rate.parse("100mbit"))).build();
      try (NetlinkTrafficControl tc = NetlinkTrafficControl.openInNamespace(ns.name());
          FileStatusStore first = FileStatusStore.open(dir.resolve("a"));
          FileStatusStore second = FileStatusStore.open(dir.resolve("b"))) {
        NetworkShaper a = NetworkShaperTest.create(config, tc, first);
        a.start();
        a.plug("vm1", mac(1), Bandwidth.floor(Rate.parse("10mbit")));
        String before = state(ns, "br0");

        NetworkShaper b = NetworkShaperTest.create(config, tc, second);
        assertThatThrownBy(b::start).isInstanceOfSatisfying(ForeignTreeException.class, e -> {
          assertThat(e.owner()).isEqualTo(ForeignTreeException.Owner.NETFLOOR);
          assertThat(e.ownerNetwork()).contains("same");
        });
        assertThat(state(ns, "br0")).isEqualTo(before);
        assertThat(second.load("same")).isEmpty();
        assertThat(b.isStarted()).isFalse();

        a.plug("vm2", mac(2), Bandwidth.floor(Rate.parse("20mbit")));
        NetworkShaperKernelTest.assertKernelAgrees(ns, a.tree());
        assertThat(a.reconcile().repairs().ops()).isEmpty();
        assertThat(first.load("same").orElseThrow().interfaces()).hasSize(2);
      }
    }
  }

  // ------------------------------------------------------------------ 5. device shaping and stop

  /** Who stops the network. */
  enum Stopper {
    /** The shaper that started it. */
    SAME_SHAPER,
    /** A new shaper on the same store (a new process) that never called start. */
    FRESH_SHAPER
  }

  /** Adds veth tap0 (peer guest0) to br0 and brings it up. */
  static void addTap(TestNamespace ns) {
    ns.ip("link", "add", "tap0", "type", "veth", "peer", "name", "guest0");
    ns.ip("link", "set", "tap0", "master", "br0");
    ns.ip("link", "set", "tap0", "up");
  }

  /**
   * An interface plugged with its own device and inbound and outbound averages: stop (by the same
   * shaper, or by a fresh one that never started) leaves the device's qdiscs exactly as before the
   * plug, removes the bridge tree and leaves no ifb device. When the device is deleted before stop,
   * stop still removes its ifb.
   */
  @ParameterizedTest
  @EnumSource(Stopper.class)
  void stopUndoesDeviceShaping(Stopper stopper, @TempDir Path dir) {
    for (boolean deviceGone : new boolean[] {false, true}) {
      try (TestNamespace ns = TestNamespace.withBridge()) {
        addTap(ns);
        String tapBefore = qdiscJson(ns, "tap0");
        List<String> linksBefore = links(ns);
        NetworkConfig config = NetworkConfig.builder("dev", "br0")
            .inbound(Limits.averageOnly(Rate.parse("100mbit"))).build();
        Path state = dir.resolve("state-" + deviceGone);
        boolean police;
        try (NetlinkTrafficControl tc = NetlinkTrafficControl.openInNamespace(ns.name());
            FileStatusStore store = FileStatusStore.open(state)) {
          NetworkShaper shaper = NetworkShaperTest.create(config, tc, store);
          shaper.start();
          police = tc.capabilities().police();
          shaper.plug("vm0", mac(1), Optional.of(TAP), Bandwidth.of(
              Limits.builder().average(Rate.parse("50mbit")).floor(Rate.parse("5mbit")).build(),
              Limits.averageOnly(Rate.parse("10mbit"))));
          assertThat(root(ns, "tap0")).isEqualTo("htb 1:");
          assertThat(qdiscs(ns, "tap0")).extracting(q -> text(q, "kind")).contains("ingress");
          assertThat(mark(ns, "tap0")).contains(new Mark(1, true, "dev"));
          assertThat(ifbs(ns)).as("ifb devices (police=%s)", police)
              .isEqualTo(police ? List.of() : List.of(DeviceShaping.ifbFor(TAP).value()));
          if (deviceGone) {
            ns.ip("link", "del", "tap0");
          }
          if (stopper == Stopper.SAME_SHAPER) {
            shaper.stop();
          }
        }
        if (stopper == Stopper.FRESH_SHAPER) {
          try (NetlinkTrafficControl tc = NetlinkTrafficControl.openInNamespace(ns.name());
              FileStatusStore store = FileStatusStore.open(state)) {
            NetworkShaperTest.create(config, tc, store).stop();
          }
        }
        try (FileStatusStore store = FileStatusStore.open(state)) {
          assertThat(store.load("dev")).as("status after stop").isEmpty();
        }
        assertThat(ifbs(ns)).as("ifb devices after stop, device gone=%s", deviceGone).isEmpty();
        assertThat(root(ns, "br0")).isNotEqualTo("htb 1:");
        if (deviceGone) {
          assertThat(links(ns)).doesNotContain("tap0", "guest0");
        } else {
          assertThat(qdiscJson(ns, "tap0")).as("tap0's qdiscs after stop").isEqualTo(tapBefore);
          assertThat(links(ns)).isEqualTo(linksBefore);
        }
      }
    }
  }

  // ------------------------------------------------------------------ 6. convergence

  static Stream<Arguments> treesToConverge() {
    return Stream.of(
        Arguments.of(FilterLayout.HASHED, TrafficMatch.ALL_ETHERTYPES, false),
        Arguments.of(FilterLayout.LIBVIRT_LINEAR, TrafficMatch.ALL_ETHERTYPES, false),
        Arguments.of(FilterLayout.HASHED, TrafficMatch.ALL_ETHERTYPES, true),
        Arguments.of(FilterLayout.LIBVIRT_LINEAR, TrafficMatch.IPV4_ONLY, true));
  }

  /**
   * On NetFloor's own root and under libvirt's bare root (with its DHCP filter): after start and
   * plugs a reconcile finds nothing; after tc changes a class rate, deletes a leaf qdisc and
   * deletes a steering filter behind NetFloor's back, a reconcile repairs all three (tc agrees with
   * the model again, libvirt's DHCP filter untouched) and a second reconcile finds nothing.
   */
  @ParameterizedTest
  @MethodSource("treesToConverge")
  void reconcileConvergesAfterStartAndAfterRepairs(FilterLayout layout, TrafficMatch match,
      boolean underLibvirtsRoot) {
    try (TestNamespace ns = TestNamespace.withBridge()) {
      Filter dhcp = underLibvirtsRoot ? bareLibvirtRoot(ns) : null;
      NetworkConfig config = NetworkConfig.builder("conv", "br0")
          .inbound(Limits.averageOnly(Rate.parse("100mbit"))).filterLayout(layout)
          .trafficMatch(match).build();
      try (NetlinkTrafficControl tc = NetlinkTrafficControl.openInNamespace(ns.name())) {
        NetworkShaper shaper = NetworkShaperTest.create(config, tc, new InMemoryStatusStore());
        assertThat(shaper.start().built().ops()).isNotEmpty();
        assertThat(shaper.reconcile().repairs().ops()).as("after a fresh start").isEmpty();
        ClassHandle a = shaper.plug("a", mac(1), Bandwidth.floor(Rate.parse("10mbit")));
        ClassHandle b = shaper.plug("b", mac(2), Bandwidth.floor(Rate.parse("20mbit")));
        ClassHandle c = shaper.plug("c", mac(3), Bandwidth.floor(Rate.parse("30mbit")));
        assertThat(shaper.reconcile().repairs().ops()).as("after plugs").isEmpty();

        ns.tc("class", "change", "dev", "br0", "parent", "1:1", "classid", a.toString(), "htb",
            "rate", "7mbit", "ceil", "100mbit");
        Map<String, Object> leafOfB = qdiscs(ns, "br0").stream()
            .filter(q -> b.toString().equals(text(q, "parent"))).findFirst().orElseThrow();
        ns.tc("qdisc", "del", "dev", "br0", "parent", b.toString(), "handle",
            text(leafOfB, "handle"));
        Filter filterOfC = nodes(ns, "br0").stream().filter(f -> c.toString().equals(f.flowid()))
            .findFirst().orElseThrow();
        ns.tc("filter", "del", "dev", "br0", "parent", "1:", "protocol", filterOfC.protocol(),
            "prio", String.valueOf(filterOfC.pref()), "handle", filterOfC.fh(), "u32");
        assertThat(TcOracle.classes(ns, "br0").get(a).rate()).isEqualTo(Rate.parse("7mbit"));

        ReconcileReport repaired = shaper.reconcile();
        assertThat(repaired.repairs().ops()).as("%s", repaired).isNotEmpty();
        assertThat(TcOracle.classes(ns, "br0").get(a).rate()).isEqualTo(Rate.parse("10mbit"));
        assertThat(qdiscs(ns, "br0")).filteredOn(q -> b.toString().equals(text(q, "parent")))
            .extracting(q -> text(q, "handle")).doesNotContain("0:").isNotEmpty();
        assertThat(nodes(ns, "br0")).filteredOn(f -> c.toString().equals(f.flowid())).hasSize(1);
        NetworkShaperKernelTest.assertKernelAgrees(ns, shaper.tree());
        ReconcileReport again = shaper.reconcile();
        assertThat(again.repairs().ops()).as("after repairs: %s", again).isEmpty();
        if (dhcp != null) {
          assertLibvirtsRootAndDhcpFilter(ns, dhcp, "after repairs");
        }
      }
    }
  }

  /** After adopting libvirt's tree, a reconcile finds nothing to repair. */
  @Test
  void reconcileConvergesAfterAdopt(@TempDir Path dir) {
    try (TestNamespace ns = TestNamespace.withBridge()) {
      LeafQdiscKind leaf = LibvirtAdoptionTest.shapeLikeLibvirt(ns);
      LibvirtStatusImport.Result imported = LibvirtStatusImport.fromXml("default.xml",
          LibvirtAdoptionTest.NETWORK_STATUS, Map.of("vm1.xml", LibvirtAdoptionTest.DOMAIN_STATUS));
      try (NetlinkTrafficControl tc = NetlinkTrafficControl.openInNamespace(ns.name());
          FileStatusStore store = FileStatusStore.open(dir.resolve("state"))) {
        NetworkShaper shaper = NetworkShaperTest.create(LibvirtAdoptionTest.libvirtConfig(leaf), tc,
            store);
        assertThat(shaper.adopt(imported.status()).repairs().ops()).isNotEmpty();
        assertThat(mark(ns, "br0")).contains(new Mark(2, false, "default"));
        ReconcileReport report = shaper.reconcile();
        assertThat(report.repairs().ops()).as("%s", report).isEmpty();
        assertThat(shaper.reconcile().repairs().ops()).isEmpty();
        NetworkShaperKernelTest.assertKernelAgrees(ns, shaper.tree());
      }
    }
  }

  /**
   * A network whose inbound average is 2^63-1 bit/s, with a floor of half that and one of 1 mbit:
   * the kernel holds the rates (in bytes per second) and a reconcile finds nothing to repair.
   */
  @Test
  void extremeRatesReconcileClean() {
    try (TestNamespace ns = TestNamespace.withBridge()) {
      Rate max = Rate.ofBitsPerSecond(Long.MAX_VALUE);
      NetworkConfig config = NetworkConfig.builder("max", "br0")
          .inbound(Limits.averageOnly(max)).build();
      try (NetlinkTrafficControl tc = NetlinkTrafficControl.openInNamespace(ns.name())) {
        NetworkShaper shaper = NetworkShaperTest.create(config, tc, new InMemoryStatusStore());
        shaper.start();
        ReconcileReport report = shaper.reconcile();
        assertThat(report.repairs().ops()).as("after start: %s", report).isEmpty();
        shaper.plug("big", mac(1), Bandwidth.floor(Rate.ofBitsPerSecond(Long.MAX_VALUE / 2)));
        shaper.plug("small", mac(2), Bandwidth.floor(Rate.parse("1mbit")));
        report = shaper.reconcile();
        assertThat(report.repairs().ops()).as("after plugs: %s", report).isEmpty();
        shaper.stop();
        assertThat(root(ns, "br0")).isNotEqualTo("htb 1:");
      }
    }
  }

  // ------------------------------------------------------------------ 7. a device another tool shapes

  /** What another tool put on tap0 before the plug. */
  enum ForeignDevice {
    /** An HTB root with another default class. */
    HTB_ROOT("qdisc", "add", "dev", "tap0", "root", "handle", "1:", "htb", "default", "5"),
    /** An HTB root that looks like libvirt's bare root, but on a tap. */
    BARE_HTB_ROOT("qdisc", "add", "dev", "tap0", "root", "handle", "1:", "htb", "default", "2"),
    /** A token bucket. */
    TBF_ROOT("qdisc", "add", "dev", "tap0", "root", "handle", "5:", "tbf", "rate", "1mbit",
        "burst", "32kbit", "latency", "400ms"),
    /** An ingress qdisc with a filter, where the plug's outbound limit needs its own. */
    INGRESS("qdisc", "add", "dev", "tap0", "ingress");

    final String[] command;

    ForeignDevice(String... command) {
      this.command = command;
    }
  }

  /**
   * A plug with a device whose root (or ingress) qdisc another tool holds is refused with a
   * ForeignTreeException naming the device; the device, the bridge, the links and the model are as
   * before, and a reconcile finds nothing to repair.
   */
  @ParameterizedTest
  @EnumSource(ForeignDevice.class)
  void plugOnADeviceAnotherToolShapesIsRefused(ForeignDevice foreign) {
    try (TestNamespace ns = TestNamespace.withBridge()) {
      addTap(ns);
      ns.tc(foreign.command);
      if (foreign == ForeignDevice.INGRESS) {
        ns.tc("filter", "add", "dev", "tap0", "parent", "ffff:", "protocol", "ip", "prio", "1",
            "u32", "match", "ip", "dport", "53", "0xffff");
      }
      NetworkConfig config = NetworkConfig.builder("dev", "br0")
          .inbound(Limits.averageOnly(Rate.parse("100mbit"))).build();
      try (NetlinkTrafficControl tc = NetlinkTrafficControl.openInNamespace(ns.name())) {
        InMemoryStatusStore store = new InMemoryStatusStore();
        NetworkShaper shaper = NetworkShaperTest.create(config, tc, store);
        shaper.start();
        shaper.plug("vm0", mac(1), Bandwidth.floor(Rate.parse("5mbit")));
        String tapBefore = state(ns, "tap0");
        String bridgeBefore = state(ns, "br0");
        List<String> linksBefore = links(ns);

        Bandwidth bw = foreign == ForeignDevice.INGRESS
            ? Bandwidth.of(Limits.floorOnly(Rate.parse("5mbit")),
                Limits.averageOnly(Rate.parse("10mbit")))
            : Bandwidth.inboundOnly(Limits.builder().average(Rate.parse("50mbit"))
                .floor(Rate.parse("5mbit")).build());
        assertThatThrownBy(() -> shaper.plug("vm1", mac(2), Optional.of(TAP), bw))
            .isInstanceOfSatisfying(ForeignTreeException.class, e -> {
              assertThat(e.device()).isEqualTo(TAP);
              assertThat(e.owner()).isEqualTo(ForeignTreeException.Owner.UNKNOWN);
              assertThat(e.getMessage()).contains("tap0");
            });
        assertThat(state(ns, "tap0")).as("tap0 after the refused plug").isEqualTo(tapBefore);
        assertThat(state(ns, "br0")).as("br0 after the refused plug").isEqualTo(bridgeBefore);
        assertThat(links(ns)).isEqualTo(linksBefore);
        assertThat(shaper.tree().interfaces()).containsOnlyKeys("vm0");
        assertThat(store.load("dev").orElseThrow().interfaces()).hasSize(1);
        ReconcileReport report = shaper.reconcile();
        assertThat(report.repairs().ops()).as("%s", report).isEmpty();
        assertThat(state(ns, "tap0")).isEqualTo(tapBefore);
      }
    }
  }

  /**
   * A device that another NetFloor network shapes (network n1 on br0 plugged it with its own
   * limits): network n2 on another bridge is refused the same device, naming n1, and neither the
   * refused plug nor n2's stop changes the device or removes n1's ifb.
   */
  @Test
  void plugOnADeviceAnotherNetworkShapesIsRefused() {
    try (TestNamespace ns = TestNamespace.withBridge()) {
      addTap(ns);
      ns.ip("link", "add", "br1", "type", "bridge");
      ns.ip("link", "set", "br1", "up");
      Bandwidth bw = Bandwidth.of(Limits.averageOnly(Rate.parse("50mbit")),
          Limits.averageOnly(Rate.parse("10mbit")));
      try (NetlinkTrafficControl tc = NetlinkTrafficControl.openInNamespace(ns.name())) {
        NetworkShaper n1 = NetworkShaperTest.create(NetworkConfig.builder("n1", "br0")
            .inbound(Limits.averageOnly(Rate.parse("100mbit"))).build(), tc,
            new InMemoryStatusStore());
        n1.start();
        n1.plug("vm0", mac(1), Optional.of(TAP), bw);
        String tapBefore = state(ns, "tap0");
        List<String> linksBefore = links(ns);

        NetworkShaper n2 = NetworkShaperTest.create(NetworkConfig.builder("n2", "br1")
            .inbound(Limits.averageOnly(Rate.parse("100mbit"))).build(), tc,
            new InMemoryStatusStore());
        n2.start();
        assertThatThrownBy(() -> n2.plug("vm9", mac(9), Optional.of(TAP), bw))
            .isInstanceOfSatisfying(ForeignTreeException.class, e -> {
              assertThat(e.device()).isEqualTo(TAP);
              assertThat(e.owner()).isEqualTo(ForeignTreeException.Owner.NETFLOOR);
              assertThat(e.ownerNetwork()).contains("n1");
            });
        assertThat(state(ns, "tap0")).isEqualTo(tapBefore);
        n2.stop();
        assertThat(state(ns, "tap0")).as("tap0 after n2's stop").isEqualTo(tapBefore);
        assertThat(links(ns)).isEqualTo(linksBefore);
        assertThat(n1.reconcile().repairs().ops()).isEmpty();
        n1.stop();
        assertThat(root(ns, "tap0")).isEqualTo("noqueue 0:");
        assertThat(ifbs(ns)).isEmpty();
      }
    }
  }

  /**
   * Another tool's filter sends traffic into one of the network's classes: stop cannot delete that
   * class (the kernel answers EBUSY), so it refuses before changing anything, naming the filter;
   * once the filter is gone, stop removes everything.
   */
  @org.junit.jupiter.api.Test
  void stopRefusesWhileAnotherToolsFilterUsesAClassAndChangesNothing() {
    try (TestNamespace ns = TestNamespace.withBridge()) {
      NetworkConfig config = NetworkConfig.builder("own", "br0")
          .inbound(Limits.averageOnly(Rate.parse("100mbit"))).build();
      try (NetlinkTrafficControl tc = NetlinkTrafficControl.openInNamespace(ns.name())) {
        NetworkShaper shaper = NetworkShaperTest.create(config, tc, new InMemoryStatusStore());
        shaper.start();
        shaper.plug("vm1", mac(1), Bandwidth.floor(Rate.parse("10mbit")));
        ns.tc("filter", "add", "dev", "br0", "parent", "1:", "protocol", "ip", "prio", "5", "u32",
            "match", "ip", "dport", "53", "0xffff", "flowid", "1:3");
        String before = ns.tc("-j", "filter", "show", "dev", "br0")
            + ns.tc("-j", "class", "show", "dev", "br0");
        org.assertj.core.api.Assertions.assertThatThrownBy(shaper::stop)
            .isInstanceOf(ShapingException.class).hasMessageContaining("refused")
            .hasMessageContaining("flowid 1:3").hasMessageContaining("prio 5");
        assertThat(ns.tc("-j", "filter", "show", "dev", "br0")
            + ns.tc("-j", "class", "show", "dev", "br0")).isEqualTo(before);
        assertThat(shaper.isStarted()).isTrue();

        ns.tc("filter", "del", "dev", "br0", "parent", "1:", "prio", "5");
        shaper.stop();
        assertThat(ns.tc("-j", "qdisc", "show", "dev", "br0")).doesNotContain("htb");
      }
    }
  }
}
