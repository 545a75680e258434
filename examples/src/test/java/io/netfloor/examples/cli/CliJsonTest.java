// SPDX-License-Identifier: Apache-2.0
package io.netfloor.examples.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.netfloor.plan.HtbClass;
import io.netfloor.plan.TcOp;
import io.netfloor.units.ClassHandle;
import io.netfloor.units.InterfaceName;
import io.netfloor.units.Rate;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The JSON format without a kernel: the envelope, errors, the schema's reach, the version. */
class CliJsonTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @Test
  void usageErrorsAreDocumentsUnderJson() {
    Run r = Run.of("plug", "vm1", "--mac", "52:54:00:00:00:01", "--json", "--no-such-option");
    assertThat(r.exit()).isEqualTo(ExitCodes.USAGE);
    JsonNode error = r.json().get("error");
    assertThat(error.get("type").asText()).isEqualTo("usage");
    assertThat(error.get("message").asText()).contains("--no-such-option");
    assertThat(r.json().get("command").asText()).isEqualTo("plug");
    // without --json, stdout stays empty and stderr has the line
    Run text = Run.of("plug", "--no-such-option");
    assertThat(text.out()).isEmpty();
    assertThat(text.err()).startsWith("netfloor: ");
    Run top = Run.of("--json", "frobnicate");
    assertThat(top.exit()).isEqualTo(ExitCodes.USAGE);
    assertThat(top.json().get("command").isNull()).isTrue();
  }

  @Test
  void theSchemaRejectsProseAndMissingFields() throws Exception {
    ObjectNode doc = (ObjectNode) JSON.valueToTree(CliJson.error("plug", 3, "AdmissionException",
        "refused"));
    assertThat(CliSchema.violations(doc)).isEmpty();
    ObjectNode unplug = (ObjectNode) JSON.valueToTree(CliJson.document("unplug"));
    unplug.put("network", "n").put("alias", "a").put("unplugged", true);
    assertThat(CliSchema.violations(unplug)).isEmpty();
    assertThat(CliSchema.violations(unplug.deepCopy().without("alias"))).isNotEmpty();
    assertThat(CliSchema.violations(unplug.deepCopy().put("schema", "netfloor-cli/2")))
        .isNotEmpty();
    ObjectNode plug = (ObjectNode) JSON.valueToTree(CliJson.document("plug"));
    plug.put("network", "n").put("alias", "a").put("mac", "52:54:00:00:00:01")
        .put("class", "1:3").put("floorBitsPerSecond", 20_000_000L).put("floorTc", "20mbit")
        .putNull("device");
    assertThat(CliSchema.violations(plug)).isEmpty();
    assertThat(CliSchema.violations(plug.deepCopy().put("floorBitsPerSecond", "20mbit")))
        .isNotEmpty();
    assertThat(CliSchema.violations(plug.deepCopy().put("class", "class 1:3"))).isNotEmpty();
  }

  @Test
  void operationsAreObjects() {
    HtbClass c = new HtbClass(InterfaceName.of("br0"), ClassHandle.of(1, 3), ClassHandle.of(1, 1),
        Rate.parse("20mbit"), Rate.parse("100mbit"), java.util.Optional.empty(),
        java.util.Optional.empty(), 1600, 0);
    JsonNode op = JSON.valueToTree(CliJson.op(new TcOp.Add(c)));
    assertThat(op.get("action").asText()).isEqualTo("add");
    assertThat(op.get("type").asText()).isEqualTo("htb-class");
    assertThat(op.get("handle").asText()).isEqualTo("1:3");
    assertThat(op.get("parent").asText()).isEqualTo("1:1");
    assertThat(op.get("ceilTc").asText()).isEqualTo("100mbit");
    JsonNode foreign = JSON.valueToTree(CliJson.foreign(
        "root qdisc htb 1: (default 2) on br0 belongs to NetFloor network 'other'"));
    assertThat(foreign.get("root").asBoolean()).isTrue();
    assertThat(foreign.get("kind").asText()).isEqualTo("htb");
    assertThat(foreign.get("handle").asText()).isEqualTo("1:");
    assertThat(foreign.get("device").asText()).isEqualTo("br0");
    assertThat(foreign.get("owner").asText()).isEqualTo("other");
  }

  @Test
  void theSchemaDescribesEveryCommand() throws Exception {
    JsonNode schema;
    try (InputStream in = getClass().getResourceAsStream(CliSchema.RESOURCE)) {
      schema = JSON.readTree(in);
    }
    Set<String> described = new HashSet<>();
    schema.get("$defs").forEach(d -> {
      JsonNode command = d.path("properties").path("command").path("const");
      if (command.isTextual()) {
        described.add(command.asText());
      }
    });
    Set<String> commands = new HashSet<>(NetFloorCli.commandLine().getSubcommands().keySet());
    commands.remove("help");
    assertThat(described).isEqualTo(commands);
  }

  @Test
  void versionIsTheBuildsVersion() throws Exception {
    Matcher m = Pattern.compile("<parent>.*?<version>([^<]+)</version>", Pattern.DOTALL)
        .matcher(Files.readString(Path.of("pom.xml")));
    assertThat(m.find()).isTrue();
    assertThat(CliVersion.version()).isEqualTo(m.group(1));
    Run r = Run.of("--version");
    assertThat(r.exit()).isZero();
    assertThat(r.out()).startsWith("netfloor " + m.group(1) + "\n");
    assertThat(Run.of("plug", "--version").out()).startsWith("netfloor " + m.group(1));
  }

  @Test
  void dashNIsTheNamespaceAsInIproute2() {
    Run r = Run.of("status", "-n", "bad/name", "--state-dir", "/nonexistent-netfloor");
    assertThat(r.exit()).isEqualTo(ExitCodes.USAGE);
    assertThat(r.err()).contains("bad/name");
  }
}
