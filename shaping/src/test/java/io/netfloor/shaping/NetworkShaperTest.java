// SPDX-License-Identifier: Apache-2.0
package io.netfloor.shaping;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netfloor.AdmissionException;
import io.netfloor.InterfaceConflictException;
import io.netfloor.model.Bandwidth;
import io.netfloor.model.ClassStrategy;
import io.netfloor.model.FilterLayout;
import io.netfloor.model.HtbTree;
import io.netfloor.model.InterfaceAlias;
import io.netfloor.model.Limits;
import io.netfloor.model.NetworkConfig;
import io.netfloor.model.NetworkStatus;
import io.netfloor.persistence.InMemoryStatusStore;
import io.netfloor.plan.HtbClass;
import io.netfloor.plan.HtbQdisc;
import io.netfloor.plan.Plan;
import io.netfloor.plan.TcObject;
import io.netfloor.plan.TcOp;
import io.netfloor.plan.U32MacFilter;
import io.netfloor.spi.InMemoryTrafficControl;
import io.netfloor.spi.StatusStoreException;
import io.netfloor.spi.TrafficControlException;
import io.netfloor.units.ClassHandle;
import io.netfloor.units.InterfaceName;
import io.netfloor.units.MacAddress;
import io.netfloor.units.Rate;
import io.netfloor.testkit.FaultyStatusStore;
import io.netfloor.testkit.FaultyTrafficControl;
import java.util.HashSet;
import java.util.OptionalInt;
import java.util.Set;
import org.junit.jupiter.api.Test;

class NetworkShaperTest {
  private static final InterfaceName BR = InterfaceName.of("br0");

  private final InMemoryTrafficControl kernel = new InMemoryTrafficControl().addDevice(BR);
  private final InMemoryStatusStore store = new InMemoryStatusStore();

  /**
   * A shaper without the parked pool: these tests count operations and compare the kernel with the
   * model, which a background top-up would change in between (the pool has its own tests).
   */
  static NetworkShaper create(NetworkConfig config, io.netfloor.spi.TrafficControl tc,
      io.netfloor.spi.StatusStore store) {
    return NetworkShaper.create(config, tc, store,
        ShaperOptions.builder().parkedPool(ParkedPoolPolicy.OFF).build());
  }

  static NetworkConfig config(FilterLayout layout) {
    return NetworkConfig.builder("net", "br0")
        .inbound(Limits.builder().average(Rate.parse("100mbit")).build())
        .filterLayout(layout).build();
  }

  private static MacAddress mac(int i) {
    return MacAddress.parse(String.format("52:54:00:00:%02x:%02x", i / 256, i % 256));
  }

  private static Set<TcObject> set(Iterable<TcObject> objects) {
    Set<TcObject> s = new HashSet<>();
    objects.forEach(s::add);
    return s;
  }

  private void assertKernelMatches(NetworkShaper shaper) {
    assertThat(set(kernel.objects())).isEqualTo(set(shaper.tree().kernelObjects()));
    assertThat(store.load("net").orElseThrow()).isEqualTo(NetworkStatus.of(shaper.tree()));
  }

  @Test
  void startPlugUpdateUnplugStopKeepKernelStoreAndModelInAgreement() {
    NetworkShaper shaper = create(config(FilterLayout.HASHED), kernel, store);
    ReconcileReport started = shaper.start();
    assertThat(started.built().isEmpty()).isFalse(); // it built the tree
    assertThat(started.wasClean()).isTrue(); // and repaired nothing
    ClassHandle c1 = shaper.plug("vm1", mac(1), Bandwidth.floor(Rate.parse("60mbit")));
    ClassHandle c2 = shaper.plug("vm2", mac(2), Bandwidth.floor(Rate.parse("30mbit")));
    ClassHandle c3 = shaper.plug("vm3", mac(3), Bandwidth.NONE);
    assertThat(c1).isEqualTo(ClassHandle.parse("1:3"));
    assertThat(c2).isEqualTo(ClassHandle.parse("1:4"));
    assertThat(c3).isEqualTo(HtbTree.DEFAULT_CLASS);
    assertKernelMatches(shaper);

    shaper.update("vm2", Bandwidth.floor(Rate.parse("40mbit")));
    assertThat(shaper.tree().floorSum()).isEqualTo(Rate.parse("100mbit"));
    assertKernelMatches(shaper);

    assertThat(shaper.unplug("vm1")).isTrue();
    assertThat(shaper.unplug("vm1")).isFalse();
    assertKernelMatches(shaper);
    // the freed id is reused lowest first
    assertThat(shaper.plug("vm4", mac(4), Bandwidth.floor(Rate.parse("1mbit"))))
        .isEqualTo(ClassHandle.parse("1:3"));

    shaper.stop();
    assertThat(kernel.objects()).isEmpty();
    assertThat(store.load("net")).isEmpty();
  }

