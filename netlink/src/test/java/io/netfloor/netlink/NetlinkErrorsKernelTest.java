// SPDX-License-Identifier: Apache-2.0
package io.netfloor.netlink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.netfloor.plan.EtherType;
import io.netfloor.plan.HtbClass;
import io.netfloor.plan.HtbQdisc;
import io.netfloor.plan.LeafQdisc;
import io.netfloor.plan.LeafQdiscKind;
import io.netfloor.plan.Plan;
import io.netfloor.plan.TcOp;
import io.netfloor.plan.U32Handle;
import io.netfloor.plan.U32MacFilter;
import io.netfloor.spi.KernelCapabilities;
import io.netfloor.testkit.kernel.TcOracle;
import io.netfloor.testkit.kernel.TestNamespace;
import io.netfloor.units.ClassHandle;
import io.netfloor.units.InterfaceName;
import io.netfloor.units.MacAddress;
import io.netfloor.units.Rate;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Refused operations surface as {@link NetlinkException} with the errno, the kernel's own text and
 * the failed operation; a batch that fails midway leaves exactly its first {@code appliedCount}
 * operations in effect.
 */
class NetlinkErrorsKernelTest {
  private static final InterfaceName BR0 = InterfaceName.of("br0");
  private static final ClassHandle ROOT_QDISC = ClassHandle.qdisc(1);
  private static final HtbQdisc ROOT = new HtbQdisc(BR0, ROOT_QDISC, ClassHandle.ROOT, 2, 10,
      OptionalInt.empty());

  @BeforeEach
  void root() {
    TestNamespace.assumeRoot();
  }

  private static HtbClass cls(int minor, ClassHandle parent) {
    Rate r = Rate.parse("10mbit");
    return new HtbClass(BR0, ClassHandle.of(1, minor), parent, r, r, Optional.empty(),
        Optional.empty(), 12_500, 0);
  }

  private static TcOp add(io.netfloor.plan.TcObject o) {
    return new TcOp.Add(o);
  }

  @Test
  void missingDeviceIsEnodevBeforeAnythingIsSent() {
    try (TestNamespace ns = TestNamespace.create().bridge("br0");
        NetlinkTrafficControl tc = NetlinkTrafficControl.openInNamespace(ns.name())) {
      HtbQdisc elsewhere = new HtbQdisc(InterfaceName.of("nosuch0"), ROOT_QDISC, ClassHandle.ROOT,
          2, 10, OptionalInt.empty());
      NetlinkException e = catchThrowableOfType(NetlinkException.class,
          () -> tc.apply(Plan.of(add(ROOT), add(elsewhere))));
      assertThat(e.errnoName()).contains("ENODEV");
      assertThat(e.appliedCount()).isEqualTo(1);
      assertThat(e.failedOp()).contains(add(elsewhere));
      assertThat(e.getMessage()).contains("nosuch0").contains("no such device");
      assertThat(tc.deviceExists(InterfaceName.of("nosuch0"))).isFalse();
      assertThat(tc.deviceExists(BR0)).isTrue();
      assertThatThrownBy(() -> tc.dump(InterfaceName.of("nosuch0")))
          .isInstanceOf(NetlinkException.class).hasMessageContaining("ENODEV");
    }
  }

