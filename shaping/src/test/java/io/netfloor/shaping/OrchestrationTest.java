// SPDX-License-Identifier: Apache-2.0
package io.netfloor.shaping;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netfloor.AdmissionException;
import io.netfloor.InterfaceConflictException;
import io.netfloor.InvalidValueException;
import io.netfloor.model.AdmissionLimit;
import io.netfloor.model.Bandwidth;
import io.netfloor.model.FilterLayout;
import io.netfloor.model.HtbTree;
import io.netfloor.model.Limits;
import io.netfloor.model.NetworkConfig;
import io.netfloor.model.NetworkStatus;
import io.netfloor.persistence.InMemoryStatusStore;
import io.netfloor.plan.HtbClass;
import io.netfloor.plan.PlanDiff;
import io.netfloor.plan.TcObject;
import io.netfloor.plan.TcOp;
import io.netfloor.spi.InMemoryTrafficControl;
import io.netfloor.spi.StatusStore;
import io.netfloor.spi.TrafficControl;
import io.netfloor.units.ByteSize;
import io.netfloor.units.ClassHandle;
import io.netfloor.units.InterfaceName;
import io.netfloor.units.MacAddress;
import io.netfloor.units.Rate;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Capacity, admission, dry runs and live resize, against the simulated kernel. */
class OrchestrationTest {
  private static final InterfaceName BR = InterfaceName.of("br0");

  private final InMemoryTrafficControl memoryKernel = new InMemoryTrafficControl().addDevice(BR);
  private final InMemoryStatusStore memoryStore = new InMemoryStatusStore();
  private final Tripwire tripwire = new Tripwire();
  private final TrafficControl kernel = tripwire.wrap(TrafficControl.class, memoryKernel);
  private final StatusStore store = tripwire.wrap(StatusStore.class, memoryStore);

  static NetworkConfig config(Limits inbound, AdmissionLimit admission) {
    return NetworkConfig.builder("net", "br0").inbound(inbound).admissionLimit(admission)
        .filterLayout(FilterLayout.HASHED).build();
  }

  static Limits limits(String average, String peak) {
    Limits.Builder b = Limits.builder().average(Rate.parse(average));
    if (peak != null) {
      b.peak(Rate.parse(peak));
    }
    return b.build();
  }

  private static MacAddress mac(int i) {
    return MacAddress.parse(String.format("52:54:00:00:%02x:%02x", i / 256, i % 256));
  }

  private static Bandwidth floor(String rate) {
    return Bandwidth.floor(Rate.parse(rate));
  }

  private NetworkShaper started(NetworkConfig config) {
    NetworkShaper shaper = NetworkShaperTest.create(config, kernel, store);
    shaper.start();
    return shaper;
  }

  @Test
  void capacityIsTheAdmissionLimitsRateMinusTheFloors() {
    NetworkShaper avg = started(config(limits("100mbit", "150mbit"), AdmissionLimit.AVERAGE));
    avg.plug("vm1", mac(1), floor("30mbit"));
    avg.plug("vm2", mac(2), Bandwidth.NONE);
    Capacity c = avg.capacity();
    assertThat(c).isEqualTo(new Capacity("net", true, AdmissionLimit.AVERAGE,
        Rate.parse("100mbit"), Rate.parse("30mbit"), Rate.parse("70mbit"), 2));
    avg.stop();

    NetworkShaper peak = started(config(limits("100mbit", "150mbit"),
        AdmissionLimit.PEAK_LIKE_LIBVIRT));
    peak.plug("vm1", mac(1), floor("30mbit"));
    assertThat(peak.capacity().capacity()).isEqualTo(Rate.parse("150mbit"));
    assertThat(peak.capacity().remaining()).isEqualTo(Rate.parse("120mbit"));
  }

  @Test
  void aNetworkWithoutInboundBandwidthHasNoCapacityAndAdmitsOnlyFloorlessInterfaces() {
    NetworkShaper shaper = started(NetworkConfig.builder("net", "br0").build());
    assertThat(shaper.capacity().floorsSupported()).isFalse();
    assertThat(shaper.canAdmit(Bandwidth.NONE).admitted()).isTrue();
    AdmissionDecision d = shaper.canAdmit(floor("1mbit"));
    assertThat(d.admitted()).isFalse();
    assertThat(d.refusal()).get().isInstanceOf(AdmissionException.class);
    assertThat(d.reason()).get().asString().contains("no inbound bandwidth");
  }

