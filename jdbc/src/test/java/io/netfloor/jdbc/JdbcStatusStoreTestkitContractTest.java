// SPDX-License-Identifier: Apache-2.0
package io.netfloor.jdbc;

import io.netfloor.spi.StatusStore;
import io.netfloor.testkit.StatusStoreContract;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * The published store contract (the one a custom store runs) on a real PostgreSQL server, one
 * fresh schema per test, dropped afterwards.
 */
class JdbcStatusStoreTestkitContractTest extends StatusStoreContract {
  @Override
  protected Storage newStorage() {
    PGSimpleDataSource ds = TestPostgres.freshSchema();
    return new Storage() {
      @Override
      public StatusStore open() {
        return JdbcStatusStore.open(ds, "host-a");
      }

      @Override
      public void close() {
        TestPostgres.dropSchema(ds);
      }
    };
  }
}
