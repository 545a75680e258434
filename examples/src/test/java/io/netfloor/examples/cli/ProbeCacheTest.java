// SPDX-License-Identifier: Apache-2.0
package io.netfloor.examples.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netfloor.plan.LeafQdiscKind;
import io.netfloor.plan.Plan;
import io.netfloor.spi.ClassStats;
import io.netfloor.spi.KernelCapabilities;
import io.netfloor.spi.KernelSnapshot;
import io.netfloor.spi.TrafficControl;
import io.netfloor.units.ClassHandle;
import io.netfloor.units.InterfaceName;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The cached capability probe: used within one boot and kernel, probed again otherwise. */
class ProbeCacheTest {
  private static final KernelCapabilities CAPS = new KernelCapabilities(
      EnumSet.of(LeafQdiscKind.PFIFO, LeafQdiscKind.SFQ), false, true, true);

  @TempDir
  Path tmp;

  private StateDir state() {
    StateDir s = new StateDir(tmp.resolve("state")).check();
    s.create();
    return s;
  }

  @Test
  void anEntryIsUsedForTheSameBootKernelAndNamespaceOnly() throws Exception {
    StateDir state = state();
    new ProbeCache(state, "n", "ns1").write(CAPS);
    assertThat(new ProbeCache(state, "n", "ns1").read()).contains(CAPS);
    assertThat(new ProbeCache(state, "n", "ns2").read()).isEmpty();
    assertThat(new ProbeCache(state, "other", "ns1").read()).isEmpty();
    Path file = state.probeFile("n");
    assertThat(file.getFileName().toString()).isEqualTo(".n.kernel.json");
    assertThat(Files.getPosixFilePermissions(file)).hasSize(2); // rw-------

    // another boot (or kernel): probed again
    String text = Files.readString(file);
    Files.writeString(file, text.replace(ProbeCache.bootId(), "another-boot"));
    assertThat(new ProbeCache(state, "n", "ns1").read()).isEmpty();
    Files.writeString(file, text.replace(ProbeCache.kernelRelease(), "0.0.0-other"));
    assertThat(new ProbeCache(state, "n", "ns1").read()).isEmpty();
    // damaged: probed again, no error
    Files.writeString(file, "{\"bootId\": [1, 2");
    assertThat(new ProbeCache(state, "n", "ns1").read()).isEmpty();
    Files.writeString(file, text.replace("PFIFO", "NO_SUCH_QDISC"));
    assertThat(new ProbeCache(state, "n", "ns1").read()).isEmpty();
    Files.writeString(file, text);
    assertThat(new ProbeCache(state, "n", "ns1").read()).contains(CAPS);

    state.delete("n");
    assertThat(file).doesNotExist();
  }

  @Test
  void theEngineGetsTheCachedAnswerWithoutAProbe() {
    AtomicInteger probes = new AtomicInteger();
    TrafficControl kernel = new Probing(probes);
    assertThat(new CachedProbeControl(kernel, CAPS).capabilities()).isEqualTo(CAPS);
    assertThat(probes).hasValue(0);
    CachedProbeControl fresh = new CachedProbeControl(kernel, null);
    assertThat(fresh.probed()).isEmpty();
    KernelCapabilities probed = fresh.capabilities();
    fresh.capabilities();
    assertThat(probes).hasValue(1);
    assertThat(fresh.probed()).contains(probed);
    assertThatThrownBy(() -> fresh.dump(InterfaceName.of("br0")))
        .hasMessageContaining("dumped br0");
  }

  /** Counts probes; answers with every leaf qdisc. */
  private record Probing(AtomicInteger probes) implements TrafficControl {
    @Override
    public KernelCapabilities capabilities() {
      probes.incrementAndGet();
      return new KernelCapabilities(EnumSet.allOf(LeafQdiscKind.class), true, true, true);
    }

    @Override
    public void apply(Plan plan) {}

    @Override
    public KernelSnapshot dump(InterfaceName device) {
      throw new IllegalStateException("dumped " + device);
    }

    @Override
    public Map<ClassHandle, ClassStats> classStats(InterfaceName device) {
      return Map.of();
    }

    @Override
    public boolean deviceExists(InterfaceName device) {
      return true;
    }

    @Override
    public Optional<String> deviceKind(InterfaceName device) {
      return Optional.empty();
    }

    @Override
    public void close() {}
  }

  @Test
  void theRecordRoundTripsThroughTheFlatFormat() throws Exception {
    StateDir state = state();
    NetworkDefinition def = new NetworkDefinition("n", "br0", "ns1", "1gbit", "2gbit", "256kb",
        "libvirt", "ipv4", "peak", "sfq", "10mbit", null, null, "/run/libvirt/network/x.xml");
    state.write(def);
    assertThat(state.require("n")).isEqualTo(def);
    String text = Files.readString(state.definitionFile("n"));
    assertThat(text).doesNotContain("null").contains("\"adoptedFrom\" : \"/run/libvirt");
    // fields a later version adds are ignored
    Files.writeString(state.definitionFile("n"), text.replace("{", "{ \"future\": {\"x\": [1]},"));
    assertThat(state.require("n")).isEqualTo(def);
    assertThat(List.of(def.toFields().keySet().toArray())).hasSize(14);
  }
}
