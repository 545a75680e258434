// SPDX-License-Identifier: Apache-2.0
package io.netfloor.jdbc;

import io.netfloor.spi.StatusStore;
import java.sql.SQLException;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * The store contract on a real PostgreSQL server. Each test (each try of a property) has a schema
 * to itself; a finished one is emptied and handed to the next, since creating the schema for each
 * of hundreds of tries would dominate the run.
 */
class JdbcStatusStoreContractTest extends StatusStoreContract {
  private static final Queue<PGSimpleDataSource> EMPTIED = new ConcurrentLinkedQueue<>();

  @Override
  protected Storage newStorage() {
    PGSimpleDataSource reused = EMPTIED.poll();
    PGSimpleDataSource ds = reused != null ? reused : TestPostgres.freshSchema();
    return new Storage() {
      @Override
      public StatusStore open() {
        return JdbcStatusStore.open(ds, "host-a");
      }

      @Override
      public void close() {
        try {
          TestPostgres.execute(ds, "TRUNCATE netfloor_hosts, netfloor_networks, netfloor_interfaces,"
              + " netfloor_parked");
          EMPTIED.add(ds);
        } catch (SQLException e) {
          TestPostgres.dropSchema(ds); // never opened: no tables to empty
        }
      }
    };
  }
}
