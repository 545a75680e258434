// SPDX-License-Identifier: Apache-2.0
/**
 * Fleet state in PostgreSQL: {@link io.netfloor.jdbc.JdbcStatusStore} keeps every host's network
 * status in one database, each network owned by one host (enforced by the database), and maintains
 * the read-only view {@code netfloor_inventory} (capacity, allotted and remaining floor per host and
 * network) that an orchestrator queries to place a VM where its floor fits.
 */
package io.netfloor.jdbc;
