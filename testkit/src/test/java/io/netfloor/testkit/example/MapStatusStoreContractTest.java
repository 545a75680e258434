// SPDX-License-Identifier: Apache-2.0
package io.netfloor.testkit.example;

import io.netfloor.spi.StatusStore;
import io.netfloor.testkit.StatusStoreContract;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** The custom store of the README passes the store contract. */
class MapStatusStoreContractTest extends StatusStoreContract {
  @Override
  protected Storage newStorage() {
    Map<String, List<byte[]>> map = new ConcurrentHashMap<>(); // outlives each store instance
    return () -> new MapStatusStore(map);
  }
}
