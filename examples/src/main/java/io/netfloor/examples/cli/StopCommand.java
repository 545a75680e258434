// SPDX-License-Identifier: Apache-2.0
package io.netfloor.examples.cli;

import io.netfloor.units.InterfaceName;
import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code netfloor stop}: removes everything NetFloor made on the bridge and forgets the network. */
@Command(name = "stop", mixinStandardHelpOptions = true,
    header = "Remove NetFloor's tree from the bridge and forget the network.",
    description = {"Stop shaping: delete everything the network made — its qdisc, classes,"
        + " filters and mark on the bridge, each interface's own device shaping and ifb device —"
        + " and nothing else, then forget the network's status and definition. Works when the"
        + " bridge or a device is gone. Refused when the network's status is missing, damaged or"
        + " does not match its record (see --discard-status)."})
final class StopCommand extends BaseCommand {
  @Option(names = "--discard-status",
      description = "When the network's stored status is missing, damaged or does not match its"
          + " record, forget it instead of refusing, and stop with what the kernel shows is the"
          + " network's (its marked tree on the bridge). The shaping of interfaces' own devices,"
          + " which only the status knew of, stays. A readable status is used as usual.")
  boolean discardStatus;

  @Override
  public Integer call() {
    NetworkDefinition def = definition();
    if (!discardStatus) {
      Session.requireStatusDirectory(state(), def);
    }
    boolean bridgeExisted;
    io.netfloor.plan.Plan removed;
    boolean discarded = false;
    try (Session s = Session.open(state(), def, false)) {
      try {
        Session.recordedStatus(state(), def, s.store);
      } catch (CliException e) {
        if (!discardStatus) {
          throw e;
        }
        PrintWriter err = spec.commandLine().getErr();
        err.println("netfloor: warning: discarding the status of network '" + def.name() + "': "
            + NetFloorCli.oneLine(e.getMessage().replace("; " + Session.wayOut(def.name()), "")));
        err.flush();
        s.store.delete(def.name()); // reads nothing: also what cannot be read goes
        discarded = true;
      }
      bridgeExisted = s.tc.deviceExists(InterfaceName.of(def.bridge()));
      s.forgetCheckpoint(); // a stop that fails half-way leaves no proof of the old tree
      // also without the bridge: interfaces' own devices and ifb devices may still carry shaping
      removed = s.shaper.stop();
    }
    state().delete(def.name());
    if (common.json) {
      Map<String, Object> json = new LinkedHashMap<>();
      json.put("network", def.name());
      json.put("stopped", true);
      json.put("bridgeExisted", bridgeExisted);
      json.put("removed", CliJson.ops(removed));
      json.put("statusDiscarded", discarded);
      printJson(json);
    } else if (bridgeExisted && removed.isEmpty()) {
      // the status said the network was there; the kernel holds nothing marked as its own
      out().printf("Network '%s' forgotten: nothing on %s carries its mark, so nothing was"
          + " removed%n", def.name(), def.bridge());
    } else if (bridgeExisted) {
      out().printf("Stopped network '%s': removed its tree from %s (%d kernel operation(s))%s%n",
          def.name(), def.bridge(), removed.size(), discarded ? "; its status was discarded:"
              + " interfaces' own device shaping, if any, is left" : "");
    } else {
      out().printf("Network '%s' forgotten: bridge %s no longer exists%n", def.name(),
          def.bridge());
    }
    return ExitCodes.OK;
  }
}
