// SPDX-License-Identifier: Apache-2.0
package io.netfloor.examples.demo;

import static org.assertj.core.api.Assertions.assertThat;

import io.netfloor.examples.cli.NetFloorCli;
import io.netfloor.testkit.kernel.TestNamespace;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** Ctrl-C (SIGINT) during the demo's traffic removes every namespace it created. */
class DemoInterruptIT {
  @Test
  void interruptedDemoLeavesNothingBehind() throws Exception {
    TestNamespace.assumeRoot();
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    Process p = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
        NetFloorCli.class.getName(), "demo", "--seconds", "20", "--no-live")
        .redirectErrorStream(true).start();
    String prefix = null;
    StringBuilder seen = new StringBuilder();
    try (BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(),
        StandardCharsets.UTF_8))) {
      Pattern ns = Pattern.compile("namespaces (nf-demo-[0-9a-f]+)-");
      String line;
      while ((line = out.readLine()) != null) {
        seen.append(line).append('\n');
        Matcher m = ns.matcher(line);
        if (m.find()) {
          prefix = m.group(1);
        }
        if (line.contains("contention [") && line.contains(" 2/")) {
          break; // traffic is flowing
        }
      }
      assertThat(prefix).as("demo output so far:\n%s", seen).isNotNull();
      String mine = prefix;
      assertThat(Ip.namespaces()).anyMatch(n -> n.startsWith(mine));
      Ip.run("kill", "-INT", Long.toString(p.pid()));
      assertThat(p.waitFor(20, TimeUnit.SECONDS)).as("demo exits after SIGINT").isTrue();
      while ((line = out.readLine()) != null) {
        seen.append(line).append('\n');
      }
    } finally {
      p.destroyForcibly();
    }
    String mine = prefix;
    assertThat(p.exitValue()).as("killed by SIGINT\n%s", seen).isEqualTo(130);
    assertThat(Ip.namespaces()).as("namespaces after Ctrl-C\n%s", seen)
        .noneMatch(n -> n.startsWith(mine));
  }
}
