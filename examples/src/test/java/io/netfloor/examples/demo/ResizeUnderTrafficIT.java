// SPDX-License-Identifier: Apache-2.0
package io.netfloor.examples.demo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netfloor.AdmissionException;
import io.netfloor.examples.traffic.UdpFlow;
import io.netfloor.model.Bandwidth;
import io.netfloor.model.Limits;
import io.netfloor.model.NetworkConfig;
import io.netfloor.netlink.NetlinkTrafficControl;
import io.netfloor.persistence.FileStatusStore;
import io.netfloor.shaping.InterfaceRates;
import io.netfloor.shaping.NetworkShaper;
import io.netfloor.shaping.RateMeter;
import io.netfloor.testkit.kernel.TestNamespace;
import io.netfloor.units.MacAddress;
import io.netfloor.units.Rate;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A live resize on real traffic: three VMs saturated with UDP from the bridge, the network resized
 * down and up while the flows run. Floors hold throughout, the new capacity takes effect (checked on
 * the traffic and with {@code tc}), and the filters and qdiscs are untouched.
 */
class ResizeUnderTrafficIT {
  private static final double MBIT = 1e6;
  private static final Duration WARMUP = Duration.ofSeconds(1);
  private static final Duration MEASURE = Duration.ofSeconds(3);

  @TempDir Path tmp;

  @Test
  void resizeDownAndUpWhileTrafficFlowsKeepsFloorsAndFilters() throws Exception {
    TestNamespace.assumeRoot();
    List<String> names = List.of("vm1", "vm2", "vm3");
    try (DemoLab lab = DemoLab.create(names);
        FileStatusStore store = FileStatusStore.open(tmp.resolve("state"));
        NetlinkTrafficControl tc = NetlinkTrafficControl.openInNamespace(lab.hostNamespace())) {
      NetworkShaper shaper = NetworkShaper.create(NetworkConfig.builder("resize", DemoLab.BRIDGE)
          .inbound(Limits.builder().average(Rate.parse("100mbit")).build()).build(), tc, store);
      shaper.start();
      Map<String, Rate> floors = Map.of("vm1", Rate.parse("30mbit"), "vm2",
          Rate.parse("20mbit"));
      for (DemoLab.Vm vm : lab.vms()) {
        Rate floor = floors.get(vm.name());
        shaper.plug(vm.name(), MacAddress.parse(vm.mac()),
            floor == null ? Bandwidth.NONE : Bandwidth.floor(floor));
      }
      String filtersBefore = tcJson(lab, "filter", "show", "dev", DemoLab.BRIDGE);
      String qdiscsBefore = tcJson(lab, "qdisc", "show", "dev", DemoLab.BRIDGE);

      Map<String, UdpFlow> flows = new LinkedHashMap<>();
      InetSocketAddress source = new InetSocketAddress(lab.bridgeAddress(), 0);
      Duration bound = WARMUP.plus(MEASURE).multipliedBy(4).plusSeconds(30);
      try {
        for (DemoLab.Vm vm : lab.vms()) {
          flows.put(vm.name(), UdpFlow.start(vm.name(), lab.hostNamespace(), vm.namespace(),
              source, vm.socketAddress(), bound));
        }
        RateMeter meter = new RateMeter(shaper);
        Map<String, Double> at100 = measure(flows, meter);
        assertFloorsHeld(at100, floors, "at 100mbit");

        shaper.resize(Limits.builder().average(Rate.parse("60mbit")).build());
        assertTopClass(lab, Rate.parse("60mbit"));
        Map<String, Double> at60 = measure(flows, meter);
        assertFloorsHeld(at60, floors, "at 60mbit");
        double total60 = at60.values().stream().mapToDouble(Double::doubleValue).sum();
        assertThat(total60).as("the smaller capacity is enforced: %s", at60)
            .isLessThan(66 * MBIT);
        // what is left of 60mbit after the floors goes to the floor-less VM, about 10mbit
        assertThat(at60.get("vm3")).as("vm3 at 60mbit: %s", at60).isLessThan(16 * MBIT);

        assertThatThrownBy(() -> shaper.resize(Limits.builder().average(Rate.parse("49mbit"))
            .build())).isInstanceOf(AdmissionException.class);
        assertTopClass(lab, Rate.parse("60mbit"));

        shaper.resize(Limits.builder().average(Rate.parse("90mbit")).build());
        assertTopClass(lab, Rate.parse("90mbit"));
        Map<String, Double> at90 = measure(flows, meter);
        assertFloorsHeld(at90, floors, "at 90mbit");
        double total90 = at90.values().stream().mapToDouble(Double::doubleValue).sum();
        assertThat(total90).as("the capacity grew back: %s", at90).isGreaterThan(72 * MBIT);
        for (UdpFlow f : flows.values()) {
          assertThat(f.failure()).isNull();
        }
      } finally {
        flows.values().forEach(UdpFlow::close);
      }
      assertThat(tcJson(lab, "filter", "show", "dev", DemoLab.BRIDGE))
          .as("filters (handles, flowids) identical").isEqualTo(filtersBefore);
      assertThat(tcJson(lab, "qdisc", "show", "dev", DemoLab.BRIDGE))
          .as("qdiscs identical").isEqualTo(qdiscsBefore);
      shaper.stop();
    }
  }

