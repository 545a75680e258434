// SPDX-License-Identifier: Apache-2.0
package io.netfloor.units;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import io.netfloor.InvalidBandwidthException;
import io.netfloor.InvalidValueException;
import java.time.Duration;
import java.util.Locale;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/** {@link Rate}: tc's suffix table (iproute2 lib/utils_math.c) with tc's meanings. */
class RateTest {

  static Stream<Arguments> tcSuffixes() {
    return Stream.of(
        // suffix, bits/s of "1<suffix>"
        Arguments.of("bit", 1L),
        Arguments.of("kbit", 1_000L),
        Arguments.of("mbit", 1_000_000L),
        Arguments.of("gbit", 1_000_000_000L),
        Arguments.of("tbit", 1_000_000_000_000L),
        Arguments.of("kibit", 1_024L),
        Arguments.of("mibit", 1_048_576L),
        Arguments.of("gibit", 1_073_741_824L),
        Arguments.of("tibit", 1_099_511_627_776L),
        Arguments.of("bps", 8L), // bytes/s, as tc's Bps
        Arguments.of("kbps", 8_000L), // tc's KBps: kilobytes/s, libvirt's unit
        Arguments.of("mbps", 8_000_000L),
        Arguments.of("gbps", 8_000_000_000L),
        Arguments.of("tbps", 8_000_000_000_000L),
        Arguments.of("kibps", 8_192L),
        Arguments.of("mibps", 8_388_608L),
        Arguments.of("gibps", 8_589_934_592L),
        Arguments.of("tibps", 8_796_093_022_208L));
  }

  @ParameterizedTest
  @MethodSource("tcSuffixes")
  void everyTcSuffixHasTcsMeaning(String suffix, long bitsPerSecond) {
    assertThat(Rate.parse("1" + suffix)).isEqualTo(Rate.ofBitsPerSecond(bitsPerSecond));
    assertThat(Rate.parse("3" + suffix).bitsPerSecond()).isEqualTo(3 * bitsPerSecond);
  }

  @ParameterizedTest
  @MethodSource("tcSuffixes")
  void suffixesAreCaseInsensitive(String suffix, long bitsPerSecond) {
    assertThat(Rate.parse("2" + suffix.toUpperCase(Locale.ROOT)).bitsPerSecond())
        .isEqualTo(2 * bitsPerSecond);
    String mixed = Character.toUpperCase(suffix.charAt(0)) + suffix.substring(1);
    assertThat(Rate.parse("2" + mixed).bitsPerSecond()).isEqualTo(2 * bitsPerSecond);
  }

