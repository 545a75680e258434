// SPDX-License-Identifier: Apache-2.0
package io.netfloor.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.common.collect.ImmutableSortedSet;
import io.netfloor.ClassIdExhaustedException;
import io.netfloor.InvalidValueException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;

/** {@link ClassIdAllocator}: libvirt's reserved ids, lowest-first, its bitmap syntax. */
class ClassIdAllocatorTest {

  private static ClassIdAllocator allocate(ClassIdAllocator a, int n) {
    for (int i = 0; i < n; i++) {
      a = a.withUsed(a.lowestFree());
    }
    return a;
  }

  @ParameterizedTest
  @EnumSource(FilterLayout.class)
  void reservesLibvirtsIdsAndFfff(FilterLayout layout) {
    ClassIdAllocator a = ClassIdAllocator.forLayout(layout);
    for (int id : new int[] {0, 1, 2, 0xffff}) {
      assertThat(a.isReserved(id)).as("id %s", id).isTrue();
      assertThat(a.isUsed(id)).isTrue();
    }
    assertThat(a.isReserved(3)).isFalse();
    assertThat(a.lowestFree()).isEqualTo(3);
    assertThat(a.toRanges()).isEqualTo("0-2"); // libvirt's fresh bitmap
  }

  @Test
  void linearLayoutReserves800AndCapsAtFff() {
    ClassIdAllocator a = ClassIdAllocator.forLayout(FilterLayout.LIBVIRT_LINEAR);
    assertThat(a.isReserved(0x800)).isTrue();
    assertThat(a.isReserved(0x7ff)).isFalse();
    assertThat(a.isReserved(0xfff)).isFalse();
    assertThat(a.isReserved(0x1000)).isTrue();
    assertThat(a.capacity()).isEqualTo(0xfff - 3 + 1 - 1);
    assertThat(ClassIdAllocator.forLayout(FilterLayout.HASHED).capacity()).isEqualTo(0xfffe - 2);
    assertThat(ClassIdAllocator.forLayout(FilterLayout.HASHED).isReserved(0x800)).isFalse();
    // allocation skips 0x800
    ClassIdAllocator upTo7ff = allocate(a, 0x7ff - 2);
    assertThat(upTo7ff.lowestFree()).isEqualTo(0x801);
    assertThatThrownBy(() -> upTo7ff.withUsed(0x800))
        .isExactlyInstanceOf(InvalidValueException.class)
        .hasMessageContaining("class id 2048 (hex 800) is reserved");
  }

  @Test
  void lowestFirstReuse() {
    ClassIdAllocator a = allocate(ClassIdAllocator.forLayout(FilterLayout.HASHED), 5); // 3..7
    assertThat(a.usedCount()).isEqualTo(5);
    a = a.withReleased(5).withReleased(4);
    assertThat(a.lowestFree()).isEqualTo(4);
    a = a.withUsed(a.lowestFree());
    assertThat(a.lowestFree()).isEqualTo(5);
    a = a.withUsed(5).withReleased(7);
    assertThat(a.lowestFree()).isEqualTo(7);
    // releasing the top keeps the canonical form: equal to never having gone that far
    assertThat(a).isEqualTo(allocate(ClassIdAllocator.forLayout(FilterLayout.HASHED), 4));
  }

  @Test
  void exhaustionIsTyped() {
    ClassIdAllocator a = allocate(ClassIdAllocator.create(5, ImmutableSortedSet.of(4)), 2); // 3, 5
    assertThat(a.usedIds()).containsExactly(0, 1, 2, 3, 4, 5);
    assertThat(a.usedCount()).isEqualTo(2);
    assertThatThrownBy(a::lowestFree)
        .isExactlyInstanceOf(ClassIdExhaustedException.class)
        .hasMessageContaining("all 2 class ids (3..5 hex) are in use");
    assertThat(a.withReleased(3).lowestFree()).isEqualTo(3);
  }

  @Test
  void misuseIsRejected() {
    ClassIdAllocator a = ClassIdAllocator.forLayout(FilterLayout.HASHED).withUsed(3);
    assertThatThrownBy(() -> a.withUsed(3)).hasMessageContaining("class id 3 (hex 3) is already in use");
    assertThatThrownBy(() -> a.withUsed(2)).hasMessageContaining("class id 2 (hex 2) is reserved");
    assertThatThrownBy(() -> a.withReleased(4)).hasMessageContaining("class id 4 (hex 4) is not in use");
    assertThatThrownBy(() -> a.withReleased(1)).hasMessageContaining("class id 1 is reserved");
    assertThatThrownBy(() -> ClassIdAllocator.create(2, ImmutableSortedSet.of()))
        .hasMessageContaining("max class id 2 must be in 3..0xfffe");
    assertThatThrownBy(() -> ClassIdAllocator.create(0xffff, ImmutableSortedSet.of()))
        .hasMessageContaining("max class id 65535");
  }

