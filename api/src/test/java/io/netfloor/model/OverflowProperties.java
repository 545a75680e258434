// SPDX-License-Identifier: Apache-2.0
package io.netfloor.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.fail;

import io.netfloor.AdmissionException;
import io.netfloor.InvalidBandwidthException;
import io.netfloor.InvalidValueException;
import io.netfloor.NetFloorException;
import io.netfloor.plan.TcObject;
import io.netfloor.units.ByteSize;
import io.netfloor.units.InterfaceName;
import io.netfloor.units.MacAddress;
import io.netfloor.units.Rate;
import java.math.BigInteger;
import java.util.List;
import java.util.Optional;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Supplier;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.Size;
import net.jqwik.api.statistics.Statistics;

/**
 * Rates, sizes, floor sums and admission with values anywhere up to {@link Long#MAX_VALUE}: every
 * result is exact, and every refusal is a typed {@link NetFloorException} ({@code
 * InvalidBandwidthException}, {@code InvalidValueException}, {@code AdmissionException}…). No
 * {@code ArithmeticException}, no silent wrap-around.
 */
class OverflowProperties {
  private static final BigInteger MAX = BigInteger.valueOf(Long.MAX_VALUE);

  // ------------------------------------------------------------------ generators

  /** Non-negative longs, biased to both ends and to the neighbourhood of 2^63. */
  @Provide
  Arbitrary<Long> magnitudes() {
    return Arbitraries.oneOf(
        Arbitraries.longs().between(0, Long.MAX_VALUE),
        Arbitraries.longs().between(Long.MAX_VALUE - 100_000, Long.MAX_VALUE),
        Arbitraries.longs().between(Long.MAX_VALUE / 2 - 1000, Long.MAX_VALUE / 2 + 1000),
        Arbitraries.longs().between(0, 1_000_000_000_000L),
        Arbitraries.of(0L, 1L, 7L, 8L, 1000L, Long.MAX_VALUE, Long.MAX_VALUE - 1,
            Long.MAX_VALUE / 8, Long.MAX_VALUE / 8000, Long.MAX_VALUE / 8000 + 1, 1L << 62));
  }

  /** Positive rates anywhere up to the largest. */
  @Provide
  Arbitrary<Rate> rates() {
    return magnitudes().filter(v -> v >= 8).map(Rate::ofBitsPerSecond);
  }

  sealed interface Op permits Plug, Update, Unplug {}

  record Plug(int alias, Rate floor, Optional<Rate> ownAverage, boolean device) implements Op {}

  record Update(int alias, Rate floor) implements Op {}

  record Unplug(int alias) implements Op {}

  @Provide
  Arbitrary<Op> ops() {
    Arbitrary<Integer> alias = Arbitraries.integers().between(0, 5);
    Arbitrary<Optional<Rate>> own = Arbitraries.oneOf(Arbitraries.just(Optional.empty()),
        rates().map(Optional::of));
    return Arbitraries.frequencyOf(
        net.jqwik.api.Tuple.of(5, Combinators.combine(alias, rates(), own, Arbitraries.of(true,
            false)).as(Plug::new)),
        net.jqwik.api.Tuple.of(3, Combinators.combine(alias, rates()).as(Update::new)),
        net.jqwik.api.Tuple.of(2, alias.map(Unplug::new)));
  }

  // ------------------------------------------------------------------ units

  @Property(tries = 1000)
  void rateArithmeticIsExactOrTyped(@ForAll("magnitudes") long a, @ForAll("magnitudes") long b) {
    Rate ra = Rate.ofBitsPerSecond(a);
    Rate rb = Rate.ofBitsPerSecond(b);
    BigInteger sum = BigInteger.valueOf(a).add(BigInteger.valueOf(b));
    assertThat(ra.canAdd(rb)).isEqualTo(sum.compareTo(MAX) <= 0);
    exactOrTyped(() -> ra.plus(rb).bitsPerSecond(), sum, InvalidBandwidthException.class);
    exactOrTyped(() -> ra.minus(rb).bitsPerSecond(),
        b <= a ? BigInteger.valueOf(a - b) : BigInteger.valueOf(-1), InvalidValueException.class);
    assertThat(ra.minusOrZero(rb).bitsPerSecond()).isEqualTo(Math.max(0, a - b));
    exactOrTyped(() -> Rate.ofBytesPerSecond(a).bitsPerSecond(), times(a, 8),
        InvalidValueException.class);
    exactOrTyped(() -> Rate.ofKilobytesPerSecond(a).bitsPerSecond(), times(a, 8000),
        InvalidValueException.class);
    exactOrTyped(() -> Rate.ofMegabits(a).bitsPerSecond(), times(a, 1_000_000),
        InvalidValueException.class);
    exactOrTyped(() -> Rate.parse(a + "kbps").bitsPerSecond(), times(a, 8000),
        InvalidValueException.class);
    exactOrTyped(() -> Rate.parse(a + "tibit").bitsPerSecond(), times(a, 1L << 40),
        InvalidValueException.class);
    assertThat(Rate.parse(ra.toString())).isEqualTo(ra);
  }

