// SPDX-License-Identifier: Apache-2.0
package io.netfloor.examples.embedding;

import io.netfloor.AdmissionException;
import io.netfloor.ClassIdExhaustedException;
import io.netfloor.InterfaceConflictException;
import io.netfloor.InvalidValueException;
import io.netfloor.NetFloorException;
import io.netfloor.model.Bandwidth;
import io.netfloor.model.LibvirtBandwidthXml;
import io.netfloor.model.Limits;
import io.netfloor.model.NetworkConfig;
import io.netfloor.netlink.NetlinkTrafficControl;
import io.netfloor.persistence.FileStatusStore;
import io.netfloor.shaping.InterfaceStats;
import io.netfloor.shaping.NetworkShaper;
import io.netfloor.shaping.ReconcileReport;
import io.netfloor.shaping.ShapingException;
import io.netfloor.spi.StatusStoreException;
import io.netfloor.spi.TrafficControlException;
import io.netfloor.units.ClassHandle;
import io.netfloor.units.InterfaceName;
import io.netfloor.units.MacAddress;
import io.netfloor.units.Rate;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How a VM manager embeds NetFloor: one {@link NetworkShaper} per bridge, built once from the
 * netlink backend and a crash-safe file store, then called in-process on every VM life-cycle event.
 *
 * <pre>{@code
 * NetworkConfig net = NetworkConfig.builder("vmnet", "br0")
 *     .inbound(Limits.builder().average(Rate.parse("1gbit")).build())
 *     .build();
 * try (VmManagerExample manager = VmManagerExample.open(net, Path.of("/var/lib/myvmm/netfloor"),
 *     Optional.empty())) {
 *   manager.managerStarted();                                      // repair after a crash
 *   manager.vmStarted("vm1-eth0", MacAddress.parse("52:54:00:00:00:01"),
 *       "<bandwidth><inbound average='25000' floor='12500'/></bandwidth>"); // 100mbit floor
 *   manager.bandwidthChanged("vm1-eth0", Bandwidth.floor(Rate.parse("200mbit")));
 *   manager.stats().forEach(System.out::println);
 *   manager.vmStopped("vm1-eth0");
 * }
 * }</pre>
 *
 * <h2>What to do with each exception</h2>
 *
 * Every NetFloor failure is a {@link NetFloorException}; none leaves partial state behind:
 * <ul>
 *   <li>{@link InvalidValueException} (and its {@code InvalidBandwidthException}): the VM's
 *       definition is wrong (a floor above its own peak, a malformed XML attribute…). Refuse the
 *       definition; the message names the value and the rule.
 *   <li>{@link AdmissionException}: the floors would exceed the network's capacity. Refuse to start
 *       the VM (libvirt does the same), or place it on another host; the exception says how much is
 *       allotted and how much the network has.
 *   <li>{@link InterfaceConflictException}: the alias or the MAC is already plugged (a duplicate
 *       MAC on one bridge is a configuration error upstream).
 *   <li>{@link ClassIdExhaustedException}: the bridge has no class id left; unplug first.
 *   <li>{@link TrafficControlException}: the kernel refused an operation (errno and the kernel's own
 *       message are in it); what was applied has been undone. Usually permanent (a missing
 *       module); retrying is safe.
 *   <li>{@link StatusStoreException}: the status could not be written (disk full, permissions); the
 *       kernel change has been undone. Fix the disk, retry.
 *   <li>{@link ShapingException}: wrong state — the bridge is gone, another tool owns its root
 *       qdisc, the network is not started.
 * </ul>
 *
 * <p>Thread-safety: a {@code NetworkShaper} may be called from any number of threads; calls on one
 * network are serialised, different networks do not block each other.
 */
