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
import static io.netfloor.plan.PlanFixtures.htbClass;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netfloor.units.ByteSize;
import io.netfloor.units.ClassHandle;
import io.netfloor.units.InterfaceName;
import io.netfloor.units.MacAddress;
import io.netfloor.units.Rate;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

/**
 * The order of a plan is what keeps the kernel accepting it at every step and a guarantee never
 * oversubscribed in between: filters go before the classes they point at, children before parents,
 * rates come down before anything else is added and go up only once the structure stands, filters
 * come last. Shown on every kind of object at once, in both directions and with both the small
 * and the general matching path.
 */
class PlanDiffOrderTest {
  private static final InterfaceName IFB = InterfaceName.of("ifb0");

  private static final IfbDevice IFB_DEVICE = new IfbDevice(IFB);
  private static final IngressQdisc INGRESS = new IngressQdisc(BR);
  private static final U32MacFilter NODE = new U32MacFilter(BR, ROOT, 2, EtherType.ALL,
      U32Handle.of(0x10, 1, 1), true, MacAddress.parse("52:54:00:00:00:01"),
      OptionalInt.empty(), ClassHandle.of(1, 3));
  private static final U32MatchAllPolice POLICE = new U32MatchAllPolice(BR, 1,
      U32Handle.of(0x800, 0, 1), Rate.parse("1mbit"), ByteSize.ofKibibytes(16),
      U32MatchAllPolice.LIBVIRT_MTU);
  private static final U32MatchAllRedirect REDIRECT = new U32MatchAllRedirect(BR, 3,
      U32Handle.of(0x801, 0, 1), IFB);
  private static final HtbQdisc IFB_QDISC = new HtbQdisc(IFB, ROOT, ClassHandle.ROOT, 2, 10,
      OptionalInt.empty());
  private static final HtbClass IFB_CLASS = new HtbClass(IFB, ClassHandle.of(1, 1), ROOT,
      Rate.parse("1mbit"), Rate.parse("1mbit"), Optional.empty(), Optional.empty(), 1600, 0);

  private static final List<TcObject> ALL = List.of(IFB_DEVICE, IFB_QDISC, IFB_CLASS, QDISC,
      INGRESS, MARK, TOP, DEFAULT, FLOOR, LEAF, TABLE, LINK, NODE, POLICE, REDIRECT);

  private static List<TcObject> objects(Plan plan) {
    return plan.ops().stream().map(TcOp::object).toList();
  }

  private static List<TcObject> shuffled(List<TcObject> objects, long seed) {
    List<TcObject> copy = new ArrayList<>(objects);
    Collections.shuffle(copy, new java.util.Random(seed));
    return copy;
  }

  /** Pads a side with objects of another device, so the plan is made by the general path. */
  private static List<TcObject> large(List<TcObject> objects) {
    List<TcObject> out = new ArrayList<>(objects);
    InterfaceName other = InterfaceName.of("pad0");
    out.add(new HtbQdisc(other, ROOT, ClassHandle.ROOT, 2, 10, OptionalInt.empty()));
    for (int minor = 1; minor <= 25; minor++) {
      out.add(new HtbClass(other, ClassHandle.of(1, minor), ROOT, Rate.parse("1mbit"),
          Rate.parse("1mbit"), Optional.empty(), Optional.empty(), 1600, 0));
    }
    return out;
  }

  @Test
  void addsGoDevicesQdiscsMarksClassesParentsFirstLeavesThenTablesLinksAndNodes() {
    // within a rank, by kernel identity: device first
    List<TcObject> expected = List.of(IFB_DEVICE, QDISC, INGRESS, IFB_QDISC, MARK, TOP, DEFAULT,
        FLOOR, IFB_CLASS, LEAF, TABLE, LINK, NODE, POLICE, REDIRECT);
    for (long seed = 0; seed < 5; seed++) {
      Plan plan = PlanDiff.between(List.of(), shuffled(ALL, seed));
      assertThat(plan.ops()).allMatch(op -> op instanceof TcOp.Add);
      assertThat(objects(plan)).containsExactlyElementsOf(expected);
    }
    Plan general = PlanDiff.between(List.of(), large(ALL));
    assertThat(objects(general).stream().filter(o -> !o.device().equals(InterfaceName.of("pad0")))
        .toList()).containsExactlyElementsOf(expected);
  }

