// SPDX-License-Identifier: Apache-2.0
package io.netfloor.spi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.netfloor.plan.HtbQdisc;
import io.netfloor.plan.LeafQdiscKind;
import io.netfloor.plan.Plan;
import io.netfloor.plan.TcOp;
import io.netfloor.units.ClassHandle;
import io.netfloor.units.InterfaceName;
import java.io.IOException;
import java.util.EnumSet;
import java.util.OptionalInt;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/**
 * A wrapper that overrides nothing behaves as the backend it wraps, call for call, and closes it;
 * a failure copied with another applied count keeps everything else.
 */
class ForwardingTrafficControlTest {
  private static final InterfaceName BR = InterfaceName.of("br0");

  @Test
  void everyCallNotOverriddenReachesTheBackend() {
    KernelCapabilities caps = new KernelCapabilities(EnumSet.of(LeafQdiscKind.SFQ), true, false,
        true);
    AtomicBoolean closed = new AtomicBoolean();
    InMemoryTrafficControl kernel = new InMemoryTrafficControl(caps).addDevice(BR, "veth");
    // the simulator's close() does nothing: a backend in between shows close() arriving
    TrafficControl backend = new ForwardingTrafficControl(kernel) {
      @Override
      public void close() {
        closed.set(true);
      }
    };
    ForwardingTrafficControl wrapper = new ForwardingTrafficControl(backend) {};
    assertThat(wrapper.delegate()).isSameAs(backend);

    HtbQdisc root = new HtbQdisc(BR, ClassHandle.qdisc(1), ClassHandle.ROOT, 2, 10,
        OptionalInt.empty());
    wrapper.apply(Plan.of(new TcOp.Add(root)));
    assertThat(kernel.objects()).containsExactly(root);
    assertThat(wrapper.dump(BR)).isEqualTo(kernel.dump(BR));
    assertThat(wrapper.classStats(BR)).isEqualTo(kernel.classStats(BR));
    assertThat(wrapper.deviceExists(BR)).isTrue();
    assertThat(wrapper.deviceExists(InterfaceName.of("none0"))).isFalse();
    assertThat(wrapper.deviceKind(BR)).contains("veth");
    assertThat(wrapper.capabilities()).isEqualTo(caps);
    wrapper.close();
    assertThat(closed).isTrue();

    assertThatThrownBy(() -> new ForwardingTrafficControl(null) {})
        .isInstanceOf(NullPointerException.class);
  }

  @Test
  void aFailureCopiedWithAnotherAppliedCountKeepsEverythingElse() {
    InMemoryTrafficControl kernel = new InMemoryTrafficControl().addDevice(BR);
    HtbQdisc root = new HtbQdisc(BR, ClassHandle.qdisc(1), ClassHandle.ROOT, 2, 10,
        OptionalInt.empty());
    kernel.apply(Plan.of(new TcOp.Add(root)));
    TrafficControlException e = catchThrowableOfType(TrafficControlException.class,
        () -> kernel.apply(Plan.of(new TcOp.Add(root))));
    TrafficControlException copy = e.withAppliedCount(7);
    assertThat(copy.appliedCount()).isEqualTo(7);
    assertThat(e.appliedCount()).isZero();
    assertThat(copy.getMessage()).isEqualTo(e.getMessage());
    assertThat(copy.failedOp()).isEqualTo(e.failedOp()).isPresent();
    assertThat(copy.errno()).isEqualTo(17);
    assertThat(copy.errnoName()).contains("EEXIST");
    assertThat(copy.kernelMessage()).isEqualTo(e.kernelMessage()).isPresent();

    TrafficControlException plain = new TrafficControlException("no kernel");
    assertThat(plain.errno()).isZero();
    assertThat(plain.errnoName()).isEmpty();
    assertThat(plain.kernelMessage()).isEmpty();
    assertThat(plain.failedOp()).isEmpty();
    IOException cause = new IOException("x");
    assertThat(new TrafficControlException("m", null, 0, 5, "EIO", null, cause).withAppliedCount(1)
        .getCause()).isSameAs(cause);
  }
}
