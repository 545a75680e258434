// SPDX-License-Identifier: Apache-2.0
package io.netfloor.tc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netfloor.InvalidValueException;
import org.junit.jupiter.api.Test;

/** The kernel's psched clock words: each must be positive, and 1 is. */
class PschedClockTest {

  @Test
  void everyWordMustBePositiveAndOneIs() {
    assertThat(new PschedClock(1, 1, 1, 1).hz()).isEqualTo(1);
    long[][] bad = {{0, 1, 1, 1}, {1, 0, 1, 1}, {1, 1, 0, 1}, {1, 1, 1, 0}, {1, 1, 1, -1}};
    for (long[] w : bad) {
      assertThatThrownBy(() -> new PschedClock(w[0], w[1], w[2], w[3]))
          .isInstanceOf(InvalidValueException.class)
          .hasMessage(String.format("psched clock words must be positive, got %x %x %x %x", w[0],
              w[1], w[2], w[3]));
    }
  }
}
