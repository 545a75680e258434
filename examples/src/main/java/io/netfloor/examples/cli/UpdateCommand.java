// SPDX-License-Identifier: Apache-2.0
package io.netfloor.examples.cli;

import io.netfloor.model.Bandwidth;
import io.netfloor.model.HtbTree;
import io.netfloor.model.PluggedInterface;
import io.netfloor.shaping.DryRun;
import io.netfloor.units.ClassHandle;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code netfloor update}: changes a plugged interface's bandwidth live. */
@Command(name = "update", mixinStandardHelpOptions = true,
    header = "Change a plugged interface's floor/limits live.",
    description = {"Change a plugged interface's inbound limits live. Options given replace the"
        + " current values, the others are kept; admission is checked again (exit 3 if refused)."},
    footer = {"", "Example: netfloor update vm1-eth0 --floor 40mbit"})
final class UpdateCommand extends BaseCommand {
  @Parameters(index = "0", paramLabel = "ALIAS", description = "The interface's alias.")
  String alias;

  @Mixin
  BandwidthOptions limits;

  @Option(names = "--no-floor", description = "Remove the floor (the interface moves to the"
      + " default class).")
  boolean noFloor;

  @Option(names = "--no-priority", description = "Remove the priority (HTB's default, 0; without"
      + " a floor the interface moves to the default class).")
  boolean noPriority;

  @Option(names = "--no-outbound-floor", description = "Remove the outbound floor.")
  boolean noOutboundFloor;

  @Option(names = "--dry-run", description = "Show whether the update would be admitted and the"
      + " tc operations it would apply on the bridge, from the recorded status; change nothing"
      + " (exit 3 if it would be refused).")
  boolean dryRun;

  @Override
  public Integer call() {
    if (!limits.any() && !noFloor && !noOutboundFloor && !noPriority) {
      throw new CliException(ExitCodes.USAGE, "nothing to update: give --floor, --average, --peak,"
          + " --burst, --outbound-floor, --priority, --no-floor, --no-outbound-floor or"
          + " --no-priority");
    }
    if (noFloor && limits.floor != null) {
      throw new CliException(ExitCodes.USAGE, "--floor and --no-floor contradict each other");
    }
    if (noPriority && limits.priority != null) {
      throw new CliException(ExitCodes.USAGE, "--priority and --no-priority contradict each other");
    }
    if (noOutboundFloor && limits.outFloor != null) {
      throw new CliException(ExitCodes.USAGE,
          "--outbound-floor and --no-outbound-floor contradict each other");
    }
    if (dryRun) {
      HtbTree tree = Orchestration.storedTree(this);
      PluggedInterface current = tree.find(alias).orElseThrow(() -> new CliException(
          ExitCodes.REFUSED, "no interface '" + alias + "' is plugged into network '"
              + tree.config().name() + "'"));
      return Orchestration.print(this, "update", alias,
          DryRun.ofUpdate(tree, alias, limits.merge(current.bandwidth(), noFloor,
              noOutboundFloor, noPriority)));
    }
    try (Session s = openSession()) {
      PluggedInterface before = s.started().tree().find(alias).orElseThrow(() -> new CliException(
          ExitCodes.REFUSED, "no interface '" + alias + "' is plugged into network '"
              + s.config.name() + "'"));
      Bandwidth bandwidth = limits.merge(before.bandwidth(), noFloor, noOutboundFloor,
          noPriority);
      ClassHandle c = s.shaper.update(alias, bandwidth);
      s.succeeded();
      if (common.json) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("network", s.config.name().value());
        json.put("alias", alias);
        json.put("class", c.toString());
        CliJson.putRate(json, "floor", bandwidth.floorOrZero());
        CliJson.putRate(json, "previousFloor", before.bandwidth().floorOrZero());
        if (bandwidth.hasOutboundFloor() || before.bandwidth().hasOutboundFloor()) {
          CliJson.putRate(json, "outboundFloor", bandwidth.outboundFloorOrZero());
          CliJson.putRate(json, "previousOutboundFloor", before.bandwidth().outboundFloorOrZero());
        }
        bandwidth.priority().ifPresent(p -> json.put("priority", p.value()));
        printJson(json);
      } else {
        out().printf("Updated %s on network '%s': class %s, %s (was %s)%n", alias, s.config.name(),
            c, bandwidth.hasFloor() ? "floor " + bandwidth.floorOrZero() : "no floor",
            before.bandwidth().hasFloor() ? "floor " + before.bandwidth().floorOrZero()
                : "no floor");
        if (!bandwidth.priority().equals(before.bandwidth().priority())) {
          out().printf("  priority %s (was %s)%n",
              bandwidth.priority().map(Object::toString).orElse("none"),
              before.bandwidth().priority().map(Object::toString).orElse("none"));
        }
        if (bandwidth.hasOutboundFloor() || before.bandwidth().hasOutboundFloor()) {
          out().printf("  outbound floor %s (was %s)%n",
              bandwidth.hasOutboundFloor() ? bandwidth.outboundFloorOrZero() : "none",
              before.bandwidth().hasOutboundFloor() ? before.bandwidth().outboundFloorOrZero()
                  : "none");
        }
      }
    }
    return ExitCodes.OK;
  }
}
