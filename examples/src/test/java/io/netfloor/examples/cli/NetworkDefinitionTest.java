// SPDX-License-Identifier: Apache-2.0
package io.netfloor.examples.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.netfloor.model.AdmissionLimit;
import io.netfloor.model.FilterLayout;
import io.netfloor.model.NetworkConfig;
import io.netfloor.model.TrafficMatch;
import io.netfloor.plan.LeafQdiscKind;
import io.netfloor.units.Rate;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The network record in the state directory: what later commands build the network from. */
class NetworkDefinitionTest {
  @TempDir
  Path tmp;

  @Test
  void aRecordWrittenBeforeTheOptionsExistedReadsWithTheDefaults() throws IOException {
    StateDir state = new StateDir(tmp);
    state.create();
    Files.writeString(tmp.resolve("networks/old.json"), "{\"name\":\"old\",\"bridge\":\"br0\","
        + "\"average\":\"100mbit\",\"layout\":\"hashed\"}");
    NetworkDefinition old = state.read("old").orElseThrow();
    NetworkConfig c = old.toConfig();
    assertThat(c.trafficMatch()).isEqualTo(TrafficMatch.ALL_ETHERTYPES);
    assertThat(c.admissionLimit()).isEqualTo(AdmissionLimit.AVERAGE);
    assertThat(c.leafQdisc()).isEqualTo(LeafQdiscKind.FQ_CODEL);
    assertThat(c.bandwidth().outbound()).isEmpty();
    // 'start' with the same values and the new defaults spelled out is the same network
    NetworkDefinition sameByStart = new NetworkDefinition("old", "br0", null, "100mbit", null, null,
        "hashed", "all", "average", "fq_codel", null, null, null, null);
    assertThat(sameByStart.normalized()).isEqualTo(old.normalized());
  }

  @Test
  void theOptionsAreStoredAndLaterCommandsUseThem() {
    StateDir state = new StateDir(tmp);
    NetworkDefinition adopted = new NetworkDefinition("lab", "virbr0", "ns1", "100mbit", "200mbit",
        null, "libvirt", "ipv4", "peak", "sfq", "50mbit", null, "64kb", "/run/libvirt/network/x.xml");
    state.write(adopted);
    NetworkDefinition read = state.read("lab").orElseThrow();
    assertThat(read).isEqualTo(adopted);
    NetworkConfig c = read.toConfig();
    assertThat(c.filterLayout()).isEqualTo(FilterLayout.LIBVIRT_LINEAR);
    assertThat(c.trafficMatch()).isEqualTo(TrafficMatch.IPV4_ONLY);
    assertThat(c.admissionLimit()).isEqualTo(AdmissionLimit.PEAK_LIKE_LIBVIRT);
    assertThat(c.leafQdisc()).isEqualTo(LeafQdiscKind.SFQ);
    assertThat(c.floorCapacity()).contains(Rate.parse("200mbit"));
    assertThat(c.bandwidth().outbound().orElseThrow().average()).contains(Rate.parse("50mbit"));
    assertThat(read.describe()).isEqualTo("bridge virbr0 in netns ns1, inbound 100mbit peak"
        + " 200mbit, outbound 50mbit burst 64kb, layout libvirt, ethertypes ipv4, admission peak,"
        + " leaf sfq, adopted from /run/libvirt/network/x.xml");
    assertThat(read.withNetns("other").toConfig()).isEqualTo(c);
    assertThat(read.withNetns("other").netns()).isEqualTo("other");
  }
}
