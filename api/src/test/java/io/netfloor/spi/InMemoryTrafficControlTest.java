// SPDX-License-Identifier: Apache-2.0
package io.netfloor.spi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.netfloor.plan.EtherType;
import io.netfloor.plan.HtbClass;
import io.netfloor.plan.HtbQdisc;
import io.netfloor.plan.IfbDevice;
import io.netfloor.plan.IngressQdisc;
import io.netfloor.plan.LeafQdisc;
import io.netfloor.plan.LeafQdiscKind;
import io.netfloor.plan.Plan;
import io.netfloor.plan.TcObject;
import io.netfloor.plan.TcOp;
import io.netfloor.plan.U32HashLink;
import io.netfloor.plan.U32HashTable;
import io.netfloor.plan.U32Handle;
import io.netfloor.plan.U32Instance;
import io.netfloor.plan.U32MacFilter;
import io.netfloor.plan.U32MatchAllPolice;
import io.netfloor.plan.U32MatchAllRedirect;
import io.netfloor.plan.U32OwnerMark;
import io.netfloor.units.ByteSize;
import io.netfloor.units.ClassHandle;
import io.netfloor.units.InterfaceName;
import io.netfloor.units.MacAddress;
import io.netfloor.units.Rate;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

/**
 * The simulated kernel that most tests of plans run against keeps the kernel's rules that plans
 * depend on: what it refuses (with the kernel's errno and the operations applied before), what a
 * delete takes along, what a change of an inner class keeps, how u32 instances get their root
 * tables, and what a dump reports. A simulator that accepted what the kernel refuses would let
 * wrong plans pass every test.
 */
class InMemoryTrafficControlTest {
  private static final InterfaceName BR = InterfaceName.of("br0");
  private static final InterfaceName TAP = InterfaceName.of("tap0");
  private static final ClassHandle QDISC = ClassHandle.qdisc(1);
  private static final ClassHandle INGRESS = IngressQdisc.HANDLE;
  private static final Rate MBIT = Rate.parse("1mbit");

  private static HtbQdisc root(InterfaceName device) {
    return new HtbQdisc(device, QDISC, ClassHandle.ROOT, 2, 10, OptionalInt.empty());
  }

  private static HtbClass htbClass(InterfaceName device, int minor, int parentMinor, Rate rate,
      long quantum, int prio) {
    ClassHandle parent = parentMinor == 0 ? QDISC : ClassHandle.of(1, parentMinor);
    return new HtbClass(device, ClassHandle.of(1, minor), parent, rate, rate, Optional.empty(),
        Optional.empty(), quantum, prio);
  }

  private static HtbClass htbClass(int minor, int parentMinor) {
    return htbClass(BR, minor, parentMinor, MBIT, 1500, 0);
  }

  private static LeafQdisc leaf(int minor) {
    return new LeafQdisc(BR, ClassHandle.qdisc(minor), ClassHandle.of(1, minor), LeafQdiscKind.PFIFO,
        77);
  }

  private static U32MacFilter linearFilter(ClassHandle parent, int prio, int htid, int node,
      int classMinor) {
    return new U32MacFilter(BR, parent, prio, EtherType.ALL, U32Handle.of(htid, 0, node), false,
        MacAddress.parse("52:54:00:00:00:" + String.format("%02x", node)), OptionalInt.empty(),
        ClassHandle.of(1, classMinor));
  }

  private static TcOp add(TcObject o) {
    return new TcOp.Add(o);
  }

  private static TcOp delete(TcObject o) {
    return new TcOp.Delete(o);
  }

  private static InMemoryTrafficControl kernelWithTree() {
    InMemoryTrafficControl kernel = new InMemoryTrafficControl().addDevice(BR);
    kernel.apply(Plan.of(add(root(BR)), add(htbClass(1, 0)), add(htbClass(2, 1)),
        add(leaf(2))));
    return kernel;
  }

  private static TrafficControlException refused(InMemoryTrafficControl kernel, TcOp... ops) {
    List<TcObject> before = kernel.objects();
    TrafficControlException e = catchThrowableOfType(TrafficControlException.class,
        () -> kernel.apply(Plan.of(ops)));
    assertThat(e).as("refused").isNotNull();
    assertThat(e.appliedCount()).isZero();
    assertThat(kernel.objects()).as("a refused operation changes nothing").isEqualTo(before);
    return e;
  }

  private static void assertErrno(TrafficControlException e, String name, int number) {
    assertThat(e.errnoName()).contains(name);
    assertThat(e.errno()).isEqualTo(number);
  }

