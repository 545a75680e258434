// SPDX-License-Identifier: Apache-2.0
package io.netfloor.examples.cli;

import io.netfloor.model.HtbTree;
import io.netfloor.model.NetworkConfig;
import io.netfloor.model.NetworkStatus;
import io.netfloor.netlink.NetlinkTrafficControl;
import io.netfloor.plan.TcOp;
import io.netfloor.shaping.Capacity;
import io.netfloor.shaping.DryRun;
import io.netfloor.shaping.NetworkShaper;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** What the commands share for orchestrators: the capacity summary and dry runs. */
final class Orchestration {
  private Orchestration() {}

  /** The capacity as a JSON object (rates in bit/s and in tc's spelling). */
  static Map<String, Object> capacityJson(Capacity c) {
    Map<String, Object> json = new LinkedHashMap<>();
    json.put("floorsSupported", c.floorsSupported());
    json.put("admission", NetworkDefinition.nameOf(c.admissionLimit()));
    CliJson.putRate(json, "capacity", c.capacity());
    CliJson.putRate(json, "allotted", c.allotted());
    CliJson.putRate(json, "remaining", c.remaining());
    json.put("interfaces", c.interfaces());
    return json;
  }

  /** The capacity in one line of text. */
  static String capacityLine(Capacity c) {
    return "Capacity: " + c.capacity() + " (" + NetworkDefinition.nameOf(c.admissionLimit())
        + "), " + c.allotted() + " allotted, " + c.remaining() + " remaining; " + c.interfaces()
        + " interface(s)";
  }

  /**
   * The recorded network's tree as its stored status describes it, with the config adapted to the
   * kernel as a start would adapt it; reads only (no reconcile, no write).
   */
  static HtbTree storedTree(BaseCommand command) {
    NetworkDefinition def = command.definition();
    NetworkStatus status = Session.readStatus(command.state(), def);
    NetworkConfig config = def.toConfig();
    try (NetlinkTrafficControl tc = def.netns() == null ? NetlinkTrafficControl.open()
        : NetlinkTrafficControl.openInNamespace(def.netns())) {
      config = NetworkShaper.adaptToKernel(config, tc.capabilities());
    }
    return status.toTree(config);
  }

  /** Prints a dry run; exit 0 when it would be admitted, 3 when refused. */
  static int print(BaseCommand command, String operation, String alias, DryRun run) {
    List<String> ops = new ArrayList<>();
    for (TcOp op : run.plan().ops()) {
      ops.add(op.describe());
    }
    if (command.common.json) {
      Map<String, Object> json = new LinkedHashMap<>();
      json.put("network", command.common.network);
      json.put("operation", operation);
      json.put("dryRun", true);
      json.put("alias", alias);
      json.put("admitted", run.admitted());
      json.put("reason", run.decision().reason().orElse(null));
      json.put("class", run.classId().map(Object::toString).orElse(null));
      CliJson.putRate(json, "requestedFloor", run.decision().requestedFloor());
      json.put("capacity", capacityJson(run.decision().capacity()));
      json.put("operations", CliJson.ops(run.plan()));
      command.printJson(json);
    } else if (run.admitted()) {
      command.out().printf("Dry run: %s of %s would be admitted: class %s, %d tc operation(s);"
          + " nothing was changed%n", operation, alias, run.classId().map(Object::toString)
              .orElse("-"), ops.size());
      ops.forEach(op -> command.out().println("  " + op));
      command.out().println(capacityLine(run.decision().capacity()));
    } else {
      command.out().printf("Dry run: %s of %s would be refused: %s%n", operation, alias,
          run.decision().reason().orElseThrow());
    }
    command.out().flush();
    return run.admitted() ? ExitCodes.OK : ExitCodes.REFUSED;
  }
}
