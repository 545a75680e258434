// SPDX-License-Identifier: Apache-2.0
package io.netfloor.plan;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netfloor.InvalidValueException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** {@link U32Handle}: tc's hex {@code htid:bucket:node} form and the packed kernel u32. */
class U32HandleTest {

  @ParameterizedTest
  @CsvSource({
      // htid, bucket, node, tc's form, packed bits
      "2048,   0,  2051, 800::803, 0x80000803",
      "2048,   0,  2058, 800::80a, 0x8000080a",
      "2048,   0,  2064, 800::810, 0x80000810", // libvirt's handle of class id 10 (810 read as hex)
      "2048,   0,  2248, 800::8c8, 0x800008c8",
      "2048,   0,  4095, 800::fff, 0x80000fff", // class id 200 in LIBVIRT_LINEAR: valid, unlike 800::1000
      "2048,   0,  1,    800::1,   0x80000001",
      "16,     86, 1,    10:56:1,  0x01056001",
      "16,     255, 4095, 10:ff:fff, 0x010fffff",
      "16,     0,  0,    10::,     0x01000000",
      "4095,   1,  0,    fff:1:,   0xfff01000",
  })
  void printsHexLikeTc(int htid, int bucket, int node, String text, String bits) {
    U32Handle h = U32Handle.of(htid, bucket, node);
    assertThat(h.toString()).isEqualTo(text);
    int packed = Integer.parseUnsignedInt(bits.substring(2), 16);
    assertThat(h.toBits()).isEqualTo(packed);
    assertThat(U32Handle.fromBits(packed)).isEqualTo(h);
    assertThat(h.tableAndBucketBits()).isEqualTo(packed & 0xfffff000);
  }

  @ParameterizedTest
  @CsvSource({
      // libvirt's "800::%u" of 800+200 asks tc for node 0x1000: not a handle at all
      "2048, 0, 4096, u32 handle 800:0:1000 out of range",
      "4096, 0, 1,    u32 handle 1000:0:1 out of range",
      "16,   256, 1,  u32 handle 10:100:1 out of range",
      "-1,   0, 1,    out of range",
      "16,   -1, 1,   out of range",
      "16,   0, -1,   out of range",
  })
  void rejectsOutOfRange(int htid, int bucket, int node, String fragment) {
    assertThatThrownBy(() -> U32Handle.of(htid, bucket, node))
        .isExactlyInstanceOf(InvalidValueException.class)
        .hasMessageContaining(fragment)
        .hasMessageContaining("max fff");
  }

  @Test
  void tablesAndOrder() {
    assertThat(U32Handle.table(0x10)).isEqualTo(U32Handle.of(0x10, 0, 0));
    // unsigned order: 800:: sorts before fff::, although 0x80000000 is negative as an int
    assertThat(U32Handle.of(0x800, 0, 1).compareTo(U32Handle.of(0xfff, 0, 1))).isNegative();
    assertThat(U32Handle.of(0x10, 0, 1).compareTo(U32Handle.of(0x800, 0, 1))).isNegative();
  }
}