  @Test
  void devicesAreDeclaredWithTheirKindAndUnknownOnesAreMissing() {
    InMemoryTrafficControl kernel = new InMemoryTrafficControl().addDevice(BR)
        .addDevice(TAP, "tun").addDevice(InterfaceName.of("eth0"), "");
    assertThat(kernel.deviceKind(BR)).contains(TrafficControl.BRIDGE_KIND);
    assertThat(kernel.deviceKind(TAP)).contains("tun");
    assertThat(kernel.deviceKind(InterfaceName.of("eth0"))).as("a device without a kind").isEmpty();
    assertThat(kernel.deviceExists(TAP)).isTrue();

    InterfaceName missing = InterfaceName.of("nope0");
    assertThat(kernel.deviceExists(missing)).isFalse();
    assertErrno(catchThrowableOfType(TrafficControlException.class,
        () -> kernel.deviceKind(missing)), "ENODEV", 19);
    assertErrno(catchThrowableOfType(TrafficControlException.class, () -> kernel.dump(missing)),
        "ENODEV", 19);
    TrafficControlException e = refused(kernel, add(root(missing)));
    assertErrno(e, "ENODEV", 19);
    assertThat(e.getMessage()).contains("ENODEV", "nope0");
  }

  @Test
  void capabilitiesAreReportedAsGiven() {
    KernelCapabilities none = new KernelCapabilities(EnumSet.of(LeafQdiscKind.PFIFO), false, false,
        false);
    assertThat(new InMemoryTrafficControl(none).capabilities()).isEqualTo(none);
    KernelCapabilities all = new InMemoryTrafficControl().capabilities();
    assertThat(all.leafQdiscs()).containsExactlyInAnyOrder(LeafQdiscKind.values());
    assertThat(all.police()).isTrue();
    assertThat(all.mirred()).isTrue();
    assertThat(all.ifb()).isTrue();
  }

  @Test
  void aRefusedOperationReportsItsErrnoAndHowManyWentBeforeItAndOnlySuccessesCount() {
    InMemoryTrafficControl kernel = new InMemoryTrafficControl().addDevice(BR);
    TcOp orphan = add(htbClass(5, 4));
    TrafficControlException e = catchThrowableOfType(TrafficControlException.class,
        () -> kernel.apply(Plan.of(add(root(BR)), add(htbClass(1, 0)), orphan, add(leaf(1)))));
    assertErrno(e, "ENOENT", 2);
    assertThat(e.appliedCount()).isEqualTo(2);
    assertThat(e.failedOp()).contains(orphan);
    assertThat(e.kernelMessage()).hasValueSatisfying(m -> assertThat(m).contains("1:4"));
    assertThat(e.getMessage()).startsWith(orphan.describe() + " failed: ENOENT");
    assertThat(kernel.objects()).containsExactly(root(BR), htbClass(1, 0));
    assertThat(kernel.operationCount()).isEqualTo(2);

    kernel.apply(Plan.of(add(htbClass(2, 1))));
    assertThat(kernel.operationCount()).isEqualTo(3);
  }

  @Test
  void nothingCanBeAddedTwiceAndADeviceHasOneRootAndOneIngressQdisc() {
    InMemoryTrafficControl kernel = kernelWithTree();
    TrafficControlException twice = refused(kernel, add(root(BR)));
    assertErrno(twice, "EEXIST", 17);
    assertThat(twice.kernelMessage()).contains("Exclusivity flag on, cannot modify");
    HtbQdisc otherRoot = new HtbQdisc(BR, ClassHandle.qdisc(7), ClassHandle.ROOT, 2, 10,
        OptionalInt.empty());
    assertErrno(refused(kernel, add(otherRoot)), "EEXIST", 17);
    TrafficControlException classTwice = refused(kernel, add(htbClass(2, 1)));
    assertErrno(classTwice, "EEXIST", 17);
    assertThat(classTwice.kernelMessage()).as("the kernel gives no text").isEmpty();

    kernel.apply(Plan.of(add(new IngressQdisc(BR))));
    assertErrno(refused(kernel, add(new IngressQdisc(BR))), "EEXIST", 17);
    assertThat(kernel.objects()).contains(new IngressQdisc(BR));
  }

