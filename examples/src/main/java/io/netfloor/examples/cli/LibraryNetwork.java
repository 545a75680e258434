// SPDX-License-Identifier: Apache-2.0
package io.netfloor.examples.cli;

import io.netfloor.model.FilterLayout;
import io.netfloor.model.HtbTree;
import io.netfloor.model.NetworkStatus;
import io.netfloor.model.PluggedInterface;
import java.util.Optional;

/**
 * A network whose status is in the state directory's store but which has no CLI record: a program
 * embedding the library, sharing the store, started or adopted it ({@code NetworkShaper.start} or
 * {@code adopt}).
 *
 * <p>The store keeps what must survive a restart (the bridge, which interface holds which class,
 * filter and bandwidth), not the network's config: its inbound limits, EtherType match, admission
 * rule and leaf qdisc live in the program. So {@code status} and {@code tree} show such a network
 * from the store and the kernel, saying its config is unknown, and the commands that change it
 * refuse, telling how to bring it under the CLI ({@code netfloor start} with the program's config
 * keeps its interfaces).
 */
final class LibraryNetwork {
  /** What status and tree say instead of the config. */
  static final String CONFIG_UNKNOWN = "adopted through the library, config unknown";

  private LibraryNetwork() {}

  /**
   * The filter layout the stored filters are in, if any interface has one: the layouts use
   * disjoint u32 tables (libvirt's nodes in the root table 800:, hashed ones in table 10:).
   */
  static Optional<FilterLayout> layoutOf(NetworkStatus status) {
    for (PluggedInterface p : status.interfaces().values()) {
      if (p.filterHandle().isPresent()) {
        return Optional.of(p.filterHandle().get().htid() == HtbTree.HASH_TABLE_ID
            ? FilterLayout.HASHED : FilterLayout.LIBVIRT_LINEAR);
      }
    }
    return Optional.empty();
  }

  /** "netfloor start --network N --bridge B --average RATE [--layout libvirt] [--netns NS]". */
  static String startCommand(NetworkStatus status, String netns) {
    return "netfloor start --network " + status.network() + " --bridge " + status.bridge()
        + " --average RATE" + (layoutOf(status).orElse(FilterLayout.HASHED)
            == FilterLayout.LIBVIRT_LINEAR ? " --layout libvirt" : "")
        + (netns == null ? "" : " --netns " + netns);
  }

  /** The refusal of a command that needs the network's config. */
  static CliException refusal(StateDir state, NetworkStatus status, String netns, String command) {
    return new CliException(ExitCodes.FAILED, "network '" + status.network() + "' is "
        + CONFIG_UNKNOWN + ": its status is in " + state.statusDirectory() + " but netfloor has"
        + " no record of it, so '" + command + "' cannot change it ('netfloor status' and 'tree'"
        + " show it); to manage it with netfloor, run '" + startCommand(status, netns)
        + "' with the config the program uses (its interfaces are kept)");
  }
}
