// SPDX-License-Identifier: Apache-2.0
package io.netfloor.examples.cli;

import io.netfloor.model.Bandwidth;
import io.netfloor.model.InterfaceAlias;
import io.netfloor.model.PluggedInterface;
import io.netfloor.shaping.DryRun;
import io.netfloor.units.ClassHandle;
import io.netfloor.units.InterfaceName;
import io.netfloor.units.MacAddress;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code netfloor plug}: gives an interface (by MAC) its floor on the network's bridge. */
@Command(name = "plug", mixinStandardHelpOptions = true,
    header = "Plug an interface by MAC, with a floor or in the default class.",
    description = {"Plug an interface into the network: with --floor it gets its own HTB class"
        + " (rate = floor) and a u32 filter on its MAC; without, it shares the default class."
        + " Refused (exit 3) when the floors would exceed the network's capacity."},
    footer = {"", "Example: netfloor plug vm1-eth0 --mac 52:54:00:12:34:56 --floor 20mbit"})
final class PlugCommand extends BaseCommand {
  @Parameters(index = "0", paramLabel = "ALIAS",
      description = "Your name for the interface, e.g. vm1-eth0 (A-Z a-z 0-9 . _ : @ + = -).")
  String alias;

  @Option(names = "--mac", required = true, paramLabel = "MAC",
      description = "The interface's MAC address (frames to it are steered into its class).")
  MacAddress mac;

  @Option(names = "--device", paramLabel = "DEV",
      description = "Its host-side device (tap/veth); its own average/peak/burst are applied there.")
  InterfaceName device;

  @Mixin
  BandwidthOptions limits;

  @Option(names = "--dry-run", description = "Show whether the plug would be admitted and the tc"
      + " operations it would apply on the bridge, from the recorded status; change nothing (exit"
      + " 3 if it would be refused).")
  boolean dryRun;

  @Override
  public Integer call() {
    InterfaceAlias.of(alias).value();
    Bandwidth bandwidth = limits.bandwidth();
    if (dryRun) {
      return Orchestration.print(this, "plug", alias,
          DryRun.ofPlug(Orchestration.storedTree(this), alias, mac, bandwidth));
    }
    try (Session s = openSession()) {
      ClassHandle c = s.started().plug(alias, mac, Optional.ofNullable(device), bandwidth);
      StartupTrace.mark("plug");
      s.succeeded();
      PluggedInterface p = s.shaper.tree().find(alias).orElseThrow();
      if (common.json) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("network", s.config.name().value());
        json.put("alias", alias);
        json.put("mac", mac.toString());
        json.put("class", c.toString());
        CliJson.putRate(json, "floor", p.bandwidth().floorOrZero());
        json.put("device", device == null ? null : device.toString());
        p.bandwidth().priority().ifPresent(r -> json.put("priority", r.value()));
        if (p.bandwidth().hasOutboundFloor()) {
          CliJson.putRate(json, "outboundFloor", p.bandwidth().outboundFloorOrZero());
        }
        printJson(json);
      } else {
        out().printf("Plugged %s (%s) into network '%s': class %s, %s%n", alias, mac,
            s.config.name(), c, (p.bandwidth().hasFloor() ? "floor " + p.bandwidth().floorOrZero()
                : p.hasInboundClass() ? "no floor" : "no floor (default class)")
                + p.bandwidth().priority().map(r -> ", priority " + r).orElse(""));
        if (p.bandwidth().hasOutboundFloor()) {
          out().printf("  outbound floor %s: class %s on %s%n", p.bandwidth().outboundFloorOrZero(),
              p.outboundClass(), s.config.outboundFloorDevice().orElseThrow());
        }
      }
    }
    return ExitCodes.OK;
  }
}
