// SPDX-License-Identifier: Apache-2.0
package io.netfloor.spi;

import io.netfloor.NetFloorException;

/**
 * A status store could not read or write a network's status: an I/O error, a corrupt or newer-format
 * file, unsafe permissions. The message names the file (or key) and what is wrong; a store never
 * silently resets a status it cannot read.
 */
public class StatusStoreException extends NetFloorException {
  /**
   * A failure without an underlying exception.
   *
   * @param message the file or key, and what is wrong with it
   */
  public StatusStoreException(String message) {
    super(message);
  }

  /**
   * A failure caused by another exception (usually an {@link java.io.IOException}).
   *
   * @param message the file or key, and what is wrong with it
   * @param cause the underlying failure
   */
  public StatusStoreException(String message, Throwable cause) {
    super(message, cause);
  }
}
