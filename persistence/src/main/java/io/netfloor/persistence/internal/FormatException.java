// SPDX-License-Identifier: Apache-2.0
package io.netfloor.persistence.internal;

/**
 * A status file's bytes do not follow the format. Checked, so that every reader turns it into a
 * {@link io.netfloor.spi.StatusStoreException} that names the file and the line.
 */
public final class FormatException extends Exception {
  private static final long serialVersionUID = 1L;

  public FormatException(String message) {
    super(message);
  }

  public FormatException(String message, Throwable cause) {
    super(message, cause);
  }
}
