// SPDX-License-Identifier: Apache-2.0
package io.netfloor.examples.fleet;

import static org.assertj.core.api.Assertions.assertThat;

import io.netfloor.examples.demo.Ip;
import io.netfloor.testkit.kernel.TestNamespace;
import io.netfloor.units.Rate;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The fleet example at full size on the real kernel: 10 hosts (namespaces), 200 VMs, one
 * PostgreSQL server. No plug is refused (a refusal would throw out of {@code place}), the VMs that
 * fit nowhere are refused at placement and really fit nowhere, and every kernel equals the database.
 */
class FleetOrchestratorExampleIT {

  @Test
  void twoHundredVmsOnTenHostsPlacedFromTheInventory() throws Exception {
    TestNamespace.assumeRoot();
    String prefix;
    try (LocalPostgres pg = LocalPostgres.start()) {
      try (FleetOrchestratorExample fleet = FleetOrchestratorExample.start(pg.dataSource(), 10,
          Rate.ofMegabits(1000))) {
        prefix = fleet.hosts().values().iterator().next().namespace().replaceAll("-h1$", "");
        FleetOrchestratorExample.Outcome o = fleet.placeAll(200, 1);

        assertThat(o.placed().size() + o.refused().size()).isEqualTo(200);
        assertThat(o.placed()).hasSizeGreaterThan(150);
        assertThat(o.refused()).as("demand (~11 Gbit/s) exceeds the fleet's 10 Gbit/s")
            .isNotEmpty();
        assertThat(o.kernelsMatchDatabase()).as("%s", o.databaseAndKernel()).isTrue();
        for (String host : fleet.hosts().keySet()) {
          assertThat(o.databaseAndKernel().get(host + "/kernel"))
              .isEqualTo(o.databaseAndKernel().get(host + "/db"));
        }
        // the database holds exactly the placements
        Map<String, Long> placedPerHost = new HashMap<>();
        o.placed().forEach(p -> placedPerHost.merge(p.host(), p.floor().bitsPerSecond(), Long::sum));
        long maxRemaining = 0;
        try (Connection c = pg.dataSource().getConnection(); Statement s = c.createStatement();
            ResultSet rs = s.executeQuery("SELECT host, allotted_bps, remaining_bps, capacity_bps"
                + " FROM netfloor_inventory")) {
          int rows = 0;
          while (rs.next()) {
            rows++;
            assertThat(rs.getBigDecimal(2).longValueExact()).as(rs.getString(1))
                .isEqualTo(placedPerHost.getOrDefault(rs.getString(1), 0L));
            assertThat(rs.getBigDecimal(2).longValueExact()).isLessThanOrEqualTo(rs.getLong(4));
            maxRemaining = Math.max(maxRemaining, rs.getBigDecimal(3).longValueExact());
          }
          assertThat(rows).isEqualTo(10);
        }
        // a refused VM did not fit anywhere (remaining floor only shrinks during the run)
        for (String refused : o.refused()) {
          Rate floor = Rate.parse(refused.replaceAll(".*\\((.*)\\)", "$1"));
          assertThat(floor.bitsPerSecond()).as(refused).isGreaterThan(maxRemaining);
        }
      }
      try (Connection c = pg.dataSource().getConnection(); Statement s = c.createStatement();
          ResultSet rs = s.executeQuery("SELECT count(*) FROM netfloor_inventory")) {
        rs.next();
        assertThat(rs.getInt(1)).as("stopped networks leave no rows").isZero();
      }
    }
    assertThat(Ip.namespaces()).noneMatch(n -> n.startsWith(prefix));
  }
}
