// SPDX-License-Identifier: Apache-2.0
package io.netfloor.examples.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The CLI's help, usage errors and error reporting: no kernel needed. */
class NetFloorCliTest {
  @TempDir
  Path tmp;

  private static Run cli(String... args) {
    return Run.of(args);
  }

  @Test
  void verboseShowsTheStackTrace() {
    Run quiet = cli("status", "--network", "u", "--state-dir", tmp.toString());
    assertThat(quiet.err()).doesNotContain("\tat ");
    Run verbose = cli("status", "--network", "u", "--state-dir", tmp.toString(), "--verbose");
    assertThat(verbose.exit()).isEqualTo(ExitCodes.FAILED);
    assertThat(verbose.err()).contains("\tat ").contains("network 'u' is not started");
  }

  @Test
  void helpEverywhere() {
    for (String cmd : List.of("start", "adopt", "plug", "update", "unplug", "status", "tree",
        "reconcile", "stop", "demo")) {
      Run r = cli(cmd, "--help");
      assertThat(r.exit()).as(cmd).isZero();
      assertThat(r.out()).as(cmd).contains("Usage: netfloor " + cmd).contains("--help");
    }
    Run top = cli("--help");
    assertThat(top.exit()).isZero();
    assertThat(top.out()).contains("start").contains("adopt").contains("plug").contains("demo")
        .contains("Exit codes");
    assertThat(cli("start", "--help").out()).contains("--ethertypes=all|ipv4")
        .contains("'ipv4' only").contains("--admission=average|peak")
        .contains("--leaf=fq_codel|sfq|pfifo");
    assertThat(cli("adopt", "--help").out()).contains("STATUS_FILE").contains("--ports")
        .contains("--domains").contains("--network-xml").contains("--dry-run")
        .contains("--ethertypes=all|ipv4").contains("Default: ipv4")
        .contains("--admission=average|peak").contains("Default: peak").contains("Default: sfq");
    assertThat(cli("plug", "--help").out()).contains("--outbound-average")
        .contains("--outbound-peak").contains("--outbound-burst");
    assertThat(cli("plug", "--help").out()).contains("--floor").contains("--mac")
        .contains("--average").contains("--peak").contains("--burst").contains("--netns")
        .contains("--state-dir").contains("--json");
  }

  @Test
  void usageErrorsAreOneLineWithExitCode2() {
    for (String[] args : List.of(
        new String[] {"frobnicate"},
        new String[] {"plug", "vm1", "--mac", "52:54:00:00:00:01", "--floor", "12parsecs"},
        new String[] {"plug", "vm1", "--mac", "not-a-mac"},
        new String[] {"plug", "vm1", "--mac", "52:54:00:00:00:01", "--burst", "-5"},
        new String[] {"plug", "vm1", "--mac", "52:54:00:00:00:01", "--outbound-peak", "5mbit"},
        new String[] {"start", "--bridge", "this-name-is-too-long", "--average", "1mbit"},
        new String[] {"start", "--bridge", "br0"},
        new String[] {"tree", "--count", "x"})) {
      Run r = cli(args);
      assertThat(r.exit()).as(String.join(" ", args)).isEqualTo(ExitCodes.USAGE);
      assertThat(r.err().lines().toList()).as(String.join(" ", args)).hasSize(1);
      assertThat(r.err()).startsWith("netfloor: ").contains("--help").doesNotContain("\tat ");
    }
    assertThat(cli("plug", "vm1", "--mac", "not-a-mac").err()).contains("'--mac'")
        .contains("not-a-mac");
    assertThat(cli("start", "--bridge", "this-name-is-too-long", "--average", "1mbit").err())
        .contains("this-name-is-too-long");
  }

  @Test
  void startRefusesUnknownRuleValuesBeforeTouchingAnything() {
    for (String[] bad : List.of(
        new String[] {"--ethertypes", "ipv6", "--ethertypes 'ipv6' must be 'all' or 'ipv4'"},
        new String[] {"--admission", "floor", "--admission 'floor' must be 'average' or 'peak'"},
        new String[] {"--leaf", "cake", "unknown leaf qdisc 'cake'"})) {
      Run r = cli("start", "--network", "u", "--state-dir", tmp.toString(), "--bridge", "br0",
          "--average", "10mbit", bad[0], bad[1]);
      assertThat(r.exit()).as(bad[0]).isEqualTo(ExitCodes.USAGE);
      assertThat(r.err().lines().toList()).as(bad[0]).hasSize(1);
      assertThat(r.err()).startsWith("netfloor: ").contains(bad[2]);
    }
    assertThat(tmp.resolve("networks")).doesNotExist();
  }

  @Test
  void exitCodesOfLibraryExceptions() {
    assertThat(NetFloorCli.exitCode(new io.netfloor.InvalidValueException("x")))
        .isEqualTo(ExitCodes.USAGE);
    assertThat(NetFloorCli.exitCode(new io.netfloor.InterfaceConflictException("x")))
        .isEqualTo(ExitCodes.REFUSED);
    assertThat(NetFloorCli.exitCode(new io.netfloor.shaping.ShapingException("x")))
        .isEqualTo(ExitCodes.FAILED);
    assertThat(NetFloorCli.exitCode(new IllegalStateException("x"))).isEqualTo(ExitCodes.FAILED);
    assertThat(NetFloorCli.oneLine("a\n  b\r\nc")).isEqualTo("a; b; c");
  }
}
