// SPDX-License-Identifier: Apache-2.0
package io.netfloor.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netfloor.InvalidValueException;
import java.util.List;
import java.util.TreeSet;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.StringLength;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** {@link InterfaceAlias}: 1–128 characters of {@code [A-Za-z0-9._:@+=-]}. */
class InterfaceAliasTest {

  @ParameterizedTest
  @ValueSource(strings = {"vm1", "a", "net0", "ua-net0", "11111111-2222-3333-4444-555555555555:52:54:00:12:34:57",
      ".x", "a@b+c=d", "port_1.2"})
  void acceptsAndKeepsTheAliasAsWritten(String alias) {
    InterfaceAlias a = InterfaceAlias.of(alias);
    assertThat(a.value()).isSameAs(alias);
    assertThat(a).hasToString(alias).isEqualTo(new InterfaceAlias(alias)).hasSameHashCodeAs(
        InterfaceAlias.of(alias));
  }

  @Test
  void acceptsUpTo128Characters() {
    String longest = "a".repeat(InterfaceAlias.MAX_LENGTH);
    assertThat(InterfaceAlias.of(longest).value()).isEqualTo(longest);
    assertThatThrownBy(() -> InterfaceAlias.of(longest + "a"))
        .isExactlyInstanceOf(InvalidValueException.class).hasMessageContaining("1-128 characters");
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "a b", "a/b", "vm\u00e9", "a;b", "a\tb", "a,b", "a%b"})
  void refusesQuotingTheAliasAndTheRule(String alias) {
    assertThatThrownBy(() -> InterfaceAlias.of(alias))
        .isExactlyInstanceOf(InvalidValueException.class)
        .hasMessage("interface alias '" + alias
            + "' must be 1-128 characters of A-Z a-z 0-9 . _ : @ + = -");
  }

  @Test
  void refusesNull() {
    assertThatThrownBy(() -> InterfaceAlias.of(null))
        .isExactlyInstanceOf(InvalidValueException.class).hasMessageContaining("'null'");
  }

  @Test
  void sortsAsItsText() {
    TreeSet<InterfaceAlias> aliases = new TreeSet<>(List.of(InterfaceAlias.of("vm10"),
        InterfaceAlias.of("vm2"), InterfaceAlias.of("VM"), InterfaceAlias.of("vm1")));
    assertThat(aliases).extracting(InterfaceAlias::value)
        .containsExactly("VM", "vm1", "vm10", "vm2");
  }

  @Property
  void anAliasIsAcceptedExactlyWhenEveryCharacterIsAllowed(
      @ForAll @StringLength(min = 1, max = 12) String alias) {
    boolean allowed = alias.chars().allMatch(c -> c < 128
        && (Character.isLetterOrDigit(c) || "._:@+=-".indexOf(c) >= 0));
    if (allowed) {
      assertThat(InterfaceAlias.of(alias).value()).isEqualTo(alias);
    } else {
      assertThatThrownBy(() -> InterfaceAlias.of(alias)).isInstanceOf(InvalidValueException.class)
          .hasMessageContaining("interface alias '" + alias + "'");
    }
  }
}
