// SPDX-License-Identifier: Apache-2.0
package io.netfloor.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netfloor.InvalidValueException;
import java.util.List;
import java.util.TreeSet;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.CharRange;
import net.jqwik.api.constraints.Chars;
import net.jqwik.api.constraints.StringLength;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** {@link NetworkName}: 1–64 characters of {@code [A-Za-z0-9._-]}, no leading dot. */
class NetworkNameTest {

  @ParameterizedTest
  @ValueSource(strings = {"default", "a", "lab-net_2.x", "_x", "-", "0123456789012345678901234567890123456789012345678901234567890123"})
  void acceptsAndKeepsTheNameAsWritten(String name) {
    NetworkName n = NetworkName.of(name);
    assertThat(n.value()).isSameAs(name);
    assertThat(n).hasToString(name).isEqualTo(new NetworkName(name)).hasSameHashCodeAs(
        NetworkName.of(name));
  }

  @ParameterizedTest
  @ValueSource(strings = {"", ".hidden", "..", "a/b", "a b", "net\u00e9", "a:b", "a\nb",
      "01234567890123456789012345678901234567890123456789012345678901234"})
  void refusesQuotingTheNameAndTheRule(String name) {
    assertThatThrownBy(() -> NetworkName.of(name))
        .isExactlyInstanceOf(InvalidValueException.class)
        .hasMessage("network name '" + name + "' must be 1-64 characters of A-Z a-z 0-9 . _ -"
            + " and must not start with '.'");
  }

  @Test
  void refusesNull() {
    assertThatThrownBy(() -> NetworkName.of(null))
        .isExactlyInstanceOf(InvalidValueException.class).hasMessageContaining("'null'");
  }

  @Test
  void sortsAsItsText() {
    TreeSet<NetworkName> names = new TreeSet<>(List.of(NetworkName.of("b"), NetworkName.of("B"),
        NetworkName.of("a-1"), NetworkName.of("a")));
    assertThat(names).extracting(NetworkName::value).containsExactly("B", "a", "a-1", "b");
  }

  @Property
  void everyNameOfTheAllowedCharactersIsAccepted(
      @ForAll @StringLength(min = 1, max = 64) @CharRange(from = 'a', to = 'z')
      @CharRange(from = 'A', to = 'Z') @CharRange(from = '0', to = '9') @Chars({'.', '_', '-'})
      String name) {
    if (name.startsWith(".")) {
      assertThatThrownBy(() -> NetworkName.of(name)).isInstanceOf(InvalidValueException.class);
    } else {
      assertThat(NetworkName.of(name).value()).isEqualTo(name);
    }
  }

  @Property
  void aNameWithAnyOtherCharacterIsRefused(@ForAll @StringLength(max = 20) String prefix,
      @ForAll char other) {
    boolean allowed = other < 128 && (Character.isLetterOrDigit(other) || ".-_".indexOf(other) >= 0);
    String name = "n" + other + prefix.replaceAll("[^A-Za-z0-9._-]", "");
    if (allowed) {
      assertThat(NetworkName.of(name).value()).isEqualTo(name);
    } else {
      assertThatThrownBy(() -> NetworkName.of(name)).isInstanceOf(InvalidValueException.class)
          .hasMessageContaining("network name '" + name + "'");
    }
  }
}
