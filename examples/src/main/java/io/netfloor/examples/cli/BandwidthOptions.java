package io.netfloor.examples.cli;

import io.netfloor.model.Bandwidth;
import io.netfloor.model.Limits;
import io.netfloor.units.ByteSize;
import io.netfloor.units.Rate;
import java.util.Optional;
import picocli.CommandLine.Option;

/** An interface's inbound limits, in libvirt's terms and tc's units. */
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

  boolean any() {
    return floor != null || average != null || peak != null || burst != null;
  }

  /** The bandwidth these options describe on their own (nothing given: no limits, no floor). */
  Bandwidth bandwidth() {
    if (!any()) {
      return Bandwidth.NONE;
    }
    return Bandwidth.inboundOnly(Limits.builder().floor(floor).average(average).peak(peak)
        .burst(burst).build());
  }

  /**
   * {@code current} with the given options replacing its inbound values ({@code dropFloor} removes
   * the floor); values not given are kept.
   */
  Bandwidth merge(Bandwidth current, boolean dropFloor) {
    Optional<Limits> in = current.inbound();
    Rate f = dropFloor ? null : floor != null ? floor : in.flatMap(Limits::floor).orElse(null);
    Rate a = average != null ? average : in.flatMap(Limits::average).orElse(null);
    Rate p = peak != null ? peak : in.flatMap(Limits::peak).orElse(null);
    ByteSize b = burst != null ? burst : in.flatMap(Limits::burst).orElse(null);
    if (f == null && a == null && p == null && b == null) {
      return new Bandwidth(Optional.empty(), current.outbound());
    }
    Limits limits = Limits.builder().floor(f).average(a).peak(p).burst(b).build();
    return new Bandwidth(Optional.of(limits), current.outbound());
  }
}
