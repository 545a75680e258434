// SPDX-License-Identifier: Apache-2.0
package io.netfloor.persistence.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netfloor.model.NetworkName;
import io.netfloor.model.NetworkStatus;
import io.netfloor.units.InterfaceName;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

/**
 * Each field of a snapshot has exactly one spelling: a value that a hand edit or a damage left
 * with a valid checksum but another spelling is refused, naming the field, rather than read as
 * something else. And every value a store can write is read back (the widest ones included).
 */
class SnapshotFieldsTest {
  private static final String GOOD = new String(new SnapshotFile(
      NetworkStatus.empty(NetworkName.of("default"), InterfaceName.of("virbr0")), 0x0123456789abcdefL,
      OptionalLong.of(0xfedcba9876543210L), 42).encode(), StandardCharsets.US_ASCII);

  /** {@link #GOOD} with one line replaced, its checksum made right again. */
  private static byte[] with(String line, String replacement) {
    assertThat(GOOD).contains("\n" + line + "\n");
    String body = GOOD.substring(0, GOOD.indexOf("crc32c "))
        .replace("\n" + line + "\n", "\n" + replacement + "\n");
    return (body + "crc32c " + Checksums.crc32c(body) + "\n").getBytes(StandardCharsets.ISO_8859_1);
  }

  @Test
  void everyHexDigitOfAGenerationIsRead() throws FormatException {
    SnapshotFile s = SnapshotFile.decode(GOOD.getBytes(StandardCharsets.US_ASCII));
    assertThat(s.generation()).isEqualTo(0x0123456789abcdefL);
    assertThat(s.previous()).hasValue(0xfedcba9876543210L);
    assertThat(s.seq()).isEqualTo(42);
  }

  @Test
  void aGenerationIsSixteenLowerCaseHexDigits() {
    // the characters right outside each range ('0'-'9', 'a'-'f'), upper case, wrong lengths
    for (String bad : List.of("/123456789abcdef", ":123456789abcdef", "`123456789abcdef",
        "g123456789abcdef", "A123456789abcdef", "0123456789abcde", "0123456789abcdef0", "")) {
      assertThatThrownBy(() -> SnapshotFile.decode(with("generation 0123456789abcdef",
          "generation " + bad))).as(bad).isInstanceOf(FormatException.class)
          .hasMessageContaining("generation '" + bad + "' is not 16 lower-case hex digits");
    }
  }

  @Test
  void aCountIsAPlainDecimalWithOneSpelling() throws FormatException {
    assertThat(SnapshotFile.decode(with("seq 42", "seq 0")).seq()).isZero();
    assertThat(SnapshotFile.decode(with("seq 42", "seq 999999999999999999")).seq())
        .isEqualTo(999_999_999_999_999_999L);
    for (String bad : List.of("", "042", "00", "-1", "+1", "4/", "4:", "1000000000000000000",
        " 42", "4 2")) {
      assertThatThrownBy(() -> SnapshotFile.decode(with("seq 42", "seq " + bad))).as(bad)
          .isInstanceOf(FormatException.class).hasMessageContaining("is not a non-negative decimal");
    }
  }

  @Test
  void onlyPrintableAsciiIsText() throws FormatException {
    byte[] edge = {' ', '~', 'a'};
    assertThat(Lines.ascii(edge, 0, 3)).isEqualTo(" ~a");
    assertThat(Lines.ascii(edge, 1, 2)).isEqualTo("~");
    for (int b : new int[] {0x1f, 0x7f, 0x80, 0xff, 0x00, '\t'}) {
      byte[] bytes = {'o', 'k', (byte) b, 'x'};
      assertThatThrownBy(() -> Lines.ascii(bytes, 0, 4)).as("0x%02x", b)
          .isInstanceOf(FormatException.class)
          .hasMessage(String.format("byte 0x%02x at offset 2 is not printable ASCII", b));
      assertThat(Lines.ascii(bytes, 0, 2)).isEqualTo("ok"); // only [from, to) is looked at
      assertThat(Lines.ascii(bytes, 3, 4)).isEqualTo("x");
    }
    // in a file: the damaged line is refused before the checksum is even compared
    assertThatThrownBy(() -> SnapshotFile.decode(with("bridge virbr0", "bridge virbr\u007f")))
        .isInstanceOf(FormatException.class).hasMessageContaining("byte 0x7f");
  }

  @Test
  void aLineMustStartWithItsKeyAndASpace() {
    assertThatThrownBy(() -> SnapshotFile.decode(with("seq 42", "seq42")))
        .isInstanceOf(FormatException.class).hasMessageContaining("expected a 'seq …' line")
        .hasMessageContaining("'seq42'");
    assertThatThrownBy(() -> SnapshotFile.decode(with("seq 42", "sequence 42")))
        .isInstanceOf(FormatException.class).hasMessageContaining("expected a 'seq …' line");
  }
}
