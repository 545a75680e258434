// SPDX-License-Identifier: Apache-2.0
package io.netfloor.shaping;

import io.netfloor.model.Bandwidth;
import io.netfloor.model.InterfaceAlias;
import io.netfloor.model.PluggedInterface;
import io.netfloor.units.MacAddress;
import java.util.Objects;

/**
 * One interface of a {@link NetworkShaper#plugAll batch of plugs}: what
 * {@link NetworkShaper#plug(String, MacAddress, Bandwidth)} takes.
 *
 * @param alias the interface's alias, unique in the network
 * @param mac the interface's MAC address
 * @param bandwidth its limits and floor
 */
public record PlugRequest(String alias, MacAddress mac, Bandwidth bandwidth) {
  /**
   * Checks the alias.
   *
   * @param alias the interface's alias, unique in the network
   * @param mac the interface's MAC address
   * @param bandwidth its limits and floor
   * @throws io.netfloor.InvalidValueException if the alias is not a valid interface alias
   */
  public PlugRequest {
    InterfaceAlias.of(alias).value();
    Objects.requireNonNull(mac, "mac");
    Objects.requireNonNull(bandwidth, "bandwidth");
  }
}