  @Test
  void duplicateQdiscClassAndFilterAreEexistWithTheKernelsText() {
    try (TestNamespace ns = TestNamespace.create().bridge("br0");
        NetlinkTrafficControl tc = NetlinkTrafficControl.openInNamespace(ns.name())) {
      U32MacFilter f = new U32MacFilter(BR0, ROOT_QDISC, 2, EtherType.ALL,
          U32Handle.of(0x800, 0, 0x803), false, MacAddress.parse("52:54:00:12:34:56"),
          OptionalInt.empty(), ClassHandle.of(1, 3));
      tc.apply(Plan.of(add(ROOT), add(cls(1, ROOT_QDISC)), add(cls(3, ClassHandle.of(1, 1))),
          add(f)));

      NetlinkException q = catchThrowableOfType(NetlinkException.class,
          () -> tc.apply(Plan.of(add(ROOT))));
      assertThat(q.errno()).isEqualTo(Errno.EEXIST);
      assertThat(q.kernelMessage()).contains("Exclusivity flag on, cannot modify");
      assertThat(q.appliedCount()).isZero();

      NetlinkException c = catchThrowableOfType(NetlinkException.class,
          () -> tc.apply(Plan.of(add(cls(3, ClassHandle.of(1, 1))))));
      assertThat(c.errnoName()).contains("EEXIST");
      assertThat(c.getMessage()).startsWith("add class htb 1:3 on br0");

      NetlinkException d = catchThrowableOfType(NetlinkException.class,
          () -> tc.apply(Plan.of(add(f))));
      assertThat(d.errnoName()).contains("EEXIST");
      assertThat(d.kernelMessage()).contains("Filter already exists");

      // u32 keeps a node's keys on "change": the backend refuses instead of half-changing it
      U32MacFilter moved = new U32MacFilter(BR0, ROOT_QDISC, 2, EtherType.ALL, f.handle(), false,
          MacAddress.parse("52:54:00:12:34:57"), OptionalInt.empty(), ClassHandle.of(1, 3));
      NetlinkException change = catchThrowableOfType(NetlinkException.class,
          () -> tc.apply(Plan.of(add(cls(4, ClassHandle.of(1, 1))), new TcOp.Change(f, moved))));
      assertThat(change.errnoName()).contains("EOPNOTSUPP");
      assertThat(change.appliedCount()).isEqualTo(1);
      assertThat(TcOracle.classes(ns, "br0").keySet()).extracting(ClassHandle::toString)
          .contains("1:4");
    }
  }

  @Test
  void deletingMissingOrBusyObjects() {
    try (TestNamespace ns = TestNamespace.create().bridge("br0");
        NetlinkTrafficControl tc = NetlinkTrafficControl.openInNamespace(ns.name())) {
      tc.apply(Plan.of(add(ROOT), add(cls(1, ROOT_QDISC)), add(cls(3, ClassHandle.of(1, 1)))));
      NetlinkException missing = catchThrowableOfType(NetlinkException.class,
          () -> tc.apply(Plan.of(new TcOp.Delete(cls(0x42, ClassHandle.of(1, 1))))));
      assertThat(missing.errnoName()).contains("ENOENT");
      assertThat(missing.getMessage()).contains("no such object");

      NetlinkException busy = catchThrowableOfType(NetlinkException.class,
          () -> tc.apply(Plan.of(new TcOp.Delete(cls(1, ROOT_QDISC)))));
      assertThat(busy.errnoName()).contains("EBUSY");
      assertThat(busy.kernelMessage()).contains("HTB class in use");

      NetlinkException noParent = catchThrowableOfType(NetlinkException.class,
          () -> tc.apply(Plan.of(add(LeafQdisc.of(BR0, ClassHandle.qdisc(0x77),
              ClassHandle.of(1, 0x77), LeafQdiscKind.PFIFO)))));
      assertThat(noParent.errnoName()).contains("ENOENT");
      assertThat(noParent.kernelMessage()).contains("Specified class not found");
    }
  }

  @Test
  void classUnderAMissingParentIsRefusedAndLeavesNothing() {
    try (TestNamespace ns = TestNamespace.create().bridge("br0");
        NetlinkTrafficControl tc = NetlinkTrafficControl.openInNamespace(ns.name())) {
      tc.apply(Plan.of(add(ROOT), add(cls(1, ROOT_QDISC))));
      NetlinkException e = catchThrowableOfType(NetlinkException.class,
          () -> tc.apply(Plan.of(add(cls(0x98, ClassHandle.of(1, 0x99))))));
      assertThat(e.errnoName()).contains("ENOENT");
      assertThat(e.getMessage()).contains("parent class 1:99 does not exist");
      assertThat(TcOracle.classes(ns, "br0").keySet()).extracting(ClassHandle::toString)
          .containsExactly("1:1");
    }
  }