  @Property(tries = 1000)
  void byteSizeArithmeticIsExactOrTyped(@ForAll("magnitudes") long a) {
    exactOrTyped(() -> ByteSize.ofKibibytes(a).bytes(), times(a, 1024), InvalidValueException.class);
    exactOrTyped(() -> ByteSize.parse(a + "gb").bytes(), times(a, 1L << 30),
        InvalidValueException.class);
    exactOrTyped(() -> ByteSize.parse(a + "b").bytes(), BigInteger.valueOf(a),
        InvalidValueException.class);
    assertThat(ByteSize.parse(ByteSize.ofBytes(a).toString())).isEqualTo(ByteSize.ofBytes(a));
  }

  /** The burst NetFloor gives a class: 10 ms of its rate, exact at any rate (never wrapped). */
  @Property(tries = 1000)
  void defaultBurstIsTenMillisecondsAtAnyRate(@ForAll("rates") Rate rate) {
    BigInteger tenMs = BigInteger.valueOf(rate.bytesPerSecond())
        .multiply(BigInteger.valueOf(HtbTree.BURST_TIME_MS)).divide(BigInteger.valueOf(1000));
    assertThat(HtbTree.defaultBurst(rate).bytes())
        .isEqualTo(Math.max(HtbTree.MIN_BURST_BYTES, tenMs.longValueExact()));
  }

  // ------------------------------------------------------------------ floors and admission

  /**
   * Random plugs, updates and unplugs with floors, own rates and network capacities anywhere up to
   * 2^63−1 bit/s. A step either succeeds, keeping the floor sum exact and within the capacity, or
   * is refused with a typed exception; admission refuses exactly when the exact sum would exceed
   * the capacity. The tree's kernel objects, its status and the status's restore work at any size.
   */
  @Property(tries = 300)
  void floorSumsAndAdmissionOnlyEverFailTyped(@ForAll("rates") Rate average,
      @ForAll("magnitudes") long extraPeak, @ForAll boolean peakAdmission,
      @ForAll("rates") Rate outbound, @ForAll @Size(max = 25) List<@net.jqwik.api.From("ops") Op> ops) {
    Limits.Builder in = Limits.builder().average(average);
    if (extraPeak > 0 && average.canAdd(Rate.ofBitsPerSecond(extraPeak))) {
      in.peak(average.plus(Rate.ofBitsPerSecond(extraPeak)));
    }
    NetworkConfig config = NetworkConfig.builder("net", "br0").inbound(in.build())
        .outbound(Limits.averageOnly(outbound))
        .admissionLimit(peakAdmission ? AdmissionLimit.PEAK_LIKE_LIBVIRT : AdmissionLimit.AVERAGE)
        .build();
    BigInteger capacity = BigInteger.valueOf(config.floorCapacity().orElseThrow().bitsPerSecond());
    HtbTree tree = HtbTree.start(config).tree();
    for (Op op : ops) {
      HtbTree before = tree;
      try {
        tree = apply(tree, op).tree();
      } catch (AdmissionException refused) {
        Statistics.label("outcome").collect("admission refused");
        BigInteger others = exactFloorSum(before).subtract(floorOf(before, op));
        assertThat(others.add(BigInteger.valueOf(requestedFloor(op).bitsPerSecond())))
            .as("admission refused %s only because the floors would exceed the capacity", op)
            .isGreaterThan(capacity);
        continue;
      } catch (NetFloorException refused) {
        continue; // a typed refusal: unknown alias, a floor above its own average…
      } catch (RuntimeException untyped) {
        fail(op + " threw an untyped " + untyped, untyped);
      }
      BigInteger exact = exactFloorSum(tree);
      Statistics.label("outcome").collect(exact.bitLength() >= 62 ? "accepted, floors above 2^61"
          : "accepted");
      assertThat(exact).isLessThanOrEqualTo(capacity);
      assertThat(tree.floorSum().bitsPerSecond()).isEqualTo(exact.longValueExact());
      NetworkStatus status = NetworkStatus.of(tree);
      assertThat(status.floorSum()).isEqualTo(tree.floorSum());
      assertThat(status.toTree(config)).isEqualTo(tree);
      List<TcObject> objects = tree.kernelObjects();
      assertThat(objects).isNotEmpty();
      assertThat(tree.remainingCapacity().orElseThrow().bitsPerSecond())
          .isEqualTo(capacity.subtract(exact).longValueExact());
    }
    // the runs must reach both sides of admission, with sums near the 64-bit limit
    Statistics.label("outcome").coverage(c -> {
      c.check("admission refused").count(n -> n > 0);
      c.check("accepted, floors above 2^61").count(n -> n > 0);
    });
  }

