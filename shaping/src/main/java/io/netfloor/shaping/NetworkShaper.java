package io.netfloor.shaping;

import io.netfloor.NetFloorException;
import io.netfloor.model.Bandwidth;
import io.netfloor.model.HtbTree;
import io.netfloor.model.NetworkConfig;
import io.netfloor.model.OutboundShaping;
import io.netfloor.plan.LeafQdiscKind;
import io.netfloor.spi.KernelCapabilities;
import io.netfloor.model.PluggedInterface;
import io.netfloor.model.TreeChange;
import io.netfloor.plan.Plan;
import io.netfloor.plan.PlanDiff;
import io.netfloor.plan.IfbDevice;
import io.netfloor.plan.TcObject;
import io.netfloor.shaping.internal.KernelView;
import io.netfloor.spi.ClassStats;
import io.netfloor.spi.KernelSnapshot;
import io.netfloor.spi.NetworkStatus;
import io.netfloor.spi.StatusChange;
import io.netfloor.spi.StatusStore;
import io.netfloor.spi.StatusStoreException;
import io.netfloor.spi.TrafficControl;
import io.netfloor.spi.TrafficControlException;
import io.netfloor.units.ClassHandle;
import io.netfloor.units.InterfaceName;
import io.netfloor.units.MacAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Shapes one network (one bridge): guarantees each plugged interface its floor. The object a VM
 * manager keeps per network and calls when a VM starts, changes or stops:
 *
 * <pre>{@code
 * NetworkShaper shaper = NetworkShaper.create(config, trafficControl, statusStore);
 * shaper.start();                                   // builds the tree, or repairs it after a restart
 * ClassHandle c = shaper.plug("vm1-eth0", mac, Bandwidth.floor(Rate.parse("20mbit")));
 * shaper.update("vm1-eth0", Bandwidth.floor(Rate.parse("40mbit")));
 * shaper.unplug("vm1-eth0");
 * shaper.stop();                                    // removes everything NetFloor made
 * }</pre>
 *
 * <p>Thread-safe: calls on one shaper are serialised by its lock; shapers of different networks do
 * not block each other (they may share one {@link TrafficControl} and one {@link StatusStore}). The
 * order of effects, and why a crash at any instant can be repaired by {@link #reconcile()}, is in the
 * package documentation.
 *
 * <p>Every failure is a {@link NetFloorException} subtype: {@code AdmissionException},
 * {@code InterfaceConflictException}, {@code ClassIdExhaustedException},
 * {@code InvalidValueException} (refused before anything changed), {@link TrafficControlException}
 * (the kernel refused; what was applied has been undone), {@link StatusStoreException} (the store
 * failed; the kernel change has been undone), {@link ShapingException} (wrong state).
 */
public final class NetworkShaper {
  private static final Logger log = LoggerFactory.getLogger(NetworkShaper.class);

  private final NetworkConfig requested;
  /** {@code requested}, adapted to what the kernel supports at {@link #start()}. */
  private NetworkConfig config;
  private final TrafficControl kernel;
  private final StatusStore store;
  private final ReentrantLock lock = new ReentrantLock();
  private HtbTree tree;
  private boolean started;
  /** Set when an undo failed: the kernel may differ from the model until the next reconcile. */
  private boolean kernelSuspect;

  private NetworkShaper(NetworkConfig config, TrafficControl kernel, StatusStore store) {
    this.requested = Objects.requireNonNull(config, "config");
    this.config = config;
    this.kernel = Objects.requireNonNull(kernel, "trafficControl");
    this.store = Objects.requireNonNull(store, "statusStore");
    this.tree = HtbTree.empty(config);
  }

  /**
   * A shaper for {@code config}'s network. Nothing touches the kernel or the store until
   * {@link #start()}.
   */
  public static NetworkShaper create(NetworkConfig config, TrafficControl trafficControl,
      StatusStore statusStore) {
    return new NetworkShaper(config, trafficControl, statusStore);
  }

  /**
   * The configuration in effect: the one given, with the leaf qdisc and the outbound mode adapted to
   * the kernel at {@link #start()} (see {@link #adaptToKernel}).
   */
  public NetworkConfig config() {
    return locked(() -> config);
  }

  /**
   * {@code config} as this kernel can carry it: a leaf qdisc the kernel lacks is replaced by the best
   * it has (fq_codel, then sfq, then pfifo, which every kernel has); outbound limits are policed where
   * the kernel has the {@code police} action, else redirected to an ifb and shaped there.
   */
  public static NetworkConfig adaptToKernel(NetworkConfig config, KernelCapabilities caps) {
    NetworkConfig.Builder b = config.toBuilder();
    if (!caps.leafQdiscs().contains(config.leafQdisc())) {
      b.leafQdisc(caps.bestLeaf(List.of(LeafQdiscKind.FQ_CODEL, LeafQdiscKind.SFQ,
          LeafQdiscKind.PFIFO)).orElse(LeafQdiscKind.PFIFO));
    }
    if (config.outboundShaping() == OutboundShaping.POLICE && !caps.police() && caps.mirred()
        && caps.ifb()) {
      b.outboundShaping(OutboundShaping.IFB_REDIRECT);
    } else if (config.outboundShaping() == OutboundShaping.IFB_REDIRECT
        && !(caps.mirred() && caps.ifb()) && caps.police()) {
      b.outboundShaping(OutboundShaping.POLICE);
    }
    return b.build();
  }

  /** The current model of the tree (immutable; for display and inspection). */
  public HtbTree tree() {
    return locked(() -> tree);
  }

  public boolean isStarted() {
    return locked(() -> started);
  }

  /**
   * Starts shaping: builds the HTB tree on the bridge, or — when the store holds a status of this
   * network (a restart, a crash) — loads it and {@link #reconcile() reconciles} the kernel with it.
   * Idempotent.
   *
   * @return what reconciling changed (empty repairs on a fresh start)
   * @throws ShapingException if the bridge does not exist or holds a root qdisc NetFloor did not make
   * @throws StatusStoreException if the stored status cannot be read
   */
  public ReconcileReport start() {
    return locked(() -> {
      requireBridge();
      NetworkConfig adapted = adaptToKernel(requested, kernel.capabilities());
      if (!adapted.equals(requested)) {
        log.info("network {}: kernel lacks some requested features; using leaf qdisc {} and {} for"
            + " outbound limits", requested.name(), adapted.leafQdisc().kernelName(),
            adapted.outboundShaping());
      }
      config = adapted;
      Optional<NetworkStatus> stored = store.load(config.name());
      tree = stored.isPresent() ? stored.get().toTree(config) : HtbTree.empty(config);
      if (stored.isEmpty()) {
        store.save(NetworkStatus.of(tree));
      }
      ReconcileReport report = reconcileLocked();
      started = true;
      log.info("network {} started on {}: {} interface(s), {}", config.name(), config.bridge(),
          tree.interfaces().size(), report.wasClean() ? "kernel already in place" : report);
      return report;
    });
  }

  /**
   * Takes over a network that libvirt (or an earlier NetFloor) shaped: {@code status} (e.g. from
   * {@code LibvirtStatusImport}) becomes this network's stored status, and the kernel tree already
   * on the bridge is reconciled to it. With a config that matches libvirt's tree
   * ({@code FilterLayout.LIBVIRT_LINEAR}, {@code TrafficMatch.IPV4_ONLY},
   * {@code AdmissionLimit.PEAK_LIKE_LIBVIRT}, the leaf qdisc libvirt used), the existing classes and
   * filters are kept and only re-parameterised with class changes (quantum, the default class's
   * rate), so traffic is not disturbed; the report lists every operation.
   *
   * @throws io.netfloor.InvalidValueException if {@code status} does not fit this network's config
   * @throws ShapingException if the bridge is missing or holds a root qdisc that is not HTB 1:
   */
  public ReconcileReport adopt(NetworkStatus status) {
    return locked(() -> {
      requireBridge();
      config = adaptToKernel(requested, kernel.capabilities());
      HtbTree adopted = status.toTree(config); // validates before anything is written
      store.save(status);
      tree = adopted;
      ReconcileReport report = reconcileLocked();
      started = true;
      log.info("network {} adopted with {} interface(s): {}", config.name(),
          tree.interfaces().size(), report);
      return report;
    });
  }

  /**
   * Plugs an interface. With a floor it gets its own class; without, it uses the default class.
   * Plugging an alias again with the same MAC and bandwidth returns its class without doing anything
   * (so a caller can retry after a crash).
   *
   * @return the class the interface's inbound frames land in
   */
  public ClassHandle plug(String alias, MacAddress mac, Bandwidth bandwidth) {
    return plug(alias, mac, Optional.empty(), bandwidth);
  }

  /**
   * Plugs an interface and also applies its own limits (inbound average/peak/burst on the device's
   * egress, outbound on its ingress) to its host-side {@code device}, as libvirt does for a tap.
   *
   * @see #plug(String, MacAddress, Bandwidth)
   */
  public ClassHandle plug(String alias, MacAddress mac, Optional<InterfaceName> device,
      Bandwidth bandwidth) {
    return locked(() -> {
      requireStarted();
      PluggedInterface existing = tree.interfaces().get(alias);
      if (existing != null && existing.mac().equals(mac) && existing.device().equals(device)
          && existing.bandwidth().equals(bandwidth)) {
        return existing.effectiveClass();
      }
      if (device.isPresent() && !kernel.deviceExists(device.get())) {
        throw new ShapingException("device " + device.get() + " of interface '" + alias
            + "' does not exist");
      }
      TreeChange change = tree.plug(alias, mac, device, bandwidth);
      commit("plug of '" + alias + "'", change, alias);
      return change.affected().orElseThrow().effectiveClass();
    });
  }

  /**
   * Unplugs an interface: its class and filter go, its floor returns to the network.
   *
   * @return false when the alias was not plugged (nothing to do)
   */
  public boolean unplug(String alias) {
    return locked(() -> {
      requireStarted();
      if (!tree.interfaces().containsKey(alias)) {
        return false;
      }
      commit("unplug of '" + alias + "'", tree.unplug(alias), alias);
      return true;
    });
  }

  /**
   * Changes an interface's bandwidth live; admission is checked again.
   *
   * @return the class its frames land in afterwards
   */
  public ClassHandle update(String alias, Bandwidth bandwidth) {
    return locked(() -> {
      requireStarted();
      TreeChange change = tree.update(alias, bandwidth);
      commit("update of '" + alias + "'", change, alias);
      return change.affected().orElseThrow().effectiveClass();
    });
  }

  /** The interface's MAC changed (the guest changed it): its filter follows. */
  public void changeMac(String alias, MacAddress mac) {
    locked(() -> {
      requireStarted();
      commit("MAC change of '" + alias + "'", tree.changeMac(alias, mac), alias);
      return null;
    });
  }

  /**
   * Pre-creates {@code count} parked classes, so that the next plugs take a class with a kernel
   * <em>change</em> instead of an <em>add</em> (whose cost grows with the number of classes).
   */
  public void park(int count) {
    locked(() -> {
      requireStarted();
      commit("parking of " + count + " classes", tree.park(count), null);
      return null;
    });
  }

  /** Deletes up to {@code count} parked classes. */
  public void releaseParked(int count) {
    locked(() -> {
      requireStarted();
      commit("release of " + count + " parked classes", tree.releaseParked(count), null);
      return null;
    });
  }

  /**
   * Stops shaping: removes everything NetFloor made on the bridge (nothing else) and forgets the
   * network's status.
   */
  public void stop() {
    locked(() -> {
      requireBridge();
      KernelSnapshot snapshot = kernel.dump(config.bridge());
      if (KernelView.foreignRoot(snapshot).isEmpty()) {
        KernelView view = observe(snapshot, tree.kernelObjects());
        Plan teardown = PlanDiff.teardown(view.objects());
        applyWithUndo("stop of network '" + config.name() + "'", teardown);
      }
      store.delete(config.name());
      tree = HtbTree.empty(config);
      started = false;
      log.info("network {} stopped", config.name());
      return null;
    });
  }

  /**
   * Makes the kernel hold exactly what the stored status describes: dumps the bridge, removes
   * classes and filters in NetFloor's handle space that the status does not know, recreates missing
   * ones, and corrects changed rates. Run by {@link #start()}; call it again whenever the kernel may
   * have been changed behind NetFloor's back.
   */
  public ReconcileReport reconcile() {
    return locked(() -> {
      requireStarted();
      Optional<NetworkStatus> stored = store.load(config.name());
      if (stored.isPresent()) {
        tree = stored.get().toTree(config);
      }
      return reconcileLocked();
    });
  }

  /** Live counters of every plugged interface, by alias order. */
  public List<InterfaceStats> stats() {
    return locked(() -> {
      requireStarted();
      Map<ClassHandle, ClassStats> counters = config.supportsFloors()
          ? kernel.classStats(config.bridge()) : Map.of();
      List<InterfaceStats> out = new ArrayList<>();
      tree.interfaces().values().stream().sorted((a, b) -> a.alias().compareTo(b.alias()))
          .forEach(p -> {
            ClassHandle c = p.effectiveClass();
            out.add(new InterfaceStats(p.alias(), p.mac(), c, p.bandwidth().floorOrZero(),
                tree.ceilingOf(p), counters.getOrDefault(c, ClassStats.ZERO)));
          });
      return out;
    });
  }

  // ------------------------------------------------------------------ internals

  private ReconcileReport reconcileLocked() {
    requireBridge();
    KernelSnapshot snapshot = kernel.dump(config.bridge());
    Optional<io.netfloor.spi.QdiscInfo> foreign = KernelView.foreignRoot(snapshot);
    if (foreign.isPresent()) {
      throw new ShapingException("bridge " + config.bridge() + " already has a root qdisc "
          + foreign.get().kind() + " " + foreign.get().handle() + " that NetFloor did not make;"
          + " remove it (tc qdisc del dev " + config.bridge() + " root) before starting network '"
          + config.name() + "'");
    }
    List<String> notes = new ArrayList<>();
    List<TcObject> expected = reachable(tree.kernelObjects(), notes);
    KernelView view = observe(snapshot, expected);
    notes.addAll(view.notes());
    Plan repairs = PlanDiff.between(view.objects(), expected);
    applyWithUndo("reconcile of network '" + config.name() + "'", repairs);
    kernelSuspect = false;
    // the store must hold exactly the tree reconciled to; when it already does (a clean restart),
    // saveIfChanged skips rewriting the snapshot, and still compacts a journal that is due
    store.saveIfChanged(NetworkStatus.of(tree));
    return new ReconcileReport(repairs, notes);
  }

  /** Reads what the kernel holds on the bridge and on every other device {@code expected} uses. */
  private KernelView observe(KernelSnapshot bridgeSnapshot, List<TcObject> expected) {
    Map<InterfaceName, KernelSnapshot> snapshots = new java.util.LinkedHashMap<>();
    snapshots.put(config.bridge(), bridgeSnapshot);
    java.util.Set<InterfaceName> ifbs = new java.util.HashSet<>();
    for (TcObject o : expected) {
      if (o instanceof IfbDevice d) {
        if (kernel.deviceExists(d.device())) {
          ifbs.add(d.device());
          snapshots.putIfAbsent(d.device(), kernel.dump(d.device()));
        }
      } else if (!snapshots.containsKey(o.device()) && kernel.deviceExists(o.device())) {
        snapshots.put(o.device(), kernel.dump(o.device()));
      }
    }
    return KernelView.read(snapshots, ifbs, config, expected);
  }

  /**
   * The expected objects that can exist now: those on an interface's own device are left out while
   * that device is gone (a stopped VM's tap), with a note; they return with the next reconcile.
   */
  private List<TcObject> reachable(List<TcObject> expected, List<String> notes) {
    java.util.Set<InterfaceName> creatable = new java.util.HashSet<>();
    for (TcObject o : expected) {
      if (o instanceof IfbDevice d) {
        creatable.add(d.device());
      }
    }
    java.util.Map<InterfaceName, Boolean> exists = new java.util.HashMap<>();
    List<TcObject> out = new ArrayList<>(expected.size());
    for (TcObject o : expected) {
      InterfaceName d = o.device();
      boolean ok = d.equals(config.bridge()) || creatable.contains(d)
          || exists.computeIfAbsent(d, kernel::deviceExists);
      if (ok) {
        out.add(o);
      } else if (exists.get(d) != null && notes.stream().noneMatch(n -> n.startsWith("device " + d))) {
        notes.add("device " + d + " does not exist; its limits are applied when it is back and"
            + " reconcile runs");
      }
    }
    return out;
  }

  /** decide (done by the caller) → kernel → commit → publish. */
  private void commit(String what, TreeChange change, String alias) {
    if (kernelSuspect) {
      reconcileLocked();
    }
    applyWithUndo(what, change.plan());
    List<StatusChange> changes = NetworkStatus.changesBetween(tree, change.tree(), alias);
    int recorded = 0;
    try {
      for (StatusChange c : changes) {
        store.record(config.name(), c);
        recorded++;
      }
    } catch (RuntimeException storeFailure) {
      undoQuietly(what, change.undo(), storeFailure);
      if (recorded > 0) {
        // a prefix was recorded: bring the store back to the tree we keep
        try {
          store.save(NetworkStatus.of(tree));
        } catch (RuntimeException again) {
          storeFailure.addSuppressed(again);
          adoptStoredStatus(storeFailure);
        }
      }
      throw storeFailure instanceof StatusStoreException s
          ? new StatusStoreException(what + " on network '" + config.name()
              + "' was rolled back: the status store failed: " + s.getMessage(), s)
          : storeFailure;
    }
    tree = change.tree();
  }

  /**
   * The store holds a status we could not roll back (a prefix of the change): it is the source of
   * truth, so the model follows it and the kernel is reconciled to it before the next change.
   */
  private void adoptStoredStatus(RuntimeException failure) {
    try {
      Optional<NetworkStatus> stored = store.load(config.name());
      if (stored.isPresent()) {
        tree = stored.get().toTree(config);
      }
    } catch (RuntimeException unreadable) {
      failure.addSuppressed(unreadable);
    }
    kernelSuspect = true;
  }

  private void applyWithUndo(String what, Plan plan) {
    if (plan.isEmpty()) {
      return;
    }
    try {
      kernel.apply(plan);
    } catch (TrafficControlException e) {
      undoQuietly(what, plan.undoOfFirst(e.appliedCount()), e);
      throw new TrafficControlException(what + " on network '" + config.name()
          + "' failed and was rolled back: " + e.getMessage(), e.failedOp().orElse(null),
          e.appliedCount(), e.errno(), e.errnoName().orElse(null), e.kernelMessage().orElse(null), e);
    }
  }

  private void undoQuietly(String what, Plan undo, RuntimeException cause) {
    try {
      kernel.apply(undo);
    } catch (RuntimeException undoFailure) {
      kernelSuspect = true;
      cause.addSuppressed(undoFailure);
      log.warn("undo of {} failed; network {} will be reconciled before its next change: {}", what,
          config.name(), undoFailure.getMessage());
    }
  }

  private void requireStarted() {
    if (!started) {
      throw new ShapingException("network '" + config.name() + "' is not started; call start()");
    }
  }

  private void requireBridge() {
    if (!kernel.deviceExists(config.bridge())) {
      throw new ShapingException("bridge " + config.bridge() + " of network '" + config.name()
          + "' does not exist");
    }
  }

  private <T> T locked(Supplier<T> body) {
    lock.lock();
    try {
      return body.get();
    } finally {
      lock.unlock();
    }
  }
}
