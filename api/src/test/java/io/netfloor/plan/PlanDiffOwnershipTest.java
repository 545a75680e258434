// SPDX-License-Identifier: Apache-2.0
package io.netfloor.plan;

import static io.netfloor.plan.PlanFixtures.BR;
import static io.netfloor.plan.PlanFixtures.DEFAULT;
import static io.netfloor.plan.PlanFixtures.FLOOR;
import static io.netfloor.plan.PlanFixtures.LEAF;
import static io.netfloor.plan.PlanFixtures.LINK;
import static io.netfloor.plan.PlanFixtures.MARK;
import static io.netfloor.plan.PlanFixtures.QDISC;
import static io.netfloor.plan.PlanFixtures.ROOT;
import static io.netfloor.plan.PlanFixtures.TABLE;
import static io.netfloor.plan.PlanFixtures.TOP;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netfloor.InvalidValueException;
import io.netfloor.model.KernelPlacement;
import io.netfloor.units.ClassHandle;
import io.netfloor.units.InterfaceName;
import io.netfloor.units.MacAddress;
import io.netfloor.units.Rate;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

/**
 * Where the objects of ownership go in plans: a mark right after its qdisc and right before it on
 * the way out, an emptied u32 instance after everything in it, objects NetFloor cannot read back
 * only ever deleted, and everything under a deleted root or ingress qdisc left to the kernel's
 * cascade in a teardown.
 */
class PlanDiffOwnershipTest {
  private static final ClassHandle INGRESS = IngressQdisc.HANDLE;

  private static final U32MacFilter NODE = new U32MacFilter(BR, ROOT, 2, EtherType.ALL,
      U32Handle.of(0x10, 1, 0xfff), true, MacAddress.parse("52:54:00:00:00:01"),
      OptionalInt.empty(), ClassHandle.of(1, 3));
  private static final UnrecognizedObject JUNK_FILTER = new UnrecognizedObject(
      new ObjectKey(ObjectKey.Kind.FILTER, BR, ROOT.toBits(), 2, U32Handle.of(0x10, 2, 5).toBits()),
      ROOT, "filter u32 parent 1: prio 2 handle 10:2:5 on br0");
  private static final UnrecognizedObject JUNK_QDISC = new UnrecognizedObject(
      new ObjectKey(ObjectKey.Kind.QDISC, BR, 0, 0, ClassHandle.qdisc(2).toBits()),
      ClassHandle.of(1, 2), "qdisc tbf 2: parent 1:2 on br0");
  private static final U32Instance INSTANCE = new U32Instance(BR, ROOT, 2, EtherType.ALL);

  private static List<TcObject> objects(List<TcOp> ops) {
    return ops.stream().map(TcOp::object).toList();
  }

  @Test
  void theMarkComesRightAfterItsQdiscAndBeforeAnythingUnderIt() {
    Plan build = PlanDiff.between(List.of(),
        List.of(NODE, LINK, TABLE, LEAF, FLOOR, DEFAULT, TOP, MARK, QDISC));
    assertThat(build.ops()).allMatch(op -> op instanceof TcOp.Add);
    assertThat(objects(build.ops()))
        .containsExactly(QDISC, MARK, TOP, DEFAULT, FLOOR, LEAF, TABLE, LINK, NODE);
  }

  @Test
  void deletedOneByOneTheMarkGoesLastBeforeItsQdiscAndAnEmptiedInstanceAfterIt() {
    // a root another tool made: nothing cascades, every object is deleted explicitly
    Plan plan = PlanDiff.teardown(List.of(MARK, INSTANCE, TOP, DEFAULT, FLOOR, LEAF, JUNK_QDISC,
        TABLE, LINK, NODE, JUNK_FILTER));
    assertThat(plan.ops()).allMatch(op -> op instanceof TcOp.Delete);
    List<TcObject> order = objects(plan.ops());
    assertThat(order.subList(0, 2)).containsExactlyInAnyOrder(NODE, JUNK_FILTER);
    assertThat(order.subList(2, 4)).containsExactly(LINK, TABLE);
    assertThat(order.subList(4, 6)).containsExactlyInAnyOrder(LEAF, JUNK_QDISC);
    assertThat(order.subList(6, 11)).containsExactly(DEFAULT, FLOOR, TOP, MARK, INSTANCE);
  }

