// SPDX-License-Identifier: Apache-2.0
/**
 * NetFloor's status store on PostgreSQL (plain JDBC): one host's networks in rows of a shared
 * database, ownership enforced by the database, and a read-only inventory view for placement.
 */
module io.netfloor.jdbc {
  requires transitive io.netfloor.api;
  requires transitive java.sql;
  requires org.postgresql.jdbc;

  exports io.netfloor.jdbc;
}