  @Test
  void canAdmitAnswersAsAPlugWouldUpToEquality() {
    NetworkShaper shaper = started(config(limits("100mbit", null), AdmissionLimit.AVERAGE));
    shaper.plug("vm1", mac(1), floor("60mbit"));
    tripwire.armed.set(true);
    assertThat(shaper.canAdmit(floor("40mbit")).admitted()).isTrue(); // equality fits
    AdmissionDecision refused = shaper.canAdmit(floor("41mbit"));
    assertThat(refused.admitted()).isFalse();
    assertThat(refused.requestedFloor()).isEqualTo(Rate.parse("41mbit"));
    assertThat(refused.capacity().remaining()).isEqualTo(Rate.parse("40mbit"));
    AdmissionException why = (AdmissionException) refused.refusal().orElseThrow();
    assertThat(why.allottedFloors()).isEqualTo(Rate.parse("60mbit"));
    tripwire.armed.set(false);
    assertThatThrownBy(() -> shaper.plug("vm2", mac(2), floor("41mbit")))
        .isInstanceOf(AdmissionException.class);
    shaper.plug("vm2", mac(2), floor("40mbit"));
  }

  @Test
  void aDryRunPlugReturnsThePlanThePlugThenAppliesAndTouchesNothing() {
    NetworkShaper shaper = started(config(limits("100mbit", null), AdmissionLimit.AVERAGE));
    shaper.plug("vm1", mac(1), floor("10mbit"));
    List<TcObject> before = memoryKernel.objects();
    NetworkStatus storedBefore = memoryStore.load("net").orElseThrow();

    tripwire.armed.set(true); // any kernel or store call now fails the test
    DryRun run = shaper.dryRunPlug("vm2", mac(2), floor("20mbit"));
    DryRun refused = shaper.dryRunPlug("vm3", mac(3), floor("95mbit"));
    DryRun conflict = shaper.dryRunPlug("vm4", mac(1), floor("1mbit"));
    DryRun again = shaper.dryRunPlug("vm1", mac(1), floor("10mbit"));
    tripwire.armed.set(false);

    assertThat(memoryKernel.objects()).isEqualTo(before);
    assertThat(memoryStore.load("net").orElseThrow()).isEqualTo(storedBefore);
    assertThat(run.admitted()).isTrue();
    assertThat(run.plan().isEmpty()).isFalse();
    assertThat(refused.admitted()).isFalse();
    assertThat(refused.plan().isEmpty()).isTrue();
    assertThat(refused.decision().refusal()).get().isInstanceOf(AdmissionException.class);
    assertThat(conflict.decision().refusal()).get().isInstanceOf(InterfaceConflictException.class);
    assertThat(again.admitted()).isTrue();
    assertThat(again.plan().isEmpty()).isTrue(); // plugging it again changes nothing

    long opsBefore = memoryKernel.operationCount();
    ClassHandle c = shaper.plug("vm2", mac(2), floor("20mbit"));
    assertThat(run.classId()).contains(c);
    assertThat(memoryKernel.operationCount() - opsBefore).isEqualTo(run.plan().size());
    assertThat(new HashSet<>(memoryKernel.objects()))
        .isEqualTo(applied(before, run.plan().ops()));
  }

  @Test
  void aDryRunUpdateDecidesAgainstTheOtherInterfacesFloors() {
    NetworkShaper shaper = started(config(limits("100mbit", null), AdmissionLimit.AVERAGE));
    shaper.plug("vm1", mac(1), floor("50mbit"));
    shaper.plug("vm2", mac(2), floor("30mbit"));
    tripwire.armed.set(true);
    DryRun up = shaper.dryRunUpdate("vm1", floor("70mbit"));
    DryRun tooMuch = shaper.dryRunUpdate("vm1", floor("71mbit"));
    DryRun missing = shaper.dryRunUpdate("vm9", floor("1mbit"));
    tripwire.armed.set(false);
    assertThat(up.admitted()).isTrue();
    assertThat(up.plan().ops()).allMatch(op -> op instanceof TcOp.Change);
    assertThat(tooMuch.decision().refusal()).get().isInstanceOf(AdmissionException.class);
    assertThat(missing.decision().refusal()).get().isInstanceOf(InterfaceConflictException.class);
    assertThat(shaper.tree().find("vm1").orElseThrow().bandwidth()).isEqualTo(floor("50mbit"));
  }

