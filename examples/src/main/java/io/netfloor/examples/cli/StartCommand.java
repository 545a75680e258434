// SPDX-License-Identifier: Apache-2.0
package io.netfloor.examples.cli;

import io.netfloor.persistence.FileStatusStore;
import io.netfloor.persistence.SafeDirectory;
import io.netfloor.shaping.ReconcileReport;
import io.netfloor.units.ByteSize;
import io.netfloor.units.InterfaceName;
import io.netfloor.units.Rate;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code netfloor start}: puts NetFloor's HTB tree on a bridge and remembers the network. */
@Command(name = "start", mixinStandardHelpOptions = true,
    header = "Start shaping a bridge (HTB tree, filters); remember the network.",
    description = {"Start shaping a bridge: root HTB qdisc 1:, class 1:1 at the inbound average,"
        + " default class 1:2, and the filter layout. Remembers the network in the state"
        + " directory. Run again with the same values, it only repairs the kernel (idempotent)."
        + " If the status store already holds the network (started or adopted by a program"
        + " through the library), its interfaces are kept and the kernel is reconciled to them."},
    footer = {"", "Example: netfloor start --network vmnet --bridge br0 --average 1gbit"
        + " --netns lab"})
final class StartCommand extends BaseCommand {
  @Option(names = "--bridge", required = true, paramLabel = "DEV",
      description = "The bridge device (must exist).")
  InterfaceName bridge;

  @Option(names = "--average", required = true, paramLabel = "RATE",
      description = "The network's inbound capacity: floors are carved from it (e.g. 1gbit).")
  Rate average;

  @Option(names = "--peak", paramLabel = "RATE",
      description = "The network's inbound ceiling (default: the average).")
  Rate peak;

  @Option(names = "--burst", paramLabel = "SIZE", description = "Burst of class 1:1, e.g. 256kb.")
  ByteSize burst;

  @Option(names = "--layout", paramLabel = "hashed|libvirt", defaultValue = "hashed",
      description = "u32 filter layout: 'hashed' (cost flat in the number of interfaces) or"
          + " 'libvirt' (libvirt's linear list). Default: ${DEFAULT-VALUE}.")
  String layout;

  @Option(names = "--ethertypes", paramLabel = "all|ipv4", defaultValue = "all",
      description = "Which frames to an interface's MAC its floor covers: 'all' EtherTypes (IPv4,"
          + " IPv6, ARP...) or 'ipv4' only, as libvirt's filters (protocol ip, EtherType 0x0800;"
          + " the rest shares the default class). Default: ${DEFAULT-VALUE}.")
  String ethertypes;

  @Option(names = "--admission", paramLabel = "average|peak", defaultValue = "average",
      description = "What the floors may sum to: the inbound 'average' (what class 1:1 is"
          + " guaranteed, so every floor holds), or the 'peak' as libvirt admits (floors above the"
          + " average then hold only while the link has room). Default: ${DEFAULT-VALUE}.")
  String admission;

  @Option(names = "--leaf", paramLabel = "fq_codel|sfq|pfifo", defaultValue = "fq_codel",
      description = "Leaf qdisc under each class; where the kernel lacks it, the best it has"
          + " (fq_codel, sfq, pfifo). Default: ${DEFAULT-VALUE}.")
  String leaf;

  @Option(names = "--outbound-average", paramLabel = "RATE",
      description = "The network's outbound capacity (what its interfaces send): shaped on the"
          + " bridge's ingress, and what outbound floors share.")
  Rate outboundAverage;

  @Option(names = "--outbound-floors", paramLabel = "bridge|uplink:DEV",
      description = "Guarantee outbound floors (plug --outbound-floor): 'bridge' on an ifb fed by"
          + " the bridge's ingress (routed and NAT networks: the guests send to the host), or"
          + " 'uplink:DEV' on the egress of the bridge's uplink port DEV (bridged networks)."
          + " Needs --outbound-average.")
  String outboundFloors;

  @Option(names = "--replace",
      description = "Delete the root qdisc (with everything under it) and ingress qdisc that"
          + " another tool or NetFloor network left on the bridge, then start. Without it, start"
          + " refuses such a bridge and says what is there. libvirt's bare 'htb 1: default 2' root"
          + " is never deleted: NetFloor builds under it. To keep a libvirt tree's floors, use"
          + " 'netfloor adopt' instead.")
  boolean replace;

