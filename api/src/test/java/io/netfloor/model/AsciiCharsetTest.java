// SPDX-License-Identifier: Apache-2.0
package io.netfloor.model;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * The character set behind network names and aliases: exactly the ASCII letters, the digits and the
 * punctuation given, up to both ends of each range; nothing next to them, nothing beyond ASCII.
 */
class AsciiCharsetTest {
  @Test
  void lettersDigitsAndTheGivenPunctuationUpToTheEndsOfEachRange() {
    AsciiCharset set = AsciiCharset.alphanumericAnd("._");
    assertThat(set.matchesAll("azAZ09._")).isTrue();
    assertThat(set.matchesAll("")).isTrue();
    for (String outside : new String[] {"`", "{", "@", "[", "/", ":", "-", " ", "\u007f", "\u0080",
        "é", "\u0000"}) {
      assertThat(set.matchesAll("a" + outside)).as("'%s'", outside).isFalse();
    }
    assertThat(AsciiCharset.alphanumericAnd("-").matchesAll("a-b")).isTrue();
    assertThat(AsciiCharset.alphanumericAnd("").matchesAll("a.b")).isFalse();
  }
}
