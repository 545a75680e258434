// SPDX-License-Identifier: Apache-2.0
package io.netfloor.units;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netfloor.InvalidValueException;
import java.nio.charset.StandardCharsets;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** {@link InterfaceName}: the kernel's {@code dev_valid_name}, narrowed to printable ASCII. */
class InterfaceNameTest {

  @ParameterizedTest
  @ValueSource(strings = {"virbr0", "a", "vnet12", "br-lan.100", "eth0_1", "123456789012345",
      "...", ".a", "tap@x", "a!\"#$&'()*+,-", "x;<=>?[\\]^`{|}~"})
  void accepts(String name) {
    assertThat(InterfaceName.of(name).value()).isEqualTo(name);
    assertThat(InterfaceName.of(name).toString()).isEqualTo(name);
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "1234567890123456 | interface name '1234567890123456' is 16 characters long; Linux allows at most 15 bytes",
      ".                | interface name '.' is not allowed",
      "..               | interface name '..' is not allowed",
      "eth/0            | interface name 'eth/0' contains '/'",
      "eth:0            | interface name 'eth:0' contains ':'",
      "eth%d            | interface name 'eth%d' contains '%'",
      "'eth 0'          | contains '\\u0020'",
      "'eth\t0'         | contains '\\u0009'",
      "'eth\u000b0'     | contains '\\u000b'",
      "'eth\u00010'     | contains '\\u0001'",
      "'eth\u007f0'     | contains U+007F, which is not printable ASCII",
      "'eth\u00a00'     | contains U+00A0",
  })
  void rejectsQuotingTheRule(String name, String fragment) {
    assertThatThrownBy(() -> InterfaceName.of(name))
        .isExactlyInstanceOf(InvalidValueException.class)
        .hasMessageContaining(fragment);
  }

  /**
   * Names Linux accepts but NetFloor refuses: each would be stored, printed or sent differently
   * from the kernel's bytes. The message names the character and how to get past it.
   */
  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "brü0             | contains U+00FC 'ü', which is not printable ASCII",
      "é1234567890123   | contains U+00E9 'é'",
      "\u20ac1          | contains U+20AC '\u20ac'",
      "tap\ud83d\ude00  | contains U+1F600",
  })
  void refusesNonAsciiNamesThatLinuxWouldAccept(String name, String fragment) {
    assertThatThrownBy(() -> InterfaceName.of(name))
        .isExactlyInstanceOf(InvalidValueException.class)
        .hasMessageContaining(fragment)
        .hasMessageContaining("ip link set dev OLD name NEW");
  }

  @Test
  void rejectsEmpty() {
    assertThatThrownBy(() -> InterfaceName.of("")).hasMessageContaining("interface name is empty");
    assertThatThrownBy(() -> InterfaceName.of(null)).isExactlyInstanceOf(InvalidValueException.class);
  }

  @Test
  void aHugeInputIsRefusedWithAShortMessage() {
    String huge = "a".repeat(1_000_000);
    assertThatThrownBy(() -> InterfaceName.of(huge))
        .isExactlyInstanceOf(InvalidValueException.class)
        .hasMessageContaining("is 1000000 characters long")
        .satisfies(e -> assertThat(e.getMessage()).hasSizeLessThan(200));
  }

  /**
   * Whatever string comes in, it is either refused with a typed exception, or accepted as a name
   * whose UTF-8 bytes are its ASCII bytes: one byte per character, at most 15, so the kernel, the
   * store and the CLI all see the same bytes.
   */
  @Property(tries = 2000)
  void anAcceptedNameIsTheSameBytesInEveryEncoding(@ForAll String text) {
    InterfaceName name;
    try {
      name = InterfaceName.of(text);
    } catch (InvalidValueException refused) {
      return;
    }
    byte[] utf8 = name.value().getBytes(StandardCharsets.UTF_8);
    assertThat(utf8).isEqualTo(name.value().getBytes(StandardCharsets.US_ASCII));
    assertThat(utf8.length).isBetween(1, InterfaceName.MAX_BYTES);
    assertThat(new String(utf8, StandardCharsets.US_ASCII)).isEqualTo(text);
  }

  @Test
  void aTooLongNameIsQuotedWholeUpToFortyCharacters() {
    String forty = "e".repeat(40);
    assertThatThrownBy(() -> InterfaceName.of(forty)).isInstanceOf(InvalidValueException.class)
        .hasMessage("interface name '" + forty + "' is 40 characters long; Linux allows at most 15"
            + " bytes");
    assertThatThrownBy(() -> InterfaceName.of(forty + "f"))
        .hasMessageStartingWith("interface name '" + forty + "…' is 41 characters long");
  }
}