  @Test
  void theCheckedAliasFormsActOnTheSameInterfaceAsThePlainOnes() {
    NetworkShaper shaper = create(config(FilterLayout.HASHED), kernel, store);
    shaper.start();
    InterfaceAlias vm1 = InterfaceAlias.of("vm1");
    assertThat(shaper.plug(vm1, mac(1), Bandwidth.floor(Rate.parse("60mbit"))))
        .isEqualTo(ClassHandle.parse("1:3"));
    assertThat(shaper.tree().find("vm1").orElseThrow().alias()).isEqualTo(vm1);
    assertThat(store.load("net").orElseThrow().interfaces()).containsOnlyKeys(vm1);
    shaper.update(vm1, Bandwidth.floor(Rate.parse("40mbit")));
    assertThat(shaper.tree().floorSum()).isEqualTo(Rate.parse("40mbit"));
    shaper.changeMac(vm1, mac(7));
    assertThat(shaper.tree().find("vm1").orElseThrow().mac()).isEqualTo(mac(7));
    assertKernelMatches(shaper);
    assertThat(shaper.unplug(vm1)).isTrue();
    assertThat(shaper.unplug("vm1")).isFalse();
    assertThat(store.load("net").orElseThrow().interfaces()).isEmpty();
    assertKernelMatches(shaper);
  }

  @Test
  void aRefusedPlugChangesNothingAnywhere() {
    NetworkShaper shaper = create(config(FilterLayout.HASHED), kernel, store);
    shaper.start();
    shaper.plug("vm1", mac(1), Bandwidth.floor(Rate.parse("80mbit")));
    long ops = kernel.operationCount();
    NetworkStatus before = store.load("net").orElseThrow();
    assertThatThrownBy(() -> shaper.plug("vm2", mac(2), Bandwidth.floor(Rate.parse("30mbit"))))
        .isInstanceOf(AdmissionException.class)
        .hasMessageContaining("vm2").hasMessageContaining("30mbit")
        .hasMessageContaining("80mbit").hasMessageContaining("100mbit");
    assertThatThrownBy(() -> shaper.plug("vm3", mac(1), Bandwidth.floor(Rate.parse("1mbit"))))
        .isInstanceOf(InterfaceConflictException.class).hasMessageContaining("vm1");
    assertThat(kernel.operationCount()).isEqualTo(ops);
    assertThat(store.load("net").orElseThrow()).isEqualTo(before);
  }

  @Test
  void plugIsIdempotentForTheSameRequest() {
    NetworkShaper shaper = create(config(FilterLayout.HASHED), kernel, store);
    shaper.start();
    ClassHandle c = shaper.plug("vm1", mac(1), Bandwidth.floor(Rate.parse("10mbit")));
    long ops = kernel.operationCount();
    assertThat(shaper.plug("vm1", mac(1), Bandwidth.floor(Rate.parse("10mbit")))).isEqualTo(c);
    assertThat(kernel.operationCount()).isEqualTo(ops);
    assertThatThrownBy(() -> shaper.plug("vm1", mac(1), Bandwidth.floor(Rate.parse("20mbit"))))
        .isInstanceOf(InterfaceConflictException.class).hasMessageContaining("update");
  }

  @Test
  void aKernelFailureLeavesKernelStoreAndModelAsBefore() {
    FaultyTrafficControl faulty = new FaultyTrafficControl(kernel, Set.of(9L));
    NetworkShaper shaper = create(config(FilterLayout.HASHED), faulty, store);
    shaper.start();
    Set<TcObject> before = set(kernel.objects());
    assertThatThrownBy(() -> shaper.plug("vm1", mac(1), Bandwidth.floor(Rate.parse("10mbit"))))
        .isInstanceOf(TrafficControlException.class)
        .hasMessageContaining("plug of 'vm1'").hasMessageContaining("rolled back")
        .hasMessageContaining("injected")
        .satisfies(e -> assertThat(((TrafficControlException) e).appliedCount()).isEqualTo(2));
    assertThat(set(kernel.objects())).isEqualTo(before);
    assertThat(shaper.tree().interfaces()).isEmpty();
    assertKernelMatches(shaper);
    // the id was not leaked (libvirt leaks it: a plug whose tc commands fail keeps its class id)
    assertThat(shaper.plug("vm1", mac(1), Bandwidth.floor(Rate.parse("10mbit"))))
        .isEqualTo(ClassHandle.parse("1:3"));
  }

  @Test
  void aFirstStartWhoseStatusCannotBeStoredLeavesTheBridgeAsItWas() {
    FaultyStatusStore faultyStore = new FaultyStatusStore(store, Set.of(0L));
    Set<TcObject> before = set(kernel.objects());
    NetworkShaper shaper = create(config(FilterLayout.HASHED), kernel, faultyStore);
    assertThatThrownBy(shaper::start).isInstanceOf(StatusStoreException.class)
        .hasMessageContaining("injected");
    assertThat(set(kernel.objects())).isEqualTo(before);
    assertThat(shaper.isStarted()).isFalse();
    assertThat(store.load("net")).isEmpty();
    shaper.start(); // and it can simply be started again
    assertKernelMatches(shaper);
  }

