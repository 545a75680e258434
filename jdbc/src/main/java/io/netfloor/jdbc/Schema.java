// SPDX-License-Identifier: Apache-2.0
package io.netfloor.jdbc;

import io.netfloor.spi.StatusStoreException;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;

/**
 * The store's tables, created and migrated by the store itself: {@code netfloor_schema_version}
 * lists the migrations applied; each migration is applied once, in one transaction, under an advisory
 * lock so that stores of several hosts opening an empty database at once do not race.
 */
final class Schema {
  /** SQLSTATE of the ownership trigger: a host wrote a network another host owns. */
  static final String FOREIGN_OWNER_STATE = "NF001";
  /** SQLSTATE of a write to the read-only inventory view. */
  static final String READ_ONLY_STATE = "NF002";

  /** Arbitrary, fixed key of the advisory lock that serialises migrations. */
  private static final long MIGRATION_LOCK = 0x4e46_4a44_4243_0001L;

  /** Migration {@code i + 1} is {@code MIGRATIONS.get(i)}; append only, never edit a released one. */
  static final List<List<String>> MIGRATIONS = List.of(List.of(
      """
      CREATE TABLE netfloor_hosts (
        host_id text PRIMARY KEY,
        registered_at timestamptz NOT NULL DEFAULT now())
      """,
      // one row per network: its owner, and the derived numbers the inventory reads
      """
      CREATE TABLE netfloor_networks (
        network text PRIMARY KEY,
        host_id text NOT NULL REFERENCES netfloor_hosts,
        bridge text NOT NULL,
        capacity_bps bigint CHECK (capacity_bps >= 0),
        allotted_bps numeric NOT NULL DEFAULT 0 CHECK (allotted_bps >= 0),
        interface_count integer NOT NULL DEFAULT 0 CHECK (interface_count >= 0),
        updated_at timestamptz NOT NULL DEFAULT now(),
        UNIQUE (network, host_id))
      """,
      // the owner is part of each child row's key to its network: a row cannot hang under a
      // network of another host
      """
      CREATE TABLE netfloor_interfaces (
        network text NOT NULL,
        host_id text NOT NULL,
        alias text NOT NULL,
        mac text NOT NULL,
        class_minor integer NOT NULL,
        filter_handle integer,
        device text,
        in_average_bps bigint,
        in_peak_bps bigint,
        in_burst_bytes bigint,
        in_floor_bps bigint,
        out_average_bps bigint,
        out_peak_bps bigint,
        out_burst_bytes bigint,
        PRIMARY KEY (network, alias),
        FOREIGN KEY (network, host_id) REFERENCES netfloor_networks (network, host_id)
          ON DELETE CASCADE)
      """,
      """
      CREATE TABLE netfloor_parked (
        network text NOT NULL,
        host_id text NOT NULL,
        class_id integer NOT NULL,
        PRIMARY KEY (network, class_id),
        FOREIGN KEY (network, host_id) REFERENCES netfloor_networks (network, host_id)
          ON DELETE CASCADE)
      """,
      // every write names the host it acts for (set_config('netfloor.host_id', ..., true) in its
      // transaction); the database refuses a write to a row of another host, and a change of owner
      """
      CREATE FUNCTION netfloor_check_owner() RETURNS trigger LANGUAGE plpgsql AS $$
      DECLARE
        acting text := current_setting('netfloor.host_id', true);
        owner text;
        net text;
      BEGIN
        IF TG_OP = 'DELETE' THEN
          owner := OLD.host_id; net := OLD.network;
        ELSE
          owner := NEW.host_id; net := NEW.network;
          IF TG_OP = 'UPDATE' AND OLD.host_id IS DISTINCT FROM NEW.host_id THEN
            owner := OLD.host_id;
          END IF;
        END IF;
        IF acting IS NULL OR acting = '' OR acting IS DISTINCT FROM owner THEN
          RAISE EXCEPTION 'network % is owned by host %, not by host %', net, owner,
            coalesce(nullif(acting, ''), '(none)')
            USING ERRCODE = 'NF001', DETAIL = owner;
        END IF;
        RETURN CASE WHEN TG_OP = 'DELETE' THEN OLD ELSE NEW END;
      END $$
      """,
      """
      CREATE TRIGGER netfloor_networks_owner BEFORE INSERT OR UPDATE OR DELETE ON netfloor_networks
        FOR EACH ROW EXECUTE FUNCTION netfloor_check_owner()
      """,
      """
      CREATE TRIGGER netfloor_interfaces_owner BEFORE INSERT OR UPDATE OR DELETE
        ON netfloor_interfaces FOR EACH ROW EXECUTE FUNCTION netfloor_check_owner()
      """,
      """
      CREATE TRIGGER netfloor_parked_owner BEFORE INSERT OR UPDATE OR DELETE ON netfloor_parked
        FOR EACH ROW EXECUTE FUNCTION netfloor_check_owner()
      """,
      // the inventory's numbers follow the interface rows in the same statement, so they can never
      // disagree with them (whoever writes the rows)
      """
      CREATE FUNCTION netfloor_count_floors() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF TG_OP IN ('INSERT', 'UPDATE') THEN
          UPDATE netfloor_networks n
             SET allotted_bps = n.allotted_bps + d.floors, interface_count = n.interface_count + d.cnt,
                 updated_at = now()
            FROM (SELECT network, sum(coalesce(in_floor_bps, 0)) AS floors, count(*) AS cnt
                    FROM new_rows GROUP BY network) d
           WHERE n.network = d.network;
        END IF;
        IF TG_OP IN ('DELETE', 'UPDATE') THEN
          UPDATE netfloor_networks n
             SET allotted_bps = n.allotted_bps - d.floors, interface_count = n.interface_count - d.cnt,
                 updated_at = now()
            FROM (SELECT network, sum(coalesce(in_floor_bps, 0)) AS floors, count(*) AS cnt
                    FROM old_rows GROUP BY network) d
           WHERE n.network = d.network;
        END IF;
        RETURN NULL;
      END $$
      """,
      """
      CREATE TRIGGER netfloor_interfaces_floors_ins AFTER INSERT ON netfloor_interfaces
        REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION netfloor_count_floors()
      """,
      """
      CREATE TRIGGER netfloor_interfaces_floors_upd AFTER UPDATE ON netfloor_interfaces
        REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
        FOR EACH STATEMENT EXECUTE FUNCTION netfloor_count_floors()
      """,
      """
      CREATE TRIGGER netfloor_interfaces_floors_del AFTER DELETE ON netfloor_interfaces
        REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION netfloor_count_floors()
      """,
      """
      CREATE VIEW netfloor_inventory AS
        SELECT host_id AS host, network, bridge, capacity_bps, allotted_bps,
               CASE WHEN capacity_bps IS NULL THEN NULL
                    ELSE greatest(capacity_bps - allotted_bps, 0) END AS remaining_bps,
               interface_count AS interfaces
          FROM netfloor_networks
      """,
      """
      CREATE FUNCTION netfloor_inventory_read_only() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        RAISE EXCEPTION 'netfloor_inventory is read-only: it follows the status each host records'
          USING ERRCODE = 'NF002';
      END $$
      """,
      """
      CREATE TRIGGER netfloor_inventory_read_only INSTEAD OF INSERT OR UPDATE OR DELETE
        ON netfloor_inventory FOR EACH ROW EXECUTE FUNCTION netfloor_inventory_read_only()
      """),
      // 2: a network's inbound limits as last resized while it ran (NetworkStatus.inbound), and
      // which of them its floor capacity is (from describe), so that the inventory's capacity
      // follows a resize without another describe
      List.of(
      """
      ALTER TABLE netfloor_networks
        ADD COLUMN inbound_average_bps bigint CHECK (inbound_average_bps >= 0),
        ADD COLUMN inbound_peak_bps bigint CHECK (inbound_peak_bps >= 0),
        ADD COLUMN inbound_burst_bytes bigint CHECK (inbound_burst_bytes > 0),
        ADD COLUMN capacity_limit text CHECK (capacity_limit IN ('average', 'peak')),
        ADD CONSTRAINT netfloor_networks_inbound_has_average
          CHECK (inbound_average_bps IS NOT NULL
                 OR (inbound_peak_bps IS NULL AND inbound_burst_bytes IS NULL))
      """,
      // the view keeps its columns; its capacity is the resized limit when there is one
      """
      CREATE OR REPLACE VIEW netfloor_inventory AS
        SELECT host, network, bridge, capacity_bps, allotted_bps,
               CASE WHEN capacity_bps IS NULL THEN NULL
                    ELSE greatest(capacity_bps - allotted_bps, 0) END AS remaining_bps,
               interfaces
          FROM (SELECT host_id AS host, network, bridge,
                       CASE WHEN inbound_average_bps IS NULL OR capacity_limit IS NULL
                              THEN capacity_bps
                            WHEN capacity_limit = 'peak'
                              THEN coalesce(inbound_peak_bps, inbound_average_bps)
                            ELSE inbound_average_bps END AS capacity_bps,
                       allotted_bps, interface_count AS interfaces
                  FROM netfloor_networks) n
      """),
      // 3: an interface's outbound floor (guaranteed on the network's outbound floor tree)
      List.of(
      """
      ALTER TABLE netfloor_interfaces
        ADD COLUMN out_floor_bps bigint CHECK (out_floor_bps > 0)
      """),
      // 4: an interface's HTB priority (Bandwidth.priority), null without one
      List.of(
      """
      ALTER TABLE netfloor_interfaces
        ADD COLUMN priority smallint CHECK (priority BETWEEN 0 AND 7)
      """));