  @Test
  void parentsMustExistAndAClassHoldsOneLeafQdisc() {
    InMemoryTrafficControl kernel = new InMemoryTrafficControl().addDevice(BR);
    assertErrno(refused(kernel, add(htbClass(1, 0))), "ENOENT", 2);
    kernel.apply(Plan.of(add(root(BR)), add(htbClass(1, 0))));
    assertErrno(refused(kernel, add(htbClass(3, 2))), "ENOENT", 2);
    assertErrno(refused(kernel, add(leaf(3))), "ENOENT", 2);
    kernel.apply(Plan.of(add(htbClass(3, 1)), add(leaf(3))));
    LeafQdisc second = new LeafQdisc(BR, ClassHandle.qdisc(9), ClassHandle.of(1, 3),
        LeafQdiscKind.PFIFO, 10);
    TrafficControlException e = refused(kernel, add(second));
    assertErrno(e, "EEXIST", 17);
    assertThat(e.kernelMessage()).contains("class already has a leaf qdisc");
    // another class may hold a leaf qdisc with its own handle
    kernel.apply(Plan.of(add(htbClass(4, 1)), add(new LeafQdisc(BR, ClassHandle.qdisc(4),
        ClassHandle.of(1, 4), LeafQdiscKind.PFIFO, 10))));

    HtbQdisc nested = new HtbQdisc(BR, ClassHandle.qdisc(8), ClassHandle.of(1, 3), 0, 10,
        OptionalInt.empty());
    InMemoryTrafficControl other = new InMemoryTrafficControl().addDevice(BR);
    assertErrno(refused(other, add(nested)), "EINVAL", 22);
  }

  @Test
  void theSameObjectsOnAnotherDeviceAreIndependent() {
    InMemoryTrafficControl kernel = kernelWithTree().addDevice(TAP);
    kernel.apply(Plan.of(add(root(TAP)), add(htbClass(TAP, 1, 0, MBIT, 1500, 0))));
    // a class of br0 neither blocks nor is blocked by tap0's
    kernel.apply(Plan.of(add(htbClass(TAP, 2, 1, MBIT, 1500, 0)), delete(htbClass(TAP, 2, 1, MBIT,
        1500, 0))));
    kernel.apply(Plan.of(add(new LeafQdisc(TAP, ClassHandle.qdisc(2), ClassHandle.of(1, 1),
        LeafQdiscKind.PFIFO, 5))));
    assertThat(kernel.objects(TAP)).hasSize(3).allSatisfy(o -> assertThat(o.device())
        .isEqualTo(TAP));
    assertThat(kernel.objects(BR)).hasSize(4);
    assertThat(kernel.objects()).hasSize(7);
  }

  @Test
  void aClassWithChildrenOrWithAFilterPointingAtItIsBusy() {
    InMemoryTrafficControl kernel = kernelWithTree();
    TrafficControlException busy = refused(kernel, delete(htbClass(1, 0)));
    assertErrno(busy, "EBUSY", 16);
    assertThat(busy.kernelMessage()).contains("HTB class in use");

    kernel.apply(Plan.of(add(linearFilter(QDISC, 2, 0x800, 1, 2))));
    assertErrno(refused(kernel, delete(htbClass(2, 1))), "EBUSY", 16);
    kernel.apply(Plan.of(delete(linearFilter(QDISC, 2, 0x800, 1, 2))));
    // a leaf class without filters goes, and takes its leaf qdisc along
    kernel.apply(Plan.of(delete(htbClass(2, 1))));
    assertThat(kernel.objects()).containsExactly(root(BR), htbClass(1, 0));
    kernel.apply(Plan.of(delete(htbClass(1, 0))));
    assertThat(kernel.objects()).containsExactly(root(BR));
  }

  @Test
  void deletingWhatIsNotThereIsENOENT() {
    InMemoryTrafficControl kernel = kernelWithTree();
    assertErrno(refused(kernel, delete(htbClass(9, 1))), "ENOENT", 2);
    assertErrno(refused(kernel, new TcOp.Change(htbClass(9, 1), htbClass(9, 1))), "ENOENT", 2);
    assertErrno(refused(kernel, delete(new IngressQdisc(BR))), "ENOENT", 2);
    assertErrno(refused(kernel, delete(new U32Instance(BR, QDISC, 2, EtherType.ALL))), "ENOENT",
        2);
  }

  @Test
  void deletingTheRootQdiscRemovesEverythingUnderItButNotTheIngressSide() {
    InMemoryTrafficControl kernel = kernelWithTree();
    U32MatchAllPolice police = new U32MatchAllPolice(BR, 1, U32Handle.of(0x800, 0, 1), MBIT,
        ByteSize.ofKibibytes(16), U32MatchAllPolice.LIBVIRT_MTU);
    kernel.apply(Plan.of(add(linearFilter(QDISC, 2, 0x800, 1, 2)), add(new IngressQdisc(BR)),
        add(police)));
    kernel.apply(Plan.of(delete(root(BR))));
    assertThat(kernel.objects()).containsExactly(new IngressQdisc(BR), police);
    assertThat(kernel.dump(BR).filters()).extracting(FilterInfo::parent).containsOnly(INGRESS);
    // the root's filters' instance is gone with it: a new root starts from table 800 again
    kernel.apply(Plan.of(add(root(BR)), add(htbClass(1, 0)), add(linearFilter(QDISC, 2, 0x800, 1,
        1))));

    kernel.apply(Plan.of(delete(new IngressQdisc(BR))));
    assertThat(kernel.objects()).doesNotContain(new IngressQdisc(BR), police);
    assertThat(kernel.objects()).contains(root(BR), htbClass(1, 0));
    assertThat(kernel.dump(BR).filters()).extracting(FilterInfo::parent).containsOnly(QDISC);
  }

