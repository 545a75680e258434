// SPDX-License-Identifier: Apache-2.0
package io.netfloor.examples.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Every network command's real {@code --json} output, successes and failures, against a bridge in
 * a throwaway namespace, checked against the published JSON Schema ({@link Run#json()} validates)
 * and for data where people read words: rates in bit/s beside tc's spelling, handles, kernel
 * operations as objects, what a class of the tree is for.
 */
class CliJsonIT extends CliOnBridge {
  private static final String MAC1 = "52:54:00:00:00:01";

  private Run net(String... args) {
    String[] json = Arrays.copyOf(args, args.length + 1);
    json[args.length] = "--json";
    return cli("j", "state", json);
  }

  private static JsonNode ok(Run r) {
    assertThat(r.exit()).as("exit code; stderr: %s", r.err()).isZero();
    return r.json();
  }

  /** The error document of a failed run: valid, its code the exit code, its message on stderr. */
  private static JsonNode failed(Run r, int code, String type) {
    assertThat(r.exit()).as("stdout: %s", r.out()).isEqualTo(code);
    JsonNode doc = r.json();
    JsonNode error = doc.get("error");
    assertThat(error.get("code").asInt()).isEqualTo(code);
    assertThat(error.get("type").asText()).isEqualTo(type);
    assertThat(r.err()).contains(error.get("message").asText());
    return doc;
  }

  /**
   * Outbound floors through the CLI: a network started with an outbound capacity and its floors
   * on the bridge's ingress, an interface plugged and updated with --outbound-floor, status with
   * the outbound capacity (text and schema-checked JSON), a refused outbound floor, the ifb's
   * classes as tc shows them, and stop removing the ifb.
   */
  @Test
  void outboundFloorsArePluggedUpdatedAndShown() {
    ok(net("start", "--bridge", "br0", "--average", "100mbit", "--outbound-average", "80mbit",
        "--outbound-floors", "bridge", "--netns", ns.name()));
    JsonNode plugged = ok(net("plug", "vm1", "--mac", MAC1, "--floor", "20mbit",
        "--outbound-floor", "30mbit"));
    assertThat(plugged.get("outboundFloorTc").asText()).isEqualTo("30mbit");
    JsonNode updated = ok(net("update", "vm1", "--outbound-floor", "50mbit"));
    assertThat(updated.get("outboundFloorBitsPerSecond").asLong()).isEqualTo(50_000_000L);
    assertThat(updated.get("previousOutboundFloorTc").asText()).isEqualTo("30mbit");
    assertThat(updated.get("floorTc").asText()).as("the inbound floor is kept").isEqualTo("20mbit");
    failed(net("plug", "vm2", "--mac", "52:54:00:00:00:02", "--outbound-floor", "40mbit"), 3,
        "refused");
    JsonNode status = ok(net("status"));
    assertThat(status.get("outboundCapacity").get("capacityTc").asText()).isEqualTo("80mbit");
    assertThat(status.get("outboundCapacity").get("allottedTc").asText()).isEqualTo("50mbit");
    Run text = Run.of("status", "--network", "j", "--state-dir", tmp.resolve("state").toString());
    assertThat(text.out()).contains("Outbound floors (on nfb-")
        .contains("50mbit of 80mbit allotted, 30mbit free");
    String ifb = io.netfloor.model.DeviceShaping.ifbFor(io.netfloor.units.InterfaceName.of("br0"))
        .value();
    assertThat(ns.tc("class", "show", "dev", ifb)).contains("class htb 1:3 ")
        .contains("rate 50Mbit");
    ok(net("update", "vm1", "--no-outbound-floor"));
    assertThat(ns.tc("class", "show", "dev", ifb)).doesNotContain("class htb 1:3 ");
    ok(net("unplug", "vm1"));
    ok(net("stop"));
    assertThat(ns.ip("link", "show")).doesNotContain(ifb);
  }

  @Test
  void everyCommandWritesDocumentsOfTheSchema() {
    JsonNode started = ok(net("start", "--bridge", "br0", "--average", "100mbit", "--netns",
        ns.name()));
    assertThat(started.get("schema").asText()).isEqualTo(CliJson.SCHEMA);
    assertThat(started.get("version").asText()).isEqualTo(CliVersion.version());
    assertThat(started.get("command").asText()).isEqualTo("start");
    assertThat(started.get("averageBitsPerSecond").asLong()).isEqualTo(100_000_000L);
    assertThat(started.get("averageTc").asText()).isEqualTo("100mbit");
    JsonNode topClass = null;
    for (JsonNode op : started.get("built")) {
      if (op.get("type").asText().equals("htb-class") && op.get("handle").asText().equals("1:1")) {
        topClass = op;
      }
    }
    assertThat(topClass).as("the top class among %s", started.get("built")).isNotNull();
    assertThat(topClass.get("action").asText()).isEqualTo("add");
    assertThat(topClass.get("kind").asText()).isEqualTo("class");
    assertThat(topClass.get("device").asText()).isEqualTo("br0");
    assertThat(topClass.get("rateBitsPerSecond").asLong()).isEqualTo(100_000_000L);
    assertThat(topClass.get("tc").asText()).startsWith("add class htb 1:1 on br0");
    // the probe's answer is kept for the next commands of this boot
    Path probe = tmp.resolve("state/networks/.j.kernel.json");
    assertThat(probe).exists();
    assertThat(new ProbeCache(new StateDir(tmp.resolve("state")), "j", ns.name()).read())
        .isPresent();

    JsonNode plugged = ok(net("plug", "vm1", "--mac", MAC1, "--floor", "20mbit"));
    assertThat(plugged.get("class").asText()).isEqualTo("1:3");
    assertThat(plugged.get("floorBitsPerSecond").asLong()).isEqualTo(20_000_000L);
    assertThat(plugged.get("floorTc").asText()).isEqualTo("20mbit");
    JsonNode updated = ok(net("update", "vm1", "--floor", "30mbit"));
    assertThat(updated.get("previousFloorTc").asText()).isEqualTo("20mbit");

    JsonNode status = ok(net("status"));
    assertThat(status.get("configKnown").asBoolean()).isTrue();
    assertThat(status.get("interfaces").get(0).get("ceilBitsPerSecond").asLong())
        .isEqualTo(100_000_000L);

    JsonNode tree = ok(net("tree", "--interval", "0"));
    assertThat(tree.get("device").asText()).isEqualTo("br0");
    assertThat(tree.get("rootQdisc").get("kind").asText()).isEqualTo("htb");
    assertThat(tree.get("rootQdisc").get("defaultClass").asText()).isEqualTo("1:2");
    List<String> roles = new ArrayList<>();
    tree.get("classes").forEach(c -> roles.add(c.get("class").asText() + " "
        + c.get("role").asText() + " " + c.get("aliases") + " " + c.get("mac").asText()));
    assertThat(roles).containsExactly("1:1 network [] null", "1:2 default [] null",
        "1:3 interface [\"vm1\"] " + MAC1);
    List<JsonNode> watched = Run.of("tree", "--watch", "--count", "2", "--interval", "0.05",
        "--network", "j", "--state-dir", tmp.resolve("state").toString(), "--json").jsonLines();
    assertThat(watched).hasSize(2)
        .allSatisfy(d -> assertThat(d.get("elapsedSeconds").asDouble()).isPositive());

    ns.tc("class", "change", "dev", "br0", "parent", "1:1", "classid", "1:3", "htb", "rate",
        "7mbit", "ceil", "100mbit");
    JsonNode repaired = ok(net("reconcile"));
    assertThat(repaired.get("clean").asBoolean()).isFalse();
    JsonNode repair = repaired.get("repairs").get(0);
    assertThat(repair.get("action").asText()).isEqualTo("change");
    assertThat(repair.get("handle").asText()).isEqualTo("1:3");
    assertThat(repair.get("rateBitsPerSecond").asLong()).isEqualTo(30_000_000L);

    // failures: a document on stdout with the exit code, the line on stderr
    failed(net("plug", "vm2", "--mac", "52:54:00:00:00:02", "--floor", "90mbit"), 3, "refused");
    JsonNode usage = failed(net("plug", "vm2", "--mac", "52:54:00:00:00:02", "--floor",
        "9 parsecs"), 2, "usage");
    assertThat(usage.get("command").asText()).isEqualTo("plug");
    failed(net("unplug", "nobody"), 3, "refused");
    failed(Run.of("status", "--network", "absent", "--state-dir",
        tmp.resolve("state").toString(), "--json"), 1, "failed");

    ok(net("unplug", "vm1"));
    JsonNode stopped = ok(net("stop"));
    assertThat(stopped.get("removed")).isNotEmpty()
        .allSatisfy(op -> assertThat(op.get("action").asText()).isEqualTo("delete"));
    assertThat(probe).doesNotExist();
  }
}
