// SPDX-License-Identifier: Apache-2.0
package io.netfloor.examples.cli;

import io.netfloor.testkit.kernel.TestNamespace;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;

/**
 * The base of CLI tests against a real bridge: each test gets a throwaway namespace with a bridge
 * {@code br0} and a veth port {@code vnet1} on it, removed after it even when it fails, and a
 * temporary directory for its state directories.
 */
abstract class CliOnBridge {
  @TempDir
  Path tmp;

  /** The test's namespace; null only if creating it failed. */
  TestNamespace ns;

  @BeforeEach
  final void createNamespace() {
    ns = TestNamespace.withBridge();
    ns.veth("br0", "vnet1", "vnet1p");
  }

  @AfterEach
  final void removeNamespace() {
    if (ns != null) {
      ns.close();
    }
  }

  /**
   * Runs {@code netfloor args… --network network --state-dir <tmp>/stateDir} in-process.
   *
   * @param stateDir the state directory's name below the test's temporary directory
   */
  Run cli(String network, String stateDir, String... args) {
    List<String> all = new ArrayList<>(List.of(args));
    all.addAll(List.of("--network", network, "--state-dir", tmp.resolve(stateDir).toString()));
    return Run.of(all.toArray(String[]::new));
  }
}
