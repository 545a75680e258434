// SPDX-License-Identifier: Apache-2.0
package io.netfloor.shaping;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netfloor.AdmissionException;
import io.netfloor.InterfaceConflictException;
import io.netfloor.InvalidValueException;
import io.netfloor.model.Bandwidth;
import io.netfloor.model.FilterLayout;
import io.netfloor.model.HtbTree;
import io.netfloor.model.NetworkStatus;
import io.netfloor.persistence.FileStatusStore;
import io.netfloor.persistence.InMemoryStatusStore;
import io.netfloor.plan.HtbClass;
import io.netfloor.plan.Plan;
import io.netfloor.plan.TcObject;
import io.netfloor.plan.TcOp;
import io.netfloor.spi.InMemoryTrafficControl;
import io.netfloor.spi.TrafficControlException;
import io.netfloor.testkit.FaultyStatusStore;
import io.netfloor.testkit.FaultyTrafficControl;
import io.netfloor.units.ClassHandle;
import io.netfloor.units.InterfaceName;
import io.netfloor.units.MacAddress;
import io.netfloor.units.Rate;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link NetworkShaper#plugAll}: one decision, one kernel exchange, one record, all or nothing. */
class PlugAllTest {
  private static final InterfaceName BR = InterfaceName.of("br0");

  private final InMemoryTrafficControl memory = new InMemoryTrafficControl().addDevice(BR);
  private final InMemoryStatusStore backing = new InMemoryStatusStore();
  private final FaultyStatusStore store = new FaultyStatusStore(backing, Set.of());

  static List<PlugRequest> requests(int from, int count, String floor) {
    List<PlugRequest> out = new ArrayList<>();
    for (int i = from; i < from + count; i++) {
      out.add(new PlugRequest("vm" + i, ParkedPoolTest.mac(i),
          Bandwidth.floor(Rate.parse(floor))));
    }
    return out;
  }

  private void assertAgreement(NetworkShaper s) {
    Set<TcObject> inKernel = new HashSet<>(memory.objects());
    assertThat(inKernel).isEqualTo(new HashSet<>(s.tree().kernelObjects()));
    assertThat(backing.load("net").orElseThrow()).isEqualTo(NetworkStatus.of(s.tree()));
  }

  @Test
  void aBatchIsOneKernelPlanAndOneRecordAndLandsLikeSinglePlugs() {
    RecordingTrafficControl kernel = new RecordingTrafficControl(memory);
    NetworkShaper s = NetworkShaperTest.create(NetworkShaperTest.config(FilterLayout.HASHED),
        kernel, store);
    s.start();
    s.park(3); // three plugs take a parked class, two add one
    int plans = kernel.plans.size();
    long writes = store.writes();
    List<ClassHandle> classes = s.plugAll(requests(1, 5, "10mbit"));
    assertThat(kernel.plans.size() - plans).isEqualTo(1);
    assertThat(store.writes() - writes).isEqualTo(1);
    Plan plan = kernel.plans.get(kernel.plans.size() - 1);
    // the default class's rate changes once, from before the batch to after it
    assertThat(plan.ops()).filteredOn(op -> op instanceof TcOp.Change c
        && c.after() instanceof HtbClass h && h.classId().equals(HtbTree.DEFAULT_CLASS)).hasSize(1);
    assertThat(classes).extracting(ClassHandle::toString)
        .containsExactly("1:3", "1:4", "1:5", "1:6", "1:7");
    assertAgreement(s);

    // the same tree as five single plugs on a second network
    InMemoryTrafficControl other = new InMemoryTrafficControl().addDevice(BR);
    NetworkShaper single = NetworkShaperTest.create(NetworkShaperTest.config(FilterLayout.HASHED),
        other, new InMemoryStatusStore());
    single.start();
    single.park(3);
    for (PlugRequest r : requests(1, 5, "10mbit")) {
      single.plug(r.alias(), r.mac(), r.bandwidth());
    }
    assertThat(new HashSet<>(other.objects())).isEqualTo(new HashSet<>(memory.objects()));
  }

