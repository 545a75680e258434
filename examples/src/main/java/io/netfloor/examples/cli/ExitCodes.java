// SPDX-License-Identifier: Apache-2.0
package io.netfloor.examples.cli;

/** The CLI's exit codes. */
public final class ExitCodes {
  /** Done as asked. */
  public static final int OK = 0;
  /**
   * Failed: the kernel, the status store or the network's state refused (see the message); also an
   * unsafe state directory and a stored status that is missing, damaged or does not match the
   * network's record (the message names the path).
   */
  public static final int FAILED = 1;
  /** Bad usage or an invalid value (a rate, a MAC, a name): nothing was changed. */
  public static final int USAGE = 2;
  /** Refused by a rule: admission (floors would exceed the capacity), a conflict, no such interface. */
  public static final int REFUSED = 3;

  private ExitCodes() {}
}