  @Override
  public Integer call() {
    NetworkDefinition.layoutOf(layout);
    NetworkDefinition.matchOf(ethertypes);
    NetworkDefinition.admissionOf(admission);
    NetworkDefinition.outboundFloorsOf(outboundFloors);
    if (outboundFloors != null && !outboundFloors.equals("none") && outboundAverage == null) {
      throw new CliException(ExitCodes.USAGE, "--outbound-floors needs --outbound-average, the"
          + " outbound capacity the outbound floors share");
    }
    NetworkDefinition wanted = new NetworkDefinition(common.network, bridge.toString(),
        common.netns, average.toString(), peak == null ? null : peak.toString(),
        burst == null ? null : burst.toString(), layout, ethertypes, admission, leaf,
        outboundAverage == null ? null : outboundAverage.toString(), null, null, null,
        outboundFloors == null || outboundFloors.equals("none") ? null : outboundFloors);
    wanted.toConfig(); // validates every value before anything is touched
    Optional<NetworkDefinition> existing = state().read(common.network);
    if (existing.isPresent() && !existing.get().normalized().equals(wanted.normalized())) {
      throw new CliException(ExitCodes.REFUSED, "network '" + common.network + "' is already"
          + " started with " + existing.get().describe() + "; run 'netfloor stop --network "
          + common.network + "' first to start it with " + wanted.describe());
    }
    ReconcileReport report;
    String leaf;
    StateDir state = state();
    if (existing.isPresent()) {
      Session.requireStatusDirectory(state, wanted);
    }
    // whether the store held the network before this start: null until known (an unreadable
    // status counts as held: it is never deleted here)
    Boolean hadStatus = null;
    try (Session s = Session.open(state, wanted)) {
      if (existing.isPresent()) {
        Session.recordedStatus(state, wanted, s.store); // a recorded network keeps its status
        hadStatus = true;
      } else {
        // a network a program manages through the library keeps its interfaces
        hadStatus = s.store.load(wanted.name()).isPresent();
      }
      report = replace ? s.startReplacing() : s.startReport();
      leaf = s.shaper.config().leafQdisc().kernelName();
      try {
        state.write(wanted);
        s.succeeded();
      } catch (RuntimeException e) {
        if (existing.isEmpty() && !hadStatus) {
          undoFirstStart(s, e); // a network nobody has a record of must not stay on the bridge
        }
        throw e;
      }
    } catch (RuntimeException e) {
      if (existing.isEmpty()) {
        // a refused or failed first start leaves no trace: no status files, no record, not even
        // the directories it created, so the name can be started anywhere afterwards
        if (Boolean.FALSE.equals(hadStatus)) {
          deleteStatus(state, wanted.name(), e);
        }
        state.removeCreated();
      }
      throw e;
    }
    if (common.json) {
      Map<String, Object> json = new LinkedHashMap<>();
      json.put("network", wanted.name());
      json.put("bridge", wanted.bridge());
      json.put("netns", wanted.netns());
      CliJson.putRate(json, "average", average);
      json.put("layout", layout);
      json.put("ethertypes", ethertypes);
      json.put("admission", admission);
      json.put("leafQdisc", leaf);
      json.put("alreadyStarted", existing.isPresent());
      json.put("built", CliJson.ops(report.built()));
      json.put("repairs", CliJson.ops(report.repairs()));
      json.put("foreign", CliJson.foreign(report.foreign()));
      printJson(json);
    } else {
      // the record says what was asked for; the kernel may lack that leaf qdisc
      String leafInUse = leaf.equals(this.leaf) ? "leaf qdisc " + leaf
          : "leaf qdisc " + leaf + " in use (this kernel has no " + this.leaf + ")";
      out().printf("%s network '%s': %s; %s (%d kernel operation(s) to build, %d repair(s))%n",
          existing.isPresent() ? "Re-started" : "Started", wanted.name(), wanted.describe(),
          leafInUse, report.built().size(), report.repairs().size());
      report.repairs().ops().forEach(op -> out().println("  repaired: " + op.describe()));
      for (String f : report.foreign()) {
        out().printf("  left alone (not NetFloor's): %s%n", f);
      }
    }
    return ExitCodes.OK;
  }

  /** Removes what a first start put on the bridge and in the store (the engine's stop does both). */
  private static void undoFirstStart(Session s, RuntimeException cause) {
    try {
      s.shaper.stop();
    } catch (RuntimeException again) {
      cause.addSuppressed(again);
    }
  }

  /**
   * Deletes what a failed first start may have left in the store (a journal written before the
   * failure); the engine has removed what it put on the bridge.
   */
  private static void deleteStatus(StateDir state, String network, RuntimeException cause) {
    try {
      if (SafeDirectory.exists(state.statusDirectory())) {
        try (FileStatusStore store = Session.openStore(state)) {
          store.delete(network);
        }
      }
    } catch (RuntimeException again) {
      cause.addSuppressed(again);
    }
  }
}
