// SPDX-License-Identifier: Apache-2.0
package io.netfloor.examples.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** status's capacity, plug/update --dry-run and resize, against a bridge in a namespace. */
class OrchestrationCliIT extends CliOnBridge {
  private static final String MAC1 = "52:54:00:00:00:01";
  private static final String MAC2 = "52:54:00:00:00:02";

  private Path state;

  @BeforeEach
  void setUp() {
    state = tmp.resolve("state");
  }

  private Run net(String... args) {
    return cli("t", "state", args);
  }

  private static Run ok(Run r) {
    assertThat(r.exit()).as("exit code; stderr: %s", r.err()).isZero();
    return r;
  }

  private String tcClassRate(String classId) {
    Matcher m = Pattern.compile("class htb " + Pattern.quote(classId) + " .*?rate (\\S+)")
        .matcher(ns.tc("class", "show", "dev", "br0"));
    return m.find() ? m.group(1) : null;
  }

  private String bridgeState() {
    return ns.tc("qdisc", "show", "dev", "br0") + ns.tc("class", "show", "dev", "br0")
        + ns.tc("filter", "show", "dev", "br0");
  }

  @Test
  void statusShowsTheCapacityAndDryRunsChangeNothing() throws Exception {
    ok(net("start", "--bridge", "br0", "--average", "100mbit", "--netns", ns.name()));
    ok(net("plug", "vm1", "--mac", MAC1, "--floor", "60mbit"));
    JsonNode capacity = ok(net("status", "--json")).json().get("capacity");
    assertThat(capacity.get("capacityBitsPerSecond").asLong()).isEqualTo(100_000_000L);
    assertThat(capacity.get("allottedBitsPerSecond").asLong()).isEqualTo(60_000_000L);
    assertThat(capacity.get("remainingBitsPerSecond").asLong()).isEqualTo(40_000_000L);
    assertThat(capacity.get("interfaces").asInt()).isEqualTo(1);
    assertThat(capacity.get("admission").asText()).isEqualTo("average");

    String kernel = bridgeState();
    byte[] status = Files.readAllBytes(state.resolve("status").resolve("t.status"));
    JsonNode fits = ok(net("plug", "vm2", "--mac", MAC2, "--floor", "40mbit", "--dry-run",
        "--json")).json();
    assertThat(fits.get("admitted").asBoolean()).isTrue();
    assertThat(fits.get("class").asText()).isEqualTo("1:4");
    assertThat(fits.get("operations").toString()).contains("1:4");
    Run refused = net("plug", "vm2", "--mac", MAC2, "--floor", "41mbit", "--dry-run");
    assertThat(refused.exit()).isEqualTo(ExitCodes.REFUSED);
    assertThat(refused.out()).contains("would be refused").contains("40mbit left");
    Run refusedJson = net("plug", "vm2", "--mac", MAC2, "--floor", "41mbit", "--dry-run", "--json");
    assertThat(refusedJson.exit()).isEqualTo(ExitCodes.REFUSED);
    JsonNode refusal = refusedJson.json();
    assertThat(refusal.get("admitted").asBoolean()).isFalse();
    assertThat(refusal.get("class").isNull()).isTrue();
    assertThat(refusal.get("requestedFloorTc").asText()).isEqualTo("41mbit");
    assertThat(refusal.get("capacity").get("remainingTc").asText()).isEqualTo("40mbit");
    JsonNode update = ok(net("update", "vm1", "--floor", "100mbit", "--dry-run", "--json"))
        .json();
    assertThat(update.get("admitted").asBoolean()).isTrue();
    assertThat(net("update", "vm1", "--floor", "101mbit", "--dry-run").exit())
        .isEqualTo(ExitCodes.REFUSED);
    assertThat(bridgeState()).isEqualTo(kernel);
    assertThat(Files.readAllBytes(state.resolve("status").resolve("t.status"))).isEqualTo(status);
    assertThat(ok(net("status")).out()).contains("60mbit of 100mbit allotted");
  }

  @Test
  void resizeChangesClassesOnlyAndUpdatesTheRecord() throws Exception {
    ok(net("start", "--bridge", "br0", "--average", "100mbit", "--netns", ns.name()));
    ok(net("plug", "vm1", "--mac", MAC1, "--floor", "60mbit"));
    String filters = ns.tc("filter", "show", "dev", "br0");
    String qdiscs = ns.tc("qdisc", "show", "dev", "br0");

    JsonNode resized = ok(net("resize", "--average", "200mbit", "--peak", "300mbit", "--json"))
        .json();
    assertThat(resized.get("averageBitsPerSecond").asLong()).isEqualTo(200_000_000L);
    assertThat(resized.get("capacity").get("remainingBitsPerSecond").asLong())
        .isEqualTo(140_000_000L);
    assertThat(tcClassRate("1:1")).isEqualTo("200Mbit");
    assertThat(tcClassRate("1:2")).isEqualTo("140Mbit");
    assertThat(tcClassRate("1:3")).isEqualTo("60Mbit");
    assertThat(ns.tc("filter", "show", "dev", "br0")).isEqualTo(filters);
    assertThat(ns.tc("qdisc", "show", "dev", "br0")).isEqualTo(qdiscs);
    JsonNode record = new ObjectMapper().readTree(state.resolve("networks/t.json").toFile());
    assertThat(record.get("average").asText()).isEqualTo("200mbit");
    assertThat(record.get("peak").asText()).isEqualTo("300mbit");
    assertThat(record.get("netns").asText()).isEqualTo(ns.name());

    Run tooSmall = net("resize", "--average", "59mbit", "--no-peak");
    assertThat(tooSmall.exit()).isEqualTo(ExitCodes.REFUSED);
    assertThat(tooSmall.err()).contains("sum to 60mbit");
    assertThat(tcClassRate("1:1")).isEqualTo("200Mbit");
    assertThat(new ObjectMapper().readTree(state.resolve("networks/t.json").toFile())
        .get("average").asText()).isEqualTo("200mbit");

    ok(net("resize", "--average", "60mbit", "--no-peak"));
    assertThat(tcClassRate("1:1")).isEqualTo("60Mbit");
    JsonNode status = ok(net("status", "--json")).json();
    assertThat(status.get("capacity").get("remainingBitsPerSecond").asLong()).isZero();
    assertThat(net("plug", "vm2", "--mac", MAC2, "--floor", "1mbit").exit())
        .isEqualTo(ExitCodes.REFUSED);
    assertThat(net("resize").exit()).isEqualTo(ExitCodes.USAGE);
    ok(net("stop"));
  }
}