  @Test
  void anIfbDeviceIsCreatedByAPlanAndDeletingItTakesItsObjects() {
    InMemoryTrafficControl kernel = new InMemoryTrafficControl().addDevice(BR);
    kernel.apply(Plan.of(add(root(BR))));
    InterfaceName ifb = InterfaceName.of("ifb-x");
    assertThat(kernel.deviceExists(ifb)).isFalse();
    kernel.apply(Plan.of(add(new IfbDevice(ifb)), add(root(ifb)),
        add(htbClass(ifb, 1, 0, MBIT, 1500, 0))));
    assertThat(kernel.deviceKind(ifb)).contains("ifb");
    assertThat(kernel.objects(ifb)).contains(root(ifb));
    TrafficControlException exists = refused(kernel, add(new IfbDevice(ifb)));
    assertErrno(exists, "EEXIST", 17);
    assertErrno(refused(kernel, add(new IfbDevice(BR))), "EEXIST", 17);

    kernel.apply(Plan.of(delete(new IfbDevice(ifb))));
    assertThat(kernel.deviceExists(ifb)).isFalse();
    assertThat(kernel.objects()).as("br0's objects stay").containsExactly(root(BR));
    assertErrno(refused(kernel, delete(new IfbDevice(ifb))), "ENOENT", 2);
  }

  @Test
  void aChangeOfAnInnerClassKeepsItsQuantumAndPrioAndALeafTakesThem() {
    InMemoryTrafficControl kernel = new InMemoryTrafficControl().addDevice(BR);
    HtbClass inner = htbClass(BR, 1, 0, MBIT, 1500, 0);
    HtbClass leaf = htbClass(BR, 2, 1, MBIT, 1500, 0);
    kernel.apply(Plan.of(add(root(BR)), add(inner), add(leaf)));

    Rate faster = Rate.parse("2mbit");
    HtbClass innerChanged = htbClass(BR, 1, 0, faster, 9000, 5);
    HtbClass leafChanged = htbClass(BR, 2, 1, faster, 9000, 5);
    kernel.apply(Plan.of(new TcOp.Change(inner, innerChanged), new TcOp.Change(leaf,
        leafChanged)));

    ClassInfo innerNow = kernel.dump(BR).findClass(inner.classId()).orElseThrow();
    assertThat(innerNow.rate()).as("the rate changes").isEqualTo(faster);
    assertThat(innerNow.quantumBytes()).isEqualTo(1500);
    assertThat(innerNow.prio()).isZero();
    ClassInfo leafNow = kernel.dump(BR).findClass(leaf.classId()).orElseThrow();
    assertThat(leafNow.quantumBytes()).isEqualTo(9000);
    assertThat(leafNow.prio()).isEqualTo(5);
    assertThat(kernel.objects()).contains(leafChanged);
  }