  @Test
  void deletesGoNodesLinksTablesLeavesChildrenParentsMarksQdiscsThenDevices() {
    List<TcObject> expected = List.of(NODE, POLICE, REDIRECT, LINK, TABLE, LEAF, DEFAULT, FLOOR,
        TOP, IFB_CLASS, MARK, QDISC, INGRESS, IFB_QDISC, IFB_DEVICE);
    for (long seed = 0; seed < 5; seed++) {
      Plan plan = PlanDiff.between(shuffled(ALL, seed), List.of());
      assertThat(plan.ops()).allMatch(op -> op instanceof TcOp.Delete);
      assertThat(objects(plan)).containsExactlyElementsOf(expected);
    }
    Plan general = PlanDiff.between(large(ALL), List.of());
    assertThat(objects(general).stream().filter(o -> !o.device().equals(InterfaceName.of("pad0")))
        .toList()).containsExactlyElementsOf(expected);
  }

  @Test
  void ratesComeDownAfterTheFiltersGoAndGoUpOnceTheStructureStandsBeforeLeavesAndFilters() {
    HtbClass defaultDown = htbClass(2, ClassHandle.of(1, 1), "80mbit");
    HtbClass floorUp = htbClass(3, ClassHandle.of(1, 1), "20mbit");
    HtbClass newFloor = htbClass(4, ClassHandle.of(1, 1), "1mbit");
    LeafQdisc newLeaf = LeafQdisc.of(BR, ClassHandle.qdisc(4), ClassHandle.of(1, 4),
        LeafQdiscKind.PFIFO);
    HtbQdisc qdiscChanged = new HtbQdisc(BR, ROOT, ClassHandle.ROOT, 3, 10, OptionalInt.empty());
    U32MacFilter nodeMoved = new U32MacFilter(BR, ROOT, 2, EtherType.ALL,
        U32Handle.of(0x10, 1, 1), true, MacAddress.parse("52:54:00:00:00:01"),
        OptionalInt.empty(), ClassHandle.of(1, 4));
    List<TcObject> before = List.of(QDISC, TOP, DEFAULT, FLOOR, LEAF, TABLE, LINK, NODE);
    List<TcObject> after = List.of(qdiscChanged, TOP, defaultDown, floorUp, LEAF, newFloor,
        newLeaf, TABLE, LINK, nodeMoved);
    List<String> expected = List.of(
        "delete " + NODE.describe(), // a changed filter: deleted and added again
        "change " + defaultDown.describe(), // down first, making room
        "add " + newFloor.describe(),
        "change " + qdiscChanged.describe(), // qdiscs before classes among the rest
        "change " + floorUp.describe(),
        "add " + newLeaf.describe(),
        "add " + nodeMoved.describe());
    for (boolean general : new boolean[] {false, true}) {
      Plan plan = general ? PlanDiff.between(large(before), large(after))
          : PlanDiff.between(before, after);
      assertThat(plan.ops()).extracting(TcOp::describe).containsExactlyElementsOf(expected);
      TcOp.Change down = (TcOp.Change) plan.ops().get(1);
      assertThat(down.before()).isEqualTo(DEFAULT);
      assertThat(down.after()).isEqualTo(defaultDown);
    }
  }

  @Test
  void severalRatesGoingDownOrUpAreChangedInClassOrder() {
    HtbClass c3 = htbClass(3, ClassHandle.of(1, 1), "10mbit");
    HtbClass c4 = htbClass(4, ClassHandle.of(1, 1), "10mbit");
    HtbClass c5 = htbClass(5, ClassHandle.of(1, 1), "10mbit");
    HtbClass c3down = htbClass(3, ClassHandle.of(1, 1), "5mbit");
    HtbClass c4down = htbClass(4, ClassHandle.of(1, 1), "5mbit");
    HtbClass c5down = htbClass(5, ClassHandle.of(1, 1), "5mbit");
    // given in reverse: the plan still changes 1:3, 1:4, 1:5 in order, both ways
    Plan down = PlanDiff.between(List.of(c5, c4, c3), List.of(c5down, c4down, c3down));
    assertThat(down.ops()).containsExactly(new TcOp.Change(c3, c3down),
        new TcOp.Change(c4, c4down), new TcOp.Change(c5, c5down));
    Plan up = PlanDiff.between(List.of(c5down, c4down, c3down), List.of(c5, c4, c3));
    assertThat(up.ops()).containsExactly(new TcOp.Change(c3down, c3),
        new TcOp.Change(c4down, c4), new TcOp.Change(c5down, c5));
  }

