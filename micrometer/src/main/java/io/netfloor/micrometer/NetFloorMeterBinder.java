// SPDX-License-Identifier: Apache-2.0
package io.netfloor.micrometer;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.binder.MeterBinder;
import io.netfloor.shaping.Capacity;
import io.netfloor.shaping.InterfaceRates;
import io.netfloor.shaping.NetworkShaper;
import io.netfloor.shaping.RateMeter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.ToDoubleFunction;

/**
 * Binds one network's figures to a Micrometer {@link MeterRegistry}, tagged
 * {@code network=<name>} (and {@code interface=<alias>} per interface):
 *
 * <ul>
 *   <li>{@code netfloor.network.capacity}, {@code .allotted}, {@code .remaining} (bits/s) and
 *       {@code netfloor.network.interfaces}: read from {@link NetworkShaper#capacity()} at every
 *       scrape;
 *   <li>per plugged interface, {@code netfloor.interface.throughput} (bits/s),
 *       {@code netfloor.interface.packets}, {@code netfloor.interface.drops} and
 *       {@code netfloor.interface.borrowed} (packets/s sent above the floor, borrowed from the
 *       network's spare capacity), {@code netfloor.interface.borrowing.share} (0..1): the rates
 *       between the last two {@link #refresh()} calls.
 * </ul>
 *
 * <p>Call {@link #refresh()} on a schedule (the registry's step is a good period): it samples the
 * kernel's counters, and adds the meters of newly plugged interfaces and removes those of
 * unplugged ones. Until the second refresh an interface's rates read {@code NaN}.
 *
 * <pre>{@code
 * NetFloorMeterBinder metrics = new NetFloorMeterBinder(shaper);
 * metrics.bindTo(registry);
 * scheduler.scheduleAtFixedRate(metrics::refresh, 0, 10, TimeUnit.SECONDS);
 * }</pre>
 */
public final class NetFloorMeterBinder implements MeterBinder {
  private final NetworkShaper shaper;
  private final RateMeter meter;
  private final String network;
  private final Map<String, InterfaceRates> rates = new ConcurrentHashMap<>();
  /** Guarded by this: the meters of each interface, by alias, and the registries bound. */
  private final Map<String, List<Meter>> interfaceMeters = new HashMap<>();
  private final List<MeterRegistry> registries = new ArrayList<>();

  /**
   * A binder of {@code shaper}'s network.
   *
   * @param shaper the network's shaper (started before the first {@link #refresh()})
   */
  public NetFloorMeterBinder(NetworkShaper shaper) {
    this.shaper = Objects.requireNonNull(shaper, "shaper");
    this.meter = new RateMeter(shaper);
    this.network = shaper.config().name().value();
  }

  /**
   * Registers the network's gauges, and those of the interfaces known so far, with
   * {@code registry}; later refreshes add and remove interface meters there too.
   *
   * @param registry the registry
   */
  @Override
  public synchronized void bindTo(MeterRegistry registry) {
    Tags tags = Tags.of("network", network);
    networkGauge(registry, "netfloor.network.capacity", "bits/s",
        "what the floors of the network's interfaces may sum to", tags,
        c -> c.capacity().bitsPerSecond());
    networkGauge(registry, "netfloor.network.allotted", "bits/s",
        "the sum of the floors of the plugged interfaces", tags,
        c -> c.allotted().bitsPerSecond());
    networkGauge(registry, "netfloor.network.remaining", "bits/s",
        "the largest floor a plug would be admitted with", tags,
        c -> c.remaining().bitsPerSecond());
    networkGauge(registry, "netfloor.network.interfaces", "interfaces",
        "plugged interfaces, with or without a floor", tags, Capacity::interfaces);
    registries.add(registry);
    for (String alias : interfaceMeters.keySet()) {
      interfaceMeters.get(alias).addAll(bindInterface(registry, alias));
    }
  }

  private void networkGauge(MeterRegistry registry, String name, String unit, String description,
      Tags tags, ToDoubleFunction<Capacity> value) {
    Gauge.builder(name, shaper, s -> value.applyAsDouble(s.capacity())).baseUnit(unit)
        .description(description).tags(tags).strongReference(true).register(registry);
  }

  /**
   * Samples the kernel's counters: the interfaces' rates become those since the previous refresh;
   * meters of new interfaces are added, those of unplugged ones removed.
   */
  public synchronized void refresh() {
    List<InterfaceRates> now = meter.measure();
    List<String> plugged = new ArrayList<>();
    meter.lastSample().orElseThrow().interfaces().forEach(s -> plugged.add(s.alias()));
    rates.keySet().retainAll(plugged);
    now.forEach(r -> rates.put(r.alias(), r));
    for (String alias : plugged) {
      if (!interfaceMeters.containsKey(alias)) {
        List<Meter> meters = new ArrayList<>();
        registries.forEach(reg -> meters.addAll(bindInterface(reg, alias)));
        interfaceMeters.put(alias, meters);
      }
    }
    interfaceMeters.keySet().removeIf(alias -> {
      if (plugged.contains(alias)) {
        return false;
      }
      for (Meter m : interfaceMeters.get(alias)) {
        registries.forEach(reg -> reg.remove(m));
      }
      return true;
    });
  }

  private List<Meter> bindInterface(MeterRegistry registry, String alias) {
    Tags tags = Tags.of("network", network, "interface", alias);
    List<Meter> out = new ArrayList<>();
    out.add(rateGauge(registry, "netfloor.interface.throughput", "bits/s",
        "layer-2 bits per second sent to the interface", tags, alias,
        r -> r.throughput().bitsPerSecond()));
    out.add(rateGauge(registry, "netfloor.interface.packets", "packets/s",
        "packets per second sent to the interface", tags, alias,
        InterfaceRates::packetsPerSecond));
    out.add(rateGauge(registry, "netfloor.interface.drops", "packets/s",
        "packets per second dropped in the interface's class", tags, alias,
        InterfaceRates::dropsPerSecond));
    out.add(rateGauge(registry, "netfloor.interface.borrowed", "packets/s",
        "packets per second sent above the floor, borrowed from spare capacity", tags, alias,
        InterfaceRates::borrowedPacketsPerSecond));
    out.add(rateGauge(registry, "netfloor.interface.borrowing.share", null,
        "share of the packets sent by borrowing (0..1)", tags, alias,
        InterfaceRates::borrowingShare));
    return out;
  }

  private Meter rateGauge(MeterRegistry registry, String name, String unit, String description,
      Tags tags, String alias, ToDoubleFunction<InterfaceRates> value) {
    Gauge.Builder<Map<String, InterfaceRates>> b = Gauge.builder(name, rates, m -> {
      InterfaceRates r = m.get(alias);
      return r == null ? Double.NaN : value.applyAsDouble(r);
    }).description(description).tags(tags).strongReference(true);
    if (unit != null) {
      b.baseUnit(unit);
    }
    return b.register(registry);
  }
}