  private Schema() {}

  /** The schema version this code writes. */
  static int currentVersion() {
    return MIGRATIONS.size();
  }

  /**
   * Brings the connection's schema to {@link #currentVersion()}.
   *
   * @throws StatusStoreException if the database holds a newer schema than this code knows
   */
  static void migrate(Connection c) throws SQLException {
    c.setAutoCommit(false);
    try (Statement s = c.createStatement()) {
      s.execute("SELECT pg_advisory_xact_lock(" + MIGRATION_LOCK + ")");
      s.execute("CREATE TABLE IF NOT EXISTS netfloor_schema_version ("
          + "version integer PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())");
      int version;
      try (ResultSet rs = s.executeQuery("SELECT coalesce(max(version), 0) FROM netfloor_schema_version")) {
        rs.next();
        version = rs.getInt(1);
      }
      if (version > currentVersion()) {
        c.rollback();
        throw new StatusStoreException("the database's NetFloor schema is version " + version
            + ", newer than this NetFloor knows (" + currentVersion() + "): upgrade NetFloor");
      }
      for (int v = version + 1; v <= currentVersion(); v++) {
        for (String sql : MIGRATIONS.get(v - 1)) {
          s.execute(sql);
        }
        s.execute("INSERT INTO netfloor_schema_version (version) VALUES (" + v + ")");
      }
      c.commit();
    } catch (SQLException | RuntimeException e) {
      c.rollback();
      throw e;
    }
  }
}