  @Test
  void aBatchFailingMidwayKeepsExactlyTheOpsBeforeTheFailure() {
    try (TestNamespace ns = TestNamespace.create().bridge("br0");
        NetlinkTrafficControl tc = NetlinkTrafficControl.openInNamespace(ns.name())) {
      tc.apply(Plan.of(add(ROOT), add(cls(1, ROOT_QDISC)), add(cls(3, ClassHandle.of(1, 1)))));
      // 10 adds, the 5th a duplicate: in one sendto the kernel commits the other 9
      List<TcOp> ops = new ArrayList<>();
      for (int i = 0; i < 10; i++) {
        ops.add(add(cls(i == 4 ? 3 : 0x20 + i, ClassHandle.of(1, 1))));
      }
      NetlinkException e = catchThrowableOfType(NetlinkException.class,
          () -> tc.apply(new Plan(ops)));
      assertThat(e.appliedCount()).isEqualTo(4);
      assertThat(e.failedOp()).contains(ops.get(4));
      assertThat(TcOracle.classes(ns, "br0").keySet()).extracting(ClassHandle::toString)
          .containsExactlyInAnyOrder("1:1", "1:3", "1:20", "1:21", "1:22", "1:23");
      // and the engine's undo of the first appliedCount ops restores the start
      tc.apply(new Plan(ops).undoOfFirst(e.appliedCount()));
      assertThat(TcOracle.classes(ns, "br0").keySet()).extracting(ClassHandle::toString)
          .containsExactlyInAnyOrder("1:1", "1:3");
    }
  }

  @Test
  void unsupportedLeafKindIsReportedAsTheProbeSaid() {
    try (TestNamespace ns = TestNamespace.create().bridge("br0");
        NetlinkTrafficControl tc = NetlinkTrafficControl.openInNamespace(ns.name())) {
      KernelCapabilities caps = tc.capabilities();
      assertThat(caps.leafQdiscs()).contains(LeafQdiscKind.PFIFO);
      assertThat(tc.capabilities()).isSameAs(caps); // probed once
      tc.apply(Plan.of(add(ROOT), add(cls(1, ROOT_QDISC)), add(cls(3, ClassHandle.of(1, 1)))));
      int minor = 3;
      for (LeafQdiscKind kind : LeafQdiscKind.values()) {
        LeafQdisc leaf = LeafQdisc.of(BR0, ClassHandle.qdisc(minor), ClassHandle.of(1, minor), kind);
        if (caps.leafQdiscs().contains(kind)) {
          tc.apply(Plan.of(add(leaf)));
          assertThat(TcOracle.qdiscs(ns, "br0")).extracting(TcOracle.Qdisc::kind)
              .contains(kind.kernelName());
          tc.apply(Plan.of(new TcOp.Delete(leaf)));
        } else {
          NetlinkException e = catchThrowableOfType(NetlinkException.class,
              () -> tc.apply(Plan.of(add(leaf))));
          assertThat(e.errnoName()).contains("ENOENT");
          assertThat(e.kernelMessage()).contains("Specified qdisc kind is unknown");
        }
      }
    }
  }

  @Test
  void missingNamespaceIsEnoent() {
    NetlinkException e = catchThrowableOfType(NetlinkException.class,
        () -> NetlinkTrafficControl.openInNamespace("nf-does-not-exist-" + System.nanoTime()));
    assertThat(e.errnoName()).contains("ENOENT");
    assertThatThrownBy(() -> NetlinkTrafficControl.openInNamespace("../etc"))
        .isExactlyInstanceOf(io.netfloor.InvalidValueException.class)
        .hasMessageContaining("'../etc' contains '/'");
  }
}
