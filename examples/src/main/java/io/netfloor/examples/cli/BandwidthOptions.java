// SPDX-License-Identifier: Apache-2.0
package io.netfloor.examples.cli;

import io.netfloor.model.Bandwidth;
import io.netfloor.model.Limits;
import io.netfloor.model.Priority;
import io.netfloor.units.ByteSize;
import io.netfloor.units.Rate;
import java.util.Optional;
import picocli.CommandLine.Option;

/**
 * An interface's limits, in libvirt's terms and tc's units: inbound (towards the interface; the floor
 * lives there) and outbound (what the interface sends; applied on its --device's ingress, and its
 * outbound floor on the network's outbound floor tree).
 */
final class BandwidthOptions {
  @Option(names = "--floor", paramLabel = "RATE",
      description = "Guaranteed inbound minimum, e.g. 20mbit (libvirt <inbound floor>).")
  Rate floor;

  @Option(names = "--average", paramLabel = "RATE",
      description = "Inbound average rate; without --peak it is also the interface's ceiling.")
  Rate average;

  @Option(names = "--peak", paramLabel = "RATE",
      description = "Inbound peak: the ceiling the interface may borrow up to (needs --average).")
  Rate peak;

  @Option(names = "--burst", paramLabel = "SIZE",
      description = "Inbound burst, e.g. 64kb (needs --average).")
  ByteSize burst;

  @Option(names = "--outbound-average", paramLabel = "RATE",
      description = "Outbound average (libvirt <outbound average>), policed or shaped on the"
          + " device's ingress; needs --device to take effect.")
  Rate outAverage;

  @Option(names = "--outbound-peak", paramLabel = "RATE",
      description = "Outbound peak (honoured when shaped through an ifb; police ignores it).")
  Rate outPeak;

  @Option(names = "--outbound-burst", paramLabel = "SIZE", description = "Outbound burst, e.g. 64kb.")
  ByteSize outBurst;

  @Option(names = "--priority", paramLabel = "0-7",
      description = "HTB priority on the bridge: spare bandwidth goes to the lowest value first"
          + " (0 highest, 7 lowest; without it: 0, as HTB's default). Gives the interface a class"
          + " of its own even without --floor.")
  Priority priority;

  @Option(names = "--outbound-floor", paramLabel = "RATE",
      description = "Guaranteed outbound minimum (what the interface sends), e.g. 20mbit; needs a"
          + " network started with --outbound-floors bridge|uplink:DEV (NetFloor's own: libvirt"
          + " has no outbound floor).")
  Rate outFloor;

  boolean any() {
    return floor != null || average != null || peak != null || burst != null || anyOutbound()
        || priority != null;
  }

  private boolean anyOutbound() {
    return outAverage != null || outPeak != null || outBurst != null || outFloor != null;
  }

  /**
   * The outbound limits given, if any (an outbound peak or burst needs an outbound average; an
   * outbound floor may stand alone).
   */
  private Optional<Limits> outbound() {
    if (!anyOutbound()) {
      return Optional.empty();
    }
    if (outAverage == null && (outPeak != null || outBurst != null)) {
      throw new CliException(ExitCodes.USAGE, "--outbound-peak and --outbound-burst need"
          + " --outbound-average (see 'netfloor plug --help')");
    }
    return Optional.of(Limits.builder().average(outAverage).peak(outPeak).burst(outBurst)
        .floor(outFloor).build());
  }

  /** The bandwidth these options describe on their own (nothing given: no limits, no floor). */
  Bandwidth bandwidth() {
    if (!any()) {
      return Bandwidth.NONE;
    }
    boolean inbound = floor != null || average != null || peak != null || burst != null;
    return new Bandwidth(inbound ? Optional.of(Limits.builder().floor(floor).average(average)
        .peak(peak).burst(burst).build()) : Optional.empty(), outbound(),
        Optional.ofNullable(priority));
  }

  /**
   * {@code current} with the given options replacing its values ({@code dropFloor} removes the
   * floor, {@code dropOutboundFloor} the outbound floor, {@code dropPriority} the priority); values
   * not given are kept.
   */
  Bandwidth merge(Bandwidth current, boolean dropFloor, boolean dropOutboundFloor,
      boolean dropPriority) {
    Optional<Priority> prio = dropPriority ? Optional.empty()
        : priority != null ? Optional.of(priority) : current.priority();
    return mergeLimits(current, dropFloor, dropOutboundFloor).withPriority(prio.orElse(null));
  }

  private Bandwidth mergeLimits(Bandwidth current, boolean dropFloor, boolean dropOutboundFloor) {
    Optional<Limits> out = current.outbound();
    if (anyOutbound() || dropOutboundFloor) {
      Rate oa = outAverage != null ? outAverage : out.flatMap(Limits::average).orElse(null);
      Rate op = outPeak != null ? outPeak : out.flatMap(Limits::peak).orElse(null);
      ByteSize ob = outBurst != null ? outBurst : out.flatMap(Limits::burst).orElse(null);
      Rate of = dropOutboundFloor ? null
          : outFloor != null ? outFloor : out.flatMap(Limits::floor).orElse(null);
      out = oa == null && of == null ? Optional.empty()
          : Optional.of(Limits.builder().average(oa).peak(op).burst(ob).floor(of).build());
    }
    Optional<Limits> in = current.inbound();
    Rate f = dropFloor ? null : floor != null ? floor : in.flatMap(Limits::floor).orElse(null);
    Rate a = average != null ? average : in.flatMap(Limits::average).orElse(null);
    Rate p = peak != null ? peak : in.flatMap(Limits::peak).orElse(null);
    ByteSize b = burst != null ? burst : in.flatMap(Limits::burst).orElse(null);
    if (f == null && a == null && p == null && b == null) {
      return new Bandwidth(Optional.empty(), out);
    }
    Limits limits = Limits.builder().floor(f).average(a).peak(p).burst(b).build();
    return new Bandwidth(Optional.of(limits), out);
  }
}
