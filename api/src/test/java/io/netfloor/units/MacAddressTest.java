// SPDX-License-Identifier: Apache-2.0
package io.netfloor.units;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netfloor.InvalidValueException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** {@link MacAddress}: forms accepted, addresses refused, canonical printing. */
class MacAddressTest {

  @ParameterizedTest
  @CsvSource({
      // text,                  canonical
      "52:54:00:12:34:56,       52:54:00:12:34:56",
      "52:54:00:AB:CD:EF,       52:54:00:ab:cd:ef",
      "52-54-00-ab-cd-ef,       52:54:00:ab:cd:ef",
      "2:4:0:1:a:b,             02:04:00:01:0a:0b",
      "'  52:54:00:12:34:56 ',  52:54:00:12:34:56",
      "fe:ff:ff:ff:ff:ff,       fe:ff:ff:ff:ff:ff",
      "00:00:00:00:00:01,       00:00:00:00:00:01",
  })
  void parsesAndPrintsCanonically(String text, String canonical) {
    MacAddress mac = MacAddress.parse(text);
    assertThat(mac.toString()).isEqualTo(canonical);
    assertThat(MacAddress.parse(mac.toString())).isEqualTo(mac);
    assertThat(MacAddress.of(mac.octets())).isEqualTo(mac);
  }

  @Test
  void parseableNonsenseAcceptedOnPurpose() {
    // mixed separators: both are accepted per octet, the address is still unambiguous
    assertThat(MacAddress.parse("52:54-00:12-34:56")).isEqualTo(MacAddress.parse("52:54:00:12:34:56"));
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "52:54:00:12:34       | MAC address '52:54:00:12:34' must have six octets",
      "52:54:00:12:34:56:78 | must have six octets",
      "525400123456         | must have six octets",
      "52.54.00.12.34.56    | must have six octets",
      "52:54:00:12:34:5g    | MAC address '52:54:00:12:34:5g' has a malformed octet '5g'",
      "52:54:00:12:34:567   | has a malformed octet '567'",
      "52:54::12:34:56      | has a malformed octet ''",
      "52:54:00:12:34:+5    | has a malformed octet '+5'",
      "52:54:00:12:34:５６  | has a malformed octet '５６'",
      "01:00:5e:00:00:01    | MAC address '01:00:5e:00:00:01' is multicast or broadcast",
      "33:33:00:00:00:01    | '33:33:00:00:00:01' is multicast or broadcast",
      "ff:ff:ff:ff:ff:ff    | 'ff:ff:ff:ff:ff:ff' is multicast or broadcast",
      "00:00:00:00:00:00    | MAC address 00:00:00:00:00:00 is not a valid interface address",
  })
  void rejectsQuotingTheInput(String text, String fragment) {
    assertThatThrownBy(() -> MacAddress.parse(text))
        .isExactlyInstanceOf(InvalidValueException.class)
        .hasMessageContaining(fragment);
  }

  @Test
  void octetsAndBits() {
    MacAddress mac = MacAddress.parse("52:54:00:12:34:56");
    assertThat(mac.octet(0)).isEqualTo(0x52);
    assertThat(mac.octet(5)).isEqualTo(0x56);
    assertThat(mac.toLong()).isEqualTo(0x525400123456L);
    assertThat(mac.octets()).containsExactly(0x52, 0x54, 0x00, 0x12, 0x34, 0x56);
    assertThatThrownBy(() -> mac.octet(6)).isInstanceOf(IndexOutOfBoundsException.class);
    assertThatThrownBy(() -> MacAddress.of(new byte[5]))
        .isExactlyInstanceOf(InvalidValueException.class).hasMessageContaining("got 5");
    assertThatThrownBy(() -> MacAddress.parse(null)).isExactlyInstanceOf(InvalidValueException.class);
  }

  @Test
  void equalityAndOrder() {
    MacAddress a = MacAddress.parse("52:54:00:00:00:01");
    MacAddress a2 = MacAddress.parse("52-54-00-00-00-01");
    MacAddress b = MacAddress.parse("52:54:00:00:00:02");
    assertThat(a).isEqualTo(a2).hasSameHashCodeAs(a2).isNotEqualTo(b);
    assertThat(a.compareTo(b)).isNegative();
  }
}
