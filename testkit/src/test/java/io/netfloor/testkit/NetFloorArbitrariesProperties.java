// SPDX-License-Identifier: Apache-2.0
package io.netfloor.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import io.netfloor.model.HtbTree;
import io.netfloor.model.NetworkConfig;
import io.netfloor.spi.InMemoryTrafficControl;
import io.netfloor.units.ByteSize;
import io.netfloor.units.ClassHandle;
import io.netfloor.units.InterfaceName;
import io.netfloor.units.MacAddress;
import io.netfloor.units.Rate;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.statistics.Statistics;

/**
 * The generators make values their types take back from their own text (what a user's property
 * over them relies on), reach the edges they promise, and make networks a kernel accepts.
 */
class NetFloorArbitrariesProperties {
  @Provide
  Arbitrary<Rate> rates() {
    return NetFloorArbitraries.rates();
  }

  @Provide
  Arbitrary<ByteSize> sizes() {
    return NetFloorArbitraries.byteSizes();
  }

  @Provide
  Arbitrary<MacAddress> macs() {
    return NetFloorArbitraries.macAddresses();
  }

  @Provide
  Arbitrary<InterfaceName> names() {
    return NetFloorArbitraries.interfaceNames();
  }

  @Provide
  Arbitrary<ClassHandle> handles() {
    return NetFloorArbitraries.classHandles();
  }

  @Provide
  Arbitrary<NetworkConfig> configs() {
    return NetFloorArbitraries.networkConfigs();
  }

  @Property(tries = 400)
  void ratesReadBackFromTheirText(@ForAll("rates") Rate r) {
    assertThat(Rate.parse(r.toString())).isEqualTo(r);
    Statistics.label("huge").collect(r.bitsPerSecond() > Long.MAX_VALUE / 4);
    Statistics.label("huge").coverage(c -> c.check(true).percentage(p -> p > 1));
  }

  @Property(tries = 400)
  void sizesReadBackFromTheirText(@ForAll("sizes") ByteSize s) {
    assertThat(ByteSize.parse(s.toString())).isEqualTo(s);
  }

  @Property(tries = 400)
  void macsAreUnicastAndReadBack(@ForAll("macs") MacAddress m) {
    assertThat(MacAddress.parse(m.toString())).isEqualTo(m);
    assertThat(Integer.parseInt(m.toString().substring(0, 2), 16) & 1).isZero();
  }

  @Property(tries = 400)
  void interfaceNamesAreValid(@ForAll("names") InterfaceName n) {
    assertThat(InterfaceName.of(n.value())).isEqualTo(n);
    assertThat(n.value().length()).isBetween(1, InterfaceName.MAX_BYTES);
  }

  @Property(tries = 400)
  void classHandlesReadBackFromTheirText(@ForAll("handles") ClassHandle h) {
    assertThat(ClassHandle.parse(h.toString())).isEqualTo(h);
  }

  @Property(tries = 100)
  void networkConfigsBuildTreesASimulatedKernelAccepts(@ForAll("configs") NetworkConfig config) {
    InMemoryTrafficControl kernel = new InMemoryTrafficControl().addDevice(config.bridge())
        .addDevice(NetFloorArbitraries.UPLINK, "veth");
    HtbTree tree = HtbTree.start(config).tree();
    kernel.apply(tree.buildPlan());
    assertThat(kernel.objects()).containsExactlyInAnyOrderElementsOf(tree.kernelObjects());
  }
}
