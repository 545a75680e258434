// SPDX-License-Identifier: Apache-2.0
package io.netfloor.testkit.kernel;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Runs a command on the host, for what a kernel test needs besides {@code ip} and {@code tc} in its
 * namespace (bind mounts, file permissions, a child JVM). {@code ip} and {@code tc} go through a
 * {@link TestNamespace}, which keeps them inside the namespace.
 */
public final class Command {
  /** How long a command may run before it is killed and the test fails. */
  public static final long TIMEOUT_SECONDS = 60;

  private Command() {}

  /**
   * Runs {@code command} (no shell) and returns what it printed on stdout.
   *
   * @param command the program and its arguments
   * @return the command's standard output
   * @throws IllegalStateException with the command and its stderr if it exits non-zero, cannot
   *     start or runs longer than {@value #TIMEOUT_SECONDS} seconds; a test that probes the kernel
   *     (does it have sfq?) catches it
   */
  public static String run(String... command) {
    return runWithInput(null, List.of(command));
  }

  /** Runs {@code command} with {@code input} (if not null) on its stdin; see {@link #run}. */
  static String runWithInput(String input, List<String> command) {
    String line = String.join(" ", command);
    Process p;
    try {
      p = new ProcessBuilder(command).start();
    } catch (IOException e) {
      throw new IllegalStateException("cannot run " + line + " (is it installed?)", e);
    }
    // both pipes drain while the command runs: a full stderr pipe must not stall it
    CompletableFuture<String> out = CompletableFuture.supplyAsync(() -> read(p.getInputStream()));
    CompletableFuture<String> err = CompletableFuture.supplyAsync(() -> read(p.getErrorStream()));
    try {
      try (var stdin = p.getOutputStream()) {
        if (input != null) {
          stdin.write(input.getBytes(StandardCharsets.UTF_8));
        }
      }
      if (!p.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new IllegalStateException("timed out after " + TIMEOUT_SECONDS + " s: " + line);
      }
      if (p.exitValue() != 0) {
        throw new IllegalStateException("exit " + p.exitValue() + ": " + line + "\n" + err.join());
      }
      return out.join();
    } catch (IOException e) {
      throw new IllegalStateException("cannot write the input of " + line, e);
    } catch (InterruptedException e) {
      p.destroyForcibly();
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted: " + line, e);
    }
  }

  private static String read(InputStream in) {
    try (in) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
