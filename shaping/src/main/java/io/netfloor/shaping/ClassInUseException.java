// SPDX-License-Identifier: Apache-2.0
package io.netfloor.shaping;

import java.util.List;

/**
 * A change would delete one of the network's classes while another tool's filter sends traffic to
 * it: the kernel refuses such a delete ({@code EBUSY "HTB class in use"}), and NetFloor does not
 * delete the other tool's filter. Nothing was changed; the message names the filters.
 */
public final class ClassInUseException extends ShapingException {
  /** The other tools' filters, tc-style. */
  private final List<String> filters;

  ClassInUseException(String message, List<String> filters) {
    super(message);
    this.filters = List.copyOf(filters);
  }

  /**
   * The other tools' filters that use the class, as the kernel holds them.
   *
   * @return the filters, as the kernel holds them, tc-style; never empty
   */
  public List<String> filters() {
    return filters;
  }
}
