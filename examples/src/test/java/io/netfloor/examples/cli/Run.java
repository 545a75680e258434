// SPDX-License-Identifier: Apache-2.0
package io.netfloor.examples.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;

/** One CLI invocation in-process, as the CLI tests run it: its exit code, stdout and stderr. */
record Run(int exit, String out, String err) {
  private static final ObjectMapper JSON = new ObjectMapper();

  /** Runs {@code netfloor args…} with captured output. */
  static Run of(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int exit = NetFloorCli.execute(new PrintWriter(out, true), new PrintWriter(err, true), args);
    return new Run(exit, out.toString(), err.toString());
  }

  /**
   * Standard output read as one JSON document (for {@code --json}), checked against the published
   * schema: every CLI test that reads JSON also checks the format.
   */
  JsonNode json() {
    try {
      return CliSchema.requireValid(JSON.readTree(out));
    } catch (IOException e) {
      throw new AssertionError("not JSON: " + out, e);
    }
  }

  /** Standard output read as one JSON document per line ({@code tree --watch --json}), checked. */
  List<JsonNode> jsonLines() {
    return out.lines().filter(l -> !l.isBlank()).map(l -> {
      try {
        return CliSchema.requireValid(JSON.readTree(l));
      } catch (IOException e) {
        throw new AssertionError("not a JSON line: " + l, e);
      }
    }).toList();
  }
}