  @Test
  void resizeChangesOnlyClassesAndKeepsEveryFloor() {
    NetworkShaper shaper = started(config(limits("100mbit", "150mbit"), AdmissionLimit.AVERAGE));
    shaper.plug("vm1", mac(1), floor("40mbit"));
    shaper.plug("vm2", mac(2), Bandwidth.of(Limits.builder().floor(Rate.parse("20mbit"))
        .average(Rate.parse("30mbit")).build(), null));
    shaper.plug("vm3", mac(3), Bandwidth.NONE);
    List<TcObject> before = memoryKernel.objects();
    long opsBefore = memoryKernel.operationCount();

    Limits bigger = Limits.builder().average(Rate.parse("200mbit")).peak(Rate.parse("300mbit"))
        .burst(ByteSize.parse("64kb")).build();
    Capacity after = shaper.resize(bigger);

    assertThat(after.capacity()).isEqualTo(Rate.parse("200mbit"));
    assertThat(after.allotted()).isEqualTo(Rate.parse("60mbit"));
    List<TcObject> now = memoryKernel.objects();
    assertThat(set(now)).isEqualTo(set(shaper.tree().kernelObjects()));
    // only classes changed: 1:1, 1:2 and vm1's ceiling (it follows the network's peak); vm2's
    // ceiling is its own average, so its class stays as it was
    List<TcOp> ops = PlanDiff.between(before, now).ops();
    assertThat(ops).allMatch(op -> op instanceof TcOp.Change c && c.after() instanceof HtbClass);
    assertThat(ops).extracting(op -> ((HtbClass) ((TcOp.Change) op).after()).classId().toString())
        .containsExactlyInAnyOrder("1:1", "1:2",
            shaper.tree().find("vm1").orElseThrow().effectiveClass().toString());
    assertThat(memoryKernel.operationCount() - opsBefore).isEqualTo(3);
    HtbClass vm1 = classOf(now, shaper.tree().find("vm1").orElseThrow().effectiveClass());
    assertThat(vm1.rate()).isEqualTo(Rate.parse("40mbit"));
    assertThat(vm1.ceil()).isEqualTo(Rate.parse("300mbit"));
    assertThat(memoryStore.load("net").orElseThrow().inbound()).contains(bigger);

    // shrink to exactly the floors: admitted; below them: refused, nothing changed anywhere
    shaper.resize(limits("60mbit", null));
    List<TcObject> atFloors = memoryKernel.objects();
    NetworkStatus storedAtFloors = memoryStore.load("net").orElseThrow();
    tripwire.armed.set(true);
    assertThatThrownBy(() -> shaper.resize(limits("59mbit", null)))
        .isInstanceOf(AdmissionException.class).hasMessageContaining("sum to 60mbit");
    tripwire.armed.set(false);
    assertThat(memoryKernel.objects()).isEqualTo(atFloors);
    assertThat(memoryStore.load("net").orElseThrow()).isEqualTo(storedAtFloors);
    assertThat(shaper.capacity().capacity()).isEqualTo(Rate.parse("60mbit"));
  }

  @Test
  void aRestartKeepsTheResizedLimitsInPlaceOfTheConfigs() {
    NetworkConfig original = config(limits("100mbit", null), AdmissionLimit.AVERAGE);
    NetworkShaper shaper = started(original);
    shaper.plug("vm1", mac(1), floor("90mbit"));
    shaper.resize(limits("250mbit", null));
    shaper.plug("vm2", mac(2), floor("150mbit")); // fits only the resized capacity
    List<TcObject> kernelBefore = memoryKernel.objects();

    NetworkShaper restarted = NetworkShaperTest.create(original, kernel, store);
    ReconcileReport report = restarted.start();
    assertThat(report.wasClean()).isTrue();
    assertThat(memoryKernel.objects()).isEqualTo(kernelBefore);
    assertThat(restarted.capacity().capacity()).isEqualTo(Rate.parse("250mbit"));
    assertThat(restarted.config().inboundAverage()).contains(Rate.parse("250mbit"));
    restarted.plug("vm3", mac(3), floor("10mbit")); // the journal keeps the limits through plugs
    assertThat(memoryStore.load("net").orElseThrow().inbound())
        .contains(limits("250mbit", null));
  }

  @Test
  void resizeOfANetworkWithoutInboundBandwidthIsRefused() {
    NetworkShaper shaper = started(NetworkConfig.builder("net", "br0").build());
    assertThatThrownBy(() -> shaper.resize(limits("10mbit", null)))
        .isInstanceOf(InvalidValueException.class).hasMessageContaining("no inbound bandwidth");
    assertThatThrownBy(() -> started(config(limits("10mbit", null), AdmissionLimit.AVERAGE))
        .resize(Limits.floorOnly(Rate.parse("1mbit"))))
        .isInstanceOf(io.netfloor.NetFloorException.class);
  }

  private static HtbClass classOf(List<TcObject> objects, ClassHandle id) {
    return objects.stream().filter(o -> o instanceof HtbClass c && c.classId().equals(id))
        .map(o -> (HtbClass) o).findFirst().orElseThrow();
  }

  private static Set<TcObject> set(List<TcObject> objects) {
    return new HashSet<>(objects);
  }

  private static Set<TcObject> applied(List<TcObject> before, List<TcOp> ops) {
    Set<TcObject> s = new HashSet<>(before);
    for (TcOp op : ops) {
      if (op instanceof TcOp.Add a) {
        s.add(a.object());
      } else if (op instanceof TcOp.Delete d) {
        s.remove(d.object());
      } else if (op instanceof TcOp.Change c) {
        s.remove(c.before());
        s.add(c.after());
      }
    }
    return s;
  }
}