  @Test
  void aDumpReportsQdiscsAndClassesAsTheKernelDoes() {
    InMemoryTrafficControl kernel = new InMemoryTrafficControl().addDevice(BR);
    Rate oddBits = Rate.ofBitsPerSecond(8_000_013);
    HtbClass leafClass = new HtbClass(BR, ClassHandle.of(1, 2), ClassHandle.of(1, 1), oddBits,
        Rate.ofBitsPerSecond(16_000_007), Optional.empty(), Optional.empty(), 1500, 3);
    kernel.apply(Plan.of(add(new HtbQdisc(BR, QDISC, ClassHandle.ROOT, 0x2a, 10,
        OptionalInt.empty())), add(htbClass(1, 0)), add(leafClass), add(leaf(2)),
        add(new LeafQdisc(BR, ClassHandle.qdisc(3), ClassHandle.of(1, 1), LeafQdiscKind.SFQ, 9)),
        add(new IngressQdisc(BR))));
    KernelSnapshot dump = kernel.dump(BR);
    assertThat(dump.device()).isEqualTo(BR);

    QdiscInfo htb = dump.findQdisc(QDISC).orElseThrow();
    assertThat(htb.kind()).isEqualTo("htb");
    assertThat(htb.parent()).isEqualTo(ClassHandle.ROOT);
    assertThat(htb.htbDefaultClassMinor()).hasValue(0x2a);
    assertThat(htb.htbRateToQuantum()).hasValue(10);
    assertThat(htb.leafLimit()).isEmpty();
    QdiscInfo pfifo = dump.findQdisc(ClassHandle.qdisc(2)).orElseThrow();
    assertThat(pfifo.kind()).isEqualTo("pfifo");
    assertThat(pfifo.parent()).isEqualTo(ClassHandle.of(1, 2));
    assertThat(pfifo.leafLimit()).hasValue(77);
    assertThat(pfifo.htbDefaultClassMinor()).isEmpty();
    QdiscInfo sfq = dump.findQdisc(ClassHandle.qdisc(3)).orElseThrow();
    assertThat(sfq.kind()).isEqualTo(LeafQdiscKind.SFQ.kernelName());
    assertThat(sfq.leafLimit()).as("only pfifo reports its limit").isEmpty();
    QdiscInfo ingress = dump.findQdisc(INGRESS).orElseThrow();
    assertThat(ingress.kind()).isEqualTo("ingress");
    assertThat(ingress.parent()).isEqualTo(ClassHandle.INGRESS);
    assertThat(dump.qdiscs()).hasSize(4);

    ClassInfo inner = dump.findClass(ClassHandle.of(1, 1)).orElseThrow();
    assertThat(inner.level()).as("an inner class").isEqualTo(7);
    assertThat(inner.parent()).isEqualTo(QDISC);
    assertThat(inner.leafQdisc()).contains(ClassHandle.qdisc(3));
    ClassInfo leaf = dump.findClass(ClassHandle.of(1, 2)).orElseThrow();
    assertThat(leaf.level()).isZero();
    assertThat(leaf.leafQdisc()).contains(ClassHandle.qdisc(2));
    assertThat(leaf.prio()).isEqualTo(3);
    assertThat(leaf.quantumBytes()).isEqualTo(1500);
    assertThat(leaf.rate()).as("whole bytes per second").isEqualTo(Rate.ofBitsPerSecond(8_000_008));
    assertThat(leaf.ceil()).isEqualTo(Rate.ofBitsPerSecond(16_000_000));
    assertThat(leaf.stats()).isEqualTo(ClassStats.ZERO);
    assertThat(dump.classes()).hasSize(2);

    assertThat(kernel.classStats(BR)).containsOnlyKeys(ClassHandle.of(1, 1), ClassHandle.of(1, 2))
        .containsValue(ClassStats.ZERO);
    assertThat(kernel.classStats(BR).keySet()).containsExactly(ClassHandle.of(1, 1),
        ClassHandle.of(1, 2));
    assertThat(new InMemoryTrafficControl().addDevice(BR).dump(BR).qdiscs()).isEmpty();
  }

  @Test
  void eachU32InstanceOnAQdiscGetsTheNextRootTableAndANodeMustAddressItsOwn() {
    InMemoryTrafficControl kernel = kernelWithTree();
    TrafficControlException wrongTable = refused(kernel, add(linearFilter(QDISC, 2, 0x801, 1, 2)));
    assertErrno(wrongTable, "EINVAL", 22);
    assertThat(wrongTable.kernelMessage()).contains("cls_u32: Handle specified hash table address"
        + " mismatch");
    kernel.apply(Plan.of(add(linearFilter(QDISC, 2, 0x800, 1, 2))));
    // a second prio on the same qdisc: 801:, not 800:
    assertErrno(refused(kernel, add(linearFilter(QDISC, 3, 0x800, 1, 2))), "EINVAL", 22);
    kernel.apply(Plan.of(add(linearFilter(QDISC, 3, 0x801, 1, 2))));
    kernel.apply(Plan.of(add(linearFilter(QDISC, 4, 0x802, 1, 2))));
    // more nodes of an instance stay in its table
    kernel.apply(Plan.of(add(linearFilter(QDISC, 3, 0x801, 2, 2))));
    assertErrno(refused(kernel, add(linearFilter(QDISC, 3, 0x802, 3, 2))), "EINVAL", 22);

    List<FilterInfo> roots = kernel.dump(BR).filters().stream()
        .filter(f -> f.handle().node() == 0 && f.handle().bucket() == 0).toList();
    assertThat(roots).extracting(f -> f.prio() + "@" + f.handle())
        .containsExactlyInAnyOrder("2@" + U32Handle.table(0x800), "3@" + U32Handle.table(0x801),
            "4@" + U32Handle.table(0x802));
    assertThat(roots).allSatisfy(f -> {
      assertThat(f.kind()).isEqualTo("u32");
      assertThat(f.divisor()).hasValue(1);
      assertThat(f.protocol()).isEqualTo(EtherType.ALL);
    });

    // the instance of prio 3 emptied (another one shares the qdisc): it keeps its table...
    kernel.apply(Plan.of(delete(linearFilter(QDISC, 3, 0x801, 1, 2)),
        delete(linearFilter(QDISC, 3, 0x801, 2, 2))));
    kernel.apply(Plan.of(add(linearFilter(QDISC, 3, 0x801, 5, 2))));
    // ...until the instance is deleted: then a new one there takes the next free id
    kernel.apply(Plan.of(delete(new U32Instance(BR, QDISC, 3, EtherType.ALL))));
    assertThat(kernel.objects()).noneMatch(o -> o.key().prio() == 3);
    assertErrno(refused(kernel, add(linearFilter(QDISC, 3, 0x801, 1, 2))), "EINVAL", 22);
    kernel.apply(Plan.of(add(linearFilter(QDISC, 3, 0x803, 1, 2))));
  }