  @ParameterizedTest
  @CsvSource({
      // text,         bits/s
      "1.5mbit,        1500000",
      "0.5kbit,        500",
      "2.25kbps,       18000",
      "0.125bps,       1",
      "100,            100", // a bare number is bits/s, as tc's get_rate
      "0,              0",
      "'  10mbit  ',   10000000",
      "007kbit,        7000",
      "9223372036854775807, 9223372036854775807",
      "9223372036854775807bit, 9223372036854775807",
  })
  void decimalsAndBareNumbers(String text, long bitsPerSecond) {
    assertThat(Rate.parse(text).bitsPerSecond()).isEqualTo(bitsPerSecond);
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      // text                | message fragment
      "10mbits               | rate '10mbits' has unknown unit 'mbits'",
      "10 mbit               | rate '10 mbit' has unknown unit ' mbit'",
      "10kb                  | unknown unit 'kb'", // a size suffix, not a rate
      "10Mibit/s             | unknown unit 'Mibit/s'",
      "mbit                  | rate 'mbit' does not start with a number",
      "-1mbit                | rate '-1mbit' does not start with a number",
      "+1mbit                | rate '+1mbit' does not start with a number",
      "1e3bit                | unknown unit 'e3bit'",
      "1.2.3mbit             | rate '1.2.3mbit' has a malformed number",
      ".                     | rate '.' has a malformed number",
      "0.5bit                | rate '0.5bit' is not a whole number of bits/s",
      "1.0001kbit            | is not a whole number of bits/s",
      "9223372036854775808   | rate '9223372036854775808' exceeds the maximum of 9223372036854775807 bit/s",
      "10000000tbit          | rate '10000000tbit' exceeds the maximum",
      "2000000tibps          | exceeds the maximum",
      "'１０mbit'            | does not start with a number", // fullwidth digits are not tc digits
      "'1０mbit'             | unknown unit '０mbit'",
  })
  void badInputIsRejectedQuotingIt(String text, String fragment) {
    assertThatThrownBy(() -> Rate.parse(text))
        .isExactlyInstanceOf(InvalidValueException.class)
        .hasMessageContaining(fragment);
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "   "})
  void emptyIsRejected(String text) {
    assertThatThrownBy(() -> Rate.parse(text))
        .isExactlyInstanceOf(InvalidValueException.class)
        .hasMessageContaining("rate is empty");
    assertThatThrownBy(() -> Rate.parse(null)).isExactlyInstanceOf(InvalidValueException.class);
  }

  @Test
  void negativeAndOverflowingFactoriesAreRejected() {
    assertThatThrownBy(() -> Rate.ofBitsPerSecond(-1))
        .isExactlyInstanceOf(InvalidValueException.class).hasMessageContaining("-1 bit/s");
    assertThatThrownBy(() -> Rate.ofKilobytesPerSecond(-5))
        .isExactlyInstanceOf(InvalidValueException.class).hasMessageContaining("-5 kB/s");
    assertThatThrownBy(() -> Rate.ofBytesPerSecond(-2))
        .isExactlyInstanceOf(InvalidValueException.class).hasMessageContaining("-2 bytes/s");
    assertThatThrownBy(() -> Rate.ofKilobytesPerSecond(Long.MAX_VALUE / 8000 + 1))
        .isExactlyInstanceOf(InvalidValueException.class)
        .hasMessageContaining((Long.MAX_VALUE / 8000 + 1) + " kB/s");
    assertThatThrownBy(() -> Rate.ofMegabits(Long.MAX_VALUE))
        .isExactlyInstanceOf(InvalidValueException.class).hasMessageContaining("mbit/s");
  }

  @ParameterizedTest
  @CsvSource({
      // kB/s (libvirt), bits/s, bytes/s
      "1,     8000,     1000",
      "1000,  8000000,  1000000",
      "2000,  16000000, 2000000",
      "0,     0,        0",
  })
  void libvirtKilobytesPerSecond(long kBps, long bits, long bytes) {
    Rate r = Rate.ofKilobytesPerSecond(kBps);
    assertThat(r.bitsPerSecond()).isEqualTo(bits);
    assertThat(r.bytesPerSecond()).isEqualTo(bytes);
    assertThat(r.kilobytesPerSecond()).isEqualTo(kBps);
    assertThat(r).isEqualTo(Rate.parse(kBps + "kbps")); // what libvirt hands tc
  }

  @ParameterizedTest
  @CsvSource({
      // bits/s,            toString
      "0,                   0bit",
      "8,                   8bit",
      "1500,                1500bit",
      "8000,                8kbit",
      "1500000,             1500kbit",
      "100000000,           100mbit",
      "1000000000,          1gbit",
      "1000000000000,       1tbit",
      "1000000000000000,    1000tbit",
      "1024,                1024bit",
      "9223372036854775807, 9223372036854775807bit",
  })
  void formatsTheLargestExactDecimalUnit(long bits, String text) {
    assertThat(Rate.ofBitsPerSecond(bits).toString()).isEqualTo(text);
    assertThat(Rate.parse(text)).isEqualTo(Rate.ofBitsPerSecond(bits)); // format → parse
  }

  @ParameterizedTest
  @ValueSource(longs = {0, 1, 7, 999, 1000, 1001, 8192, 123456789, 1L << 40, 999_999_999_999_999L,
      Long.MAX_VALUE, Long.MAX_VALUE - 7, 9_000_000_000_000_000_000L})
  void formatParseRoundTrips(long bits) {
    Rate r = Rate.ofBitsPerSecond(bits);
    assertThat(Rate.parse(r.toString())).isEqualTo(r);
  }

  @Test
  void arithmetic() {
    Rate a = Rate.parse("10mbit");
    Rate b = Rate.parse("4mbit");
    assertThat(a.plus(b)).isEqualTo(Rate.parse("14mbit"));
    assertThat(a.minus(b)).isEqualTo(Rate.parse("6mbit"));
    assertThat(b.minusOrZero(a)).isEqualTo(Rate.ZERO);
    assertThat(Rate.min(a, b)).isEqualTo(b);
    assertThat(Rate.max(a, b)).isEqualTo(a);
    assertThat(a.compareTo(b)).isPositive();
    assertThatThrownBy(() -> b.minus(a))
        .isExactlyInstanceOf(InvalidValueException.class)
        .hasMessageContaining("cannot subtract 10mbit from 4mbit");
  }

  /** A sum past 2^63−1 bit/s is a typed error that says what to check, never an ArithmeticException. */
  @Test
  void aSumBeyondTheLargestRateIsAnInvalidBandwidth() {
    Rate near = Rate.ofBitsPerSecond(Long.MAX_VALUE - 5);
    assertThat(near.plus(Rate.ofBitsPerSecond(5))).isEqualTo(Rate.MAX);
    assertThat(near.canAdd(Rate.ofBitsPerSecond(5))).isTrue();
    assertThat(near.canAdd(Rate.ofBitsPerSecond(6))).isFalse();
    assertThatThrownBy(() -> near.plus(Rate.parse("10mbit")))
        .isExactlyInstanceOf(InvalidBandwidthException.class)
        .hasMessageContaining("add up to more than the maximum of 9223372036854775807 bit/s")
        .hasMessageContaining("mistyped unit");
    assertThatThrownBy(() -> Rate.MAX.plus(Rate.MAX))
        .isExactlyInstanceOf(InvalidBandwidthException.class);
  }

  /**
   * A huge input is refused by its length at once, with a short message: a million digits would
   * take BigDecimal minutes to convert.
   */
  @Test
  void aHugeInputIsRefusedBeforeItIsConverted() {
    String huge = "1".repeat(1_000_000) + "mbit";
    assertTimeoutPreemptively(Duration.ofSeconds(2), () ->
        assertThatThrownBy(() -> Rate.parse(huge))
            .isExactlyInstanceOf(InvalidValueException.class)
            .hasMessageContaining("is 1000004 characters long; a rate is at most 64")
            .satisfies(e -> assertThat(e.getMessage()).hasSizeLessThan(120)));
    // the longest sensible spellings still parse
    assertThat(Rate.parse("9223372036854775807bit")).isEqualTo(Rate.MAX);
    assertThat(Rate.parse("1.000000000000000000000000000000000000000000000000000000000mbit"))
        .isEqualTo(Rate.ofMegabits(1));
  }
}
