// SPDX-License-Identifier: Apache-2.0
package io.netfloor.spi;

import io.netfloor.plan.Plan;
import io.netfloor.units.ClassHandle;
import io.netfloor.units.InterfaceName;
import java.util.Map;
import java.util.Optional;

/**
 * The kernel side of NetFloor: applies {@link Plan}s and reads back what the kernel holds. The
 * netlink backend implements it over rtnetlink; {@link InMemoryTrafficControl} simulates it for
 * tests.
 *
 * <h2>Comparison with tc</h2>
 *
 * Each operation of a plan is one {@code tc qdisc|class|filter add|change|del} command, without a
 * process per command. As with {@code tc -batch}, operations are applied one after another, not
 * atomically: when one fails, those before it stay applied, and the exception says how many.
 *
 * <p>Implementations are safe to use from several threads.
 */
public interface TrafficControl extends AutoCloseable {

  /**
   * Applies the plan's operations in order, stopping at the first one the kernel refuses.
   *
   * @param plan the operations to apply; an empty plan does nothing
   * @throws TrafficControlException naming the refused operation, the errno, the kernel's message
   *     and {@link TrafficControlException#appliedCount() how many operations were committed}
   */
  void apply(Plan plan);

  /**
   * What the kernel holds on {@code device}.
   *
   * @param device the device to read
   * @return the device's qdiscs, classes (with counters) and filters
   * @throws TrafficControlException if the device does not exist or the dump fails
   */
  KernelSnapshot dump(InterfaceName device);

  /**
   * Statistics of every HTB class on {@code device}.
   *
   * @param device the device to read
   * @return counters by class id; empty when the device has no HTB class
   * @throws TrafficControlException if the device does not exist or the dump fails
   */
  Map<ClassHandle, ClassStats> classStats(InterfaceName device);

  /**
   * Whether a network device of that name exists (in the backend's namespace).
   *
   * @param device the device name
   * @return true when the device exists
   * @throws TrafficControlException if the kernel cannot be asked
   */
  boolean deviceExists(InterfaceName device);

  /** The kind {@link #deviceKind} reports for a Linux bridge: the only device a network shapes. */
  String BRIDGE_KIND = "bridge";

  /**
   * The kind of network device {@code device} is, as the kernel names it in rtnetlink's
   * {@code IFLA_INFO_KIND} (what {@code ip -d link show} prints): {@value #BRIDGE_KIND},
   * {@code veth}, {@code tun}, {@code ifb}, {@code bond}…; empty for a device without a kind (a
   * physical NIC, loopback). NetFloor uses it to refuse, before changing anything, a network whose
   * "bridge" is some other device: HTB on a port's egress would shape only that port.
   *
   * @param device the device name
   * @return the device's kind, or empty for a device without one
   * @throws TrafficControlException if the device does not exist or the kernel cannot be asked
   */
  Optional<String> deviceKind(InterfaceName device);

  /**
   * What the kernel supports, probed once.
   *
   * @return the kernel's features; the same object on every call
   */
  KernelCapabilities capabilities();

  /** Releases the backend's resources (sockets). */
  @Override
  void close();
}
