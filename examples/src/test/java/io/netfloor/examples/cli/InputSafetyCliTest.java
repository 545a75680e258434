// SPDX-License-Identifier: Apache-2.0
package io.netfloor.examples.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Hostile input to the CLI, refused before anything is opened or recorded, each with a one-line
 * message naming the value and the rule and a typed exit code (no kernel needed).
 */
class InputSafetyCliTest {
  @TempDir
  Path tmp;

  private Run cli(String... args) {
    return Run.of(args);
  }

  private static void assertRefused(Run r, int exit, String... fragments) {
    assertThat(r.exit()).as("exit code; stderr: %s", r.err()).isEqualTo(exit);
    assertThat(r.err().lines().toList()).as("stderr is one line").hasSize(1);
    assertThat(r.err()).startsWith("netfloor: ").doesNotContain("\tat ")
        .doesNotContain("unexpected").contains(fragments);
  }

  private String state() {
    return tmp.resolve("state").toString();
  }

  @Test
  void nonAsciiBridgeAndDeviceNamesAreUsageErrors() {
    assertRefused(cli("start", "--network", "t", "--state-dir", state(), "--bridge", "brü0",
        "--average", "10mbit"), ExitCodes.USAGE, "--bridge", "brü0", "U+00FC",
        "not printable ASCII");
    assertRefused(cli("plug", "vm1", "--network", "t", "--state-dir", state(), "--mac",
        "52:54:00:00:00:01", "--device", "vëth0"), ExitCodes.USAGE, "--device", "U+00EB");
    assertThat(tmp.resolve("state")).doesNotExist();
  }

  @Test
  void badNamespaceNamesAreUsageErrorsNamingTheRule() {
    for (String ns : new String[] {"../x", "", "a/b", ".."}) {
      for (String command : new String[] {"start", "status", "tree", "stop"}) {
        Run r = command.equals("start")
            ? cli("start", "--network", "t", "--state-dir", state(), "--bridge", "br0",
                "--average", "10mbit", "--netns", ns)
            : cli(command, "--network", "t", "--state-dir", state(), "--netns", ns);
        assertRefused(r, ExitCodes.USAGE, "--netns",
            "a network namespace name (as 'ip netns' takes it) is 1-255 bytes without '/', and"
                + " not '.' or '..'");
        assertThat(r.err()).contains(ns.isEmpty() ? "network namespace name is empty"
            : "network namespace name '" + ns + "'");
      }
    }
    assertThat(tmp.resolve("state")).doesNotExist();
  }

  @Test
  void aRateOfAMillionDigitsIsRefusedAtOnce() {
    String huge = "9".repeat(1_000_000) + "mbit";
    Run r = assertTimeoutPreemptively(Duration.ofSeconds(5), () -> cli("plug", "vm1",
        "--network", "t", "--state-dir", state(), "--mac", "52:54:00:00:00:01", "--floor", huge));
    assertRefused(r, ExitCodes.USAGE, "--floor", "is 1000004 characters long; a rate is at most 64");
    assertThat(r.err()).hasSizeLessThan(300);
  }

  /**
   * A libvirt status file with a million-digit floor: refused at once, naming the file, before
   * anything is touched (it took minutes to convert the number before).
   */
  @Test
  void aLibvirtStatusFileWithAHugeNumberIsRefusedAtOnce() throws IOException {
    Path net = tmp.resolve("default.xml");
    Files.writeString(net, "<networkstatus><class_id bitmap='0-3'/><network><name>default</name>"
        + "<bridge name='virbr0'/><bandwidth><inbound average='12500'/></bandwidth></network>"
        + "</networkstatus>");
    Path ports = Files.createDirectories(tmp.resolve("default/ports"));
    Files.writeString(ports.resolve("p3.xml"), "<networkport><uuid>port-3</uuid>"
        + "<group>default</group><mac address='52:54:00:00:00:03'/><bandwidth classID='3'>"
        + "<inbound average='100' floor='" + "9".repeat(1_000_000) + "'/></bandwidth>"
        + "<plug type='network' bridge='virbr0'/></networkport>");
    Run r = assertTimeoutPreemptively(Duration.ofSeconds(10), () -> cli("adopt", net.toString(),
        "--state-dir", state(), "--dry-run"));
    assertRefused(r, ExitCodes.FAILED, "p3.xml", "could not convert bandwidth floor value",
        "it is 1000000 characters long");
    assertThat(r.err()).hasSizeLessThan(600);
    assertThat(tmp.resolve("state/networks")).doesNotExist();
  }
}
