// SPDX-License-Identifier: Apache-2.0
package io.netfloor.examples.cli;

import io.netfloor.model.Limits;
import io.netfloor.shaping.Capacity;
import io.netfloor.units.ByteSize;
import io.netfloor.units.Rate;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code netfloor resize}: changes a running network's inbound average, peak or burst live. */
@Command(name = "resize", mixinStandardHelpOptions = true,
    header = "Change the network's inbound average/peak/burst live.",
    description = {"Change the running network's own inbound limits: only HTB classes change (the"
        + " top class, the default class, ceilings that follow the network's peak), so every"
        + " floor and the traffic stay undisturbed. Options given replace the current values, the"
        + " others are kept. Refused (exit 3) when the capacity would fall below the sum of the"
        + " floors; nothing is changed then."},
    footer = {"", "Example: netfloor resize --average 200mbit --peak 300mbit"})
final class ResizeCommand extends BaseCommand {
  @Option(names = "--average", paramLabel = "RATE", description = "The new inbound average.")
  Rate average;

  @Option(names = "--peak", paramLabel = "RATE", description = "The new inbound peak.")
  Rate peak;

  @Option(names = "--burst", paramLabel = "SIZE", description = "The new inbound burst, e.g. 64kb.")
  ByteSize burst;

  @Option(names = "--no-peak", description = "Remove the peak (the ceiling becomes the average).")
  boolean noPeak;

  @Option(names = "--no-burst", description = "Remove the burst (NetFloor's default applies).")
  boolean noBurst;

  @Override
  public Integer call() {
    if (average == null && peak == null && burst == null && !noPeak && !noBurst) {
      throw new CliException(ExitCodes.USAGE, "nothing to resize: give --average, --peak, --burst,"
          + " --no-peak or --no-burst");
    }
    if ((noPeak && peak != null) || (noBurst && burst != null)) {
      throw new CliException(ExitCodes.USAGE, "--peak/--no-peak and --burst/--no-burst contradict"
          + " each other");
    }
    NetworkDefinition def = definition();
    try (Session s = Session.openRecorded(state(), def, false)) {
      Limits current = s.started().config().bandwidth().inbound().orElseThrow();
      Limits next = Limits.builder()
          .average(average != null ? average : current.average().orElseThrow())
          .peak(noPeak ? null : peak != null ? peak : current.peak().orElse(null))
          .burst(noBurst ? null : burst != null ? burst : current.burst().orElse(null)).build();
      Capacity after = s.shaper.resize(next);
      // the record follows the store, which already holds the new limits (and wins on a start)
      state().write(new NetworkDefinition(def.name(), def.bridge(), state().read(def.name())
          .map(NetworkDefinition::netns).orElse(def.netns()), next.average().get().toString(),
          next.peak().map(Rate::toString).orElse(null),
          next.burst().map(ByteSize::toString).orElse(null), def.layout(), def.ethertypes(),
          def.admission(), def.leaf(), def.outboundAverage(), def.outboundPeak(),
          def.outboundBurst(), def.adoptedFrom(), def.outboundFloors()));
      s.succeeded();
      if (common.json) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("network", def.name());
        CliJson.putRate(json, "average", next.average().get());
        CliJson.putRate(json, "peak", next.peak().orElse(null));
        json.put("burstBytes", next.burst().map(ByteSize::bytes).orElse(null));
        json.put("burstTc", next.burst().map(ByteSize::toString).orElse(null));
        CliJson.putRate(json, "previousAverage", current.average().get());
        CliJson.putRate(json, "previousPeak", current.peak().orElse(null));
        json.put("capacity", Orchestration.capacityJson(after));
        printJson(json);
      } else {
        out().printf("Resized network '%s': inbound %s (was %s)%n", def.name(), next, current);
        out().println(Orchestration.capacityLine(after));
      }
    }
    return ExitCodes.OK;
  }
}
