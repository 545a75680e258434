// SPDX-License-Identifier: Apache-2.0
package io.netfloor.examples.demo;

import static org.assertj.core.api.Assertions.assertThat;

import io.netfloor.testkit.kernel.TestNamespace;
import io.netfloor.model.OutboundFloorPlacement;
import io.netfloor.units.Rate;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.assertj.core.data.Percentage;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Outbound floors on real traffic, both directions at once: a bridge of 100 Mbit/s each way in
 * throwaway namespaces, VMs with floors (60mbit in, 20mbit out), (30mbit in, 60mbit out) and none,
 * every VM uploading and downloading at the same time. For each placement of the outbound tree —
 * an ifb fed by the bridge's ingress (uploads to the bridge's address), the uplink's egress
 * (uploads to a namespace behind the uplink) — each VM gets at least 95% of its outbound floor at
 * layer 2, and the inbound floors still hold. The control run, with the same tree and no outbound
 * floors, shows the 60mbit VM falling far short: the floors are what makes the difference.
 */
class OutboundFloorsTrafficIT {
  private static final double MBIT = 1e6;

  private static FloorDemo.Result run(FloorDemo.Options options, StringWriter log) {
    FloorDemo.Result r = FloorDemo.run(options, new PrintWriter(log, true));
    System.out.println(log); // kept in target/surefire-reports/*-output.txt
    return r;
  }

  private static FloorDemo.Options options(OutboundFloorPlacement.Kind kind) {
    return FloorDemo.Options.defaults()
        .withDurations(Duration.ofSeconds(1), Duration.ofSeconds(2), Duration.ofSeconds(1))
        .withUpload(Duration.ofSeconds(4), kind);
  }

  @ParameterizedTest(name = "outbound floors on {0}")
  @EnumSource(value = OutboundFloorPlacement.Kind.class, names = {"BRIDGE_INGRESS",
      "UPLINK_EGRESS"})
  void eachOutboundFloorHoldsWithBothDirectionsLoaded(OutboundFloorPlacement.Kind kind) {
    TestNamespace.assumeRoot();
    StringWriter log = new StringWriter();
    FloorDemo.Result r = run(options(kind), log);

    FloorDemo.Phase up = r.upload().orElseThrow();
    assertThat(up.vm("vm1").floor()).isEqualTo(Rate.parse("20mbit"));
    assertThat(up.vm("vm2").floor()).isEqualTo(Rate.parse("60mbit"));
    assertThat(up.vm("vm1").atVmBitsPerSecond()).as("vm1 uploads (outbound floor 20mbit)\n%s", log)
        .isGreaterThanOrEqualTo(0.95 * 20 * MBIT);
    assertThat(up.vm("vm2").atVmBitsPerSecond()).as("vm2 uploads (outbound floor 60mbit)\n%s", log)
        .isGreaterThanOrEqualTo(0.95 * 60 * MBIT);
    assertThat(up.totalBitsPerSecond()).as("the outbound capacity is used, not exceeded\n%s", log)
        .isBetween(90 * MBIT, 103 * MBIT);
    // the receivers and the outbound tree's class counters agree: the uploads went through it
    for (FloorDemo.VmResult v : up.vms()) {
      assertThat(v.htbClassBitsPerSecond()).as("outbound class of %s\n%s", v.vm(), log)
          .isCloseTo(v.atVmBitsPerSecond(), Percentage.withPercentage(5));
    }
    FloorDemo.Phase down = r.download().orElseThrow();
    assertThat(down.vm("vm1").atVmBitsPerSecond()).as("vm1 downloads (floor 60mbit)\n%s", log)
        .isGreaterThanOrEqualTo(0.90 * 60 * MBIT);
    assertThat(down.vm("vm2").atVmBitsPerSecond()).as("vm2 downloads (floor 30mbit)\n%s", log)
        .isGreaterThanOrEqualTo(0.90 * 30 * MBIT);
    assertThat(r.outboundTree()).contains(kind == OutboundFloorPlacement.Kind.BRIDGE_INGRESS
        ? "ifb nfb-" : "uplink " + DemoLab.UPLINK);
    assertThat(log.toString()).contains("Phase 3 - both directions")
        .contains("Removed namespaces " + r.namespacePrefix());
    assertThat(Ip.namespaces()).noneMatch(n -> n.startsWith(r.namespacePrefix()));
  }

  /**
   * The control: the same outbound tree, nobody holding an outbound floor. vm2 then gets about a
   * third of the uplink, far below 95% of the 60mbit it gets with its floor.
   */
  @ParameterizedTest(name = "control on {0}")
  @EnumSource(value = OutboundFloorPlacement.Kind.class, names = {"BRIDGE_INGRESS",
      "UPLINK_EGRESS"})
  void withoutOutboundFloorsTheBigUploaderDoesNotGetItsShare(OutboundFloorPlacement.Kind kind) {
    TestNamespace.assumeRoot();
    StringWriter log = new StringWriter();
    FloorDemo.Options plain = options(kind).withVms(List.of(
        new FloorDemo.VmSpec("vm1", Optional.of(Rate.parse("60mbit")), Optional.empty()),
        new FloorDemo.VmSpec("vm2", Optional.of(Rate.parse("30mbit")), Optional.empty()),
        new FloorDemo.VmSpec("vm3", Optional.empty(), Optional.empty())));
    FloorDemo.Result r = run(plain, log);
    FloorDemo.Phase up = r.upload().orElseThrow();
    assertThat(up.vm("vm2").atVmBitsPerSecond()).as("vm2 without an outbound floor\n%s", log)
        .isLessThan(0.95 * 60 * MBIT * 0.75);
    assertThat(up.totalBitsPerSecond()).as("the uplink is still full\n%s", log)
        .isGreaterThan(90 * MBIT);
    assertThat(Ip.namespaces()).noneMatch(n -> n.startsWith(r.namespacePrefix()));
  }
}