  @Test
  void aStoreFailureUndoesTheKernelChange() {
    FaultyStatusStore faultyStore = new FaultyStatusStore(store, Set.of(1L));
    NetworkShaper shaper = create(config(FilterLayout.LIBVIRT_LINEAR), kernel,
        faultyStore);
    shaper.start(); // writes 0: the status after building the tree
    Set<TcObject> before = set(kernel.objects());
    assertThatThrownBy(() -> shaper.plug("vm1", mac(1), Bandwidth.floor(Rate.parse("10mbit"))))
        .isInstanceOf(StatusStoreException.class).hasMessageContaining("rolled back");
    assertThat(set(kernel.objects())).isEqualTo(before);
    assertKernelMatches(shaper);
  }

  @Test
  void aNewShaperOnTheSameStoreReconcilesAKernelChangedBehindItsBack() {
    NetworkShaper first = create(config(FilterLayout.HASHED), kernel, store);
    first.start();
    for (int i = 0; i < 20; i++) {
      first.plug("vm" + i, mac(i), Bandwidth.floor(Rate.parse((i % 4 + 1) + "mbit")));
    }
    // someone deletes vm5's filter and class, and adds a class NetFloor does not know
    TcObject filter = kernel.objects().stream()
        .filter(o -> o instanceof U32MacFilter f && f.flowId().equals(ClassHandle.parse("1:8")))
        .findFirst().orElseThrow();
    TcObject cls = kernel.objects().stream()
        .filter(o -> o instanceof HtbClass c && c.classId().equals(ClassHandle.parse("1:8")))
        .findFirst().orElseThrow();
    HtbClass stray = ((HtbClass) cls).withRates(Rate.parse("5mbit"), Rate.parse("5mbit"), 1600);
    stray = new HtbClass(BR, ClassHandle.parse("1:77"), HtbTree.TOP_CLASS, stray.rate(),
        stray.ceil(), stray.burst(), stray.cburst(), 1600, 0);
    kernel.apply(Plan.of(new TcOp.Delete(filter), new TcOp.Delete(cls), new TcOp.Add(stray)));

    NetworkShaper second = create(config(FilterLayout.HASHED), kernel, store);
    ReconcileReport report = second.start();
    assertThat(report.wasClean()).isFalse();
    assertThat(report.repairs().ops()).hasSize(4); // delete 1:77, add 1:8 + leaf + filter
    assertThat(second.tree()).isEqualTo(first.tree());
    assertKernelMatches(second);
    assertThat(second.reconcile().wasClean()).isTrue();
  }

  @Test
  void aForeignRootQdiscIsNeverTouched() {
    kernel.apply(Plan.of(new TcOp.Add(new HtbQdisc(BR, ClassHandle.parse("5:"), ClassHandle.ROOT, 1,
        10, OptionalInt.empty()))));
    NetworkShaper shaper = create(config(FilterLayout.HASHED), kernel, store);
    assertThatThrownBy(shaper::start).isInstanceOf(ShapingException.class)
        .hasMessageContaining("htb 5:").hasMessageContaining("did not make");
    assertThat(kernel.objects()).hasSize(1);
  }

  @Test
  void parkedPoolKeepsClassAddsOffThePlugPath() {
    NetworkConfig cfg = config(FilterLayout.HASHED).toBuilder()
        .classStrategy(ClassStrategy.PARKED_POOL).build();
    FaultyTrafficControl counting = new FaultyTrafficControl(kernel, Set.of());
    NetworkShaper shaper = create(cfg, counting, store);
    shaper.start();
    shaper.park(4);
    long classAddsBefore = counting.classAdds();
    assertThat(classAddsBefore).isEqualTo(2 + 4); // 1:1, 1:2 and the four parked classes
    shaper.plug("vm1", mac(1), Bandwidth.floor(Rate.parse("10mbit")));
    shaper.unplug("vm1");
    shaper.plug("vm2", mac(2), Bandwidth.floor(Rate.parse("10mbit")));
    assertThat(shaper.tree().parkedClassIds()).hasSize(3);
    assertKernelMatches(shaper);
    NetworkShaper restarted = create(cfg, counting, store);
    assertThat(restarted.start().wasClean()).isTrue();
    assertThat(counting.classAdds()).isEqualTo(classAddsBefore);
  }

  @Test
  void operationsBeforeStartAreRefused() {
    NetworkShaper shaper = create(config(FilterLayout.HASHED), kernel, store);
    assertThatThrownBy(() -> shaper.plug("vm1", mac(1), Bandwidth.NONE))
        .isInstanceOf(ShapingException.class).hasMessageContaining("start()");
    NetworkShaper noBridge = create(NetworkConfig.builder("other", "br9")
        .inbound(Limits.averageOnly(Rate.parse("10mbit"))).build(), kernel, store);
    assertThatThrownBy(noBridge::start).isInstanceOf(ShapingException.class)
        .hasMessageContaining("br9").hasMessageContaining("does not exist");
  }
}
