// SPDX-License-Identifier: Apache-2.0
package io.netfloor.examples.cli;

import io.netfloor.shaping.ReconcileReport;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine.Command;

/** {@code netfloor reconcile}: makes the kernel hold exactly what the recorded status describes. */
@Command(name = "reconcile", mixinStandardHelpOptions = true,
    header = "Repair the kernel to match the recorded status.",
    description = {"Repair the bridge after a crash or a change behind NetFloor's back: dump the"
        + " kernel, delete what the status does not know inside the network's own (marked)"
        + " qdiscs, recreate what is missing, correct changed rates. Other tools' qdiscs and"
        + " filters are left alone and listed. Prints every repair."})
final class ReconcileCommand extends BaseCommand {
  @Override
  public Integer call() {
    // the kernel is probed afresh: a reconcile is also how to take a changed kernel into account
    try (Session s = Session.openRecorded(state(), definition(), true)) {
      ReconcileReport report = s.startReport();
      s.succeeded();
      if (common.json) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("network", s.config.name().value());
        json.put("clean", report.wasClean());
        json.put("built", CliJson.ops(report.built()));
        json.put("repairs", CliJson.ops(report.repairs()));
        json.put("notes", report.notes());
        json.put("foreign", CliJson.foreign(report.foreign()));
        printJson(json);
      } else if (report.wasClean()) {
        out().printf("Network '%s': the kernel already matched the status; nothing to repair%n",
            s.config.name());
        report.notes().forEach(n -> out().println("  note: " + n));
      } else {
        out().printf("Network '%s': %d repair(s)%n", s.config.name(), report.repairs().size());
        report.repairs().ops().forEach(op -> out().println("  " + op.describe()));
        report.notes().forEach(n -> out().println("  note: " + n));
      }
      report.foreign().forEach(f -> out().println("  left alone (not NetFloor's): " + f));
    }
    return ExitCodes.OK;
  }
}