  private static String tcJson(DemoLab lab, String... args) {
    String[] cmd = new String[args.length + 4];
    cmd[0] = "tc";
    cmd[1] = "-n";
    cmd[2] = lab.hostNamespace();
    cmd[3] = "-j";
    System.arraycopy(args, 0, cmd, 4, args.length);
    return Ip.run(cmd);
  }

  /**
   * Class 1:1 as {@code tc} shows it has {@code rate} (this iproute2 prints HTB classes as text
   * even with {@code -j}, e.g. {@code rate 60Mbit}).
   */
  private static void assertTopClass(DemoLab lab, Rate rate) {
    String classes = tc(lab, "class", "show", "dev", DemoLab.BRIDGE);
    java.util.regex.Matcher m = java.util.regex.Pattern.compile("class htb 1:1 .*?rate (\\S+)")
        .matcher(classes);
    assertThat(m.find()).as("class 1:1 in %s", classes).isTrue();
    assertThat(m.group(1)).as("rate of 1:1 in %s", classes)
        .isEqualTo(rate.bitsPerSecond() / 1_000_000 + "Mbit");
  }

  private static String tc(DemoLab lab, String... args) {
    String[] cmd = new String[args.length + 3];
    cmd[0] = "tc";
    cmd[1] = "-n";
    cmd[2] = lab.hostNamespace();
    System.arraycopy(args, 0, cmd, 3, args.length);
    return Ip.run(cmd);
  }

  /** Each VM's layer-2 rate at its receiver; checks HTB's counters (via RateMeter) agree. */
  private static Map<String, Double> measure(Map<String, UdpFlow> flows, RateMeter meter)
      throws InterruptedException {
    Thread.sleep(WARMUP.toMillis());
    Map<String, UdpFlow.Counters> start = new HashMap<>();
    flows.forEach((n, f) -> start.put(n, f.counters()));
    meter.measure();
    long t0 = System.nanoTime();
    Thread.sleep(MEASURE.toMillis());
    List<InterfaceRates> classes = meter.measure();
    double seconds = (System.nanoTime() - t0) / 1e9;
    Map<String, Double> out = new LinkedHashMap<>();
    flows.forEach((n, f) -> out.put(n, (f.counters().l2Bytes() - start.get(n).l2Bytes()) * 8
        / seconds));
    for (InterfaceRates r : classes) {
      if (!r.alias().equals("vm3")) { // vm3 shares the default class with unmatched frames
        assertThat((double) r.throughput().bitsPerSecond()).as("HTB's count of %s", r.alias())
            .isCloseTo(out.get(r.alias()), org.assertj.core.data.Percentage.withPercentage(10));
      }
    }
    return out;
  }

  private static void assertFloorsHeld(Map<String, Double> measured, Map<String, Rate> floors,
      String when) {
    floors.forEach((vm, floor) -> assertThat(measured.get(vm))
        .as("%s holds its floor %s %s: %s", vm, floor, when, measured)
        .isGreaterThanOrEqualTo(0.90 * floor.bitsPerSecond()));
  }
}
