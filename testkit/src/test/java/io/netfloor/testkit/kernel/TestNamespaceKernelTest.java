// SPDX-License-Identifier: Apache-2.0
package io.netfloor.testkit.kernel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netfloor.units.ClassHandle;
import io.netfloor.units.Rate;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The namespace helper and the oracle against the real kernel, as root like every kernel test. */
class TestNamespaceKernelTest {
  @BeforeAll
  static void root() {
    TestNamespace.assumeRoot();
  }

  private static List<String> namespaces() {
    return List.of(Command.run("ip", "netns", "list").split("\n")).stream()
        .map(l -> l.strip().split("\\s+")[0]).filter(n -> !n.isEmpty()).toList();
  }

  @Test
  void aNamespaceHasAUniqueNameAndGoesAwayWithItsVms() {
    String vm;
    String name;
    try (TestNamespace a = TestNamespace.withBridge(); TestNamespace b = TestNamespace.create()) {
      name = a.name();
      assertThat(name).matches("nf-[0-9a-f]{8}").isNotEqualTo(b.name());
      vm = a.vm("br0", 0, "tap0", "52:54:00:12:34:56", "10.79.0.10/24");
      a.veth("br0", "vnet1", "vnet1p");
      assertThat(namespaces()).contains(name, vm, b.name());
      assertThat(TcOracle.links(a)).contains("lo", "br0", "tap0", "vnet1", "vnet1p");
      assertThat(TcOracle.links(b)).containsExactly("lo");
      assertThat(Command.run("ip", "-n", vm, "-br", "addr", "show", "eth0"))
          .contains("10.79.0.10/24");
      assertThat(a.exec("ip", "-br", "link", "show", "master", "br0")).contains("tap0", "vnet1");
    }
    assertThat(namespaces()).doesNotContain(name, vm);
  }

  @Test
  void ipAndTcCannotLeaveTheNamespace() {
    try (TestNamespace ns = TestNamespace.create()) {
      for (String[] escape : List.of(new String[] {"-n", "other", "link"},
          new String[] {"-netns", "other", "link"}, new String[] {"--net", "other", "link"},
          new String[] {"-all", "netns", "exec", "true"}, new String[] {"netns", "del", "x"},
          new String[] {"-j", "net", "list"})) {
        assertThatThrownBy(() -> ns.ip(escape)).as("ip %s", List.of(escape))
            .isInstanceOf(IllegalArgumentException.class);
      }
      assertThatThrownBy(() -> ns.tc("-n", "other", "qdisc", "show"))
          .isInstanceOf(IllegalArgumentException.class);
      assertThatThrownBy(() -> ns.ipBatch(List.of("link set lo up", "netns add nf-00000000")))
          .isInstanceOf(IllegalArgumentException.class);
      assertThatThrownBy(() -> ns.exec("ip", "-n", "other", "link"))
          .isInstanceOf(IllegalArgumentException.class);
      // options that only look alike still work; "n"/"ne" mean "neighbour" to ip
      assertThat(ns.ip("-N", "-j", "link", "show")).contains("\"lo\"");
      assertThat(ns.ip("ne", "show")).isEmpty();
    }
  }

  @Test
  void aFailingCommandFailsTheTestWithItsError() {
    try (TestNamespace ns = TestNamespace.create()) {
      assertThatThrownBy(() -> ns.tc("qdisc", "show", "dev", "nosuchdev"))
          .isInstanceOf(IllegalStateException.class).hasMessageContaining("nosuchdev");
    }
  }

  @Test
  void theOracleReadsWhatTcBuilt() {
    try (TestNamespace ns = TestNamespace.withBridge()) {
      ns.tc("qdisc", "add", "dev", "br0", "root", "handle", "1:", "htb", "default", "2");
      ns.tc("class", "add", "dev", "br0", "parent", "1:", "classid", "1:1", "htb", "rate",
          "10mbit");
      ns.tc("class", "add", "dev", "br0", "parent", "1:1", "classid", "1:3", "htb", "rate",
          "1mbit", "ceil", "10mbit");
      ns.tc("qdisc", "add", "dev", "br0", "parent", "1:3", "handle", "3:", "pfifo");
      ns.tc("filter", "add", "dev", "br0", "parent", "1:", "protocol", "all", "prio", "1", "u32",
          "match", "u32", "0x00123456", "0xffffffff", "at", "-12",
          "match", "u16", "0x5254", "0xffff", "at", "-16", "flowid", "1:3");
      ClassHandle root = ClassHandle.parse("1:");

      assertThat(TcOracle.qdiscs(ns, "br0")).containsExactly(
          new TcOracle.Qdisc("htb", root, ClassHandle.ROOT),
          new TcOracle.Qdisc("pfifo", ClassHandle.parse("3:"), ClassHandle.parse("1:3")));
      assertThat(TcOracle.classes(ns, "br0").values()).containsExactly(
          new TcOracle.HtbClass(ClassHandle.parse("1:1"), root, Rate.ofMegabits(10),
              Rate.ofMegabits(10), Optional.empty()),
          new TcOracle.HtbClass(ClassHandle.parse("1:3"), ClassHandle.parse("1:1"),
              Rate.ofMegabits(1), Rate.ofMegabits(10), Optional.of(ClassHandle.parse("3:"))));
      assertThat(TcOracle.classBytes(ns, "br0")).containsOnlyKeys(ClassHandle.parse("1:1"),
          ClassHandle.parse("1:3"));
      List<TcOracle.Key> keys = List.of(new TcOracle.Key(0x123456, 0xffffffff, -12),
          new TcOracle.Key(0x52540000, 0xffff0000, -16));
      assertThat(TcOracle.filters(ns, "br0", "1:")).isEqualTo(TcOracle.filters(ns, "br0"))
          .containsExactly(
              new TcOracle.Filter(root, "all", 1, "800:", Optional.empty(), Optional.empty(), 1,
                  0, 0, List.of()),
              new TcOracle.Filter(root, "all", 1, "800::800",
                  Optional.of(ClassHandle.parse("1:3")), Optional.empty(), 0, 0, 0, keys));
    }
  }
}
