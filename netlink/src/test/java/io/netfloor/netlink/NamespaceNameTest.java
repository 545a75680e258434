// SPDX-License-Identifier: Apache-2.0
package io.netfloor.netlink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netfloor.InvalidValueException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Namespace names are checked as {@code ip netns} checks them, before anything is opened: a bad one
 * is an {@link InvalidValueException} naming the value and the rule (no root needed: nothing here
 * reaches the kernel).
 */
class NamespaceNameTest {

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "../x   | network namespace name '../x' contains '/'",
      "a/b    | network namespace name 'a/b' contains '/'",
      "/run   | contains '/'",
      ".      | network namespace name '.' names a directory, not a namespace",
      "..     | network namespace name '..' names a directory",
  })
  void badNamesAreRefusedNamingTheValueAndTheRule(String name, String fragment) {
    for (var attempt : new org.assertj.core.api.ThrowableAssert.ThrowingCallable[] {
        () -> NetlinkTrafficControl.openInNamespace(name),
        () -> NetlinkTrafficControl.checkNamespaceName(name)}) {
      assertThatThrownBy(attempt)
          .isExactlyInstanceOf(InvalidValueException.class)
          .hasMessageContaining(fragment)
          .hasMessageContaining("a network namespace name (as 'ip netns' takes it) is 1-255 bytes"
              + " without '/', and not '.' or '..'");
    }
  }

  @Test
  void emptyNullNulAndOverlongNamesAreRefused() {
    assertThatThrownBy(() -> NetlinkTrafficControl.openInNamespace(null))
        .isExactlyInstanceOf(InvalidValueException.class)
        .hasMessageStartingWith("network namespace name is empty");
    assertThatThrownBy(() -> NetlinkTrafficControl.openInNamespace(""))
        .isExactlyInstanceOf(InvalidValueException.class)
        .hasMessageStartingWith("network namespace name is empty");
    assertThatThrownBy(() -> NetlinkTrafficControl.checkNamespaceName("a\0b"))
        .isExactlyInstanceOf(InvalidValueException.class)
        .hasMessageContaining("'a\\0b' contains '\\0'");
    assertThatThrownBy(() -> NetlinkTrafficControl.checkNamespaceName("n".repeat(256)))
        .isExactlyInstanceOf(InvalidValueException.class)
        .hasMessageContaining("is longer than 255 bytes");
    // 128 characters, 256 bytes of UTF-8: the limit is the kernel's, in bytes
    assertThatThrownBy(() -> NetlinkTrafficControl.checkNamespaceName("é".repeat(128)))
        .isExactlyInstanceOf(InvalidValueException.class)
        .hasMessageContaining("is longer than 255 bytes");
  }

  @ParameterizedTest
  @ValueSource(strings = {"lab", "nf-1a2b3c4d", "...", ".hidden", "with space", "vm:1", "é"})
  void namesIpNetnsAcceptsPass(String name) {
    assertThat(NetlinkTrafficControl.checkNamespaceName(name)).isEqualTo(name);
    assertThat(NetlinkTrafficControl.checkNamespaceName("n".repeat(255))).hasSize(255);
  }
}
