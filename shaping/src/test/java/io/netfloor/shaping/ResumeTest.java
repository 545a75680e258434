// SPDX-License-Identifier: Apache-2.0
package io.netfloor.shaping;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netfloor.model.Bandwidth;
import io.netfloor.model.FilterLayout;
import io.netfloor.model.KernelPlacement;
import io.netfloor.model.Limits;
import io.netfloor.model.NetworkStatus;
import io.netfloor.persistence.InMemoryStatusStore;
import io.netfloor.plan.Plan;
import io.netfloor.plan.TcObject;
import io.netfloor.spi.InMemoryTrafficControl;
import io.netfloor.units.InterfaceName;
import io.netfloor.units.MacAddress;
import io.netfloor.units.Rate;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** A shaper resumed from the stored status continues exactly where the last one left off. */
class ResumeTest {
  private static final InterfaceName BR = InterfaceName.of("br0");

  private final InMemoryTrafficControl kernel = new InMemoryTrafficControl().addDevice(BR);
  private final InMemoryStatusStore store = new InMemoryStatusStore();

  private static MacAddress mac(int i) {
    return MacAddress.parse(String.format("52:54:00:00:00:%02x", i));
  }

  private static Set<TcObject> set(Iterable<TcObject> objects) {
    Set<TcObject> s = new HashSet<>();
    objects.forEach(s::add);
    return s;
  }

  @Test
  void resumedShaperTouchesNothingAtStartAndItsChangesKeepKernelAndStoreInAgreement() {
    NetworkShaper first = NetworkShaperTest.create(NetworkShaperTest.config(FilterLayout.HASHED),
        kernel, store);
    first.start();
    first.plug("vm1", mac(1), Bandwidth.floor(Rate.parse("10mbit")));
    first.plug("vm2", mac(2), Bandwidth.floor(Rate.parse("20mbit")));
    first.unplug("vm1");
    first.resize(Limits.builder().average(Rate.parse("200mbit")).build());
    KernelPlacement placement = first.tree().placement();
    first.close();

    java.util.concurrent.atomic.AtomicInteger dumps = new java.util.concurrent.atomic.AtomicInteger();
    RecordingTrafficControl recording = new RecordingTrafficControl(
        new io.netfloor.spi.ForwardingTrafficControl(kernel) {
          @Override
          public io.netfloor.spi.KernelSnapshot dump(InterfaceName device) {
            dumps.incrementAndGet();
            return super.dump(device);
          }
        });
    NetworkShaper resumed = NetworkShaperTest.create(NetworkShaperTest.config(FilterLayout.HASHED),
        recording, store);
    resumed.resume(placement);
    assertThat(recording.plans).isEmpty(); // no kernel change at start
    assertThat(dumps).hasValue(0); // and no kernel read
    assertThat(resumed.isStarted()).isTrue();
    assertThat(resumed.tree()).isEqualTo(first.tree());
    assertThat(resumed.capacity().capacity()).isEqualTo(Rate.parse("200mbit")); // as resized

    resumed.plug("vm3", mac(3), Bandwidth.floor(Rate.parse("30mbit")));
    resumed.unplug("vm2");
    assertThat(set(kernel.objects())).isEqualTo(set(resumed.tree().kernelObjects()));
    NetworkStatus stored = store.load("net").orElseThrow();
    NetworkStatus model = NetworkStatus.of(resumed.tree());
    assertThat(stored.interfaces()).isEqualTo(model.interfaces());
    assertThat(stored.parkedClassIds()).isEqualTo(model.parkedClassIds());
    assertThat(stored.inbound()).contains(
        Limits.builder().average(Rate.parse("200mbit")).build()); // the resize is kept
    // a full reconcile afterwards finds nothing to repair
    assertThat(resumed.reconcile().repairs()).isEqualTo(Plan.EMPTY);
  }

  @Test
  void resumeNeedsAStoredStatusAndAShaperNotStarted() {
    NetworkShaper none = NetworkShaperTest.create(NetworkShaperTest.config(FilterLayout.HASHED),
        kernel, store);
    assertThatThrownBy(() -> none.resume(KernelPlacement.DEFAULT))
        .isInstanceOf(ShapingException.class).hasMessageContaining("no stored status");
    assertThat(none.isStarted()).isFalse();
    none.start();
    assertThatThrownBy(() -> none.resume(KernelPlacement.DEFAULT))
        .isInstanceOf(ShapingException.class).hasMessageContaining("already started");
  }
}