  @Test
  void aDeletedRootOrIngressQdiscTakesItsMarkInstanceAndUnreadableObjectsWithIt() {
    Plan root = PlanDiff.teardown(List.of(QDISC, MARK, INSTANCE, TOP, DEFAULT, FLOOR, LEAF,
        JUNK_QDISC, TABLE, LINK, NODE, JUNK_FILTER));
    assertThat(objects(root.ops())).containsExactly(QDISC);

    InterfaceName tap = InterfaceName.of("tap0");
    IngressQdisc ingress = new IngressQdisc(tap);
    U32OwnerMark mark = new U32OwnerMark(tap, INGRESS, 1, EtherType.ALL, true, "net");
    U32MatchAllRedirect redirect = new U32MatchAllRedirect(tap, 1, U32Handle.of(0x800, 0, 0x800),
        InterfaceName.of("nfb-1"));
    UnrecognizedObject junk = new UnrecognizedObject(new ObjectKey(ObjectKey.Kind.FILTER, tap,
        INGRESS.toBits(), 1, U32Handle.of(0x800, 0, 0x801).toBits()), INGRESS, "junk");
    U32Instance instance = new U32Instance(tap, INGRESS, 1, EtherType.ALL);
    assertThat(objects(PlanDiff.teardown(List.of(ingress, mark, redirect, junk, instance)).ops()))
        .containsExactly(ingress);
    // on another device, or under another qdisc, nothing is implied
    assertThat(PlanDiff.impliedBy(ingress, MARK)).isFalse();
    assertThat(PlanDiff.impliedBy(QDISC, mark)).isFalse();
    assertThat(PlanDiff.impliedBy(QDISC, new U32OwnerMark(BR, INGRESS, 1, EtherType.ALL, true,
        "net"))).isFalse();
    assertThat(PlanDiff.impliedBy(QDISC, new U32Instance(BR, INGRESS, 1, EtherType.ALL)))
        .isFalse();
    assertThat(PlanDiff.impliedBy(new IngressQdisc(BR), INSTANCE)).isFalse();
    assertThat(PlanDiff.impliedBy(new IngressQdisc(BR), new UnrecognizedObject(new ObjectKey(
        ObjectKey.Kind.FILTER, BR, ROOT.toBits(), 2, 1), ROOT, "x"))).isFalse();
  }

  @Test
  void aRootImpliesExactlyWhatHangsUnderIt() {
    ClassHandle other = ClassHandle.qdisc(2);
    for (TcObject under : List.of(TOP, LEAF, TABLE, LINK, NODE, MARK, JUNK_FILTER, JUNK_QDISC,
        INSTANCE)) {
      assertThat(PlanDiff.impliedBy(QDISC, under)).as("%s", under.describe()).isTrue();
    }
    List<TcObject> notUnder = List.of(
        new HtbClass(BR, ClassHandle.of(2, 1), other, Rate.parse("1mbit"), Rate.parse("1mbit"),
            Optional.empty(), Optional.empty(), 1600, 0),
        LeafQdisc.of(BR, ClassHandle.qdisc(5), ClassHandle.of(2, 5), LeafQdiscKind.PFIFO),
        new U32HashTable(BR, other, 2, EtherType.ALL, 0x10, 256),
        new U32HashLink(BR, other, 2, EtherType.ALL, U32Handle.of(0x800, 0, 0x800), 0x10, -12, 0xff),
        new U32MacFilter(BR, other, 2, EtherType.ALL, U32Handle.of(0x800, 0, 0x803), false,
            MacAddress.parse("52:54:00:00:00:01"), OptionalInt.empty(), ClassHandle.of(2, 3)),
        new U32OwnerMark(BR, other, 2, EtherType.ALL, true, "net"),
        new UnrecognizedObject(new ObjectKey(ObjectKey.Kind.FILTER, BR, other.toBits(), 2, 1),
            other, "x"),
        new U32Instance(BR, other, 2, EtherType.ALL),
        new IngressQdisc(BR),
        htbClassOn(InterfaceName.of("tap0")));
    for (TcObject o : notUnder) {
      assertThat(PlanDiff.impliedBy(QDISC, o)).as("%s", o.describe()).isFalse();
    }
    assertThat(PlanDiff.impliedBy(TOP, DEFAULT)).as("a class is no root").isFalse();
    IfbDevice ifb = new IfbDevice(BR);
    assertThat(PlanDiff.impliedBy(ifb, TOP)).as("a device takes everything on it").isTrue();
    assertThat(objects(PlanDiff.teardown(List.of(QDISC, TOP, notUnder.get(0))).ops()))
        .containsExactly(notUnder.get(0), QDISC);
  }

