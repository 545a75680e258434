// SPDX-License-Identifier: Apache-2.0
package io.netfloor.examples.cli;

import java.nio.file.Path;
import picocli.CommandLine.Option;

/** Options every network command takes. */
public final class CommonOptions {
  @Option(names = "--network", paramLabel = "NAME", defaultValue = "default",
      description = "The network (one bridge). Default: ${DEFAULT-VALUE}.")
  String network;

  @Option(names = "--state-dir", paramLabel = "DIR",
      defaultValue = "${env:NETFLOOR_STATE_DIR:-/var/lib/netfloor}",
      description = "Where network definitions and the crash-safe status live (created 0700)."
          + " Default: $NETFLOOR_STATE_DIR or /var/lib/netfloor.")
  Path stateDir;

  // -n is the namespace, as in 'ip -n NAME' and 'tc -n NAME'
  @Option(names = {"-n", "--netns"}, paramLabel = "NAME",
      converter = Converters.NamespaceName.class,
      description = "Network namespace of the bridge (as 'ip netns' names it; -n as in 'ip -n')."
          + " Given to 'start', it is remembered for the network.")
  String netns;

  @Option(names = "--json", description = "Machine-readable output: one JSON document on stdout"
      + " (schema " + CliJson.SCHEMA + ", docs/CLI.md), also for errors.")
  boolean json;

  @Option(names = {"-v", "--verbose"}, description = "Log what NetFloor does; stack traces on errors.")
  boolean verbose;
}
