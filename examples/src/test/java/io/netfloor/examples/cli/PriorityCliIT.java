// SPDX-License-Identifier: Apache-2.0
package io.netfloor.examples.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/**
 * {@code --priority} on a bridge in a throwaway namespace: {@code plug} and {@code update} set it
 * (also without a floor), {@code status} shows it in text and in schema-valid JSON, the kernel's
 * class carries it ({@code tc class show}), {@code --no-priority} removes it, and a value outside
 * 0..7 is a usage error that changes nothing.
 */
class PriorityCliIT extends CliOnBridge {
  private Run net(String... args) {
    return cli("p", "state", args);
  }

  private JsonNode json(String... args) {
    String[] all = Arrays.copyOf(args, args.length + 1);
    all[args.length] = "--json";
    Run r = net(all);
    assertThat(r.exit()).as("exit; stderr %s", r.err()).isZero();
    return r.json();
  }

  private String classLine(String handle) {
    return Arrays.stream(ns.tc("class", "show", "dev", "br0").split("\n"))
        .filter(l -> l.startsWith("class htb " + handle + " ")).findFirst().orElse("(none)");
  }

  @Test
  void plugUpdateAndStatusCarryThePriority() {
    assertThat(net("start", "--bridge", "br0", "--average", "100mbit", "--netns", ns.name()).exit())
        .isZero();
    JsonNode plugged = json("plug", "vm1", "--mac", "52:54:00:00:00:01", "--priority", "7");
    assertThat(plugged.get("class").asText()).isEqualTo("1:3");
    assertThat(plugged.get("priority").asInt()).isEqualTo(7);
    assertThat(plugged.get("floorBitsPerSecond").asLong()).isZero();
    assertThat(classLine("1:3")).contains("prio 7");
    Run floored = net("plug", "vm2", "--mac", "52:54:00:00:00:02", "--floor", "10mbit");
    assertThat(floored.exit()).isZero();
    assertThat(floored.out()).doesNotContain("priority");

    Run text = net("status");
    assertThat(text.exit()).isZero();
    assertThat(text.out()).contains("PRIO").containsPattern("vm1 .* 1:3 +- +7 ")
        .containsPattern("vm2 .* 1:4 +10mbit +- ");
    JsonNode status = json("status");
    assertThat(status.get("interfaces").get(0).get("priority").asInt()).isEqualTo(7);
    assertThat(status.get("interfaces").get(1).has("priority")).isFalse();

    JsonNode updated = json("update", "vm2", "--priority", "0");
    assertThat(updated.get("priority").asInt()).isZero();
    assertThat(updated.get("floorBitsPerSecond").asLong()).isEqualTo(10_000_000L);
    assertThat(net("update", "vm1", "--priority", "2").out()).contains("priority 2 (was 7)");
    assertThat(classLine("1:3")).contains("prio 2");

    Run bad = net("update", "vm1", "--priority", "8");
    assertThat(bad.exit()).isEqualTo(2);
    assertThat(bad.err()).contains("0..7");
    assertThat(classLine("1:3")).contains("prio 2");

    Run removed = net("update", "vm1", "--no-priority");
    assertThat(removed.exit()).as(removed.err()).isZero();
    assertThat(removed.out()).contains("class 1:2").contains("priority none (was 2)");
    assertThat(classLine("1:3")).isEqualTo("(none)");
    assertThat(net("status").out()).containsPattern("vm1 .* 1:2 +- +- ")
        .containsPattern("vm2 .* 1:4 +10mbit +0 ");
    assertThat(json("reconcile").get("clean").asBoolean()).isTrue();
    assertThat(net("stop").exit()).isZero();
  }
}
