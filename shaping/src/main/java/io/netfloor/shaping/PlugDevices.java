// SPDX-License-Identifier: Apache-2.0
package io.netfloor.shaping;

import static io.netfloor.shaping.BridgeSurvey.dumpOf;
import static io.netfloor.shaping.BridgeSurvey.foreign;
import static io.netfloor.shaping.BridgeSurvey.lostMark;

import io.netfloor.model.DeviceShaping;
import io.netfloor.model.HtbTree;
import io.netfloor.model.NetworkConfig;
import io.netfloor.plan.HtbQdisc;
import io.netfloor.plan.IfbDevice;
import io.netfloor.plan.IngressQdisc;
import io.netfloor.plan.Plan;
import io.netfloor.plan.PlanDiff;
import io.netfloor.plan.TcObject;
import io.netfloor.plan.TcOp;
import io.netfloor.shaping.BridgeSurvey.Mode;
import io.netfloor.shaping.internal.QdiscClaim;
import io.netfloor.spi.KernelSnapshot;
import io.netfloor.spi.TrafficControl;
import io.netfloor.units.ClassHandle;
import io.netfloor.units.InterfaceName;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.OptionalInt;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The host-side device a plug shapes (a VM's tap or veth, with its ifb): before the plug builds
 * there, clears what an interrupted earlier plug of it left, and refuses a device whose qdiscs
 * another owner holds. Stateless; it reads the kernel and deletes only the leftovers of the
 * network's own interrupted plugs. Building the device's shaping is the plug's change, applied by
 * {@link NetworkShaper} like every change.
 */
final class PlugDevices {
  // NetworkShaper's category: what users configure for the shaper covers these checks too
  private static final Logger log = LoggerFactory.getLogger(NetworkShaper.class);

  private PlugDevices() {}

  /**
   * What an interrupted plug of {@code device} left and no status records (the plug never
   * returned): the interface's ifb ({@code nfb-…}, NetFloor's name for it) with no qdisc or a
   * qdisc of the network's, and the device's qdiscs marked as the network's. Deleted before the
   * plug, so that it starts from the device as it was; anything another tool holds stays (and the
   * plug is then refused).
   */
  static void removeLeftovers(TrafficControl kernel, NetworkConfig config,
      InterfaceName device) {
    List<TcObject> doomed = new ArrayList<>();
    InterfaceName ifb = DeviceShaping.ifbFor(device);
    if (kernel.deviceExists(ifb)) {
      KernelSnapshot ifbSnap = dumpOf(kernel, ifb);
      QdiscClaim root = QdiscClaim.root(ifbSnap, config.name().value());
      if (root.state() == QdiscClaim.State.ABSENT || root.state() == QdiscClaim.State.OURS
          || lostMark(config, root, ifbSnap, true, Mode.RESTART, true).state()
              == QdiscClaim.State.OURS) {
        doomed.add(new IfbDevice(ifb));
      }
    }
    // with the plug's ifb left there, qdiscs of NetFloor's shape on the device are that plug's
    // too, even where it died before marking them
    Mode evidence = doomed.isEmpty() ? Mode.FRESH : Mode.RESTART;
    KernelSnapshot snap = dumpOf(kernel, device);
    if (lostMark(config, QdiscClaim.root(snap, config.name().value()), snap, true, evidence,
        true).state() == QdiscClaim.State.OURS) {
      doomed.add(new HtbQdisc(device, HtbTree.ROOT_QDISC, ClassHandle.ROOT, 2, 10,
          OptionalInt.empty()));
    }
    if (lostMark(config, QdiscClaim.ingress(snap, config.name().value()), snap, true, evidence,
        false).state() == QdiscClaim.State.OURS) {
      doomed.add(new IngressQdisc(device));
    }
    if (!doomed.isEmpty()) {
      Plan cleanup = PlanDiff.teardown(doomed);
      kernel.apply(cleanup); // garbage of a plug that never returned: nothing to restore
      log.warn("network {}: removed what an interrupted plug left on {}: {}", config.name(),
          device, cleanup.ops().stream().map(TcOp::describe).toList());
    }
  }

  /** Refuses a plug whose device carries another owner's qdiscs where the plug needs its own. */
  static void requireFreeDevices(TrafficControl kernel, NetworkConfig config,
      List<TcObject> expected, InterfaceName device) {
    Set<InterfaceName> devices = new LinkedHashSet<>();
    devices.add(device);
    for (TcObject o : expected) {
      if (o instanceof IfbDevice d && o.device().equals(DeviceShaping
          .ifbFor(device))) {
        devices.add(d.device());
      }
    }
    for (InterfaceName d : devices) {
      if (!kernel.deviceExists(d)) {
        continue;
      }
      KernelSnapshot snap = dumpOf(kernel, d);
      boolean needsRoot = expected.stream().anyMatch(o -> o instanceof HtbQdisc q
          && q.device().equals(d));
      boolean needsIngress = expected.stream().anyMatch(o -> o instanceof IngressQdisc q
          && q.device().equals(d));
      for (QdiscClaim c : List.of(QdiscClaim.root(snap, config.name().value()),
          QdiscClaim.ingress(snap, config.name().value()))) {
        boolean needed = c == null ? false
            : (c.qdisc().map(q -> q.handle().equals(IngressQdisc.HANDLE)).orElse(false)
                ? needsIngress : needsRoot);
        if (needed && c.state() != QdiscClaim.State.ABSENT
            && c.state() != QdiscClaim.State.OURS) {
          boolean clsact = c.qdisc().get().kind().equals("clsact");
          throw foreign(snap, c, "device " + d + " already holds qdisc " + c.describeQdisc()
              + (c.owner().isPresent() ? " of NetFloor network '" + c.owner().get() + "'"
                  : " that carries no NetFloor mark")
              + (clsact ? " (" + c.filters() + " filters)" : " (" + c.classes() + " classes, "
                  + c.filters() + " filters)") + "; NetFloor does not take it over. Remove it"
              + " (tc qdisc del dev " + d + (clsact ? " clsact"
                  : c.qdisc().get().handle().equals(IngressQdisc.HANDLE) ? " ingress" : " root")
              + ") if it is not in use, or plug without the device");
        }
      }
    }
  }
}
