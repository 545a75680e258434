package io.netfloor.units;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netfloor.InvalidValueException;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** {@link InterfaceName}: the kernel's {@code dev_valid_name}. */
class InterfaceNameTest {

  @ParameterizedTest
  @ValueSource(strings = {"virbr0", "a", "vnet12", "br-lan.100", "eth0_1", "123456789012345",
      "...", ".a", "tap@x", "é1234567890123", "\u20ac12345678901"})
  void accepts(String name) {
    assertThat(InterfaceName.of(name).value()).isEqualTo(name);
    assertThat(InterfaceName.of(name).toString()).isEqualTo(name);
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "1234567890123456 | interface name '1234567890123456' is 16 bytes long; Linux allows at most 15",
      // 14 characters but 15+ bytes of UTF-8
      "éé234567890123   | is 16 bytes long",
      "\u20ac\u20ac\u20ac\u20ac\u20ac1 | is 16 bytes long",
      ".                | interface name '.' is not allowed",
      "..               | interface name '..' is not allowed",
      "eth/0            | interface name 'eth/0' contains '/'",
      "eth:0            | interface name 'eth:0' contains ':'",
      "'eth 0'          | contains '\\u0020'",
      "'eth\t0'         | contains '\\u0009'",
      "'eth\u000b0'     | contains '\\u000b'",
      "'eth\u00010'     | contains '\\u0001'",
      // the kernel's isspace() also counts byte 0xa0 (Latin-1 NBSP), which UTF-8 uses
      "'eth\u00a00'     | byte 0xa0",
      "'tapà'           | byte 0xa0",
  })
  void rejectsQuotingTheRule(String name, String fragment) {
    assertThatThrownBy(() -> InterfaceName.of(name))
        .isExactlyInstanceOf(InvalidValueException.class)
        .hasMessageContaining(fragment);
  }

  @ParameterizedTest
  @ValueSource(strings = {""})
  void rejectsEmpty(String name) {
    assertThatThrownBy(() -> InterfaceName.of(name)).hasMessageContaining("interface name is empty");
    assertThatThrownBy(() -> InterfaceName.of(null)).isExactlyInstanceOf(InvalidValueException.class);
  }
}
