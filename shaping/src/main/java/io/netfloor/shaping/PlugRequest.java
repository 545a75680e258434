// SPDX-License-Identifier: Apache-2.0
package io.netfloor.shaping;

import io.netfloor.model.Bandwidth;
import io.netfloor.model.PluggedInterface;
import io.netfloor.units.MacAddress;
import java.util.Objects;

/**
 * One interface of a {@link NetworkShaper#plugAll batch of plugs}: what
 * {@link NetworkShaper#plug(String, MacAddress, Bandwidth)} takes.
 */
public record PlugRequest(String alias, MacAddress mac, Bandwidth bandwidth) {
  /** @throws io.netfloor.InvalidValueException if the alias is not a valid interface alias */
  public PlugRequest {
    PluggedInterface.checkAlias(alias);
    Objects.requireNonNull(mac, "mac");
    Objects.requireNonNull(bandwidth, "bandwidth");
  }
}