public final class VmManagerExample implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(VmManagerExample.class);

  private final NetlinkTrafficControl kernel;
  private final FileStatusStore store;
  private final NetworkShaper shaper;

  private VmManagerExample(NetlinkTrafficControl kernel, FileStatusStore store,
      NetworkShaper shaper) {
    this.kernel = kernel;
    this.store = store;
    this.shaper = shaper;
  }

  /**
   * Wires NetFloor for one network: the netlink backend (in the bridge's namespace, or the
   * manager's own), the status store in {@code stateDir} (created 0700; one process at a time), and
   * the shaper. Nothing touches the bridge yet.
   *
   * @throws StatusStoreException if the directory is unsafe or another process holds it
   * @throws TrafficControlException if the netlink socket cannot be opened (no CAP_NET_ADMIN, or no
   *     such namespace)
   */
  public static VmManagerExample open(NetworkConfig network, Path stateDir,
      Optional<String> netns) {
    FileStatusStore store = FileStatusStore.open(stateDir);
    try {
      NetlinkTrafficControl kernel = netns.isPresent()
          ? NetlinkTrafficControl.openInNamespace(netns.get()) : NetlinkTrafficControl.open();
      return new VmManagerExample(kernel, store, NetworkShaper.create(network, kernel, store));
    } catch (RuntimeException e) {
      store.close();
      throw e;
    }
  }

  /**
   * At manager start-up: builds the tree on a fresh bridge, or, after a restart or a crash, makes
   * the kernel match the recorded status (class ids and assignments survive the crash).
   *
   * @return what had to be repaired (log it: repairs after a clean shutdown deserve a look)
   */
  public ReconcileReport managerStarted() {
    ReconcileReport report = shaper.start();
    if (!report.wasClean()) {
      log.warn("network {}: repaired the kernel at start-up: {}", shaper.config().name(), report);
    }
    return report;
  }

  /**
   * A VM is starting: plug its NIC with the {@code <bandwidth>} element of its domain XML.
   *
   * @return the class its inbound frames land in, or empty when the VM must not start (the reason
   *     is logged; a real manager returns it to its caller)
   */
  public Optional<ClassHandle> vmStarted(String nicAlias, MacAddress mac, String bandwidthXml) {
    Bandwidth bandwidth;
    try {
      bandwidth = LibvirtBandwidthXml.parseInterface(bandwidthXml);
    } catch (InvalidValueException badDefinition) {
      log.warn("refusing {}: invalid <bandwidth>: {}", nicAlias, badDefinition.getMessage());
      return Optional.empty();
    }
    return vmStarted(nicAlias, mac, Optional.empty(), bandwidth);
  }

  /**
   * A VM is starting: plug its NIC ({@code hostDevice}: its tap, to also apply its own
   * average/peak there, as libvirt does).
   */
  public Optional<ClassHandle> vmStarted(String nicAlias, MacAddress mac,
      Optional<InterfaceName> hostDevice, Bandwidth bandwidth) {
    try {
      return Optional.of(shaper.plug(nicAlias, mac, hostDevice, bandwidth));
    } catch (AdmissionException full) {
      log.warn("refusing {}: floor {} does not fit: {} of {} already allotted", nicAlias,
          full.requestedFloor(), full.allottedFloors(), full.capacity());
    } catch (InterfaceConflictException | ClassIdExhaustedException | InvalidValueException e) {
      log.warn("refusing {}: {}", nicAlias, e.getMessage());
    } catch (TrafficControlException kernelRefused) {
      log.error("kernel refused plugging {} (errno {}): {}", nicAlias,
          kernelRefused.errnoName().orElse("?"), kernelRefused.getMessage());
    } catch (StatusStoreException storeFailed) {
      log.error("status store failed plugging {}; nothing changed: {}", nicAlias,
          storeFailed.getMessage());
    } catch (ShapingException wrongState) {
      log.error("cannot plug {}: {}", nicAlias, wrongState.getMessage());
    }
    return Optional.empty();
  }

  /**
   * The VM's bandwidth was edited while it runs: applied live (one class change, no packet loss).
   *
   * @return false when refused (admission, invalid values); the old bandwidth stays in force
   */
  public boolean bandwidthChanged(String nicAlias, Bandwidth bandwidth) {
    try {
      shaper.update(nicAlias, bandwidth);
      return true;
    } catch (AdmissionException | InvalidValueException refused) {
      log.warn("keeping the old bandwidth of {}: {}", nicAlias, refused.getMessage());
      return false;
    }
  }

  /** The VM stopped (or its NIC was detached): its floor returns to the network. */
  public void vmStopped(String nicAlias) {
    if (!shaper.unplug(nicAlias)) {
      log.info("{} was not plugged; nothing to do", nicAlias); // unplug is idempotent
    }
  }

  /** Per-NIC counters for the manager's monitoring: bytes, drops, borrows per class. */
  public List<InterfaceStats> stats() {
    return shaper.stats();
  }

  /** The shaper, for whatever else the manager needs ({@code tree()}, {@code reconcile()}). */
  public NetworkShaper shaper() {
    return shaper;
  }

  /**
   * Releases the socket and the store; the tree stays on the bridge (VMs keep their floors while the
   * manager restarts). Call {@code shaper().stop()} first to remove it.
   */
  @Override
  public void close() {
    try {
      shaper.close(); // a pool top-up under way finishes (durably) before the socket and store go
      kernel.close();
    } finally {
      store.close();
    }
  }

  /** A network of {@code capacity} on {@code bridge}, as a manager would configure it. */
  public static NetworkConfig network(String name, String bridge, Rate capacity) {
    return NetworkConfig.builder(name, bridge)
        .inbound(Limits.builder().average(capacity).build())
        .build();
  }
}
