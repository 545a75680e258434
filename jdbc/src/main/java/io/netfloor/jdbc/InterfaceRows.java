// SPDX-License-Identifier: Apache-2.0
package io.netfloor.jdbc;

import io.netfloor.model.Bandwidth;
import io.netfloor.model.Limits;
import io.netfloor.model.PluggedInterface;
import io.netfloor.model.Priority;
import io.netfloor.plan.U32Handle;
import io.netfloor.units.ByteSize;
import io.netfloor.units.InterfaceName;
import io.netfloor.units.MacAddress;
import io.netfloor.units.Rate;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.util.Arrays;
import java.util.Collection;
import java.util.Collections;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * A {@link PluggedInterface} as one row of {@code netfloor_interfaces}: every field in a typed
 * column (rates in bit/s, sizes in bytes, the u32 handle as the kernel packs it), so that SQL can
 * read what a status holds.
 */
final class InterfaceRows {
  static final String COLUMNS = "alias, mac, class_minor, filter_handle, device, in_average_bps,"
      + " in_peak_bps, in_burst_bytes, in_floor_bps, out_average_bps, out_peak_bps, out_burst_bytes,"
      + " out_floor_bps, priority";

  /** The JDBC type of each of {@link #COLUMNS}, in order (first: the statements below count it). */
  private static final int[] TYPES = {Types.VARCHAR, Types.VARCHAR, Types.INTEGER, Types.INTEGER,
      Types.VARCHAR, Types.BIGINT, Types.BIGINT, Types.BIGINT, Types.BIGINT, Types.BIGINT,
      Types.BIGINT, Types.BIGINT, Types.BIGINT, Types.SMALLINT};
  /** How many columns {@link #COLUMNS} names: the parameters {@link #bind} sets. */
  static final int COLUMN_COUNT = TYPES.length;

  private static final String[] ARRAY_TYPES = {"text", "text", "int4", "int4", "text", "int8",
      "int8", "int8", "int8", "int8", "int8", "int8", "int8", "int2"};

  /** Inserts or replaces one row; parameters 1–2 network and host, then {@link #COLUMNS}. */
  static final String UPSERT = "INSERT INTO netfloor_interfaces (network, host_id, " + COLUMNS
      + ") VALUES (?, ?, " + String.join(", ", Collections.nCopies(COLUMN_COUNT, "?"))
      + ") ON CONFLICT (network, alias) DO UPDATE"
      + " SET mac = EXCLUDED.mac, class_minor = EXCLUDED.class_minor,"
      + " filter_handle = EXCLUDED.filter_handle, device = EXCLUDED.device,"
      + " in_average_bps = EXCLUDED.in_average_bps, in_peak_bps = EXCLUDED.in_peak_bps,"
      + " in_burst_bytes = EXCLUDED.in_burst_bytes, in_floor_bps = EXCLUDED.in_floor_bps,"
      + " out_average_bps = EXCLUDED.out_average_bps, out_peak_bps = EXCLUDED.out_peak_bps,"
      + " out_burst_bytes = EXCLUDED.out_burst_bytes, out_floor_bps = EXCLUDED.out_floor_bps,"
      + " priority = EXCLUDED.priority";

  /**
   * Inserts many rows in one statement (one run of the inventory trigger, one round trip): the
   * columns as arrays, parameters 1–2 network and host.
   */
  static final String INSERT_ALL = "INSERT INTO netfloor_interfaces (network, host_id, " + COLUMNS
      + ") SELECT ?, ?, * FROM unnest(" + Arrays.stream(ARRAY_TYPES).map(t -> "?::" + t + "[]")
          .collect(Collectors.joining(", ")) + ")";

  private InterfaceRows() {}

