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
    try (Session s = Session.open(state(), def)) {
      bridgeExisted = s.tc.deviceExists(InterfaceName.of(def.bridge()));
      // also without the bridge: interfaces' own devices and ifb devices may still carry shaping
      s.shaper.stop();
    }
    state().delete(def.name());
    if (common.json) {
      Map<String, Object> json = new LinkedHashMap<>();
      json.put("network", def.name());
      json.put("stopped", true);
      json.put("bridgeExisted", bridgeExisted);
      printJson(json);
    } else if (bridgeExisted) {
      out().printf("Stopped network '%s': removed NetFloor's tree from %s%n", def.name(),
          def.bridge());
    } else {
      out().printf("Network '%s' forgotten: bridge %s no longer exists%n", def.name(),
          def.bridge());
    }
    return ExitCodes.OK;
  }
}
