// SPDX-License-Identifier: Apache-2.0
package io.netfloor.units;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import io.netfloor.InvalidValueException;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** {@link ByteSize}: tc's size syntax (iproute2 {@code get_size}). */
class ByteSizeTest {

  @ParameterizedTest
  @CsvSource({
      // text,   bytes
      "1500,     1500",
      "1500b,    1500",
      "1500B,    1500",
      "1k,       1024",
      "1kb,      1024",
      "1KB,      1024",
      "1m,       1048576",
      "1mb,      1048576",
      "1Mb,      1048576",
      "1g,       1073741824",
      "1gb,      1073741824",
      "1kbit,    128",
      "1mbit,    131072",
      "1gbit,    134217728",
      "1.5kb,    1536",
      "0.5k,     512",
      "0,        0",
      "' 64kb ', 65536",
  })
  void parsesTcSizes(String text, long bytes) {
    assertThat(ByteSize.parse(text).bytes()).isEqualTo(bytes);
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "10kib          | size '10kib' has unknown unit 'kib'",
      "10tb           | unknown unit 'tb'",
      "kb             | size 'kb' does not start with a number",
      "-1kb           | size '-1kb' does not start with a number",
      "1.5            | size '1.5' is not a whole number of bytes",
      "0.1k           | is not a whole number of bytes",
      "1..5kb         | size '1..5kb' has a malformed number",
      "9223372036854775808 | size '9223372036854775808' does not fit in 64 bits",
      "9000000000gb   | does not fit in 64 bits",
      "'１kb'         | does not start with a number",
  })
  void badSizesAreRejectedQuotingThem(String text, String fragment) {
    assertThatThrownBy(() -> ByteSize.parse(text))
        .isExactlyInstanceOf(InvalidValueException.class)
        .hasMessageContaining(fragment);
  }

  @Test
  void emptyAndNegative() {
    assertThatThrownBy(() -> ByteSize.parse(" ")).hasMessageContaining("size is empty");
    assertThatThrownBy(() -> ByteSize.parse(null)).isExactlyInstanceOf(InvalidValueException.class);
    assertThatThrownBy(() -> ByteSize.ofBytes(-1))
        .isExactlyInstanceOf(InvalidValueException.class).hasMessageContaining("-1 bytes");
    assertThatThrownBy(() -> ByteSize.ofKibibytes(-3))
        .isExactlyInstanceOf(InvalidValueException.class).hasMessageContaining("-3 kB");
    assertThatThrownBy(() -> ByteSize.ofKibibytes(Long.MAX_VALUE / 1024 + 1))
        .isExactlyInstanceOf(InvalidValueException.class).hasMessageContaining("64 bits");
  }

  @ParameterizedTest
  @CsvSource({
      // kibibytes (libvirt burst), bytes
      "1,       1024",
      "256,     262144",
      "4194303, 4294966272",
  })
  void libvirtKibibytes(long kib, long bytes) {
    ByteSize s = ByteSize.ofKibibytes(kib);
    assertThat(s.bytes()).isEqualTo(bytes);
    assertThat(s.kibibytes()).isEqualTo(kib);
    assertThat(s).isEqualTo(ByteSize.parse(kib + "kb")); // what libvirt hands tc
  }

  @ParameterizedTest
  @CsvSource({
      "0,          0b",
      "1500,       1500b",
      "1024,       1kb",
      "1536,       1536b",
      "262144,     256kb",
      "1048576,    1mb",
      "1073741824, 1gb",
      "1099511627776, 1024gb",
  })
  void formatsTheLargestExactUnit(long bytes, String text) {
    assertThat(ByteSize.ofBytes(bytes).toString()).isEqualTo(text);
  }

  @ParameterizedTest
  @ValueSource(longs = {0, 1, 1023, 1024, 1025, 65536, 1L << 33, Long.MAX_VALUE, 1L << 62})
  void formatParseRoundTrips(long bytes) {
    ByteSize s = ByteSize.ofBytes(bytes);
    assertThat(ByteSize.parse(s.toString())).isEqualTo(s);
  }

  /** A huge input is refused by its length at once, before BigDecimal would spend minutes on it. */
  @Test
  void aHugeInputIsRefusedBeforeItIsConverted() {
    String huge = "9".repeat(1_000_000) + "kb";
    assertTimeoutPreemptively(Duration.ofSeconds(2), () ->
        assertThatThrownBy(() -> ByteSize.parse(huge))
            .isExactlyInstanceOf(InvalidValueException.class)
            .hasMessageContaining("is 1000002 characters long; a size is at most 64")
            .satisfies(e -> assertThat(e.getMessage()).hasSizeLessThan(120)));
    assertThat(ByteSize.parse("9223372036854775807")).isEqualTo(ByteSize.ofBytes(Long.MAX_VALUE));
  }

  @Test
  void sizesOrderByTheirBytes() {
    ByteSize kib = ByteSize.ofKibibytes(1);
    assertThat(kib).isGreaterThan(ByteSize.ofBytes(1023)).isLessThan(ByteSize.ofBytes(1025))
        .isEqualByComparingTo(ByteSize.ofBytes(1024));
    assertThat(java.util.stream.Stream.of(ByteSize.ofBytes(Long.MAX_VALUE), kib, ByteSize.ofBytes(0))
        .sorted().toList()).containsExactly(ByteSize.ofBytes(0), kib, ByteSize.ofBytes(Long.MAX_VALUE));
  }
}