  @Test
  void theTableIdsOfAQdiscAreAllocatedCyclicallyAndStartAgainWhenItsLastInstanceGoes() {
    InMemoryTrafficControl kernel = kernelWithTree();
    kernel.apply(Plan.of(add(linearFilter(QDISC, 2, 0x800, 1, 2)),
        add(linearFilter(QDISC, 3, 0x801, 1, 2))));
    kernel.apply(Plan.of(delete(linearFilter(QDISC, 3, 0x801, 1, 2))));
    // prio 3 emptied but 2 lives: 3 keeps 801:, and the next new instance takes 802:
    assertErrno(refused(kernel, add(linearFilter(QDISC, 5, 0x801, 1, 2))), "EINVAL", 22);
    kernel.apply(Plan.of(add(linearFilter(QDISC, 5, 0x802, 1, 2))));
    kernel.apply(Plan.of(add(linearFilter(QDISC, 3, 0x801, 1, 2)),
        delete(linearFilter(QDISC, 3, 0x801, 1, 2))));
    // the last node of the last instances go: the qdisc's u32 state is gone, 800: again
    kernel.apply(Plan.of(delete(linearFilter(QDISC, 2, 0x800, 1, 2))));
    kernel.apply(Plan.of(delete(linearFilter(QDISC, 5, 0x802, 1, 2))));
    assertThat(kernel.dump(BR).filters()).isEmpty();
    kernel.apply(Plan.of(add(linearFilter(QDISC, 6, 0x800, 1, 2))));
    // and the cycle starts again too: the next instance takes 801:, whatever came before
    assertErrno(refused(kernel, add(linearFilter(QDISC, 7, 0x803, 1, 2))), "EINVAL", 22);
    kernel.apply(Plan.of(add(linearFilter(QDISC, 7, 0x801, 1, 2))));
  }

  @Test
  void aHashTableIsBusyOnlyWhileALinkOrANodeOfItsOwnDeviceAndIdUsesIt() {
    InMemoryTrafficControl kernel = kernelWithTree().addDevice(TAP);
    U32HashTable table = new U32HashTable(BR, QDISC, 2, EtherType.ALL, 0x10, 256);
    U32HashTable other = new U32HashTable(BR, QDISC, 2, EtherType.ALL, 0x11, 256);
    U32HashLink link = new U32HashLink(BR, QDISC, 2, EtherType.ALL, U32Handle.of(0x800, 0, 1),
        0x10, -12, 0xff);
    // a node of the instance keeps it alive while tables and links come and go
    kernel.apply(Plan.of(add(linearFilter(QDISC, 2, 0x800, 2, 2))));
    // alone, a table goes
    kernel.apply(Plan.of(add(table), add(other)));
    kernel.apply(Plan.of(delete(other)));
    // linked, it is busy; the link of another table is not its business
    kernel.apply(Plan.of(add(other), add(link)));
    assertErrno(refused(kernel, delete(table)), "EBUSY", 16);
    kernel.apply(Plan.of(delete(other)));
    // a link to 10: on another device does not hold br0's table
    kernel.apply(Plan.of(add(root(TAP)), add(new U32HashTable(TAP, QDISC, 2, EtherType.ALL, 0x10,
        256)), add(new U32HashLink(TAP, QDISC, 2, EtherType.ALL, U32Handle.of(0x800, 0, 1), 0x10,
        -12, 0xff)), add(new U32MacFilter(TAP, QDISC, 2, EtherType.ALL,
        U32Handle.of(0x10, 0x2a, 1), true, MacAddress.parse("52:54:00:00:00:2a"),
        OptionalInt.empty(), ClassHandle.of(1, 1)))));
    kernel.apply(Plan.of(delete(link), delete(table)));
    assertThat(kernel.objects(BR)).noneMatch(o -> o instanceof U32HashTable);
  }

