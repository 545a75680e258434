// SPDX-License-Identifier: Apache-2.0
package io.netfloor.shaping;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netfloor.AdmissionException;
import io.netfloor.model.AdmissionLimit;
import io.netfloor.model.Bandwidth;
import io.netfloor.model.FilterLayout;
import io.netfloor.model.Limits;
import io.netfloor.model.NetworkConfig;
import io.netfloor.model.NetworkStatus;
import io.netfloor.persistence.InMemoryStatusStore;
import io.netfloor.plan.HtbClass;
import io.netfloor.plan.TcObject;
import io.netfloor.spi.InMemoryTrafficControl;
import io.netfloor.units.InterfaceName;
import io.netfloor.units.MacAddress;
import io.netfloor.units.Rate;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;
import net.jqwik.api.constraints.Size;

/**
 * Any resize of any network either changes classes only, keeping every floor, interface and
 * filter, and is what a restart then finds; or, below the floors, is refused with nothing changed.
 */
class ResizeProperties {

  @Property(tries = 200)
  void aResizeChangesClassesOnlyOrNothing(
      @ForAll @Size(max = 12) List<@IntRange(min = 0, max = 40) Integer> floorsMbit,
      @ForAll @LongRange(min = 1, max = 1000) long averageMbit,
      @ForAll @LongRange(min = 0, max = 500) long extraPeakMbit,
      @ForAll boolean peakAdmission, @ForAll FilterLayout layout) {
    InMemoryTrafficControl kernel = new InMemoryTrafficControl()
        .addDevice(InterfaceName.of("br0"));
    InMemoryStatusStore store = new InMemoryStatusStore();
    NetworkConfig config = NetworkConfig.builder("net", "br0").filterLayout(layout)
        .admissionLimit(peakAdmission ? AdmissionLimit.PEAK_LIKE_LIBVIRT : AdmissionLimit.AVERAGE)
        .inbound(Limits.builder().average(Rate.parse("1000mbit")).build()).build();
    NetworkShaper shaper = NetworkShaperTest.create(config, kernel, store);
    shaper.start();
    for (int i = 0; i < floorsMbit.size(); i++) {
      int f = floorsMbit.get(i);
      shaper.plug("vm" + i, MacAddress.parse(String.format("52:54:00:00:00:%02x", i)),
          f == 0 ? Bandwidth.NONE : Bandwidth.floor(Rate.ofMegabits(f)));
    }
    Set<TcObject> before = new HashSet<>(kernel.objects());
    NetworkStatus storedBefore = store.load("net").orElseThrow();
    Limits.Builder next = Limits.builder().average(Rate.ofMegabits(averageMbit));
    if (extraPeakMbit > 0) {
      next.peak(Rate.ofMegabits(averageMbit + extraPeakMbit));
    }
    Limits limits = next.build();
    Rate capacity = peakAdmission ? limits.ceiling().orElseThrow() : limits.average().get();
    Rate floors = shaper.capacity().allotted();

    if (floors.compareTo(capacity) > 0) {
      assertThatThrownBy(() -> shaper.resize(limits)).isInstanceOf(AdmissionException.class);
      assertThat(new HashSet<>(kernel.objects())).isEqualTo(before);
      assertThat(store.load("net").orElseThrow()).isEqualTo(storedBefore);
      return;
    }
    Capacity after = shaper.resize(limits);
    assertThat(after.capacity()).isEqualTo(capacity);
    assertThat(after.allotted()).isEqualTo(floors);
    Set<TcObject> now = new HashSet<>(kernel.objects());
    assertThat(now).isEqualTo(new HashSet<>(shaper.tree().kernelObjects()));
    assertThat(nonClasses(now)).isEqualTo(nonClasses(before)); // filters and qdiscs untouched
    for (TcObject o : now) {
      if (o instanceof HtbClass c && c.classId().minor() > 2) {
        // every interface's class keeps its rate: the floor
        assertThat(before).anyMatch(b -> b instanceof HtbClass old
            && old.classId().equals(c.classId()) && old.rate().equals(c.rate()));
      }
    }
    assertThat(shaper.tree().interfaces()).hasSize(floorsMbit.size());
    // a restart from the store finds exactly this kernel: nothing to repair
    NetworkShaper restarted = NetworkShaperTest.create(config, kernel, store);
    assertThat(restarted.start().wasClean()).isTrue();
    assertThat(new HashSet<>(kernel.objects())).isEqualTo(now);
    assertThat(restarted.capacity()).isEqualTo(after);
  }

  private static Set<TcObject> nonClasses(Set<TcObject> objects) {
    return objects.stream().filter(o -> !(o instanceof HtbClass)).collect(Collectors.toSet());
  }
}