  @Test
  void equalSidesNeedNothingAndAnEqualRateIsNotALowering() {
    assertThat(PlanDiff.between(ALL, shuffled(ALL, 7)).ops()).isEmpty();
    assertThat(PlanDiff.between(large(ALL), large(ALL)).ops()).isEmpty();
    // same rate, other quantum: a change, made with the raising ones (after structural adds)
    HtbClass requantum = new HtbClass(BR, ClassHandle.of(1, 3), ClassHandle.of(1, 1),
        FLOOR.rate(), FLOOR.ceil(), Optional.empty(), Optional.empty(), 3200, 0);
    HtbClass added = htbClass(5, ClassHandle.of(1, 1), "1mbit");
    Plan plan = PlanDiff.between(List.of(TOP, FLOOR), List.of(TOP, requantum, added));
    assertThat(plan.ops()).extracting(TcOp::describe)
        .containsExactly("add " + added.describe(), "change " + requantum.describe());
  }

  @Test
  void aClassThatMovesToAnotherParentOrAQdiscThatMovesIsReplacedNotChanged() {
    HtbClass moved = htbClass(3, ClassHandle.of(1, 2), "10mbit");
    Plan plan = PlanDiff.between(List.of(TOP, DEFAULT, FLOOR), List.of(TOP, DEFAULT, moved));
    assertThat(plan.ops()).containsExactly(new TcOp.Delete(FLOOR), new TcOp.Add(moved));

    HtbQdisc nested = new HtbQdisc(BR, ROOT, ClassHandle.of(7, 1), 2, 10, OptionalInt.empty());
    assertThat(PlanDiff.between(List.of(QDISC), List.of(nested)).ops())
        .containsExactly(new TcOp.Delete(QDISC), new TcOp.Add(nested));
    HtbQdisc otherDefault = new HtbQdisc(BR, ROOT, ClassHandle.ROOT, 9, 10, OptionalInt.empty());
    assertThat(PlanDiff.between(List.of(QDISC), List.of(otherDefault)).ops())
        .containsExactly(new TcOp.Change(QDISC, otherDefault));
    // a leaf qdisc of another kind: replaced
    LeafQdisc sfq = LeafQdisc.of(BR, ClassHandle.qdisc(3), ClassHandle.of(1, 3), LeafQdiscKind.SFQ);
    assertThat(PlanDiff.between(List.of(LEAF), List.of(sfq)).ops())
        .containsExactly(new TcOp.Delete(LEAF), new TcOp.Add(sfq));
  }

  @Test
  void anObjectListedTwiceCountsOnceAndTwoObjectsWithOneIdentityAreRefused() {
    assertThat(PlanDiff.between(List.of(TOP, TOP), List.of()).ops())
        .containsExactly(new TcOp.Delete(TOP));
    assertThat(PlanDiff.between(List.of(), List.of(TOP, FLOOR, TOP)).ops())
        .containsExactly(new TcOp.Add(TOP), new TcOp.Add(FLOOR));
    assertThat(PlanDiff.between(large(List.of(TOP, TOP)), large(List.of())).ops())
        .filteredOn(op -> op.object().device().equals(BR)).containsExactly(new TcOp.Delete(TOP));

    HtbClass twin = htbClass(1, ROOT, "5mbit");
    for (boolean general : new boolean[] {false, true}) {
      List<TcObject> clash = general ? large(List.of(TOP, twin)) : List.of(TOP, twin);
      assertThatThrownBy(() -> PlanDiff.between(clash, List.of()))
          .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("kernel identity");
      assertThatThrownBy(() -> PlanDiff.between(List.of(), clash))
          .isInstanceOf(IllegalArgumentException.class);
    }
  }