  private static HtbClass htbClassOn(InterfaceName device) {
    return new HtbClass(device, ClassHandle.of(1, 1), ROOT, Rate.parse("1mbit"),
        Rate.parse("1mbit"), Optional.empty(), Optional.empty(), 1600, 0);
  }

  @Test
  void aMarkIsReplacedWholeAndNeverChangedInPlace() {
    U32OwnerMark notOwned = new U32OwnerMark(BR, ROOT, 2, EtherType.ALL, false, "net");
    Plan plan = PlanDiff.between(List.of(QDISC, MARK), List.of(QDISC, notOwned));
    assertThat(plan.ops()).containsExactly(new TcOp.Delete(MARK), new TcOp.Add(notOwned));
  }

  @Test
  void unrecognizedObjectsAndInstancesAreDescribedAndValidated() {
    assertThat(JUNK_FILTER.device()).isEqualTo(BR);
    assertThat(JUNK_FILTER.isFilter()).isTrue();
    assertThat(JUNK_QDISC.isFilter()).isFalse();
    assertThat(JUNK_QDISC.describe()).isEqualTo("qdisc tbf 2: parent 1:2 on br0 (not in a form"
        + " NetFloor makes)");
    assertThatThrownBy(() -> new UnrecognizedObject(new ObjectKey(ObjectKey.Kind.CLASS, BR, 0, 0,
        1), ROOT, "class")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new UnrecognizedObject(null, ROOT, "x"))
        .isInstanceOf(NullPointerException.class);
    assertThat(INSTANCE.key()).isEqualTo(new ObjectKey(ObjectKey.Kind.FILTER, BR, ROOT.toBits(),
        2, 0));
    assertThat(INSTANCE.describe()).isEqualTo("filter u32 instance on br0 parent 1: prio 2"
        + " protocol all (every filter and table in it)");
    assertThatThrownBy(() -> new U32Instance(BR, ROOT, 0, EtherType.ALL))
        .isInstanceOf(InvalidValueException.class);
  }

  @Test
  void placementsAreChecked() {
    assertThat(KernelPlacement.DEFAULT).isEqualTo(new KernelPlacement(true, 2, 0x800));
    new KernelPlacement(false, 0xffff, 0xfff);
    new KernelPlacement(false, 1, 0x800);
    assertThatThrownBy(() -> new KernelPlacement(true, 0, 0x800))
        .isInstanceOf(InvalidValueException.class).hasMessageContaining("prio 0");
    assertThatThrownBy(() -> new KernelPlacement(true, 0x10000, 0x800))
        .isInstanceOf(InvalidValueException.class);
    assertThatThrownBy(() -> new KernelPlacement(true, 2, 0x7ff))
        .isInstanceOf(InvalidValueException.class).hasMessageContaining("7ff");
    assertThatThrownBy(() -> new KernelPlacement(true, 2, 0x1000))
        .isInstanceOf(InvalidValueException.class);
  }
}
