// SPDX-License-Identifier: Apache-2.0
package io.netfloor.persistence;

import io.netfloor.spi.StatusStore;
import io.netfloor.testkit.StatusStoreContract;

/**
 * The in-memory store passes the store contract, for the lifetime of one instance: nothing
 * survives the process, so its "fresh instance over the same storage" is the same instance (which
 * a restart of the host application does not close either).
 */
class InMemoryStatusStoreContractTest extends StatusStoreContract {
  @Override
  protected Storage newStorage() {
    InMemoryStatusStore store = new InMemoryStatusStore();
    return new Storage() {
      @Override
      public StatusStore open() {
        return store;
      }

      @Override
      public void abandon(StatusStore abandoned) {
        // the instance is the storage: it stays open, as memory survives no restart to begin with
      }

      @Override
      public void close() {
        store.close();
      }
    };
  }
}
