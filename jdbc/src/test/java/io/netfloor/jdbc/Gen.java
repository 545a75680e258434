// SPDX-License-Identifier: Apache-2.0
package io.netfloor.jdbc;

import io.netfloor.model.Bandwidth;
import io.netfloor.model.Limits;
import io.netfloor.model.PluggedInterface;
import io.netfloor.plan.U32Handle;
import io.netfloor.spi.NetworkStatus;
import io.netfloor.spi.StatusChange;
import io.netfloor.units.ByteSize;
import io.netfloor.units.InterfaceName;
import io.netfloor.units.MacAddress;
import io.netfloor.units.Rate;
import java.util.List;
import java.util.Optional;
import java.util.TreeMap;
import java.util.TreeSet;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;

/** Generators of statuses and changes, covering 64-bit rates, every Bandwidth shape, 16-bit ids. */
final class Gen {
  static final List<String> ALIASES = List.of("vm0-net0", "vm1-net0", "vm2.nic", "port:7", "a");

  private Gen() {}

  /** Bits/s: small, round and huge (up to 2^63 - 1). */
  static Arbitrary<Long> bits(long max) {
    return Arbitraries.oneOf(
        Arbitraries.longs().between(1, max),
        Arbitraries.longs().between(1, Math.min(max, 1_000_000)),
        Arbitraries.longs().between(1, Math.max(1, max / 1_000_000)).map(x -> x * 1_000_000))
        .edgeCases(c -> c.includeOnly(1L, max));
  }

  /** Limits of every shape; {@code floor} allowed or not. */
  static Arbitrary<Limits> limits(boolean floorAllowed) {
    long half = Long.MAX_VALUE / 2;
    return Combinators.combine(Arbitraries.integers().between(0, 15), bits(half), bits(half),
        Arbitraries.longs().between(0, Long.MAX_VALUE), Arbitraries.longs().between(1, 0xFFFF_FFFFL))
        .as((flags, avg, extra, floorSeed, burst) -> {
          boolean hasAvg = (flags & 1) != 0 || !floorAllowed;
          boolean hasPeak = hasAvg && (flags & 2) != 0;
          boolean hasBurst = hasAvg && (flags & 4) != 0;
          boolean hasFloor = floorAllowed && ((flags & 8) != 0 || !hasAvg);
          long ceiling = hasPeak ? avg + extra : hasAvg ? avg : Long.MAX_VALUE;
          Limits.Builder b = Limits.builder();
          if (hasAvg) {
            b.average(Rate.ofBitsPerSecond(avg));
          }
          if (hasPeak) {
            b.peak(Rate.ofBitsPerSecond(avg + extra));
          }
          if (hasBurst) {
            b.burst(ByteSize.ofBytes(burst));
          }
          if (hasFloor) {
            b.floor(Rate.ofBitsPerSecond(1 + Math.floorMod(floorSeed, ceiling)));
          }
          return b.build();
        });
  }

  static Arbitrary<Bandwidth> bandwidths() {
    return Combinators.combine(limits(true).optional(), limits(false).optional())
        .as(Bandwidth::new);
  }

  static Arbitrary<MacAddress> macs() {
    // unicast (bit 0 of the first octet clear) and not all zeros: what an interface may have
    return Arbitraries.bytes().array(byte[].class).ofSize(6).map(b -> {
      b[0] = (byte) (b[0] & 0xfe);
      b[5] = b[5] == 0 ? 1 : b[5];
      return MacAddress.of(b);
    });
  }

  static Arbitrary<String> aliases() {
    return Arbitraries.oneOf(Arbitraries.of(ALIASES),
        Arbitraries.strings().withChars("abcXYZ0189._:@+=-").ofMinLength(1).ofMaxLength(128));
  }

  static Arbitrary<U32Handle> handles() {
    return Combinators.combine(Arbitraries.integers().between(0, 0xfff),
        Arbitraries.integers().between(0, 0xff), Arbitraries.integers().between(0, 0xfff))
        .as(U32Handle::of);
  }

  static Arbitrary<PluggedInterface> interfaces() {
    Arbitrary<Optional<io.netfloor.units.InterfaceName>> devices = Arbitraries.strings()
        .withChars("abtapvethXYZ0189._-").ofMinLength(3).ofMaxLength(15)
        .filter(n -> !n.equals(".") && !n.equals(".."))
        .map(io.netfloor.units.InterfaceName::of).optional(0.5);
    return Combinators.combine(aliases(), macs(), bandwidths(),
        Arbitraries.integers().between(3, 0xfffe), handles(), devices)
        .as((alias, mac, bw, id, handle, dev) -> bw.hasFloor()
            ? new PluggedInterface(alias, mac, bw, id, Optional.of(handle), dev)
            : new PluggedInterface(alias, mac, bw, 0, Optional.empty(), dev));
  }

  static Arbitrary<TreeSet<Integer>> classIds() {
    return Arbitraries.integers().between(3, 0xfffe).set().ofMaxSize(6).map(TreeSet::new);
  }

  static Arbitrary<NetworkStatus> statuses(String network) {
    return Combinators.combine(Arbitraries.of("virbr0", "br-floor", "b"),
        interfaces().list().ofMaxSize(5), classIds())
        .as((bridge, ifs, parked) -> {
          TreeMap<String, PluggedInterface> m = new TreeMap<>();
          ifs.forEach(p -> m.put(p.alias(), p));
          return new NetworkStatus(network, InterfaceName.of(bridge), m, parked);
        });
  }

  static Arbitrary<StatusChange> changes() {
    return Arbitraries.oneOf(
        interfaces().map(StatusChange.InterfaceSet::new),
        aliases().map(StatusChange.InterfaceRemoved::new),
        classIds().map(StatusChange.ClassesParked::new),
        classIds().map(StatusChange.ClassesUnparked::new));
  }
}
