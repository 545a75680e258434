// SPDX-License-Identifier: Apache-2.0
package io.netfloor.examples.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The generated completion script and manual (what the build writes to {@code target/} at
 * {@code package}): produced, and naming every command and the options a user completes.
 */
class CliDocsTest {
  @TempDir
  Path tmp;

  private static List<String> commands() {
    return NetFloorCli.commandLine().getSubcommands().keySet().stream()
        .filter(c -> !c.equals("help")).toList();
  }

  @Test
  void completionAndManPageMentionEveryCommand() throws Exception {
    CliDocs.generate(tmp);
    String bash = Files.readString(tmp.resolve("completion/netfloor.bash"));
    assertThat(bash).contains("complete -F _complete_netfloor", "--netns", "--network",
        "--json", "--state-dir");
    for (String c : commands()) {
      assertThat(bash).as("completion of %s", c).contains("_picocli_netfloor_" + c + "()");
    }
    String man = Files.readString(tmp.resolve("man/netfloor.1"));
    assertThat(man).startsWith(".\\\" Generated").contains(".TH NETFLOOR 1",
        "netfloor " + CliVersion.version(), ".SH EXIT STATUS", CliJson.SCHEMA);
    for (String c : commands()) {
      assertThat(man).as("man page section of %s", c).contains(".SS " + c + "\n");
    }
    // no line may start a groff request by accident: each is a request or escaped text
    assertThat(man.lines().filter(l -> l.startsWith(".") && !l.matches("\\.(\\\\\"|TH|SH|SS|TP|"
        + "PP|B|I|BR|nf|fi)( .*)?"))).isEmpty();
    try (Stream<Path> adoc = Files.list(tmp.resolve("man/adoc"))) {
      List<String> names = adoc.map(p -> p.getFileName().toString()).toList();
      assertThat(names).contains("netfloor.adoc");
      for (String c : commands()) {
        assertThat(names).contains("netfloor-" + c + ".adoc");
      }
    }
  }
}
