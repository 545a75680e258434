// SPDX-License-Identifier: Apache-2.0
package io.netfloor.plan;

import io.netfloor.InvalidValueException;

/** Shared checks of the u32 filter records. */
final class U32Filters {
  private U32Filters() {}

  static void checkPrio(int prio) {
    if (prio < 1 || prio > 0xffff) {
      throw new InvalidValueException("filter prio " + prio
          + " must be in 1..65535 (0 would let the kernel pick one)");
    }
  }
}
