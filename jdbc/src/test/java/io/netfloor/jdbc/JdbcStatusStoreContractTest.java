// SPDX-License-Identifier: Apache-2.0
package io.netfloor.jdbc;

import io.netfloor.spi.StatusStore;
import org.postgresql.ds.PGSimpleDataSource;

/** The store contract on a real PostgreSQL server, each test in a schema of its own. */
class JdbcStatusStoreContractTest extends StatusStoreContract {

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