  /** The column values of {@code p}, in the order of {@link #COLUMNS}. */
  static Object[] values(PluggedInterface p) {
    Optional<Limits> in = p.bandwidth().inbound();
    Optional<Limits> out = p.bandwidth().outbound();
    return new Object[] {p.alias().value(), p.mac().toString(), p.classMinor(),
        p.filterHandle().map(U32Handle::toBits).orElse(null),
        p.device().map(InterfaceName::value).orElse(null),
        bits(in.flatMap(Limits::average)), bits(in.flatMap(Limits::peak)),
        bytes(in.flatMap(Limits::burst)), bits(in.flatMap(Limits::floor)),
        bits(out.flatMap(Limits::average)), bits(out.flatMap(Limits::peak)),
        bytes(out.flatMap(Limits::burst)), bits(out.flatMap(Limits::floor)),
        p.bandwidth().priority().map(Priority::value).orElse(null)};
  }

  /** Binds {@code p}'s values from parameter {@code first} on. */
  static void bind(PreparedStatement ps, int first, PluggedInterface p) throws SQLException {
    Object[] v = values(p);
    for (int i = 0; i < v.length; i++) {
      if (v[i] == null) {
        ps.setNull(first + i, TYPES[i]);
      } else {
        ps.setObject(first + i, v[i], TYPES[i]);
      }
    }
  }

  /** Binds the columns of all {@code rows} as arrays from parameter {@code first} on. */
  static void bindArrays(Connection c, PreparedStatement ps, int first,
      Collection<PluggedInterface> rows) throws SQLException {
    Object[][] columns = new Object[TYPES.length][rows.size()];
    int r = 0;
    for (PluggedInterface p : rows) {
      Object[] v = values(p);
      for (int i = 0; i < v.length; i++) {
        columns[i][r] = v[i];
      }
      r++;
    }
    for (int i = 0; i < TYPES.length; i++) {
      Array a = c.createArrayOf(ARRAY_TYPES[i], columns[i]);
      ps.setArray(first + i, a);
    }
  }

  /**
   * The interface a row (selected as {@link #COLUMNS}) stands for.
   *
   * @throws io.netfloor.NetFloorException (an invalid value) when the row breaks a rule of the model
   */
  static PluggedInterface read(ResultSet rs) throws SQLException {
    String alias = rs.getString(1);
    MacAddress mac = MacAddress.parse(rs.getString(2));
    int classMinor = rs.getInt(3);
    Optional<U32Handle> handle = Optional.ofNullable(integer(rs, 4)).map(U32Handle::fromBits);
    Optional<InterfaceName> device = Optional.ofNullable(rs.getString(5)).map(InterfaceName::of);
    Optional<Rate> inAvg = rate(rs, 6);
    Optional<Rate> inFloor = rate(rs, 9);
    Optional<Limits> in = inAvg.isEmpty() && inFloor.isEmpty() ? Optional.empty()
        : Optional.of(new Limits(inAvg, rate(rs, 7), size(rs, 8), inFloor));
    Optional<Rate> outAvg = rate(rs, 10);
    Optional<Rate> outFloor = rate(rs, 13);
    Optional<Limits> out = outAvg.isEmpty() && outFloor.isEmpty() ? Optional.empty()
        : Optional.of(new Limits(outAvg, rate(rs, 11), size(rs, 12), outFloor));
    Optional<Priority> priority = Optional.ofNullable(integer(rs, 14)).map(Priority::of);
    return new PluggedInterface(alias, mac, new Bandwidth(in, out, priority), classMinor, handle,
        device);
  }

  private static Long bits(Optional<Rate> r) {
    return r.map(Rate::bitsPerSecond).orElse(null);
  }

  private static Long bytes(Optional<ByteSize> s) {
    return s.map(ByteSize::bytes).orElse(null);
  }

  private static Integer integer(ResultSet rs, int column) throws SQLException {
    int v = rs.getInt(column);
    return rs.wasNull() ? null : v;
  }

  private static Optional<Rate> rate(ResultSet rs, int column) throws SQLException {
    long v = rs.getLong(column);
    return rs.wasNull() ? Optional.empty() : Optional.of(Rate.ofBitsPerSecond(v));
  }

  private static Optional<ByteSize> size(ResultSet rs, int column) throws SQLException {
    long v = rs.getLong(column);
    return rs.wasNull() ? Optional.empty() : Optional.of(ByteSize.ofBytes(v));
  }
}