  @Test
  void libvirtsBitmapString() {
    ClassIdAllocator a = ClassIdAllocator.forLayout(FilterLayout.LIBVIRT_LINEAR)
        .withUsed(3).withUsed(4).withUsed(7);
    assertThat(a.toRanges()).isEqualTo("0-4,7");
    ClassIdAllocator back = ClassIdAllocator.fromRanges("0-4,7", FilterLayout.LIBVIRT_LINEAR);
    assertThat(back).isEqualTo(a);
    assertThat(back.lowestFree()).isEqualTo(5);
    assertThat(back.usedIds()).containsExactly(0, 1, 2, 3, 4, 7);
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      // text       | layout         | used ids after 0,1,2
      "0-2          | LIBVIRT_LINEAR | ''",
      "''           | HASHED         | ''",
      "' 0-4 , 7 '  | HASHED         | 3 4 7",
      "3            | HASHED         | 3",
      "7,3-4        | HASHED         | 3 4 7",
      "0,1,2,10     | LIBVIRT_LINEAR | 10",
      // usedIds() lists reserved ids below the highest used one, 0x800 included
      "4095         | LIBVIRT_LINEAR | 2048 4095",
      "2040-2050    | LIBVIRT_LINEAR | 2040 2041 2042 2043 2044 2045 2046 2047 2048 2049 2050",
      "65534        | HASHED         | 65534",
  })
  void parsesBitmaps(String text, FilterLayout layout, String ids) {
    ClassIdAllocator a = ClassIdAllocator.fromRanges(text, layout);
    StringBuilder sb = new StringBuilder();
    for (int id : a.usedIds()) {
      if (id > 2) {
        sb.append(sb.length() == 0 ? "" : " ").append(id);
      }
    }
    assertThat(sb.toString()).isEqualTo(ids);
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "a          | HASHED         | class id bitmap 'a': 'a' is not a number or a range like 3-7",
      "3-         | HASHED         | '3-' is not a number",
      "-3         | HASHED         | '-3' is not a number",
      "3,,4       | HASHED         | class id bitmap '3,,4': '' is not a number",
      "3-4-5      | HASHED         | '3-4-5' is not a number",
      "0x10       | HASHED         | '0x10' is not a number",
      "5-3        | HASHED         | class id bitmap '5-3': range '5-3' is empty or outside 0..65535",
      "0-65536    | HASHED         | range '0-65536' is empty or outside",
      "3,3        | HASHED         | class id bitmap '3,3': id 3 is listed twice",
      "3-5,4      | HASHED         | id 4 is listed twice",
      "4096       | LIBVIRT_LINEAR | class id bitmap '4096': id 4096 cannot be used with the LIBVIRT_LINEAR filter layout",
      "65535      | HASHED         | id 65535 cannot be used with the HASHED filter layout",
  })
  void rejectsMalformedBitmaps(String text, FilterLayout layout, String fragment) {
    assertThatThrownBy(() -> ClassIdAllocator.fromRanges(text, layout))
        .isExactlyInstanceOf(InvalidValueException.class)
        .hasMessageContaining(fragment);
  }

  @Test
  void missingBitmapIsRejected() {
    assertThatThrownBy(() -> ClassIdAllocator.fromRanges(null, FilterLayout.HASHED))
        .isExactlyInstanceOf(InvalidValueException.class)
        .hasMessageContaining("class id bitmap is missing");
  }

  @ParameterizedTest
  @EnumSource(FilterLayout.class)
  void bitmapRoundTripsPastTheReservedMiddleId(FilterLayout layout) {
    // past 0x800 the linear layout's reserved id sits inside the used range
    ClassIdAllocator a = allocate(ClassIdAllocator.forLayout(layout), 0x802).withReleased(10);
    String ranges = a.toRanges();
    assertThat(ClassIdAllocator.fromRanges(ranges, layout)).isEqualTo(a);
    assertThat(ClassIdAllocator.fromRanges(ranges, layout).toRanges()).isEqualTo(ranges);
  }
}
