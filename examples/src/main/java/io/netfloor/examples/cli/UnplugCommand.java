// SPDX-License-Identifier: Apache-2.0
package io.netfloor.examples.cli;

import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code netfloor unplug}: removes an interface's class and filter; its floor returns. */
@Command(name = "unplug", mixinStandardHelpOptions = true,
    header = "Unplug an interface; its floor returns to the network.",
    description = {"Unplug an interface: its class and filter are deleted and its floor returns to"
        + " the network. Exit 3 if it is not plugged."})
final class UnplugCommand extends BaseCommand {
  @Parameters(index = "0", paramLabel = "ALIAS", description = "The interface's alias.")
  String alias;

  @Override
  public Integer call() {
    try (Session s = openSession()) {
      boolean unplugged = s.started().unplug(alias);
      StartupTrace.mark("unplug");
      if (!unplugged) {
        throw new CliException(ExitCodes.REFUSED, "no interface '" + alias
            + "' is plugged into network '" + s.config.name() + "'");
      }
      s.succeeded();
      if (common.json) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("network", s.config.name().value());
        json.put("alias", alias);
        json.put("unplugged", true);
        printJson(json);
      } else {
        out().printf("Unplugged %s from network '%s'%n", alias, s.config.name());
      }
    }
    return ExitCodes.OK;
  }
}
