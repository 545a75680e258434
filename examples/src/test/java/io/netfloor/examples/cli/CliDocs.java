// SPDX-License-Identifier: Apache-2.0
package io.netfloor.examples.cli;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import picocli.AutoComplete;
import picocli.CommandLine;
import picocli.CommandLine.Help.Ansi;
import picocli.codegen.docgen.manpage.ManPageGenerator;

/**
 * Generates the CLI's shell completion and manual from its picocli model, at {@code package}
 * (exec-maven-plugin): {@code completion/netfloor.bash} (bash; zsh loads it through
 * {@code bashcompinit}), {@code man/netfloor.1} (a groff man page: {@code man -l}) and
 * {@code man/adoc/*.adoc} (picocli's AsciiDoc pages, for asciidoctor's manpage backend).
 */
public final class CliDocs {
  private CliDocs() {}

  /** {@code args[0]}: the directory to write into (the module's {@code target}). */
  public static void main(String[] args) throws IOException {
    generate(Path.of(args[0]));
  }

  /** Writes the three kinds of files under {@code target}. */
  static void generate(Path target) throws IOException {
    CommandLine cl = NetFloorCli.commandLine();
    Path completion = target.resolve("completion");
    Files.createDirectories(completion);
    Files.writeString(completion.resolve("netfloor.bash"), AutoComplete.bash("netfloor", cl),
        StandardCharsets.UTF_8);
    Path man = target.resolve("man");
    Path adoc = man.resolve("adoc");
    Files.createDirectories(adoc);
    int exit = ManPageGenerator.generateManPage(adoc.toFile(), (File) null, new boolean[0], false,
        cl.getCommandSpec());
    if (exit != 0) {
      throw new IOException("picocli's ManPageGenerator failed with exit code " + exit);
    }
    Files.writeString(man.resolve("netfloor.1"), manPage(cl), StandardCharsets.UTF_8);
  }

  /**
   * The manual as one groff page: the top command's help, then each command's help verbatim (what
   * {@code --help} prints), then exit status, environment, files and the JSON format.
   */
  static String manPage(CommandLine cl) {
    StringBuilder m = new StringBuilder();
    m.append(".\\\" Generated from the picocli model at build time; do not edit.\n");
    m.append(".TH NETFLOOR 1 \"\" \"netfloor ").append(CliVersion.version())
        .append("\" \"NetFloor Manual\"\n");
    m.append(".SH NAME\nnetfloor \\- guaranteed minimum bandwidth (floors) on Linux bridges\n");
    m.append(".SH SYNOPSIS\n.B netfloor\n.I COMMAND\n[\\fIOPTIONS\\fR]\n");
    m.append(".SH DESCRIPTION\n");
    verbatim(m, cl.getUsageMessage(Ansi.OFF));
    m.append(".SH COMMANDS\n");
    for (Map.Entry<String, CommandLine> e : cl.getSubcommands().entrySet()) {
      if (e.getKey().equals("help")) {
        continue;
      }
      m.append(".SS ").append(e.getKey()).append('\n');
      verbatim(m, e.getValue().getUsageMessage(Ansi.OFF));
    }
    m.append(".SH EXIT STATUS\n");
    m.append(".TP\n.B 0\nDone as asked.\n");
    m.append(".TP\n.B 1\nFailed: the kernel, the status store or the network's state refused;"
        + " also an unsafe state directory, a missing or damaged status (the message names the"
        + " file).\n");
    m.append(".TP\n.B 2\nBad usage or an invalid value: nothing was changed.\n");
    m.append(".TP\n.B 3\nRefused by a rule: admission (the floors would exceed the capacity), a"
        + " conflict, no such interface.\n");
    m.append(".PP\nWith \\fB\\-\\-json\\fR, a failure is also one JSON document on standard"
        + " output: {\"error\":{\"code\":N,\"type\":...,\"message\":...}}.\n");
    m.append(".SH ENVIRONMENT\n.TP\n.B NETFLOOR_STATE_DIR\nThe state directory when"
        + " \\fB\\-\\-state\\-dir\\fR is not given (default /var/lib/netfloor).\n");
    m.append(".SH FILES\n.TP\n.I STATE_DIR/networks/NAME.json\nThe network's record.\n"
        + ".TP\n.I STATE_DIR/status/\nThe crash-safe status store.\n");
    m.append(".SH NOTES\nThe \\fB\\-\\-json\\fR output follows the JSON Schema "
        + CliJson.SCHEMA + " (schema/netfloor-cli-1.schema.json in the jar; docs/CLI.md).\n");
    m.append(".SH SEE ALSO\n.BR tc (8),\n.BR tc-htb (8),\n.BR ip-netns (8)\n");
    return m.toString();
  }

  /** {@code text} as a no-fill block, escaped for groff. */
  private static void verbatim(StringBuilder m, String text) {
    m.append(".nf\n");
    for (String line : text.split("\n", -1)) {
      String escaped = line.replace("\\", "\\e");
      if (escaped.startsWith(".") || escaped.startsWith("'")) {
        escaped = "\\&" + escaped;
      }
      m.append(escaped).append('\n');
    }
    m.append(".fi\n");
  }
}
