// SPDX-License-Identifier: Apache-2.0
package io.netfloor.units;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netfloor.InvalidValueException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** {@link ClassHandle}: tc's hex printing and parsing. */
class ClassHandleTest {

  @ParameterizedTest
  @CsvSource({
      // major, minor, tc's form,  packed bits
      "1,     10,    1:a,         0x0001000a",
      "1,     0,     1:,          0x00010000",
      "1,     1,     1:1,         0x00010001",
      "1,     2,     1:2,         0x00010002",
      "1,     65534, 1:fffe,      0x0001fffe",
      "65535, 0,     ffff:,       0xffff0000",
      "16,    255,   10:ff,       0x001000ff",
      "0,     1,     0:1,         0x00000001",
      "0,     0,     0:,          0x00000000",
      "65535, 65535, root,        0xffffffff",
      "65535, 65521, ingress,     0xfffffff1",
  })
  void printsLikeTc(int major, int minor, String text, String bits) {
    ClassHandle h = ClassHandle.of(major, minor);
    assertThat(h.toString()).isEqualTo(text);
    assertThat(ClassHandle.parse(text)).isEqualTo(h);
    int packed = Integer.parseUnsignedInt(bits.substring(2), 16);
    assertThat(h.toBits()).isEqualTo(packed);
    assertThat(ClassHandle.fromBits(packed)).isEqualTo(h);
  }

  @ParameterizedTest
  @CsvSource({
      "1:A,       1, 10",
      "' 1:a ',   1, 10",
      ":a,        0, 10",
      "ROOT,      65535, 65535",
      "Ingress,   65535, 65521",
      "ffff:fff1, 65535, 65521",
      "0001:000a, 1, 10",
  })
  void parsesTcForms(String text, int major, int minor) {
    assertThat(ClassHandle.parse(text)).isEqualTo(ClassHandle.of(major, minor));
  }

  @Test
  void constants() {
    assertThat(ClassHandle.ROOT.toBits()).isEqualTo(0xffffffff);
    assertThat(ClassHandle.INGRESS.toBits()).isEqualTo(0xfffffff1);
    assertThat(ClassHandle.UNSPEC.toBits()).isZero();
    assertThat(ClassHandle.qdisc(3)).isEqualTo(ClassHandle.of(3, 0));
    assertThat(ClassHandle.qdisc(3).isQdisc()).isTrue();
    assertThat(ClassHandle.of(1, 3).isQdisc()).isFalse();
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "1         | handle '1' must look like 'major:minor' in hex",
      "1:2:3     | handle '1:2:3' must look like 'major:minor'",
      "1:g       | handle '1:g': 'g' is not a hex number of at most 4 digits",
      "10000:1   | handle '10000:1': '10000' is not a hex number of at most 4 digits",
      "1:-1      | '-1' is not a hex number",
      "1:+1      | '+1' is not a hex number",
      "'1:１'    | '１' is not a hex number",
      "none      | handle 'none' must look like 'major:minor'",
  })
  void rejectsMalformedQuotingIt(String text, String fragment) {
    assertThatThrownBy(() -> ClassHandle.parse(text))
        .isExactlyInstanceOf(InvalidValueException.class)
        .hasMessageContaining(fragment);
  }

  @ParameterizedTest
  @CsvSource({"-1, 0", "0, -1", "65536, 0", "0, 65536"})
  void rejectsOutOfRange(int major, int minor) {
    assertThatThrownBy(() -> ClassHandle.of(major, minor))
        .isExactlyInstanceOf(InvalidValueException.class)
        .hasMessageContaining("handle " + major + ":" + minor + " out of range");
  }

  @Test
  void missingIsRejected() {
    assertThatThrownBy(() -> ClassHandle.parse(null)).hasMessageContaining("handle is missing");
  }
}
