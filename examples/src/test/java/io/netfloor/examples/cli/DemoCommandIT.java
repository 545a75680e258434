// SPDX-License-Identifier: Apache-2.0
package io.netfloor.examples.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.netfloor.examples.demo.Ip;
import io.netfloor.testkit.kernel.TestNamespace;
import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;

/** {@code netfloor demo --json}: the demo through the CLI, its JSON parsed. */
class DemoCommandIT {
  @Test
  void demoReportsPassingFloorsAsJson() throws Exception {
    TestNamespace.assumeRoot();
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int exit = NetFloorCli.execute(new PrintWriter(out, true), new PrintWriter(err, true), "demo",
        "--seconds", "3", "--layout", "libvirt", "--json");
    System.out.println(out);
    JsonNode r = CliSchema.requireValid(new ObjectMapper().readTree(out.toString()));
    assertThat(r.get("layout").asText()).isEqualTo("libvirt");
    assertThat(r.get("stopped").asText()).isEqualTo("vm1");
    JsonNode vms = r.get("contention").get("vms");
    assertThat(vms).hasSize(3);
    for (JsonNode vm : vms) {
      long floor = vm.get("floorBitsPerSecond").asLong();
      assertThat(vm.get("atVmBitsPerSecond").asLong()).as(vm.toString())
          .isGreaterThanOrEqualTo((long) (0.90 * floor));
    }
    assertThat(vms.get(0).get("floorBitsPerSecond").asLong()).isEqualTo(60_000_000L);
    assertThat(r.get("borrowing").get("totalBitsPerSecond").asLong()).isGreaterThan(90_000_000L);
    // phase 3: every VM uploads and downloads at once; the outbound floors hold
    assertThat(r.get("outboundTree").asText()).contains("ifb nfb-");
    for (JsonNode vm : r.get("upload").get("vms")) {
      long floor = vm.get("floorBitsPerSecond").asLong();
      assertThat(vm.get("atVmBitsPerSecond").asLong()).as(vm.toString())
          .isGreaterThanOrEqualTo((long) (0.95 * floor));
    }
    assertThat(r.get("upload").get("vms").get(1).get("floorBitsPerSecond").asLong())
        .isEqualTo(60_000_000L);
    assertThat(r.get("bothDirectionsHeld").asBoolean()).as(out.toString()).isTrue();
    // phase 4: vm3 priority 0, vm2 priority 7, both without floors
    JsonNode priority = r.get("priority");
    assertThat(priority.get("vms").get(0).get("vm").asText()).isEqualTo("vm3");
    assertThat(priority.get("vms").get(0).get("priority").asInt()).isZero();
    assertThat(priority.get("vms").get(1).get("priority").asInt()).isEqualTo(7);
    assertThat(priority.get("vms").get(0).get("atVmBitsPerSecond").asLong()).as(out.toString())
        .isGreaterThanOrEqualTo(2 * priority.get("vms").get(1).get("atVmBitsPerSecond").asLong());
    assertThat(priority.get("passed").asBoolean()).isTrue();
    assertThat(r.get("passed").asBoolean()).as(out.toString()).isEqualTo(exit == 0);
    assertThat(exit).as("stderr: %s", err).isZero();
    String prefix = r.get("namespacePrefix").asText();
    assertThat(prefix).startsWith("nf-demo-");
    assertThat(Ip.namespaces()).noneMatch(n -> n.startsWith(prefix));
  }
}
