// SPDX-License-Identifier: Apache-2.0
package io.netfloor.micrometer;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.netfloor.model.Bandwidth;
import io.netfloor.model.Limits;
import io.netfloor.model.NetworkConfig;
import io.netfloor.persistence.InMemoryStatusStore;
import io.netfloor.shaping.NetworkShaper;
import io.netfloor.spi.ClassStats;
import io.netfloor.spi.InMemoryTrafficControl;
import io.netfloor.spi.TrafficControl;
import io.netfloor.units.ClassHandle;
import io.netfloor.units.InterfaceName;
import io.netfloor.units.MacAddress;
import io.netfloor.units.Rate;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Test;

class NetFloorMeterBinderTest {
  private static final InterfaceName BR = InterfaceName.of("br0");

  /** Counters the test sets per class; the simulated kernel itself counts nothing. */
  private final Map<ClassHandle, ClassStats> counters = new ConcurrentHashMap<>();
  private final InMemoryTrafficControl memory = new InMemoryTrafficControl().addDevice(BR);
  private final TrafficControl kernel = (TrafficControl) Proxy.newProxyInstance(
      TrafficControl.class.getClassLoader(), new Class<?>[] {TrafficControl.class},
      (proxy, method, args) -> {
        if (method.getName().equals("classStats")) {
          Map<ClassHandle, ClassStats> out = new HashMap<>(memory.classStats(BR));
          out.putAll(counters);
          return out;
        }
        try {
          return method.invoke(memory, args);
        } catch (InvocationTargetException e) {
          throw e.getCause();
        }
      });

  private NetworkShaper shaper() {
    NetworkShaper shaper = NetworkShaper.create(NetworkConfig.builder("net", "br0")
        .inbound(Limits.builder().average(Rate.parse("100mbit")).build()).build(), kernel,
        new InMemoryStatusStore());
    shaper.start();
    return shaper;
  }

  private static double gauge(SimpleMeterRegistry r, String name, String... tags) {
    return r.get(name).tags(tags).gauge().value();
  }

  @Test
  void networkGaugesFollowTheCapacity() {
    NetworkShaper shaper = shaper();
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    new NetFloorMeterBinder(shaper).bindTo(registry);
    assertThat(gauge(registry, "netfloor.network.capacity", "network", "net")).isEqualTo(100e6);
    shaper.plug("vm1", MacAddress.parse("52:54:00:00:00:01"), Bandwidth.floor(Rate.parse("30mbit")));
    assertThat(gauge(registry, "netfloor.network.allotted", "network", "net")).isEqualTo(30e6);
    assertThat(gauge(registry, "netfloor.network.remaining", "network", "net")).isEqualTo(70e6);
    assertThat(gauge(registry, "netfloor.network.interfaces", "network", "net")).isEqualTo(1);
    shaper.resize(Limits.builder().average(Rate.parse("200mbit")).build());
    assertThat(gauge(registry, "netfloor.network.remaining", "network", "net")).isEqualTo(170e6);
  }

  @Test
  void interfaceGaugesGiveRatesBetweenRefreshesAndFollowPlugs() throws Exception {
    NetworkShaper shaper = shaper();
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    NetFloorMeterBinder binder = new NetFloorMeterBinder(shaper);
    binder.bindTo(registry);
    ClassHandle c = shaper.plug("vm1", MacAddress.parse("52:54:00:00:00:01"),
        Bandwidth.floor(Rate.parse("10mbit")));
    counters.put(c, new ClassStats(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0));
    long t0 = System.nanoTime();
    binder.refresh();
    assertThat(gauge(registry, "netfloor.interface.throughput", "interface", "vm1")).isNaN();
    Thread.sleep(50);
    counters.put(c, new ClassStats(1_000_000, 1_000, 10, 0, 0, 0, 0, 600, 400, 0, 0));
    binder.refresh();
    double seconds = (System.nanoTime() - t0) / 1e9; // at least the samples' interval
    double throughput = gauge(registry, "netfloor.interface.throughput", "interface", "vm1");
    assertThat(throughput).isPositive().isLessThanOrEqualTo(8_000_000 / 0.05);
    assertThat(throughput).isGreaterThanOrEqualTo(8_000_000 / seconds * 0.99);
    double drops = gauge(registry, "netfloor.interface.drops", "interface", "vm1");
    double packets = gauge(registry, "netfloor.interface.packets", "interface", "vm1");
    assertThat(drops / packets).isCloseTo(0.01, org.assertj.core.data.Offset.offset(1e-9));
    assertThat(gauge(registry, "netfloor.interface.borrowing.share", "interface", "vm1"))
        .isCloseTo(0.4, org.assertj.core.data.Offset.offset(1e-9));
    assertThat(gauge(registry, "netfloor.interface.borrowed", "interface", "vm1") / packets)
        .isCloseTo(0.4, org.assertj.core.data.Offset.offset(1e-9));

    shaper.unplug("vm1");
    binder.refresh();
    assertThat(registry.getMeters()).extracting(Meter::getId)
        .noneMatch(id -> "vm1".equals(id.getTag("interface")));
    assertThat(registry.find("netfloor.network.capacity").gauge()).isNotNull();
  }
}
