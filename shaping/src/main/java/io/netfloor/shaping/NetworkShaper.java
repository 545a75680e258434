// SPDX-License-Identifier: Apache-2.0
package io.netfloor.shaping;

import static io.netfloor.shaping.ConcurrentCalls.concat;
import static io.netfloor.shaping.ConcurrentCalls.mergeChanges;

import io.netfloor.InvalidValueException;
import io.netfloor.NetFloorException;
import io.netfloor.model.Bandwidth;
import io.netfloor.model.ClassStrategy;
import io.netfloor.model.FilterLayout;
import io.netfloor.model.HtbTree;
import io.netfloor.model.InterfaceAlias;
import io.netfloor.model.KernelPlacement;
import io.netfloor.model.Limits;
import io.netfloor.model.NetworkConfig;
import io.netfloor.model.NetworkStatus;
import io.netfloor.model.OutboundFloorPlacement;
import io.netfloor.model.OutboundShaping;
import io.netfloor.model.PluggedInterface;
import io.netfloor.model.StatusChange;
import io.netfloor.model.TrafficMatch;
import io.netfloor.model.TreeChange;
import io.netfloor.plan.HtbClass;
import io.netfloor.plan.HtbQdisc;
import io.netfloor.plan.IngressQdisc;
import io.netfloor.plan.LeafQdiscKind;
import io.netfloor.plan.Plan;
import io.netfloor.plan.PlanDiff;
import io.netfloor.plan.TcObject;
import io.netfloor.plan.TcOp;
import io.netfloor.plan.U32HashTable;
import io.netfloor.plan.U32OwnerMark;
import io.netfloor.shaping.BridgeSurvey.Mode;
import io.netfloor.shaping.internal.KernelView;
import io.netfloor.shaping.internal.QdiscClaim;
import io.netfloor.spi.ClassStats;
import io.netfloor.spi.FilterInfo;
import io.netfloor.spi.KernelCapabilities;
import io.netfloor.spi.KernelSnapshot;
import io.netfloor.spi.QdiscInfo;
import io.netfloor.spi.StatusStore;
import io.netfloor.spi.StatusStoreException;
import io.netfloor.spi.TrafficControl;
import io.netfloor.spi.TrafficControlException;
import io.netfloor.units.ClassHandle;
import io.netfloor.units.InterfaceName;
import io.netfloor.units.MacAddress;
import io.netfloor.units.Rate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Function;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

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
 * not block each other (they may share one {@link TrafficControl} and one {@link StatusStore}).
 * Concurrent {@link #plug(String, MacAddress, Bandwidth) plugs}, {@link #unplug unplugs} and
 * {@link #update updates} are combined: the caller that gets the lock applies every such call
 * waiting by then as one kernel exchange and one record (so they share one disk flush), each call
 * admitted or refused on its own in arrival order, exactly as if it had come alone. The order of
 * effects, and why a crash at any instant can be repaired by {@link #reconcile()}, is in the
 * package documentation.
 *
 * <p>Every failure is a {@link NetFloorException} subtype: {@code AdmissionException},
 * {@code InterfaceConflictException}, {@code ClassIdExhaustedException},
 * {@code InvalidValueException} (refused before anything changed), {@link TrafficControlException}
 * (the kernel refused; what was applied has been undone), {@link StatusStoreException} (the store
 * failed; the kernel change has been undone), {@link ShapingException} (wrong state).
 *
 * <p>For orchestrators: {@link #capacity()}, {@link #canAdmit}, {@link #dryRunPlug} and
 * {@link #dryRunUpdate} answer without changing anything; {@link #addListener listeners} are told
 * of every change after it is durable; {@link #sample()} and {@link RateMeter} give per-interface
 * rates; {@link #resize} changes the network's capacity while it runs.
 *
 * <p>Logging: each plug, update, unplug, MAC change and resize is logged at DEBUG (alias, class,
 * floor, duration), with the network's name in the SLF4J MDC under {@value #MDC_NETWORK} for the
 * duration of every operation (and of every event delivery).
 */
public final class NetworkShaper {
  private static final Logger log = LoggerFactory.getLogger(NetworkShaper.class);
  /** The SLF4J MDC key that holds the network's name while the shaper works on it. */
  public static final String MDC_NETWORK = "netfloor.network";

  /** The config given, with the inbound limits of the last {@link #resize}. */
  private NetworkConfig requested;
  /** {@code requested}, adapted to what the kernel supports at {@link #start()}. */
  private NetworkConfig config;
  private final TrafficControl kernel;
  private final StatusStore store;
  private final ReentrantLock lock = new ReentrantLock();
  /** Plugs, unplugs and updates waiting for the lock, applied together by whoever gets it. */
  private final ConcurrentCalls calls;
  private HtbTree tree;
  private boolean started;
  /** Set when an undo failed: the kernel may differ from the model until the next reconcile. */
  private boolean kernelSuspect;
  /** The inbound limits the status records (set by a resize); empty: the config's apply. */
  private Optional<Limits> recordedInbound = Optional.empty();
  private final EventDispatcher events;
  /** Set by a change under the lock; awaited by the same thread once it released the lock. */
  private Unsynced unsynced;
  private final ShaperOptions options;
  /** The parked-class pool: when to park and release classes; its thread. */
  private final ParkedPool pool;

  private NetworkShaper(NetworkConfig config, TrafficControl kernel, StatusStore store,
      ShaperOptions options) {
    this.options = Objects.requireNonNull(options, "options");
    this.pool = new ParkedPool(options, new PoolAccess());
    this.requested = Objects.requireNonNull(config, "config");
    this.config = config;
    this.kernel = Objects.requireNonNull(kernel, "trafficControl");
    this.store = Objects.requireNonNull(store, "statusStore");
    this.tree = HtbTree.empty(config);
    this.events = new EventDispatcher(config.name().value(), this::durabilityGate);
    this.calls = new ConcurrentCalls(lock, events, new CallsAccess());
  }

  /**
   * A shaper for {@code config}'s network. Nothing touches the kernel or the store until
   * {@link #start()}.
   *
   * @param config the network to shape
   * @param trafficControl the kernel backend; may be shared with shapers of other networks
   * @param statusStore where the network's status survives restarts; may be shared with shapers of
   *     other networks
   * @return a shaper that is not started
   * @throws NullPointerException if an argument is null
   */
  public static NetworkShaper create(NetworkConfig config, TrafficControl trafficControl,
      StatusStore statusStore) {
    return create(config, trafficControl, statusStore, ShaperOptions.DEFAULT);
  }

  /**
   * A shaper for {@code config}'s network with {@code options} (its parked-class pool; see
   * {@link ParkedPoolPolicy}). Nothing touches the kernel or the store until {@link #start()}.
   *
   * @param config the network to shape
   * @param trafficControl the kernel backend; may be shared with shapers of other networks
   * @param statusStore where the network's status survives restarts; may be shared with shapers of
   *     other networks
   * @param options how the shaper runs: its parked-class pool, clock and background executor
   * @return a shaper that is not started
   * @throws NullPointerException if an argument is null
   */
  public static NetworkShaper create(NetworkConfig config, TrafficControl trafficControl,
      StatusStore statusStore, ShaperOptions options) {
    return new NetworkShaper(config, trafficControl, statusStore, options);
  }

  /**
   * The configuration in effect: the one given, with the leaf qdisc and the outbound mode adapted to
   * the kernel at {@link #start()} (see {@link #adaptToKernel}).
   *
   * @return the effective configuration; before {@link #start()}, the one given
   */
  public NetworkConfig config() {
    return locked(() -> config);
  }

  /**
   * With the pool on, an unplugged interface's class goes back to the pool (parked, as with
   * {@link ClassStrategy#PARKED_POOL}) instead of being deleted: a later plug takes it with a class
   * change; idle release deletes what the pool does not need.
   */
  private NetworkConfig withPool(NetworkConfig c) {
    return options.parkedPool().enabled() && c.classStrategy() != ClassStrategy.PARKED_POOL
        ? c.toBuilder().classStrategy(ClassStrategy.PARKED_POOL).build() : c;
  }

  /**
   * {@code config} as this kernel can carry it: a leaf qdisc the kernel lacks is replaced by the best
   * it has (fq_codel, then sfq, then pfifo, which every kernel has); outbound limits are policed where
   * the kernel has the {@code police} action, else redirected to an ifb and shaped there.
   *
   * @param config the requested configuration
   * @param caps what the kernel supports
   * @return the configuration to use; {@code config} itself when the kernel has everything it asks
   *     for
   * @throws UnsupportedPlacementException if outbound floors on the bridge's ingress are asked for
   *     and the kernel lacks ifb or mirred (no other placement replaces a placement chosen by
   *     configuration)
   */
  public static NetworkConfig adaptToKernel(NetworkConfig config, KernelCapabilities caps) {
    if (config.outboundFloors().kind() == OutboundFloorPlacement.Kind.BRIDGE_INGRESS
        && !(caps.mirred() && caps.ifb())) {
      throw new UnsupportedPlacementException("network '" + config.name() + "': outbound floors"
          + " on the bridge's ingress need ifb devices and the mirred action, and this kernel lacks "
          + (caps.ifb() ? "mirred" : caps.mirred() ? "ifb" : "both")
          + " (load the act_mirred and ifb modules), or place them on the uplink's egress"
          + " (a port of bridge " + config.bridge() + ")");
    }
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

  /**
   * The current model of the tree (immutable; for display and inspection).
   *
   * @return the tree as last committed; an empty tree before {@link #start()}
   */
  public HtbTree tree() {
    return locked(() -> tree);
  }

  /**
   * Whether {@link #start()} or {@link #adopt} has run and {@link #stop()} has not since.
   *
   * @return true while the network is shaped
   */
  public boolean isStarted() {
    return locked(() -> started);
  }

  /**
   * Starts shaping: builds the HTB tree on the bridge, or — when the store holds a status of this
   * network (a restart, a crash) — loads it and {@link #reconcile() reconciles} the kernel with it.
   * Idempotent.
   *
   * <p>NetFloor builds only where nothing else stands: on a bridge without a root qdisc, on its own
   * marked tree, or under libvirt's bare {@code htb 1: default 2} root (which, with its DHCP
   * checksum filter, stays in place through every operation and after {@link #stop()}).
   *
   * @return what reconciling changed (empty repairs on a fresh start)
   * @throws ForeignTreeException if the bridge holds another tool's or another NetFloor network's
   *     tree (nothing is changed; see {@link #adopt} and {@link #startReplacing()})
   * @throws ShapingException if the bridge does not exist
   * @throws InvalidValueException if the bridge is another kind of device (a veth, a
   *     tap, a NIC), naming its kind; nothing is changed
   * @throws StatusStoreException if the stored status cannot be read (nothing is changed), or a
   *     first start cannot store its status (what it built on the bridge is removed again)
   */
  public ReconcileReport start() {
    return withNetwork(() -> locked(() -> startLocked(false)));
  }

  /**
   * Starts shaping after deleting whatever root and ingress qdisc another tool (or another NetFloor
   * network) left on the bridge, with everything under them. The explicit way past a
   * {@link ForeignTreeException}, for a bridge whose old tree is known to be garbage; to keep a
   * libvirt tree's floors, use {@link #adopt} instead.
   *
   * @return the repairs, starting with the deletion of the foreign qdiscs
   */
  public ReconcileReport startReplacing() {
    return withNetwork(() -> locked(() -> startLocked(true)));
  }

  /**
   * Starts shaping from the stored status without reading or changing the kernel: the status is
   * taken as what the bridge holds, with the tree where {@code placement} says (the
   * {@link HtbTree#placement()} of the shaper that last left kernel and store consistent). For a
   * short-lived process that has its own proof that nothing touched the bridge's tree or the
   * network's status since (the {@code netfloor} CLI keeps a checkpoint of the kernel's tree and the
   * store's revision between commands), so that it does not pay a {@link #reconcile()} per
   * command. Anything else should call {@link #start()}: a kernel that differs from the status is
   * then only found by a later {@link #reconcile()}.
   *
   * @param placement where the network's tree sits on the bridge
   * @throws ShapingException if the store holds no status of the network, or the shaper is started
   * @throws StatusStoreException if the stored status cannot be read
   */
  public void resume(KernelPlacement placement) {
    Objects.requireNonNull(placement, "placement");
    withNetwork(() -> locked(() -> {
      if (started) {
        throw new ShapingException("network '" + config.name() + "' is already started");
      }
      config = withPool(adaptToKernel(requested, kernel.capabilities()));
      NetworkStatus stored = store.load(config.name().value()).orElseThrow(() -> new ShapingException(
          "network '" + config.name() + "' has no stored status to resume from; call start()"));
      tree = stored.toTree(config).withPlacement(placement);
      recordedInbound = stored.inbound();
      config = tree.config();
      kernelSuspect = false;
      started = true;
      pool.atStart();
      log.info("network {} resumed on {} without a reconcile: {} interface(s)", config.name(),
          config.bridge(), tree.interfaces().size());
      return null;
    }));
  }

  private ReconcileReport startLocked(boolean replace) {
    requireBridge();
    requireBridgeKind();
    NetworkConfig adapted = adaptToKernel(requested, kernel.capabilities());
    Optional<InterfaceName> uplink = requested.outboundFloors().uplink();
    if (uplink.isPresent() && !kernel.deviceExists(uplink.get())) {
      throw new UnsupportedPlacementException("network '" + requested.name() + "': uplink "
          + uplink.get() + " of its outbound floors does not exist; give the port of bridge "
          + requested.bridge() + " through which the guests' traffic leaves the host");
    }
    if (!adapted.equals(requested)) {
      log.info("network {}: kernel lacks some requested features; using leaf qdisc {} and {} for"
          + " outbound limits", requested.name(), adapted.leafQdisc().kernelName(),
          adapted.outboundShaping());
    }
    config = withPool(adapted);
    Optional<NetworkStatus> stored = store.load(config.name().value());
    tree = stored.isPresent() ? stored.get().toTree(config) : HtbTree.empty(config);
    recordedInbound = stored.flatMap(NetworkStatus::inbound);
    if (recordedInbound.isPresent() && !tree.config().equals(config)) {
      log.info("network {}: inbound limits {} as last resized, in place of the config's {}",
          config.name(), recordedInbound.get(), config.bandwidth().inbound().orElse(null));
    }
    config = tree.config();
    Plan cleared = replace ? clearForeignQdiscs(stored.isPresent()) : Plan.EMPTY;
    ReconcileReport report = reconcileLocked(stored.isEmpty() ? Mode.FRESH : Mode.RESTART);
    if (!cleared.isEmpty()) {
      report = new ReconcileReport(cleared.then(report.built()), report.repairs(), report.notes(),
          report.foreign());
    }
    started = true;
    pool.atStart();
    log.info("network {} started on {}: {} interface(s), {} operation(s) to build, {} to repair",
        config.name(), config.bridge(), tree.interfaces().size(), report.built().size(),
        report.repairs().size());
    logReport(report);
    return report;
  }

  /**
   * Takes over a network that libvirt (or an earlier NetFloor) shaped: {@code status} (e.g. from
   * {@code LibvirtStatusImport}) becomes this network's stored status, and the kernel tree already
   * on the bridge is reconciled to it. With a config that matches libvirt's tree
   * ({@code FilterLayout.LIBVIRT_LINEAR}, {@code TrafficMatch.IPV4_ONLY},
   * {@code AdmissionLimit.PEAK_LIKE_LIBVIRT}, the leaf qdisc libvirt used), the existing classes and
   * filters are kept and only re-parameterised with class changes, so traffic is not disturbed; the
   * report lists every operation. The root qdisc stays libvirt's: {@link #stop()} removes NetFloor's
   * classes and filters and leaves it. Another tool's filters at other prios are left alone.
   *
   * @param status the status to take over: its interfaces with their class ids and filter handles
   * @return every operation applied to make the kernel match {@code status}
   * @throws InvalidValueException if {@code status} does not fit this network's config,
   *     or the bridge is another kind of device
   * @throws ForeignTreeException if the bridge carries another NetFloor network's tree
   * @throws ShapingException if the bridge is missing or holds a root qdisc that is not HTB 1:
   * @throws TrafficControlException if the kernel refuses an operation
   * @throws StatusStoreException if {@code status} cannot be stored
   */
  public ReconcileReport adopt(NetworkStatus status) {
    return withNetwork(() -> locked(() -> {
      requireBridge();
      requireBridgeKind();
      config = withPool(adaptToKernel(requested, kernel.capabilities()));
      HtbTree adopted = status.toTree(config); // validates before anything is written
      HtbTree before = tree;
      tree = adopted;
      ReconcileReport report;
      try {
        report = reconcileLocked(Mode.ADOPT);
      } catch (RuntimeException e) {
        tree = before;
        throw e;
      }
      store.save(status);
      recordedInbound = status.inbound();
      config = tree.config();
      started = true;
      log.info("network {} adopted with {} interface(s): {} operation(s)", config.name(),
          tree.interfaces().size(), report.operations().size());
      logReport(report);
      return report;
    }));
  }

  /**
   * Plugs an interface. With a floor it gets its own class; without, it uses the default class.
   * Plugging an alias again with the same MAC and bandwidth returns its class without doing anything
   * (so a caller can retry after a crash).
   *
   * @param alias the interface's name within the network: 1–128 characters of
   *     {@code [A-Za-z0-9._:@+=-]}
   * @param mac the interface's MAC address; frames to it are steered into its class
   * @param bandwidth the interface's limits; only the inbound floor matters here
   * @return the class the interface's inbound frames land in
   * @throws ShapingException if the network is not started
   * @throws io.netfloor.InvalidValueException if the alias is not valid
   * @throws io.netfloor.InterfaceConflictException if the alias is plugged with other parameters or
   *     the MAC belongs to another interface
   * @throws io.netfloor.AdmissionException if the floor does not fit the network's capacity
   * @throws io.netfloor.ClassIdExhaustedException if no class id is left
   * @throws TrafficControlException if the kernel refuses an operation; what was applied has been
   *     undone
   * @throws StatusStoreException if the change cannot be recorded; the kernel change has been
   *     undone
   */
  public ClassHandle plug(String alias, MacAddress mac, Bandwidth bandwidth) {
    return plug(alias, mac, Optional.empty(), bandwidth);
  }

  /**
   * Plugs an interface and also applies its own limits (inbound average/peak/burst on the device's
   * egress, outbound on its ingress) to its host-side {@code device}, as libvirt does for a tap.
   *
   * @param alias the interface's name within the network
   * @param mac the interface's MAC address
   * @param device the interface's host-side device (tap or veth), or empty to shape the bridge only
   * @param bandwidth the interface's limits: the floor on the bridge, the rest on {@code device}
   * @return the class the interface's inbound frames land in
   * @throws ShapingException if the network is not started or {@code device} does not exist
   * @throws ForeignTreeException if {@code device} holds another tool's qdiscs
   * @throws io.netfloor.InterfaceConflictException also if another interface owns {@code device},
   *     or it is the bridge
   * @throws io.netfloor.AdmissionException if the floor does not fit the network's capacity
   * @throws TrafficControlException if the kernel refuses an operation; what was applied has been
   *     undone
   * @throws StatusStoreException if the change cannot be recorded; the kernel change has been
   *     undone
   * @see #plug(String, MacAddress, Bandwidth)
   */
  public ClassHandle plug(String alias, MacAddress mac, Optional<InterfaceName> device,
      Bandwidth bandwidth) {
    return submit(() -> calls.plug(alias, mac, device, bandwidth));
  }

  /** {@link #plug(String, MacAddress, Optional, Bandwidth)} alone, under the lock. */
  private ClassHandle plugLocked(String alias, MacAddress mac, Optional<InterfaceName> device,
      Bandwidth bandwidth) {
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
    if (device.isPresent()) {
      PlugDevices.removeLeftovers(kernel, config, device.get());
      PlugDevices.requireFreeDevices(kernel, config, change.tree().kernelObjects(),
          device.get());
    }
    int parkedBefore = tree.parkedClassIds().size();
    commit("plug of '" + alias + "'", change);
    pool.afterPlug(parkedBefore, existing == null && !bandwidth.floorOrZero().isZero());
    PluggedInterface plugged = change.affected().orElseThrow();
    events.publish(seq -> new NetworkEvent.Plugged(config.name().value(), seq, plugged,
        Capacity.of(tree)));
    return plugged.effectiveClass();
  }

  /**
   * Plugs a burst of interfaces (VMs starting together) as one change: one admission decision for
   * the whole batch (the floors of all of them must fit together), one exchange with the kernel
   * (the operations of every plug, in as few netlink batches as fit), one durable record. All or
   * nothing: when any request is refused (admission, a MAC or alias conflict, the kernel, the
   * store), nothing of the batch is left in the kernel or the store. A request for an alias already
   * plugged with the same MAC and bandwidth is kept as it is (so a caller can retry a batch).
   *
   * @param requests the interfaces to plug, each alias and MAC at most once
   * @return the class each request's inbound frames land in, in request order
   * @throws InvalidValueException if an alias or a MAC appears twice in {@code requests}
   */
  public List<ClassHandle> plugAll(List<PlugRequest> requests) {
    List<PlugRequest> batch = List.copyOf(requests);
    return locked(() -> {
      requireStarted();
      if (kernelSuspect) {
        reconcileLocked(Mode.RESTART); // decide the batch on the repaired tree
      }
      Set<String> aliases = new HashSet<>();
      Set<MacAddress> macs = new HashSet<>();
      for (PlugRequest r : batch) {
        if (!aliases.add(r.alias())) {
          throw new InvalidValueException("interface '" + r.alias() + "' appears twice in a batch"
              + " of plugs; nothing was plugged");
        }
        if (!macs.add(r.mac())) {
          throw new InvalidValueException("MAC " + r.mac() + " appears twice in a batch of plugs"
              + " (interface '" + r.alias() + "'); nothing was plugged");
        }
      }
      HtbTree next = tree;
      List<ClassHandle> classes = new ArrayList<>(batch.size());
      List<Plan> plans = new ArrayList<>();
      List<Plan> undos = new ArrayList<>();
      List<StatusChange> changes = new ArrayList<>();
      List<PluggedInterface> plugged = new ArrayList<>();
      int needClass = 0;
      for (PlugRequest r : batch) {
        PluggedInterface existing = next.interfaces().get(r.alias());
        if (existing != null && existing.mac().equals(r.mac()) && existing.device().isEmpty()
            && existing.bandwidth().equals(r.bandwidth())) {
          classes.add(existing.effectiveClass());
          continue;
        }
        TreeChange one = next.plug(r.alias(), r.mac(), Optional.empty(), r.bandwidth());
        plans.add(one.plan());
        undos.add(0, one.undo());
        changes.addAll(one.records());
        next = one.tree();
        plugged.add(one.affected().orElseThrow());
        classes.add(one.affected().orElseThrow().effectiveClass());
        if (existing == null && !r.bandwidth().floorOrZero().isZero()) {
          needClass++;
        }
      }
      if (plans.isEmpty()) {
        return classes;
      }
      TreeChange whole = new TreeChange(next, mergeChanges(concat(plans)),
          mergeChanges(concat(undos)), Optional.empty(),
          List.of(changes.size() == 1 ? changes.get(0) : new StatusChange.Batch(changes)));
      int parkedBefore = tree.parkedClassIds().size();
      commitBatch("plug of " + plans.size() + " interfaces", whole);
      int fromPool = Math.min(needClass, parkedBefore - tree.parkedClassIds().size());
      pool.afterPlugs(fromPool, needClass - fromPool, plans.size());
      Capacity after = Capacity.of(tree);
      for (PluggedInterface p : plugged) { // one event each, all after the batch's one record
        events.publish(seq -> new NetworkEvent.Plugged(config.name().value(), seq, p, after));
      }
      return classes;
    });
  }

  /**
   * Unplugs an interface: its class and filter go, its floor returns to the network.
   *
   * @param alias the interface's alias
   * @return false when the alias was not plugged (nothing to do)
   * @throws ShapingException if the network is not started
   * @throws ClassInUseException if another tool's filter sends traffic to a class the change
   *     deletes (nothing is changed)
   * @throws TrafficControlException if the kernel refuses an operation; what was applied has been
   *     undone
   * @throws StatusStoreException if the change cannot be recorded; the kernel change has been
   *     undone
   */
  public boolean unplug(String alias) {
    return submit(() -> calls.unplug(alias));
  }

  /** {@link #unplug} alone, under the lock. */
  private boolean unplugLocked(String alias) {
    requireStarted();
    PluggedInterface was = tree.interfaces().get(alias);
    if (was == null) {
      return false;
    }
    commit("unplug of '" + alias + "'", tree.unplug(alias));
    events.publish(seq -> new NetworkEvent.Unplugged(config.name().value(), seq, was,
        Capacity.of(tree)));
    return true;
  }

  /**
   * Changes an interface's bandwidth live; admission is checked again.
   *
   * @param alias the plugged interface's alias
   * @param bandwidth its new limits, replacing the old ones
   * @return the class its frames land in afterwards
   * @throws ShapingException if the network is not started
   * @throws io.netfloor.InterfaceConflictException if the alias is not plugged
   * @throws io.netfloor.AdmissionException if the new floor does not fit
   * @throws ClassInUseException if another tool's filter sends traffic to a class the change
   *     deletes (nothing is changed)
   * @throws TrafficControlException if the kernel refuses an operation; what was applied has been
   *     undone
   * @throws StatusStoreException if the change cannot be recorded; the kernel change has been
   *     undone
   */
  public ClassHandle update(String alias, Bandwidth bandwidth) {
    return submit(() -> calls.update(alias, bandwidth));
  }

  /** {@link #update} alone, under the lock. */
  private ClassHandle updateLocked(String alias, Bandwidth bandwidth) {
    requireStarted();
    PluggedInterface before = tree.interfaces().get(alias);
    TreeChange change = tree.update(alias, bandwidth);
    Optional<InterfaceName> device = change.affected().flatMap(PluggedInterface::device);
    if (device.isPresent() && kernel.deviceExists(device.get())) {
      PlugDevices.requireFreeDevices(kernel, config, change.tree().kernelObjects(),
          device.get());
    }
    commit("update of '" + alias + "'", change);
    PluggedInterface after = change.affected().orElseThrow();
    events.publish(seq -> new NetworkEvent.Updated(config.name().value(), seq, before, after,
        Capacity.of(tree)));
    return after.effectiveClass();
  }

  /**
   * The interface's MAC changed (the guest changed it): its filter follows.
   *
   * @param alias the plugged interface's alias
   * @param mac its new MAC address
   * @throws ShapingException if the network is not started
   * @throws io.netfloor.InterfaceConflictException if the alias is not plugged or the MAC belongs
   *     to another interface
   * @throws TrafficControlException if the kernel refuses an operation; what was applied has been
   *     undone
   * @throws StatusStoreException if the change cannot be recorded; the kernel change has been
   *     undone
   */
  public void changeMac(String alias, MacAddress mac) {
    operation("mac change", alias, none -> "MAC " + mac, () -> {
      requireStarted();
      PluggedInterface before = tree.interfaces().get(alias);
      TreeChange change = tree.changeMac(alias, mac);
      commit("MAC change of '" + alias + "'", change);
      PluggedInterface after = change.affected().orElseThrow();
      if (!after.equals(before)) {
        events.publish(seq -> new NetworkEvent.Updated(config.name().value(), seq, before, after,
            Capacity.of(tree)));
      }
      return null;
    });
  }

  /**
   * Plugs an interface named by a checked alias; as {@link #plug(String, MacAddress, Bandwidth)}.
   *
   * @param alias the interface's alias
   * @param mac its MAC address
   * @param bandwidth its limits
   * @return the class the interface's inbound frames land in
   * @throws ShapingException if the network is not started
   * @throws io.netfloor.AdmissionException if the floor does not fit the network's capacity
   */
  public ClassHandle plug(InterfaceAlias alias, MacAddress mac, Bandwidth bandwidth) {
    return plug(alias.value(), mac, bandwidth);
  }

  /**
   * Unplugs the interface with a checked alias; as {@link #unplug(String)}.
   *
   * @param alias the interface's alias
   * @return false when the alias was not plugged (nothing to do)
   * @throws ShapingException if the network is not started
   */
  public boolean unplug(InterfaceAlias alias) {
    return unplug(alias.value());
  }

  /**
   * Changes the limits of the interface with a checked alias; as
   * {@link #update(String, Bandwidth)}.
   *
   * @param alias the plugged interface's alias
   * @param bandwidth its new limits, replacing the old ones
   * @return the class its frames land in afterwards
   * @throws ShapingException if the network is not started
   * @throws io.netfloor.InterfaceConflictException if the alias is not plugged
   */
  public ClassHandle update(InterfaceAlias alias, Bandwidth bandwidth) {
    return update(alias.value(), bandwidth);
  }

  /**
   * The MAC of the interface with a checked alias changed; as
   * {@link #changeMac(String, MacAddress)}.
   *
   * @param alias the plugged interface's alias
   * @param mac its new MAC address
   * @throws ShapingException if the network is not started
   * @throws io.netfloor.InterfaceConflictException if the alias is not plugged or the MAC belongs
   *     to another interface
   */
  public void changeMac(InterfaceAlias alias, MacAddress mac) {
    changeMac(alias.value(), mac);
  }

  /**
   * Pre-creates {@code count} parked classes, so that the next plugs take a class with a kernel
   * <em>change</em> instead of an <em>add</em> (whose cost grows with the number of classes).
   *
   * @param count how many classes to park, 0 or more
   * @throws ShapingException if the network is not started
   * @throws io.netfloor.InvalidValueException if {@code count} is negative or the network has no
   *     inbound bandwidth
   * @throws io.netfloor.ClassIdExhaustedException if fewer than {@code count} class ids are free
   * @throws TrafficControlException if the kernel refuses an operation; what was applied has been
   *     undone
   * @throws StatusStoreException if the change cannot be recorded; the kernel change has been
   *     undone
   */
  public void park(int count) {
    locked(() -> {
      requireStarted();
      commit("parking of " + count + " classes", tree.park(count));
      return null;
    });
  }

  /**
   * Deletes up to {@code count} parked classes.
   *
   * @param count how many parked classes to delete, highest ids first, 0 or more; more than are
   *     parked deletes them all
   * @throws ShapingException if the network is not started
   * @throws io.netfloor.InvalidValueException if {@code count} is negative
   * @throws ClassInUseException if another tool's filter sends traffic to a class the change
   *     deletes (nothing is changed)
   * @throws TrafficControlException if the kernel refuses an operation; what was applied has been
   *     undone
   * @throws StatusStoreException if the change cannot be recorded; the kernel change has been
   *     undone
   */
  public void releaseParked(int count) {
    locked(() -> {
      requireStarted();
      commit("release of " + count + " parked classes", tree.releaseParked(count));
      return null;
    });
  }

  /**
   * Stops shaping: removes everything the network made — its classes, filters and mark on the
   * bridge, its root qdisc if it created it, every interface's own shaping and ifb device, also of
   * interfaces whose device is gone — and only then forgets the network's status. Works without
   * {@link #start()} (it reads the stored status, and recognises the network's objects by its
   * mark), and with the bridge gone. Never touches another tool's objects: a qdisc of the network
   * that another tool attached filters to is emptied and left in place.
   *
   * @return the operations applied: empty when nothing of the network was found (it is forgotten
   *     all the same)
   * @throws ClassInUseException if another tool's filter sends traffic to one of the network's
   *     classes (nothing is changed)
   * @throws TrafficControlException if the kernel refuses a delete (the status is then kept, so a
   *     second stop can finish)
   */
  public Plan stop() {
    return withNetwork(() -> locked(() -> {
      if (!started) {
        config = withPool(adaptToKernel(requested, kernel.capabilities()));
        tree = store.load(config.name().value()).map(s -> s.toTree(config)).orElse(HtbTree.empty(config));
      }
      Plan teardown = removeFromKernel();
      store.delete(config.name().value());
      tree = HtbTree.empty(config);
      recordedInbound = Optional.empty();
      started = false;
      pool.stopped();
      log.info("network {} stopped: {} operation(s)", config.name(), teardown.size());
      return teardown;
    }));
  }

  /** Deletes what the kernel holds of the network (what {@link #tree} and its marks say). */
  private Plan removeFromKernel() {
    BridgeSurvey survey = survey(Mode.STOP);
    KernelView view = survey.read(tree.withPlacement(survey.placement).kernelObjects());
    List<TcObject> doomed = new ArrayList<>(view.objects());
    // a qdisc of ours that another tool hung filters on stays (emptied), so its filters live
    doomed.removeIf(o -> survey.sharedQdisc(o));
    survey.requireNoForeignFlows(doomed);
    Plan teardown = PlanDiff.teardown(survey.wholeInstances(doomed));
    applyWithUndo("stop", teardown);
    survey.foreign.forEach(f -> log.info("network {}: left alone (not its own): {}",
        config.name(), f));
    return teardown;
  }

  /**
   * Makes the kernel hold exactly what the stored status describes: dumps the bridge, removes
   * classes and filters in NetFloor's handle space that the status does not know, recreates missing
   * ones, and corrects changed rates. Run by {@link #start()}; call it again whenever the kernel may
   * have been changed behind NetFloor's back.
   *
   * @return the operations applied; {@link ReconcileReport#wasClean()} when the kernel matched the
   *     status
   * @throws ShapingException if the network is not started
   * @throws TrafficControlException if the kernel refuses a repair
   * @throws StatusStoreException if the stored status cannot be read
   */
  public ReconcileReport reconcile() {
    return withNetwork(() -> locked(() -> {
      requireStarted();
      Optional<NetworkStatus> stored = store.load(config.name().value());
      if (stored.isPresent()) {
        tree = stored.get().toTree(config);
        recordedInbound = stored.get().inbound();
        config = tree.config();
      }
      ReconcileReport report = reconcileLocked(Mode.RESTART);
      logReport(report);
      return report;
    }));
  }

  /**
   * Live counters of every plugged interface, by alias order.
   *
   * @return one entry per plugged interface, sorted by alias; counters are zero for a class the
   *     kernel does not report
   * @throws ShapingException if the network is not started
   * @throws TrafficControlException if the kernel cannot be read
   */
  public List<InterfaceStats> stats() {
    return locked(() -> {
      requireStarted();
      Map<ClassHandle, ClassStats> counters = config.supportsFloors()
          ? kernel.classStats(config.bridge()) : Map.of();
      List<InterfaceStats> out = new ArrayList<>();
      tree.interfaces().values().stream().sorted((a, b) -> a.alias().compareTo(b.alias()))
          .forEach(p -> {
            ClassHandle c = p.effectiveClass();
            out.add(new InterfaceStats(p.alias().value(), p.mac(), c, p.bandwidth().floorOrZero(),
                tree.ceilingOf(p), counters.getOrDefault(c, ClassStats.ZERO)));
          });
      return out;
    });
  }

  // ------------------------------------------------------------------ the parked-class pool

  /**
   * The pool's state: parked classes, counters, whether a top-up is under way.
   *
   * @return a snapshot of the pool, taken under the shaper's lock
   */
  public PoolStats poolStats() {
    return locked(pool::stats);
  }

  /**
   * Brings the pool to its policy now, in the calling thread: after {@link ParkedPoolPolicy#idleRelease}
   * without a plug, deletes parked classes down to the minimum; below the minimum, parks up to it.
   * The shaper's own thread calls it periodically; call it when the shaper was given its own
   * executor ({@link ShaperOptions.Builder#poolExecutor}).
   *
   * @return the number of classes parked (positive) or released (negative)
   */
  public int maintainPool() {
    return withNetwork(pool::maintain);
  }

  /**
   * Stops the pool's own thread, waiting for a top-up under way to finish (its change is then in
   * the store, durable with the next change or when the store is closed). Does not touch the
   * network: the kernel tree and the status stay as they are, for the next shaper to
   * {@link #start()} on. This shaper keeps working, without the pool's background work.
   * Idempotent.
   */
  public void close() {
    pool.close();
  }

  /** What the pool sees of the shaper: its lock, its model, and committing a change. */
  private final class PoolAccess implements ParkedPool.Shaper {
    @Override
    public <T> T locked(Supplier<T> body) {
      return NetworkShaper.this.locked(body);
    }

    @Override
    public boolean started() {
      return started;
    }

    @Override
    public NetworkConfig config() {
      return config;
    }

    @Override
    public HtbTree tree() {
      return tree;
    }

    @Override
    public void commit(String what, TreeChange change) {
      NetworkShaper.this.commit(what, change);
    }

    @Override
    public void commitUnflushed(String what, TreeChange change) {
      Unsynced before = unsynced;
      NetworkShaper.this.commit(what, change);
      unsynced = before; // the calling thread does not wait for this record's flush
    }

    @Override
    public boolean callsWaiting() {
      return calls.hasWaiting();
    }

    @Override
    public boolean lockWanted() {
      return lock.hasQueuedThreads();
    }
  }


  // ------------------------------------------------------------------ internals

  /** Under the lock: what the kernel holds for the network, as {@link #tree} places it. */
  private BridgeSurvey survey(Mode mode) {
    return BridgeSurvey.take(kernel, config, tree, mode);
  }

  private ReconcileReport reconcileLocked(Mode mode) {
    requireBridge();
    BridgeSurvey survey = survey(mode);
    Plan marked = Plan.EMPTY;
    if (survey.needsMarkFirst) {
      // a new u32 instance next to another tool's: its root table id is the kernel's choice, so
      // the mark goes first and the id is read back before the filters that live in that table
      HtbTree probe = tree.withPlacement(survey.placement);
      marked = PlanDiff.between(List.of(), probe.kernelObjects().stream()
          .filter(o -> o instanceof U32OwnerMark
              || (o instanceof U32HashTable t
                  && t.htid() == U32OwnerMark.TABLE_ID
                  && t.device().equals(config.bridge())))
          .filter(o -> o.device().equals(config.bridge())).toList());
      applyWithUndo("marking of bridge " + config.bridge(), marked);
      boolean building = survey.building;
      survey = survey(mode == Mode.FRESH ? Mode.RESTART : mode); // the mark is now the network's
      survey.building = building;
    }
    boolean samePlacement = survey.placement.equals(tree.placement());
    tree = tree.withPlacement(survey.placement);
    List<String> notes = new ArrayList<>(survey.notes);
    // the survey listed the tree's objects already; again only if the placement moved them
    List<TcObject> expected = survey.reachable(samePlacement ? survey.wanted
        : tree.kernelObjects(), notes);
    KernelView view = survey.read(expected);
    notes.addAll(view.notes());
    Plan repairs = PlanDiff.between(view.objects(), expected);
    try {
      applyWithUndo("reconcile", repairs);
    } catch (RuntimeException e) {
      undoQuietly("marking of bridge " + config.bridge(), marked.undoOfFirst(marked.size()), e);
      throw e;
    }
    kernelSuspect = false;
    // the store must hold exactly the tree reconciled to; when it already does (a clean restart),
    // saveIfChanged skips rewriting the snapshot, and still compacts a journal that is due
    if (mode != Mode.ADOPT) {
      try {
        store.saveIfChanged(statusOf(tree));
      } catch (RuntimeException e) {
        if (mode == Mode.FRESH) {
          // nothing was stored: a first start that leaves its tree behind would leave a network
          // that no status describes, so what it built goes again
          Plan built = marked.then(repairs);
          undoQuietly("start", built.undoOfFirst(built.size()), e);
        }
        throw e;
      }
    }
    List<String> foreign = new ArrayList<>(survey.foreign);
    foreign.addAll(view.foreign());
    Plan all = marked.then(repairs);
    ReconcileReport report = survey.building ? new ReconcileReport(all, Plan.EMPTY, notes, foreign)
        : new ReconcileReport(Plan.EMPTY, all, notes, foreign);
    if (!report.wasClean()) {
      events.publish(seq -> new NetworkEvent.KernelSuspect(config.name().value(), seq, "reconcile found"
          + " the kernel differing from the status and applied " + report.repairs().size()
          + " repair(s)", false, Optional.empty()));
    }
    events.publish(seq -> new NetworkEvent.Reconciled(config.name().value(), seq, report));
    return report;
  }

  /**
   * Deletes the root and ingress qdisc on the bridge that stand in the way of a start (for
   * {@link #startReplacing}): another owner's, or this network's own when this store has no status
   * of it (an interrupted first start). libvirt's bare root is kept: NetFloor builds under it.
   */
  private Plan clearForeignQdiscs(boolean haveStatus) {
    KernelSnapshot snap = BridgeSurvey.dumpOf(kernel, config.bridge());
    List<TcObject> doomed = new ArrayList<>();
    QdiscClaim root = QdiscClaim.root(snap, config.name().value());
    if (root.state() == QdiscClaim.State.OURS && !haveStatus) {
      // this network's own tree from an interrupted first start: removed as stop would (from its
      // mark alone), so a root another tool made (libvirt's bare root) stays
      Plan removed = removeFromKernel();
      log.warn("network {}: removed its own tree left on {} by an interrupted start ({}"
          + " operation(s))", config.name(), config.bridge(), removed.size());
      return removed;
    }
    if (inTheWay(root, haveStatus) && root.state() != QdiscClaim.State.BARE) {
      QdiscInfo q = root.qdisc().get();
      doomed.add(new HtbQdisc(config.bridge(), q.handle(), ClassHandle.ROOT, 0, 1,
          OptionalInt.empty()));
    }
    QdiscClaim ingress = QdiscClaim.ingress(snap, config.name().value());
    boolean needsIngress = config.bandwidth().outbound().isPresent();
    if (needsIngress && inTheWay(ingress, haveStatus)) {
      doomed.add(new IngressQdisc(config.bridge()));
    }
    Plan plan = PlanDiff.teardown(doomed);
    if (!plan.isEmpty()) {
      // the old qdiscs cannot be restored: a failure here is reported as it is
      kernel.apply(plan);
      log.warn("network {}: deleted root qdisc {} ({} classes, {} filters) on {} to start afresh",
          config.name(), root.describeQdisc(), root.classes(), root.filters(), config.bridge());
    }
    return plan;
  }

  private static boolean inTheWay(QdiscClaim c, boolean haveStatus) {
    return c.state() != QdiscClaim.State.ABSENT
        && (c.state() != QdiscClaim.State.OURS || !haveStatus);
  }

  /** decide (done by the caller) → kernel → commit → publish. */
  private void commit(String what, TreeChange change) {
    if (kernelSuspect) {
      reconcileLocked(Mode.RESTART);
    }
    applyWithUndo(what, change.plan());
    commitApplied(what, change);
  }

  /**
   * {@link #commit} of a change decided on {@link #tree} as it is now, which a reconcile first
   * would invalidate: refused instead.
   */
  private void commitBatch(String what, TreeChange change) {
    if (kernelSuspect) {
      reconcileLocked(Mode.RESTART);
      // the repair may have changed the tree the batch was decided on
      throw new ShapingException(what + " on network '" + config.name() + "' was not applied:"
          + " the kernel had to be reconciled first; retry it");
    }
    applyWithUndo(what, change.plan());
    commitApplied(what, change);
  }

  /** The kernel holds {@code change}: appends its records, else undoes it. */
  private void commitApplied(String what, TreeChange change) {
    int recorded = 0;
    StatusStore.Pending last = null;
    try {
      for (StatusChange c : change.records()) {
        last = store.append(config.name().value(), c);
        recorded++;
      }
    } catch (RuntimeException storeFailure) {
      undoQuietly(what, change.undo(), storeFailure);
      if (recorded > 0) {
        // a prefix was recorded: bring the store back to the tree we keep
        try {
          store.save(statusOf(tree));
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
    if (last != null) {
      // waited for after the lock is released, so that concurrent changes share one disk flush
      unsynced = new Unsynced(what, last);
    }
  }

  /** A change published under the lock whose record is not yet known durable. */
  record Unsynced(String what, StatusStore.Pending pending) {}

  /**
   * Under the lock: what an event published now waits for before it is delivered (the record of
   * the change it tells, when that is not yet known durable), so listeners hear of a change only
   * once it is durable although the disk flush happens after the lock is released.
   */
  private StatusStore.Pending durabilityGate() {
    Unsynced u = unsynced;
    return u == null ? StatusStore.Pending.DURABLE : u.pending();
  }

  /**
   * Outside the lock: waits until the change the current thread published is durable. When the
   * store cannot make it durable, the model and the kernel are brought back to what the store holds
   * (a reconcile), so that the failed change is undone as a refused one would be.
   */
  private void awaitDurable(Unsynced u) {
    try {
      u.pending().awaitDurable();
    } catch (StatusStoreException e) {
      lock.lock();
      try {
        adoptStoredStatus(e);
        if (started) {
          reconcileLocked(Mode.RESTART);
        }
      } catch (RuntimeException again) {
        e.addSuppressed(again);
        kernelSuspect = true;
      } finally {
        lock.unlock();
        calls.wakeNext();
      }
      throw new StatusStoreException(u.what() + " on network '" + config.name() + "' was rolled"
          + " back: the status store could not make it durable: " + e.getMessage(), e);
    }
  }

  /**
   * The store holds a status we could not roll back (a prefix of the change): it is the source of
   * truth, so the model follows it and the kernel is reconciled to it before the next change.
   */
  private void adoptStoredStatus(RuntimeException failure) {
    try {
      Optional<NetworkStatus> stored = store.load(config.name().value());
      if (stored.isPresent()) {
        tree = stored.get().toTree(config);
        recordedInbound = stored.get().inbound();
        config = tree.config();
      }
    } catch (RuntimeException unreadable) {
      failure.addSuppressed(unreadable);
    }
    kernelSuspect = true;
    events.publish(seq -> new NetworkEvent.KernelSuspect(config.name().value(), seq, "the status store"
        + " failed half-way and could not be rolled back; the kernel is reconciled to the stored"
        + " status before the next change", true, Optional.of(failure)));
  }

  private void applyWithUndo(String what, Plan plan) {
    if (plan.isEmpty()) {
      return;
    }
    try {
      kernel.apply(plan);
    } catch (TrafficControlException e) {
      boolean suspectBefore = kernelSuspect;
      undoQuietly(what, plan.undoOfFirst(e.appliedCount()), e);
      if (kernelSuspect == suspectBefore) { // a failed undo has told listeners already
        events.publish(seq -> new NetworkEvent.KernelSuspect(config.name().value(), seq, "the kernel"
            + " refused " + what + "; what was applied of it was rolled back", kernelSuspect,
            Optional.of(e)));
      }
      ClassInUseException inUse = classInUse(what, e);
      if (inUse != null) {
        throw inUse;
      }
      throw new TrafficControlException(what + " on network '" + config.name()
          + "' failed and was rolled back: " + e.getMessage(), e.failedOp().orElse(null),
          e.appliedCount(), e.errno(), e.errnoName().orElse(null), e.kernelMessage().orElse(null), e);
    }
  }

  /**
   * When {@code e} is the kernel refusing a class delete because a filter uses the class, and that
   * filter is another tool's: the refusal, naming it. (Read only on this failure path, so plugs and
   * unplugs pay nothing for it.)
   */
  private ClassInUseException classInUse(String what, TrafficControlException e) {
    if (e.errno() != 16 || e.failedOp().isEmpty()
        || !(e.failedOp().get() instanceof TcOp.Delete d)
        || !(d.object() instanceof HtbClass c)) {
      return null;
    }
    List<String> users = new ArrayList<>();
    try {
      for (FilterInfo f : BridgeSurvey.dumpOf(kernel, c.device()).filters()) {
        boolean ours = c.device().equals(config.bridge()) && f.chain() == 0
            && f.prio() == tree.placement().filterPrio();
        if (!ours && f.classId().isPresent() && f.classId().get().equals(c.classId())) {
          users.add(KernelView.describe(f));
        }
      }
    } catch (RuntimeException unreadable) {
      return null;
    }
    if (users.isEmpty()) {
      return null;
    }
    ClassInUseException refused = new ClassInUseException(what + " on network '" + config.name()
        + "' refused: class " + c.classId() + " on " + c.device() + " is used by another tool's"
        + " filters " + users + "; delete or redirect them first (nothing was changed)", users);
    refused.addSuppressed(e);
    return refused;
  }

  private void undoQuietly(String what, Plan undo, RuntimeException cause) {
    try {
      kernel.apply(undo);
    } catch (RuntimeException undoFailure) {
      kernelSuspect = true;
      cause.addSuppressed(undoFailure);
      events.publish(seq -> new NetworkEvent.KernelSuspect(config.name().value(), seq, "undo of " + what
          + " failed; the network is reconciled before its next change", true,
          Optional.of(undoFailure)));
      log.warn("undo of {} failed; network {} will be reconciled before its next change: {}", what,
          config.name(), undoFailure.getMessage());
    }
  }

  // ------------------------------------------------------------------ concurrent changes combined

  /**
   * Runs a plug, unplug or update {@code call} (see {@link ConcurrentCalls}) with the network in the
   * MDC, counted as in flight while it runs, so that the pool's top-up gives way to concurrent
   * callers.
   */
  private <T> T submit(Supplier<T> call) {
    return withNetwork(() -> {
      pool.callStarted();
      try {
        return call.get();
      } finally {
        pool.callEnded();
      }
    });
  }

  /**
   * Under the lock: the kernel applies {@code plan}, then the store appends {@code records} as one
   * entry, and the model becomes {@code next}; or, when either refuses, the kernel is brought back
   * (without telling listeners: the calls are retried one at a time, which tells them) and false
   * is returned.
   */
  private boolean applyAllOrNothing(String what, Plan plan, Plan undo, List<StatusChange> records,
      HtbTree next) {
    if (!plan.isEmpty()) {
      try {
        kernel.apply(plan);
      } catch (TrafficControlException e) {
        undoQuietly(what, plan.undoOfFirst(e.appliedCount()), e);
        return false;
      }
    }
    StatusStore.Pending pending = null;
    if (!records.isEmpty()) {
      try {
        pending = store.append(config.name().value(), records.size() == 1 ? records.get(0)
            : new StatusChange.Batch(records));
      } catch (RuntimeException e) {
        undoQuietly(what, undo, e);
        return false;
      }
    }
    tree = next;
    unsynced = pending == null ? null : new Unsynced(what, pending);
    return true;
  }

  /** What combined calls see of the shaper: its model, its calls alone, committing a change. */
  private final class CallsAccess implements ConcurrentCalls.Shaper {
    @Override
    public boolean started() {
      return started;
    }

    @Override
    public boolean kernelSuspect() {
      return kernelSuspect;
    }

    @Override
    public HtbTree tree() {
      return tree;
    }

    @Override
    public NetworkConfig config() {
      return config;
    }

    @Override
    public ClassHandle plugAlone(String alias, MacAddress mac, Optional<InterfaceName> device,
        Bandwidth bandwidth) {
      return plugLocked(alias, mac, device, bandwidth);
    }

    @Override
    public boolean unplugAlone(String alias) {
      return unplugLocked(alias);
    }

    @Override
    public ClassHandle updateAlone(String alias, Bandwidth bandwidth) {
      return updateLocked(alias, bandwidth);
    }

    @Override
    public boolean applyAllOrNothing(String what, Plan plan, Plan undo,
        List<StatusChange> records, HtbTree next) {
      return NetworkShaper.this.applyAllOrNothing(what, plan, undo, records, next);
    }

    @Override
    public Unsynced takeUnsynced() {
      Unsynced u = unsynced;
      unsynced = null;
      return u;
    }

    @Override
    public void putUnsynced(Unsynced u) {
      unsynced = u;
    }

    @Override
    public void awaitDurable(Unsynced u) {
      NetworkShaper.this.awaitDurable(u);
    }

    @Override
    public void releaseLock() {
      unsynced = null;
      unlock();
    }

    @Override
    public void afterPlugs(int fromPool, int withAdd, int plugs) {
      pool.afterPlugs(fromPool, withAdd, plugs);
    }
  }


  // ------------------------------------------------------------------ orchestration

  /**
   * Adds a listener, told of every later change of this network (see {@link NetworkListener} for
   * the thread, the order and the guarantees).
   *
   * @param listener told of each event; added twice, it is told twice
   */
  public void addListener(NetworkListener listener) {
    events.add(listener);
  }

  /**
   * Removes a listener; it may still receive events already queued.
   *
   * @param listener a listener added before
   * @return false if it was not added
   */
  public boolean removeListener(NetworkListener listener) {
    return events.remove(listener);
  }

  /**
   * The network's floor inventory now: capacity, allotted, remaining, interfaces.
   *
   * @return the inventory of the tree as last committed
   */
  public Capacity capacity() {
    return locked(() -> Capacity.of(tree));
  }

  /**
   * The network's outbound floor inventory now: outbound capacity, outbound floors allotted,
   * remaining, interfaces ({@link Capacity#floorsSupported()} false without an outbound floor
   * placement).
   *
   * @return the outbound inventory of the tree as last committed
   */
  public Capacity outboundCapacity() {
    return locked(() -> Capacity.outboundOf(tree));
  }

  /**
   * Whether a new interface with {@code bandwidth} would be admitted now (an interface without a
   * floor always is). Changes nothing; a plug can still be refused for another reason (a MAC
   * already in use), which {@link #dryRunPlug} also checks.
   *
   * @param bandwidth the new interface's bandwidth; only its floor matters here
   * @return admitted, or refused with the {@code AdmissionException} a plug would throw
   */
  public AdmissionDecision canAdmit(Bandwidth bandwidth) {
    Objects.requireNonNull(bandwidth, "bandwidth");
    return locked(() -> {
      Capacity now = Capacity.of(tree);
      Rate floor = bandwidth.floorOrZero();
      if (bandwidth.hasOutboundFloor() && (!bandwidth.hasFloor() || now.fits(floor))) {
        Capacity out = Capacity.outboundOf(tree);
        Rate outFloor = bandwidth.outboundFloorOrZero();
        if (!out.fits(outFloor)) {
          return AdmissionDecision.refuse(floor, now, out.floorsSupported()
              ? io.netfloor.AdmissionException.outbound(config.name().value(), "(new interface)",
                  outFloor, out.allotted(), out.capacity())
              : io.netfloor.AdmissionException.noOutboundFloors(config.name().value(), "(new interface)",
                  outFloor));
        }
      }
      if (!bandwidth.hasFloor() || now.fits(floor)) {
        return AdmissionDecision.admit(floor, now);
      }
      return AdmissionDecision.refuse(floor, now, now.floorsSupported()
          ? new io.netfloor.AdmissionException(config.name().value(), "(new interface)", floor,
              now.allotted(), now.capacity())
          : io.netfloor.AdmissionException.noInboundQos(config.name().value(), "(new interface)", floor));
    });
  }

  /**
   * What {@link #plug(String, MacAddress, Bandwidth)} would do now: the decision, the kernel plan
   * and the class. Touches neither the kernel nor the status store; a later plug may still differ
   * if other changes come first.
   *
   * @param alias the interface's alias
   * @param mac its MAC address
   * @param bandwidth its bandwidth
   * @return the decision, the plan and the class
   * @throws ShapingException if the network is not started
   */
  public DryRun dryRunPlug(String alias, MacAddress mac, Bandwidth bandwidth) {
    return locked(() -> {
      requireStarted();
      return DryRun.ofPlug(tree, alias, mac, bandwidth);
    });
  }

  /**
   * What {@link #update} would do now: the decision, the kernel plan and the class. Touches neither
   * the kernel nor the status store.
   *
   * @param alias the interface's alias
   * @param bandwidth its new bandwidth
   * @return the decision, the plan and the class
   * @throws ShapingException if the network is not started
   */
  public DryRun dryRunUpdate(String alias, Bandwidth bandwidth) {
    return locked(() -> {
      requireStarted();
      return DryRun.ofUpdate(tree, alias, bandwidth);
    });
  }

  /**
   * Changes the network's inbound limits (average, peak, burst) while it runs. Only classes change:
   * the top class 1:1, the default class 1:2, and the ceilings of the interfaces' classes that
   * follow the network's ceiling; no filter or qdisc is touched and every floor stays, so traffic
   * flows on. The new limits are recorded in the status store: a restart keeps them, in place of
   * the config's.
   *
   * @param inbound the new limits: an average, optionally a peak and a burst, no floor
   * @return the network's inventory afterwards
   * @throws io.netfloor.AdmissionException if the new capacity is below the sum of the floors
   *     (nothing is changed, in the kernel or the store)
   * @throws InvalidValueException if the network has no inbound bandwidth (it has no tree whose
   *     classes could change) or {@code inbound} is not a network's limits
   */
  public Capacity resize(Limits inbound) {
    Objects.requireNonNull(inbound, "inbound");
    return operation("resize", null, c -> "to " + inbound + ": " + c, () -> {
      requireStarted();
      TreeChange change = tree.resize(inbound); // refuses before anything changes
      if (kernelSuspect) {
        reconcileLocked(Mode.RESTART);
        change = tree.resize(inbound); // on the repaired tree
      }
      Limits before = config.bandwidth().inbound().orElseThrow();
      for (TcOp op : change.plan().ops()) {
        if (!(op instanceof TcOp.Change c) || !(c.after() instanceof HtbClass)) {
          throw new IllegalStateException("a resize changes classes only, not " + op.describe());
        }
      }
      applyWithUndo("resize", change.plan());
      try {
        for (StatusChange c : change.records()) {
          store.record(config.name().value(), c);
        }
      } catch (RuntimeException storeFailure) {
        undoQuietly("resize", change.undo(), storeFailure);
        throw storeFailure instanceof StatusStoreException s
            ? new StatusStoreException("resize of network '" + config.name() + "' was rolled"
                + " back: the status store failed: " + s.getMessage(), s)
            : storeFailure;
      }
      HtbTree resized = change.tree();
      requested = requested.toBuilder().inbound(inbound).build();
      config = resized.config();
      tree = resized;
      recordedInbound = Optional.of(inbound);
      Capacity after = Capacity.of(tree);
      events.publish(seq -> new NetworkEvent.Resized(config.name().value(), seq, before, inbound, after));
      return after;
    });
  }

  /**
   * The interfaces' kernel counters now, timestamped (see {@link RateMeter}).
   *
   * @return every plugged interface's counters with the instant they were read
   * @throws ShapingException if the network is not started
   */
  public StatsSample sample() {
    return locked(() -> {
      List<InterfaceStats> now = stats();
      return new StatsSample(config.name().value(), System.nanoTime(), Instant.now(), now);
    });
  }

  /** The status that stands for {@code t}: with the inbound limits a resize recorded. */
  private NetworkStatus statusOf(HtbTree t) {
    NetworkStatus s = NetworkStatus.of(t);
    return recordedInbound.isEmpty() ? s : s.withInbound(recordedInbound);
  }

  /** Logs each note and foreign object of a report as a record of its own. */
  private void logReport(ReconcileReport report) {
    report.notes().forEach(n -> log.info("network {}: {}", config.name(), n));
    report.foreign().forEach(f -> log.info("network {}: left alone (not its own): {}",
        config.name(), f));
  }

  /**
   * Runs one change under the lock with the network in the MDC, logs it at DEBUG with its
   * duration, and tells listeners of a refusal (the body tells them of a success).
   */
  private <T> T operation(String kind, String alias, Function<T, String> outcome,
      Supplier<T> body) {
    return withNetwork(() -> {
      long start = System.nanoTime();
      return locked(() -> {
        try {
          T result = body.get();
          if (log.isDebugEnabled()) {
            log.debug("network {}: {}{}: {} ({} us)", config.name(), kind,
                alias == null ? "" : " of '" + alias + "'", outcome.apply(result),
                (System.nanoTime() - start) / 1000);
          }
          return result;
        } catch (RuntimeException e) {
          log.debug("network {}: {}{} refused after {} us: {}", config.name(), kind,
              alias == null ? "" : " of '" + alias + "'", (System.nanoTime() - start) / 1000,
              e.getMessage());
          events.publish(seq -> new NetworkEvent.Refused(config.name().value(), seq, kind,
              Optional.ofNullable(alias), e));
          throw e;
        }
      });
    });
  }

  /** Runs {@code body} with the network's name in the MDC, restoring what was there. */
  private <T> T withNetwork(Supplier<T> body) {
    String previous = MDC.get(MDC_NETWORK);
    MDC.put(MDC_NETWORK, requested.name().value());
    try {
      return body.get();
    } finally {
      if (previous == null) {
        MDC.remove(MDC_NETWORK);
      } else {
        MDC.put(MDC_NETWORK, previous);
      }
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

  /**
   * Refuses a "bridge" that is another kind of device, before start or adopt change anything: on a
   * VM's veth or tap the tree would shape only that port's egress, and the kernel accepts it
   * silently. Checked where a network takes its bridge on (start, adopt), not on every change.
   */
  private void requireBridgeKind() {
    Optional<String> kind = kernel.deviceKind(config.bridge());
    if (!kind.equals(Optional.of(TrafficControl.BRIDGE_KIND))) {
      throw new InvalidValueException("device " + config.bridge() + " of network '"
          + config.name() + "' is " + kind.map(k -> "a " + k + " device").orElse("a device"
              + " without a link kind (a physical NIC?)") + ", not a bridge; NetFloor shapes the"
          + " bridge the interfaces are ports of: give the bridge's name ('ip -d link show type"
          + " bridge' lists them)");
    }
  }

  private <T> T locked(Supplier<T> body) {
    lock.lock();
    T result;
    try {
      result = body.get();
    } catch (RuntimeException | Error e) {
      Unsynced committed = unlock();
      if (committed != null) {
        try {
          awaitDurable(committed);
        } catch (RuntimeException notDurable) {
          e.addSuppressed(notDurable);
        }
      }
      throw e;
    }
    Unsynced committed = unlock();
    if (committed != null) {
      awaitDurable(committed);
    }
    return result;
  }

  /** Releases the lock; when it is no longer held, returns what the thread must await. */
  private Unsynced unlock() {
    Unsynced toAwait = null;
    if (lock.getHoldCount() == 1) {
      toAwait = unsynced;
      unsynced = null;
    }
    lock.unlock();
    if (!lock.isHeldByCurrentThread()) {
      calls.wakeNext(); // calls queued meanwhile need one of them to lead
    }
    return toAwait;
  }
}
