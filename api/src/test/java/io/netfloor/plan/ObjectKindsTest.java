// SPDX-License-Identifier: Apache-2.0
package io.netfloor.plan;

import static org.assertj.core.api.Assertions.assertThat;

import io.netfloor.model.Bandwidth;
import io.netfloor.model.HtbTree;
import io.netfloor.model.Limits;
import io.netfloor.model.NetworkConfig;
import io.netfloor.model.OutboundShaping;
import io.netfloor.model.PluggedInterface;
import io.netfloor.model.StatusChange;
import io.netfloor.units.ClassHandle;
import io.netfloor.units.InterfaceName;
import io.netfloor.units.MacAddress;
import io.netfloor.units.Rate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * The kind enums that {@code switch} expressions dispatch on ({@link TcObject.Kind},
 * {@link StatusChange.Kind}) name each permitted record type exactly once, and every object says
 * the kind of its own type: the cast after a {@code case} can then never fail.
 */
class ObjectKindsTest {

  @Test
  void everyKernelObjectTypeHasExactlyOneKind() {
    assertThat(Arrays.stream(TcObject.Kind.values()).<Class<?>>map(TcObject.Kind::type))
        .doesNotHaveDuplicates()
        .containsExactlyInAnyOrder(TcObject.class.getPermittedSubclasses());
  }

  @Test
  void everyStatusChangeTypeHasExactlyOneKind() {
    assertThat(Arrays.stream(StatusChange.Kind.values()).<Class<?>>map(StatusChange.Kind::type))
        .doesNotHaveDuplicates()
        .containsExactlyInAnyOrder(StatusChange.class.getPermittedSubclasses());
  }

  @Test
  void everyKernelObjectSaysTheKindOfItsType() {
    List<TcObject> samples = new ArrayList<>();
    for (OutboundShaping outbound : OutboundShaping.values()) {
      NetworkConfig config = NetworkConfig.builder("net", "br0")
          .inbound(Limits.averageOnly(Rate.parse("100mbit")))
          .outbound(Limits.averageOnly(Rate.parse("100mbit")))
          .outboundShaping(outbound).build();
      samples.addAll(HtbTree.start(config).tree()
          .plug("a", MacAddress.parse("52:54:00:00:00:01"), Optional.of(InterfaceName.of("vnet0")),
              new Bandwidth(Optional.of(Limits.builder().floor(Rate.parse("1mbit"))
                  .average(Rate.parse("5mbit")).build()),
                  Optional.of(Limits.averageOnly(Rate.parse("5mbit")))))
          .tree().kernelObjects());
    }
    InterfaceName br0 = InterfaceName.of("br0");
    samples.add(new U32Instance(br0, ClassHandle.qdisc(1), 3, EtherType.ALL));
    samples.add(new UnrecognizedObject(new ObjectKey(ObjectKey.Kind.QDISC, br0, 0x10001, 0,
        ClassHandle.qdisc(9).toBits()), ClassHandle.of(1, 9), "qdisc tbf 9:"));
    for (TcObject o : samples) {
      assertThat(o.objectKind().type()).as(o.describe()).isEqualTo(o.getClass());
    }
    Set<TcObject.Kind> seen = samples.stream().map(TcObject::objectKind)
        .collect(Collectors.toCollection(() -> EnumSet.noneOf(TcObject.Kind.class)));
    assertThat(seen).containsExactlyInAnyOrder(TcObject.Kind.values());
  }

  @Test
  void everyStatusChangeSaysTheKindOfItsType() {
    SortedSet<Integer> ids = new TreeSet<>(List.of(5, 6));
    PluggedInterface p = new PluggedInterface("a", MacAddress.parse("52:54:00:00:00:01"),
        Bandwidth.NONE, 0, Optional.empty(), Optional.empty());
    List<StatusChange> samples = List.of(new StatusChange.InterfaceSet(p),
        new StatusChange.InterfaceRemoved("a"), new StatusChange.ClassesParked(ids),
        new StatusChange.ClassesUnparked(ids),
        new StatusChange.InboundResized(Limits.averageOnly(Rate.parse("10mbit"))),
        new StatusChange.Batch(List.of(new StatusChange.InterfaceRemoved("a"))));
    for (StatusChange c : samples) {
      assertThat(c.changeKind().type()).as(c.toString()).isEqualTo(c.getClass());
    }
    assertThat(samples.stream().map(StatusChange::changeKind))
        .containsExactlyInAnyOrder(StatusChange.Kind.values());
  }
}
