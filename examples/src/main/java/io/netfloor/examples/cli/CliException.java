// SPDX-License-Identifier: Apache-2.0
package io.netfloor.examples.cli;

/**
 * A failure the CLI reports as one line on stderr with a chosen exit code (see {@link ExitCodes}).
 */
public final class CliException extends RuntimeException {
  private final int exitCode;

  public CliException(int exitCode, String message) {
    super(message);
    this.exitCode = exitCode;
  }

  /** With the exception that caused it (printed with {@code --verbose}). */
  public CliException(int exitCode, String message, Throwable cause) {
    super(message, cause);
    this.exitCode = exitCode;
  }

  public int exitCode() {
    return exitCode;
  }
}
