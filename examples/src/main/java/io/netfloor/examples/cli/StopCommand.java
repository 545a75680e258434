package io.netfloor.examples.cli;

import io.netfloor.units.InterfaceName;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine.Command;

/** {@code netfloor stop}: removes everything NetFloor made on the bridge and forgets the network. */
@Command(name = "stop", mixinStandardHelpOptions = true,
    header = "Remove NetFloor's tree from the bridge and forget the network.",
    description = {"Stop shaping: delete everything the network made — its qdisc, classes,"
        + " filters and mark on the bridge, each interface's own device shaping and ifb device —"
        + " and nothing else, then forget the network's status and definition. Works when the"
        + " bridge or a device is gone."})
final class StopCommand extends BaseCommand {
  @Override
  public Integer call() {
    NetworkDefinition def = definition();
    boolean bridgeExisted;
    io.netfloor.plan.Plan removed;
    try (Session s = Session.open(state(), def)) {
      bridgeExisted = s.tc.deviceExists(InterfaceName.of(def.bridge()));
      // also without the bridge: interfaces' own devices and ifb devices may still carry shaping
      removed = s.shaper.stop();
    }
    state().delete(def.name());
    if (common.json) {
      Map<String, Object> json = new LinkedHashMap<>();
      json.put("network", def.name());
      json.put("stopped", true);
      json.put("bridgeExisted", bridgeExisted);
      json.put("removed", removed.ops().stream().map(op -> op.describe()).toList());
      printJson(json);
    } else if (bridgeExisted && removed.isEmpty()) {
      // the status said the network was there; the kernel holds nothing marked as its own
      out().printf("Network '%s' forgotten: nothing on %s carries its mark, so nothing was"
          + " removed%n", def.name(), def.bridge());
    } else if (bridgeExisted) {
      out().printf("Stopped network '%s': removed its tree from %s (%d kernel operation(s))%n",
          def.name(), def.bridge(), removed.size());
    } else {
      out().printf("Network '%s' forgotten: bridge %s no longer exists%n", def.name(),
          def.bridge());
    }
    return ExitCodes.OK;
  }
}