  @Test
  void aBatchWhoseFloorsDoNotFitTogetherChangesNothing() {
    NetworkShaper s = ParkedPoolTestSupport.defaultPoolManual(memory, store);
    s.start();
    s.plug("vm0", ParkedPoolTest.mac(0), Bandwidth.floor(Rate.parse("50mbit")));
    long ops = memory.operationCount();
    NetworkStatus before = backing.load("net").orElseThrow();
    // each fits alone; together (with vm0) they need 110mbit of 100mbit
    assertThatThrownBy(() -> s.plugAll(requests(1, 3, "20mbit")))
        .isInstanceOf(AdmissionException.class).hasMessageContaining("vm3");
    assertThat(memory.operationCount()).isEqualTo(ops);
    assertThat(backing.load("net").orElseThrow()).isEqualTo(before);
    assertThatThrownBy(() -> s.plugAll(List.of(requests(1, 1, "1mbit").get(0),
        new PlugRequest("vm9", ParkedPoolTest.mac(0), Bandwidth.floor(Rate.parse("1mbit"))))))
        .isInstanceOf(InterfaceConflictException.class).hasMessageContaining("vm0");
    assertThatThrownBy(() -> s.plugAll(List.of(requests(1, 1, "1mbit").get(0),
        requests(1, 1, "2mbit").get(0))))
        .isInstanceOf(InvalidValueException.class).hasMessageContaining("twice");
    assertThat(memory.operationCount()).isEqualTo(ops);
    assertThat(backing.load("net").orElseThrow()).isEqualTo(before);
  }

  @Test
  void aKernelRefusalInTheMiddleLeavesKernelAndStoreAsBefore() {
    FaultyTrafficControl faulty = new FaultyTrafficControl(memory, Set.of());
    NetworkShaper s = NetworkShaperTest.create(NetworkShaperTest.config(FilterLayout.HASHED),
        faulty, store);
    s.start();
    s.plug("vm0", ParkedPoolTest.mac(0), Bandwidth.floor(Rate.parse("5mbit")));
    Set<TcObject> kernelBefore = new HashSet<>(memory.objects());
    NetworkStatus before = backing.load("net").orElseThrow();
    FaultyTrafficControl failing = new FaultyTrafficControl(memory, Set.of(7L));
    NetworkShaper again = NetworkShaperTest.create(NetworkShaperTest.config(FilterLayout.HASHED),
        failing, store);
    again.start();
    failing.setEnabled(true);
    assertThatThrownBy(() -> again.plugAll(requests(1, 4, "5mbit")))
        .isInstanceOf(TrafficControlException.class).hasMessageContaining("rolled back");
    assertThat(failing.faults()).isEqualTo(1);
    assertThat(new HashSet<>(memory.objects())).isEqualTo(kernelBefore);
    assertThat(backing.load("net").orElseThrow()).isEqualTo(before);
    assertThat(again.tree().interfaces()).containsOnlyKeys("vm0");
  }

  @Test
  void aStoreRefusalUndoesTheWholeBatchInTheKernel() {
    FaultyStatusStore failing = new FaultyStatusStore(backing, Set.of(1L)); // the batch's record
    NetworkShaper s = NetworkShaperTest.create(NetworkShaperTest.config(FilterLayout.HASHED),
        memory, failing);
    s.start(); // write 0: the first save
    Set<TcObject> kernelBefore = new HashSet<>(memory.objects());
    assertThatThrownBy(() -> s.plugAll(requests(1, 4, "5mbit")))
        .hasMessageContaining("rolled back");
    assertThat(new HashSet<>(memory.objects())).isEqualTo(kernelBefore);
    assertThat(backing.load("net").orElseThrow().interfaces()).isEmpty();
  }

  @Test
  void aThousandPlugsAreOneDurableRecordThatAFreshStoreReads(@TempDir Path dir) {
    NetworkShaper s;
    try (FileStatusStore file = FileStatusStore.open(dir)) {
      s = NetworkShaper.create(NetworkShaperTest.config(FilterLayout.HASHED), memory, file,
          ShaperOptions.builder().poolExecutor(r -> { }).build());
      s.start();
      long syncs = file.journalSyncs();
      s.plugAll(requests(1, 1000, "10kbit"));
      assertThat(file.journalSyncs() - syncs).isLessThanOrEqualTo(1);
    }
    try (FileStatusStore fresh = FileStatusStore.open(dir)) {
      assertThat(fresh.load("net").orElseThrow()).isEqualTo(NetworkStatus.of(s.tree()));
      assertThat(fresh.load("net").orElseThrow().interfaces()).hasSize(1000);
    }
  }
}
