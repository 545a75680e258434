// SPDX-License-Identifier: Apache-2.0
package io.netfloor.examples.embedding;

import io.netfloor.model.Bandwidth;
import io.netfloor.model.Limits;
import io.netfloor.shaping.Capacity;
import io.netfloor.shaping.DryRun;
import io.netfloor.shaping.InterfaceRates;
import io.netfloor.shaping.NetworkEvent;
import io.netfloor.shaping.NetworkShaper;
import io.netfloor.shaping.RateMeter;
import io.netfloor.units.MacAddress;
import io.netfloor.units.Rate;
import java.util.List;
import java.util.Map;

/**
 * What an orchestrator that places VMs by their floors does with a started {@link NetworkShaper}:
 * reads the capacity, asks before it plugs, follows the events into its own inventory, measures
 * rates, and resizes the network live. The README's "For orchestrators" snippet is the region
 * between the {@code README} markers, checked by {@code OrchestratorExampleTest}.
 */
public final class OrchestratorExample {
  private OrchestratorExample() {}

  /**
   * Places {@code vm} (a 200mbit floor) on {@code shaper}'s network if it fits, keeping
   * {@code inventory} (network → capacity) current from the shaper's events; then doubles the
   * network's capacity.
   *
   * @return null when placed, else why not
   */
  public static String place(NetworkShaper shaper, MacAddress mac,
      Map<String, Capacity> inventory) {
    // README:begin
    Capacity now = shaper.capacity();          // capacity, allotted, remaining, interfaces
    shaper.addListener(event -> {              // told after each change is durable, in order
      if (event instanceof NetworkEvent.Plugged p) {
        inventory.put(p.network(), p.capacity());
      }
    });
    Bandwidth vm = Bandwidth.floor(Rate.parse("200mbit"));
    DryRun run = shaper.dryRunPlug("vm9-eth0", mac, vm);   // decision and tc plan, nothing touched
    if (!run.admitted()) {
      return run.decision().reason().orElseThrow();        // place the VM on another host
    }
    shaper.plug("vm9-eth0", mac, vm);

    RateMeter meter = new RateMeter(shaper);   // rates between two samples of the counters
    meter.measure();
    List<InterfaceRates> rates = meter.measure();   // bits/s, packets/s, drops/s, borrowing
    rates.forEach(r -> System.out.println(r.alias() + " " + r.throughput()));

    shaper.resize(Limits.builder()             // live: only classes change, floors stay
        .average(now.capacity().plus(now.capacity())).build());
    // README:end
    return null;
  }
}