  @Test
  void aTeardownLeavesToTheKernelWhatADeletedRootIngressOrDeviceTakesAlong() {
    Plan teardown = PlanDiff.teardown(shuffled(ALL, 3));
    assertThat(teardown.ops()).allMatch(op -> op instanceof TcOp.Delete);
    assertThat(objects(teardown)).containsExactly(QDISC, INGRESS, IFB_DEVICE);

    // without a root qdisc nothing is implied: every object is deleted, children first
    assertThat(objects(PlanDiff.teardown(List.of(TOP, FLOOR, LEAF, NODE))))
        .containsExactly(NODE, LEAF, FLOOR, TOP);
    // a root implies only what is on its own device
    HtbClass elsewhere = new HtbClass(IFB, ClassHandle.of(1, 5), ROOT, Rate.parse("1mbit"),
        Rate.parse("1mbit"), Optional.empty(), Optional.empty(), 1600, 0);
    assertThat(objects(PlanDiff.teardown(List.of(QDISC, TOP, elsewhere))))
        .containsExactly(elsewhere, QDISC);
    // a nested HTB qdisc is no root: what hangs under it is deleted one by one
    HtbQdisc nested = new HtbQdisc(BR, ClassHandle.qdisc(7), ClassHandle.of(1, 3), 0, 10,
        OptionalInt.empty());
    HtbClass underNested = new HtbClass(BR, ClassHandle.of(7, 1), ClassHandle.qdisc(7),
        Rate.parse("1mbit"), Rate.parse("1mbit"), Optional.empty(), Optional.empty(), 1600, 0);
    assertThat(objects(PlanDiff.teardown(List.of(nested, underNested))))
        .containsExactly(underNested, nested);
  }

  @Test
  void aRootQdiscImpliesItsOwnMajorsClassesLeavesAndFiltersOnly() {
    assertThat(PlanDiff.impliedBy(QDISC, TOP)).isTrue();
    assertThat(PlanDiff.impliedBy(QDISC, LEAF)).isTrue();
    assertThat(PlanDiff.impliedBy(QDISC, TABLE)).isTrue();
    assertThat(PlanDiff.impliedBy(QDISC, LINK)).isTrue();
    assertThat(PlanDiff.impliedBy(QDISC, NODE)).isTrue();
    assertThat(PlanDiff.impliedBy(QDISC, MARK)).isTrue();
    assertThat(PlanDiff.impliedBy(QDISC, POLICE)).as("an ingress filter").isFalse();
    assertThat(PlanDiff.impliedBy(QDISC, INGRESS)).isFalse();
    assertThat(PlanDiff.impliedBy(INGRESS, POLICE)).isTrue();
    assertThat(PlanDiff.impliedBy(INGRESS, REDIRECT)).isTrue();
    assertThat(PlanDiff.impliedBy(INGRESS, TOP)).isFalse();
    assertThat(PlanDiff.impliedBy(INGRESS, MARK)).isFalse();
    assertThat(PlanDiff.impliedBy(IFB_DEVICE, IFB_CLASS)).isTrue();
    assertThat(PlanDiff.impliedBy(IFB_DEVICE, TOP)).as("another device").isFalse();
    assertThat(PlanDiff.impliedBy(TOP, FLOOR)).as("a class implies nothing").isFalse();

    HtbQdisc otherMajor = new HtbQdisc(BR, ClassHandle.qdisc(2), ClassHandle.ROOT, 2, 10,
        OptionalInt.empty());
    assertThat(PlanDiff.impliedBy(otherMajor, TOP)).isFalse();
    assertThat(PlanDiff.impliedBy(otherMajor, LEAF)).isFalse();
    assertThat(PlanDiff.impliedBy(otherMajor, TABLE)).isFalse();
    assertThat(PlanDiff.impliedBy(otherMajor, LINK)).isFalse();
    assertThat(PlanDiff.impliedBy(otherMajor, NODE)).isFalse();
    assertThat(PlanDiff.impliedBy(otherMajor, MARK)).isFalse();
  }
}