  @Example
  void aFloorThatWouldOverflowTheSumIsRefusedByAdmission() {
    NetworkConfig config = NetworkConfig.builder("net", "br0")
        .inbound(Limits.averageOnly(Rate.MAX)).build();
    HtbTree tree = HtbTree.start(config).tree()
        .plug("vm1", mac(1), Bandwidth.floor(Rate.parse("10mbit"))).tree();
    assertThatThrownBy(() -> tree.plug("vm2", mac(2), Bandwidth.floor(Rate.MAX)))
        .isExactlyInstanceOf(AdmissionException.class)
        .hasMessageContaining("cannot give interface 'vm2' a floor of 9223372036854775807bit"
            + " on network 'net': floors already allotted to other interfaces sum to 10mbit and"
            + " the network guarantees at most 9223372036854775807bit (9223372036844775807bit"
            + " left)");
    assertThat(tree.update("vm1", Bandwidth.floor(Rate.MAX)).tree().floorSum())
        .as("replacing its own floor is no overflow: the whole capacity is free")
        .isEqualTo(Rate.MAX);
    assertThat(tree.floorSum()).isEqualTo(Rate.parse("10mbit"));
  }

  @Example
  void recordedFloorsBeyondA64BitSumAreATypedError() {
    NetworkConfig config = NetworkConfig.builder("net", "br0")
        .inbound(Limits.averageOnly(Rate.MAX)).filterLayout(FilterLayout.LIBVIRT_LINEAR).build();
    TreeMap<InterfaceAlias, PluggedInterface> ifs = new TreeMap<>();
    for (int id = 3; id <= 4; id++) {
      ifs.put(InterfaceAlias.of("vm" + id), new PluggedInterface("vm" + id, mac(id), Bandwidth.floor(Rate.MAX), id,
          Optional.of(HtbTree.linearHandle(id))));
    }
    NetworkStatus status = new NetworkStatus(NetworkName.of("net"), InterfaceName.of("br0"), ifs, new TreeSet<>());
    assertThatThrownBy(status::floorSum)
        .isExactlyInstanceOf(InvalidBandwidthException.class)
        .hasMessageContaining("the floors of network 'net' sum to more than 9223372036854775807"
            + " bit/s at interface 'vm4'");
    assertThatThrownBy(() -> status.toTree(config))
        .isExactlyInstanceOf(InvalidValueException.class)
        .hasMessageContaining("recorded floors sum to more than 9223372036854775807 bit/s at"
            + " interface 'vm4'");
  }

  // ------------------------------------------------------------------ helpers

  private static TreeChange apply(HtbTree tree, Op op) {
    if (op instanceof Plug p) {
      Limits.Builder l = Limits.builder().floor(p.floor());
      p.ownAverage().ifPresent(l::average);
      return tree.plug("vm" + p.alias(), mac(p.alias()),
          p.device() ? Optional.of(InterfaceName.of("tap" + p.alias())) : Optional.empty(),
          Bandwidth.inboundOnly(l.build()));
    }
    if (op instanceof Update u) {
      return tree.update("vm" + u.alias(), Bandwidth.floor(u.floor()));
    }
    return tree.unplug("vm" + ((Unplug) op).alias());
  }

  private static Rate requestedFloor(Op op) {
    return op instanceof Plug p ? p.floor() : op instanceof Update u ? u.floor() : Rate.ZERO;
  }

  /** The floor the op's interface holds now (an update replaces it), zero for a new interface. */
  private static BigInteger floorOf(HtbTree tree, Op op) {
    int alias = op instanceof Update u ? u.alias() : -1;
    return tree.find("vm" + alias).map(p -> BigInteger.valueOf(
        p.bandwidth().floorOrZero().bitsPerSecond())).orElse(BigInteger.ZERO);
  }

  private static BigInteger exactFloorSum(HtbTree tree) {
    return tree.interfaces().values().stream()
        .map(p -> BigInteger.valueOf(p.bandwidth().floorOrZero().bitsPerSecond()))
        .reduce(BigInteger.ZERO, BigInteger::add);
  }

  private static MacAddress mac(int i) {
    return MacAddress.parse(String.format("52:54:00:00:00:%02x", i + 1));
  }

  private static BigInteger times(long a, long b) {
    return BigInteger.valueOf(a).multiply(BigInteger.valueOf(b));
  }

  /**
   * {@code compute} returns {@code expected} when it fits in 0..2^63−1, and otherwise throws
   * exactly {@code typed} (or a subtype).
   */
  private static void exactOrTyped(Supplier<Long> compute, BigInteger expected,
      Class<? extends NetFloorException> typed) {
    boolean fits = expected.signum() >= 0 && expected.compareTo(MAX) <= 0;
    long got;
    try {
      got = compute.get();
    } catch (NetFloorException e) {
      assertThat(e).isInstanceOf(typed);
      assertThat(fits).as("refused %s, which fits: %s", expected, e.getMessage()).isFalse();
      return;
    }
    assertThat(fits).as("computed %s for %s, which does not fit", got, expected).isTrue();
    assertThat(BigInteger.valueOf(got)).isEqualTo(expected);
  }
}