  @Test
  void theLastNodeOfADevicesOnlyInstanceTakesItsTablesWhateverOtherDevicesHold() {
    InMemoryTrafficControl kernel = kernelWithTree().addDevice(TAP);
    // tap0 has a filter at another prio on a qdisc of the same handle
    kernel.apply(Plan.of(add(root(TAP)), add(new U32MacFilter(TAP, QDISC, 3, EtherType.ALL,
        U32Handle.of(0x800, 0, 1), false, MacAddress.parse("52:54:00:00:00:01"),
        OptionalInt.empty(), ClassHandle.of(1, 1)))));
    U32HashTable table = new U32HashTable(BR, QDISC, 2, EtherType.ALL, 0x10, 256);
    U32MacFilter node = linearFilter(QDISC, 2, 0x800, 1, 2);
    kernel.apply(Plan.of(add(table), add(node)));
    kernel.apply(Plan.of(delete(node)));
    assertThat(kernel.objects(BR)).doesNotContain(table);
    assertThat(kernel.objects(TAP)).hasSize(2);
  }

  @Test
  void aU32InstanceIsOnlyEverDeletedAndItsDeleteTakesItsNodesAndTables() {
    InMemoryTrafficControl kernel = kernelWithTree();
    U32Instance instance = new U32Instance(BR, QDISC, 2, EtherType.ALL);
    TrafficControlException e = refused(kernel, add(instance));
    assertErrno(e, "EOPNOTSUPP", 95);
    U32HashTable table = new U32HashTable(BR, QDISC, 2, EtherType.ALL, 0x10, 256);
    U32HashLink link = new U32HashLink(BR, QDISC, 2, EtherType.ALL, U32Handle.of(0x800, 0, 1),
        0x10, -12, 0xff);
    U32MacFilter inBucket = new U32MacFilter(BR, QDISC, 2, EtherType.ALL,
        U32Handle.of(0x10, 0x2a, 1), true, MacAddress.parse("52:54:00:00:00:2a"),
        OptionalInt.empty(), ClassHandle.of(1, 2));
    kernel.apply(Plan.of(add(table), add(link), add(inBucket)));
    kernel.apply(Plan.of(delete(instance)));
    assertThat(kernel.objects()).doesNotContain(table, link, inBucket);
    assertThat(kernel.dump(BR).filters()).isEmpty();
    assertErrno(refused(kernel, delete(instance)), "ENOENT", 2);
  }

  @Test
  void hashTablesMustExistForLinksAndBucketNodesAndAreBusyWhileUsed() {
    InMemoryTrafficControl kernel = kernelWithTree();
    U32HashTable table = new U32HashTable(BR, QDISC, 2, EtherType.IPV4, 0x10, 256);
    U32HashLink link = new U32HashLink(BR, QDISC, 2, EtherType.IPV4, U32Handle.of(0x800, 0, 1),
        0x10, -12, 0xff);
    U32MacFilter inBucket = new U32MacFilter(BR, QDISC, 2, EtherType.IPV4,
        U32Handle.of(0x10, 0x2a, 1), true, MacAddress.parse("52:54:00:00:00:2a"),
        OptionalInt.empty(), ClassHandle.of(1, 2));
    TrafficControlException noTable = refused(kernel, add(link));
    assertErrno(noTable, "EINVAL", 22);
    assertThat(noTable.kernelMessage()).contains("cls_u32: Link hash table not found");
    assertThat(refused(kernel, add(inBucket)).kernelMessage())
        .contains("cls_u32: Specified hash table not found");

    kernel.apply(Plan.of(add(table), add(link), add(inBucket)));
    TrafficControlException linked = refused(kernel, delete(table));
    assertErrno(linked, "EBUSY", 16);
    assertThat(linked.kernelMessage()).contains("cls_u32: Can not delete in-use filter");
    kernel.apply(Plan.of(delete(link)));
    assertErrno(refused(kernel, delete(table)), "EBUSY", 16);
    // the last node of the qdisc's only instance goes: cls_u32 destroys the instance, tables too
    kernel.apply(Plan.of(delete(inBucket)));
    assertThat(kernel.objects()).doesNotContain(table);
    assertThat(kernel.dump(BR).filters()).isEmpty();

    // the dump shows each object as tc does
    kernel.apply(Plan.of(add(table), add(link), add(inBucket)));
    List<FilterInfo> filters = kernel.dump(BR).filters();
    FilterInfo t = find(filters, table.handle());
    assertThat(t.divisor()).hasValue(256);
    assertThat(t.protocol()).isEqualTo(EtherType.IPV4);
    assertThat(t.prio()).isEqualTo(2);
    FilterInfo l = find(filters, link.handle());
    assertThat(l.linkHtid()).hasValue(0x10);
    assertThat(l.hashOffset()).isEqualTo(-12);
    assertThat(l.hashMask()).isEqualTo(0xff);
    FilterInfo f = find(filters, inBucket.handle());
    assertThat(f.classId()).contains(ClassHandle.of(1, 2));
    assertThat(f.keys()).isEqualTo(io.netfloor.plan.U32Key.forMacFilter(inBucket));
    FilterInfo root = find(filters, U32Handle.table(0x800));
    assertThat(root.protocol()).as("the instance's protocol").isEqualTo(EtherType.IPV4);
    assertThat(filters).hasSize(4);
  }

