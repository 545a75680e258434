// SPDX-License-Identifier: Apache-2.0
package io.netfloor.jdbc;

import io.netfloor.spi.StatusStoreException;

/**
 * A host tried to read or write the status of a network that another host owns in the shared
 * database. Nothing was changed. Two hosts must not shape a network of the same name: rename one,
 * or have the owner {@code stop} (delete) it first.
 */
public class NetworkOwnedByOtherHostException extends StatusStoreException {
  /** The network whose rows were refused. */
  private final String network;
  /** The host id that owns the network's rows. */
  private final String owner;
  /** The host id this store acts for. */
  private final String actingHost;

  /**
   * Creates the exception; its message names all three and says how to resolve the conflict.
   *
   * @param network the network's name
   * @param owner the id of the host that owns the network's rows
   * @param actingHost the id of the host that tried to read or write them
   */
  public NetworkOwnedByOtherHostException(String network, String owner, String actingHost) {
    super("network '" + network + "' is owned by host '" + owner + "' in the database; host '"
        + actingHost + "' may not read or write it (stop it on '" + owner
        + "' first, or give this host's network another name)");
    this.network = network;
    this.owner = owner;
    this.actingHost = actingHost;
  }

  /**
   * The network whose rows were refused.
   *
   * @return the network's name
   */
  public String network() {
    return network;
  }

  /**
   * The host that owns the network's rows.
   *
   * @return that host's id
   */
  public String owner() {
    return owner;
  }

  /**
   * The host this store acts for.
   *
   * @return that host's id
   */
  public String actingHost() {
    return actingHost;
  }
}