  @Test
  void filtersNeedTheirQdiscAndIngressFiltersShowTheirActions() {
    InMemoryTrafficControl kernel = new InMemoryTrafficControl().addDevice(BR).addDevice(TAP);
    U32MatchAllPolice police = new U32MatchAllPolice(BR, 1, U32Handle.of(0x800, 0, 1), MBIT,
        ByteSize.ofKibibytes(16), U32MatchAllPolice.LIBVIRT_MTU);
    U32MatchAllRedirect redirect = new U32MatchAllRedirect(TAP, 1, U32Handle.of(0x800, 0, 1), BR);
    TrafficControlException noQdisc = refused(kernel, add(police));
    assertErrno(noQdisc, "EINVAL", 22);
    assertThat(noQdisc.kernelMessage()).contains("Parent Qdisc doesn't exists");
    assertErrno(refused(kernel, add(linearFilter(QDISC, 2, 0x800, 1, 2))), "EINVAL", 22);

    kernel.apply(Plan.of(add(new IngressQdisc(BR)), add(police), add(new IngressQdisc(TAP)),
        add(redirect)));
    FilterInfo p = find(kernel.dump(BR).filters(), police.handle());
    assertThat(p.actions()).containsExactly("police");
    assertThat(p.parent()).isEqualTo(INGRESS);
    assertThat(p.protocol()).isEqualTo(EtherType.ALL);
    FilterInfo r = find(kernel.dump(TAP).filters(), redirect.handle());
    assertThat(r.actions()).containsExactly("mirred");
    assertThat(kernel.dump(TAP).filters()).as("tap0's own root table and node only").hasSize(2);

    // the last node of the only instance goes: the instance goes, and its table id is free again
    kernel.apply(Plan.of(delete(police)));
    assertThat(kernel.dump(BR).filters()).isEmpty();
    kernel.apply(Plan.of(add(police)));
  }

  @Test
  void anOwnerMarkIsItsOwnTableAndNodeInTheDump() {
    InMemoryTrafficControl kernel = kernelWithTree();
    U32OwnerMark mark = new U32OwnerMark(BR, QDISC, 2, EtherType.ALL, true, "net");
    kernel.apply(Plan.of(add(mark)));
    List<FilterInfo> filters = kernel.dump(BR).filters();
    FilterInfo table = find(filters, mark.table().handle());
    assertThat(table.divisor()).hasValue(1);
    FilterInfo node = find(filters, mark.handle());
    assertThat(node.keys()).isEqualTo(mark.keys());
    assertThat(U32OwnerMark.decode(node.keys())).contains(new U32OwnerMark.Decoded(true, "net"));
    kernel.apply(Plan.of(delete(mark)));
    assertThat(kernel.dump(BR).filters()).isEmpty();
  }

  @Test
  void objectsAreListedInKeyOrderAndPerDevice() {
    InMemoryTrafficControl kernel = kernelWithTree().addDevice(TAP);
    kernel.apply(Plan.of(add(root(TAP))));
    List<TcObject> all = kernel.objects();
    assertThat(all).containsExactlyInAnyOrder(root(BR), htbClass(1, 0), htbClass(2, 1), leaf(2),
        root(TAP));
    assertThat(all).extracting(TcObject::key).isSorted();
    assertThat(kernel.objects(TAP)).containsExactly(root(TAP));
    assertThatThrownBy(() -> all.add(root(TAP))).isInstanceOf(UnsupportedOperationException.class);
  }

  private static FilterInfo find(List<FilterInfo> filters, U32Handle handle) {
    return filters.stream().filter(f -> f.handle().equals(handle)).findFirst()
        .orElseThrow(() -> new AssertionError("no filter " + handle + " in " + filters));
  }

  /** As the kernel: a filter's qdisc is looked up first, so a filter op on a gone qdisc is EINVAL. */
  @Test
  void changingOrDeletingAFilterWhoseQdiscIsGoneIsEINVAL() {
    InMemoryTrafficControl kernel = new InMemoryTrafficControl().addDevice(BR);
    U32MacFilter filter = linearFilter(QDISC, 2, 0x800, 3, 3);
    TrafficControlException deleted = refused(kernel, delete(filter));
    assertErrno(deleted, "EINVAL", 22);
    assertThat(deleted.getMessage()).contains("Parent Qdisc doesn't exists");
    assertErrno(refused(kernel, new TcOp.Change(filter, filter)), "EINVAL", 22);
  }
}
