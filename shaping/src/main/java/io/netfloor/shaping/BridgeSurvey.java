// SPDX-License-Identifier: Apache-2.0
package io.netfloor.shaping;

import io.netfloor.model.DeviceShaping;
import io.netfloor.model.FilterLayout;
import io.netfloor.model.HtbTree;
import io.netfloor.model.KernelPlacement;
import io.netfloor.model.NetworkConfig;
import io.netfloor.model.TrafficMatch;
import io.netfloor.plan.EtherType;
import io.netfloor.plan.HtbClass;
import io.netfloor.plan.HtbQdisc;
import io.netfloor.plan.IfbDevice;
import io.netfloor.plan.IngressQdisc;
import io.netfloor.plan.ObjectKey;
import io.netfloor.plan.TcObject;
import io.netfloor.plan.U32HashLink;
import io.netfloor.plan.U32HashTable;
import io.netfloor.plan.U32Instance;
import io.netfloor.plan.U32MacFilter;
import io.netfloor.plan.U32MatchAllRedirect;
import io.netfloor.plan.U32OwnerMark;
import io.netfloor.shaping.internal.KernelView;
import io.netfloor.shaping.internal.QdiscClaim;
import io.netfloor.spi.FilterInfo;
import io.netfloor.spi.KernelSnapshot;
import io.netfloor.spi.QdiscInfo;
import io.netfloor.spi.TrafficControl;
import io.netfloor.units.ClassHandle;
import io.netfloor.units.InterfaceName;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the kernel holds for one network, read before the shaper changes or repairs it: a dump of
 * the bridge and of every device the network's tree uses, whose each root and ingress qdisc is (the
 * network's, absent, or another owner's), and where the network's tree sits on the bridge. Taking a
 * survey refuses, except when stopping, where the network would have to build in another owner's
 * tree. Also the readings the shaper makes of single devices: a dump with each filter once, a
 * qdisc whose mark was lost, the refusal naming a foreign tree.
 *
 * <p>Reads the kernel only: it changes neither the kernel, nor the store, nor the shaper's model
 * (deciding and applying the repairs is {@link NetworkShaper}'s). A survey is taken under the
 * shaper's lock and used within that hold of it.
 */
final class BridgeSurvey {
  // NetworkShaper's category: what users configure for the shaper covers its surveys too
  private static final Logger log = LoggerFactory.getLogger(NetworkShaper.class);

  /** Why the kernel is being read: what a foreign or unmarked tree means differs. */
  enum Mode {
    /** start() without a stored status. */
    FRESH,
    /** start() with a stored status, reconcile(), or a repair before a change. */
    RESTART,
    /** adopt(): a libvirt tree is taken over. */
    ADOPT,
    /** stop(): only what is marked as the network's is read; nothing is refused. */
    STOP
  }

  final Map<InterfaceName, KernelSnapshot> snapshots = new LinkedHashMap<>();
  final Set<InterfaceName> ifbs = new HashSet<>();
  final Set<InterfaceName> missing = new HashSet<>();
  final Set<KernelView.Container> ours = new HashSet<>();
  /** Devices whose qdiscs another owner holds: the network's objects there are left out. */
  final Set<KernelView.Container> blocked = new HashSet<>();
  final List<String> notes = new ArrayList<>();
  final List<String> foreign = new ArrayList<>();
  KernelPlacement placement = KernelPlacement.DEFAULT;
  boolean needsMarkFirst;
  /** Nothing of the network's stood on the bridge: the plan builds, it does not repair. */
  boolean building;
  /** The tree's objects as placed when the survey began. */
  List<TcObject> wanted = List.of();

  /** The network surveyed: its name and bridge. */
  private final NetworkConfig config;

  private BridgeSurvey(NetworkConfig config) {
    this.config = config;
  }

  /**
   * Reads the bridge and every device the tree uses, decides which of their qdiscs are the
   * network's, and where its tree sits on the bridge. Refuses (except when stopping) where the
   * network would have to build in another owner's tree.
   */
  static BridgeSurvey take(TrafficControl kernel, NetworkConfig config, HtbTree tree, Mode mode) {
    BridgeSurvey sv = new BridgeSurvey(config);
    boolean bridgeExists = kernel.deviceExists(config.bridge());
    if (bridgeExists) {
      sv.snapshots.put(config.bridge(), dumpOf(kernel, config.bridge()));
    }
    List<TcObject> wanted = tree.kernelObjects();
    sv.wanted = wanted;
    for (TcObject o : wanted) {
      InterfaceName d = o instanceof IfbDevice ifb ? ifb.device() : o.device();
      if (!sv.snapshots.containsKey(d) && !sv.missing.contains(d)) {
        if (kernel.deviceExists(d)) {
          sv.snapshots.put(d, dumpOf(kernel, d));
          if (o instanceof IfbDevice) {
            sv.ifbs.add(d);
          }
        } else {
          sv.missing.add(d);
        }
      } else if (o instanceof IfbDevice && sv.snapshots.containsKey(d)) {
        sv.ifbs.add(d);
      }
    }
    if (bridgeExists) {
      surveyBridge(sv, mode, wanted);
    }
    Set<InterfaceName> rootsWanted = new HashSet<>();
    Set<InterfaceName> ingressesWanted = new HashSet<>();
    for (TcObject o : wanted) {
      if (o instanceof HtbQdisc q) {
        rootsWanted.add(q.device());
      } else if (o instanceof IngressQdisc q) {
        ingressesWanted.add(q.device());
      }
    }
    for (KernelSnapshot snap : sv.snapshots.values()) {
      InterfaceName d = snap.device();
      if (d.equals(config.bridge())) {
        continue;
      }
      sv.claim(d, lostMark(config, QdiscClaim.root(snap, config.name().value()), snap,
          rootsWanted.contains(d), mode, true), rootsWanted.contains(d), mode, true);
      sv.claim(d, lostMark(config, QdiscClaim.ingress(snap, config.name().value()), snap,
          ingressesWanted.contains(d), mode, false), ingressesWanted.contains(d), mode, false);
    }
    return sv;
  }

  private static void surveyBridge(BridgeSurvey sv, Mode mode, List<TcObject> wanted) {
    NetworkConfig config = sv.config;
    KernelSnapshot snap = sv.snapshots.get(config.bridge());
    InterfaceName bridge = config.bridge();
    QdiscClaim ingress = QdiscClaim.ingress(snap, config.name().value());
    boolean needsIngress = wanted.stream().anyMatch(o -> o instanceof IngressQdisc q
        && q.device().equals(bridge));
    sv.claim(bridge, ingress, needsIngress, mode, false);
    QdiscClaim root = QdiscClaim.root(snap, config.name().value());
    if (!config.supportsFloors()) {
      sv.claim(bridge, root, false, mode, true);
      sv.building = ingress.state() == QdiscClaim.State.ABSENT;
      return;
    }
    sv.building = root.state() == QdiscClaim.State.ABSENT || root.state() == QdiscClaim.State.BARE;
    switch (root.state()) {
      case ABSENT -> {
        if (mode != Mode.STOP) {
          sv.ours.add(KernelView.Container.root(bridge));
        }
      }
      case OURS -> {
        if (mode == Mode.FRESH) {
          throw foreign(snap, root, "network '" + config.name() + "' already shapes bridge "
              + bridge + " (its NetFloor mark is there), but this status store has no status of"
              + " it: another process or state directory runs it. If none does (a start was"
              + " interrupted), start it with replace (NetworkShaper.startReplacing, 'netfloor"
              + " start --replace'), which removes that tree first.");
        }
        sv.ours.add(KernelView.Container.root(bridge));
        sv.placement = new KernelPlacement(root.ownsQdisc(), root.markPrio(),
            rootTableOf(snap, root.markPrio()).orElse(KernelPlacement.DEFAULT.rootTableId()));
      }
      case OTHER_NETWORK -> {
        if (mode != Mode.STOP) {
          throw foreign(snap, root, "bridge " + bridge + " is shaped by NetFloor network '"
              + root.owner().orElseThrow() + "' (" + root.describeQdisc() + ", "
              + root.classes() + " classes, " + root.filters() + " filters); one bridge carries"
              + " one network: stop '" + root.owner().orElseThrow() + "' first, or use another"
              + " bridge");
        }
        sv.foreign.add("root qdisc " + root.describeQdisc() + " on " + bridge
            + " belongs to NetFloor network '" + root.owner().orElseThrow() + "'");
      }
      case BARE -> {
        if (mode == Mode.STOP) {
          sv.foreign.add("root qdisc " + root.describeQdisc() + " on " + bridge);
          return;
        }
        sv.ours.add(KernelView.Container.root(bridge));
        placeUnder(sv, snap, false);
      }
      case FOREIGN -> {
        boolean libvirt = looksLikeLibvirt(snap, root);
        boolean knownClasses = mode == Mode.RESTART && classesKnown(sv, snap);
        if (mode == Mode.STOP) {
          sv.foreign.add("root qdisc " + root.describeQdisc() + " on " + bridge + " with "
              + root.classes() + " classes");
        } else if (mode == Mode.ADOPT && root.qdisc().get().kind().equals("htb")
            && root.qdisc().get().handle().equals(HtbTree.ROOT_QDISC)) {
          // adopting libvirt's tree: its root stays libvirt's, the mark is added
          sv.ours.add(KernelView.Container.root(bridge));
          placeUnder(sv, snap, false);
          sv.notes.add("adopted the tree on " + bridge + "; its root qdisc stays another tool's");
        } else if (knownClasses) {
          // the network's own tree whose mark was deleted (every class is one the status knows)
          sv.ours.add(KernelView.Container.root(bridge));
          sv.placement = new KernelPlacement(true, HtbTree.FILTER_PRIO,
              rootTableOf(snap, HtbTree.FILTER_PRIO).orElse(0x800));
          sv.notes.add("the network's mark was missing on " + bridge + "; every class there is"
              + " one its status knows, so the tree is taken as its own and marked again");
        } else {
          throw foreign(snap, root, "bridge " + bridge + " already holds root qdisc "
              + root.describeQdisc() + " with " + root.classes() + " classes and "
              + root.filters() + " filters that NetFloor did not make"
              + (libvirt ? "; it looks like libvirt's floor tree. Adopt it (NetworkShaper.adopt,"
                  + " or 'netfloor adopt') to keep its floors, or replace it"
                  : ". Replace it") + " (NetworkShaper.startReplacing, or 'netfloor start"
              + " --replace') to delete it with everything under it and start afresh");
        }
      }
      default -> throw new IllegalStateException(root.state().toString());
    }
  }

  /**
   * An unmarked qdisc on an interface's own device (or ifb) that holds exactly the shape NetFloor
   * puts there — classes 1:1 and 1:2 under the root; only the match-all filter at prio 1 under the
   * ingress qdisc — where the stored status says the network shapes that device: the network's own,
   * whose mark a crash or a hand kept from it. Taken as its own (and marked again); anything else
   * stays another tool's. Never at a fresh start, which has no interfaces to vouch for a device.
   */
  static QdiscClaim lostMark(NetworkConfig config, QdiscClaim c, KernelSnapshot snap,
      boolean needed, Mode mode, boolean root) {
    if (!needed || mode == Mode.FRESH || (c.state() != QdiscClaim.State.BARE
        && c.state() != QdiscClaim.State.FOREIGN) || c.qdisc().isEmpty()) {
      return c;
    }
    QdiscInfo q = c.qdisc().get();
    boolean shape;
    if (root) {
      shape = q.kind().equals("htb") && q.handle().equals(HtbTree.ROOT_QDISC)
          && snap.classes().stream().filter(k -> k.classId().major() == 1).allMatch(k ->
              k.classId().minor() == 1 || k.classId().minor() == 2)
          && snap.filters().stream().noneMatch(f -> f.parent().equals(HtbTree.ROOT_QDISC)
              && !QdiscClaim.isRootTable(f));
    } else {
      shape = q.kind().equals("ingress") && snap.filters().stream()
          .filter(f -> f.parent().equals(IngressQdisc.HANDLE) && !QdiscClaim.isRootTable(f))
          .allMatch(f -> f.prio() == DeviceShaping.INGRESS_FILTER_PRIO
              && f.chain() == 0 && (f.handle().equals(
                  DeviceShaping.INGRESS_FILTER_HANDLE)));
    }
    if (!shape) {
      return c;
    }
    log.info("network {}: {} on {} has NetFloor's shape and no mark; taken as the network's own",
        config.name(), c.describeQdisc(), snap.device());
    return new QdiscClaim(QdiscClaim.State.OURS, c.qdisc(), Optional.of(config.name().value()), 0, true,
        c.classes(), c.filters());
  }

  /**
   * Picks the prio and root table for a network building under a root it did not make: libvirt's
   * prio 2 when it is free (or, for the linear layout, shared with libvirt's own filters of the
   * same protocol), else the lowest free prio above it.
   */
  private static void placeUnder(BridgeSurvey sv, KernelSnapshot snap, boolean owns) {
    NetworkConfig config = sv.config;
    Map<Integer, Integer> protocolByPrio = new TreeMap<>();
    boolean anyU32 = false;
    for (FilterInfo f : snap.filters()) {
      if (f.parent().equals(HtbTree.ROOT_QDISC)) {
        // a prio another chain uses is taken too: cls_u32 would mix the two in its dumps
        protocolByPrio.merge(f.prio(), f.chain() == 0 ? f.protocol() : -1,
            (a, b) -> a == -1 || b == -1 ? -1 : a);
        anyU32 |= f.kind().equals("u32");
      }
    }
    int protocol = config.trafficMatch() == TrafficMatch.IPV4_ONLY
        ? EtherType.IPV4 : EtherType.ALL;
    boolean linear = config.filterLayout() == FilterLayout.LIBVIRT_LINEAR;
    int prio = HtbTree.FILTER_PRIO;
    Integer atTwo = protocolByPrio.get(prio);
    OptionalInt orphan = orphanMarkPrio(snap);
    if (orphan.isPresent()) {
      // a start interrupted between the mark's table and its node: that instance is its own
      prio = orphan.getAsInt();
    } else if (atTwo != null && !(linear && atTwo == protocol)) {
      while (protocolByPrio.containsKey(prio)) {
        prio++;
      }
    }
    Optional<Integer> table = rootTableOf(snap, prio);
    if (table.isEmpty() && anyU32) {
      sv.needsMarkFirst = true; // the kernel picks the table id: read it back after the mark
    }
    int rootTable = table.orElse(KernelPlacement.DEFAULT.rootTableId());
    // the kernel gives table 800: only to the first u32 instance on a qdisc; later ones get 801:…
    if (linear && (prio != HtbTree.FILTER_PRIO
        || (table.isPresent() ? rootTable != 0x800 : anyU32))) {
      throw new ShapingException("bridge " + config.bridge() + " holds another tool's u32"
          + " filters under 1:, so the LIBVIRT_LINEAR layout of network '" + config.name()
          + "' cannot have libvirt's filter handles (800::N, in the u32 table 800: at prio 2)"
          + "; use the HASHED layout"
          + (atTwo != null && atTwo == EtherType.IPV4
              ? ", or IPV4_ONLY to share libvirt's prio 2" : ""));
    }
    sv.placement = new KernelPlacement(owns, prio, rootTable);
  }

  /** The prio of a mark table without its node under {@code 1:}, if there is one. */
  private static OptionalInt orphanMarkPrio(KernelSnapshot snap) {
    for (FilterInfo f : snap.filters()) {
      if (f.parent().equals(HtbTree.ROOT_QDISC) && f.chain() == 0 && f.isHashTable()
          && f.handle().htid() == U32OwnerMark.TABLE_ID && snap.filters().stream().noneMatch(n ->
              n.parent().equals(f.parent()) && n.prio() == f.prio()
              && n.handle().equals(U32OwnerMark.HANDLE))) {
        return OptionalInt.of(f.prio());
      }
    }
    return OptionalInt.empty();
  }

  /**
   * The id of the root table of the network's u32 instance at {@code prio} under {@code 1:}, if
   * there is one: the table its hash link node sits in; else the lowest root table at that prio
   * (another chain's instance at the same prio lists its tables too, and came later).
   */
  private static Optional<Integer> rootTableOf(KernelSnapshot snap, int prio) {
    Optional<Integer> link = snap.filters().stream()
        .filter(f -> f.parent().equals(HtbTree.ROOT_QDISC) && f.prio() == prio && f.chain() == 0
            && f.linkHtid().orElse(-1) == HtbTree.HASH_TABLE_ID
            && f.handle().node() == HtbTree.HASH_LINK_HANDLE.node())
        .map(f -> f.handle().htid()).findFirst();
    if (link.isPresent()) {
      return link;
    }
    return snap.filters().stream()
        .filter(f -> f.parent().equals(HtbTree.ROOT_QDISC) && f.prio() == prio && f.chain() == 0
            && f.kind().equals("u32") && f.isHashTable())
        .map(f -> f.handle().htid())
        .filter(h -> h >= 0x800)
        .min(Integer::compare);
  }

  /**
   * A dump of {@code device} with each filter once, in its own chain: cls_u32 lists, for every
   * instance, the tables of all instances of the qdisc at the same prio, so filters at a prio that
   * two chains use come twice, once under each chain (and that chain's protocol). A filter in one
   * of NetFloor's tables ({@code 10:}, the mark's {@code 7fe:}, the root table its link or, failing
   * that, the oldest root table sits in) keeps its chain-0 copy; any other keeps the copy of the
   * other chain, which is where it lives.
   */
  static KernelSnapshot dumpOf(TrafficControl kernel, InterfaceName device) {
    KernelSnapshot s = kernel.dump(device);
    if (s.filters().stream().allMatch(f -> f.chain() == 0)) {
      return s;
    }
    Map<List<Integer>, Integer> ownRoot = new HashMap<>();
    for (FilterInfo f : s.filters()) {
      if (f.chain() == 0 && f.linkHtid().orElse(-1) == HtbTree.HASH_TABLE_ID) {
        ownRoot.put(List.of(f.parent().toBits(), f.prio()), f.handle().htid());
      }
    }
    for (FilterInfo f : s.filters()) {
      List<Integer> at = List.of(f.parent().toBits(), f.prio());
      if (f.chain() == 0 && QdiscClaim.isRootTable(f) && !linked(s, at)) {
        ownRoot.merge(at, f.handle().htid(), Math::min);
      }
    }
    Map<List<Integer>, FilterInfo> once = new LinkedHashMap<>();
    for (FilterInfo f : s.filters()) {
      int htid = f.handle().htid();
      Integer root = ownRoot.get(List.of(f.parent().toBits(), f.prio()));
      boolean netfloors = htid == HtbTree.HASH_TABLE_ID || htid == U32OwnerMark.TABLE_ID
          || (root != null && htid == root);
      once.merge(List.of(f.parent().toBits(), f.prio(), f.handle().toBits()), f,
          (a, b) -> (a.chain() == 0) == netfloors ? a : b);
    }
    return new KernelSnapshot(device, s.qdiscs(), s.classes(), List.copyOf(once.values()));
  }

  private static boolean linked(KernelSnapshot s, List<Integer> at) {
    return s.filters().stream().anyMatch(f -> f.parent().toBits() == at.get(0)
        && f.prio() == at.get(1) && f.chain() == 0
        && f.linkHtid().orElse(-1) == HtbTree.HASH_TABLE_ID);
  }

  private static boolean looksLikeLibvirt(KernelSnapshot snap, QdiscClaim root) {
    boolean classes = snap.findClass(HtbTree.TOP_CLASS).isPresent()
        && snap.findClass(HtbTree.DEFAULT_CLASS).isPresent();
    boolean filters = snap.filters().stream().anyMatch(f -> f.prio() == HtbTree.FILTER_PRIO
        && f.kind().equals("u32") && f.handle().htid() == 0x800 && f.handle().node() > 0x802);
    return root.qdisc().get().kind().equals("htb") && classes && (filters
        || root.classes() == 2);
  }

  /** Every class under {@code 1:} is one the tree (the stored status) expects. */
  private static boolean classesKnown(BridgeSurvey sv, KernelSnapshot snap) {
    Set<ClassHandle> expected = new HashSet<>();
    for (TcObject o : sv.wanted) {
      if (o instanceof HtbClass c && c.device().equals(sv.config.bridge())) {
        expected.add(c.classId());
      }
    }
    return !snap.classes().isEmpty() && snap.classes().stream()
        .filter(c -> c.classId().major() == HtbTree.ROOT_QDISC.major())
        .allMatch(c -> expected.contains(c.classId()));
  }

  /** The refusal for {@code claim}, read from {@code snap} (the dump it was made from). */
  static ForeignTreeException foreign(KernelSnapshot snap, QdiscClaim claim,
      String message) {
    ForeignTreeException.Owner owner = claim.owner().isPresent()
        ? ForeignTreeException.Owner.NETFLOOR
        : claim.qdisc().isPresent() && looksLikeLibvirt(snap, claim)
            ? ForeignTreeException.Owner.LIBVIRT : ForeignTreeException.Owner.UNKNOWN;
    return new ForeignTreeException(message, snap.device(), claim.describeQdisc(),
        claim.classes(), claim.filters(), owner, claim.owner());
  }

  private static Integer protocolOf(TcObject o) {
    return switch (o.objectKind()) {
      case U32_OWNER_MARK -> ((U32OwnerMark) o).protocol();
      case U32_MAC_FILTER -> ((U32MacFilter) o).protocol();
      case U32_HASH_TABLE -> ((U32HashTable) o).protocol();
      case U32_HASH_LINK -> ((U32HashLink) o).protocol();
      case U32_MATCH_ALL_POLICE, U32_MATCH_ALL_REDIRECT -> EtherType.ALL;
      case HTB_QDISC, LEAF_QDISC, INGRESS_QDISC, HTB_CLASS, U32_INSTANCE, UNRECOGNIZED,
          IFB_DEVICE -> null;
    };
  }

  /** A filter's identity as a dump and a model object both give it. */
  private record ObjectKeyLike(InterfaceName device, int parent, int prio, int handle) {
    static ObjectKeyLike of(FilterInfo f) {
      return new ObjectKeyLike(f.device(), f.parent().toBits(), f.prio(), f.handle().toBits());
    }
  }

  /** Records a device's root or ingress qdisc; another owner's one blocks the network there. */
  void claim(InterfaceName device, QdiscClaim c, boolean needed, Mode mode, boolean root) {
    KernelView.Container where = root ? KernelView.Container.root(device)
        : KernelView.Container.ingress(device);
    switch (c.state()) {
      case OURS -> ours.add(where);
      case ABSENT -> {
        if (needed && mode != Mode.STOP) {
          ours.add(where);
        }
      }
      default -> {
        if (needed && mode != Mode.STOP) {
          blocked.add(where);
          notes.add((root ? "root" : "ingress") + " qdisc " + c.describeQdisc() + " on " + device
              + " is not network '" + config.name() + "''s; its limits there are not applied");
        }
        foreign.add((root ? "root qdisc " : "qdisc ") + c.describeQdisc() + " on " + device
            + c.owner().map(o -> " (NetFloor network '" + o + "')").orElse(""));
      }
    }
  }

  /**
   * Refuses a stop that would delete a class another tool's filter sends traffic to: the kernel
   * would refuse the delete ({@code EBUSY}), and the class is, in effect, in use.
   */
  void requireNoForeignFlows(List<TcObject> doomed) {
    Set<ObjectKeyLike> ours = keys(doomed);
    Set<List<Object>> classes = new HashSet<>();
    for (TcObject o : doomed) {
      if (o instanceof HtbClass c) {
        classes.add(List.of(c.device(), c.classId()));
      }
    }
    List<String> users = new ArrayList<>();
    for (KernelSnapshot snap : snapshots.values()) {
      for (FilterInfo f : snap.filters()) {
        if (f.classId().isPresent() && classes.contains(List.of(f.device(), f.classId().get()))
            && !ours.contains(ObjectKeyLike.of(f))) {
          users.add(KernelView.describe(f));
        }
      }
    }
    if (!users.isEmpty()) {
      throw new ClassInUseException("stop of network '" + config.name() + "' refused: another"
          + " tool's filters send traffic to classes NetFloor would delete: " + users
          + "; delete or redirect them first (nothing was changed)", users);
    }
  }

  /**
   * {@code doomed} and, for each u32 instance that is wholly the network's on a qdisc that stays,
   * the delete of the emptied instance (see {@link U32Instance}).
   */
  List<TcObject> wholeInstances(List<TcObject> doomed) {
    Set<List<Object>> keptQdiscs = new HashSet<>();
    for (KernelView.Container c : ours) {
      keptQdiscs.add(List.of(c.device(), c.qdisc()));
    }
    for (TcObject o : doomed) {
      // the qdiscs (device, handle) that deleting o deletes
      Predicate<List<Object>> deleted = switch (o.objectKind()) {
        case HTB_QDISC -> k -> k.equals(List.of(o.device(), ((HtbQdisc) o).handle()));
        case INGRESS_QDISC -> k -> k.equals(List.of(o.device(), IngressQdisc.HANDLE));
        case IFB_DEVICE -> k -> k.get(0).equals(o.device());
        case LEAF_QDISC, HTB_CLASS, U32_HASH_TABLE, U32_HASH_LINK, U32_MAC_FILTER,
            U32_MATCH_ALL_POLICE, U32_MATCH_ALL_REDIRECT, U32_OWNER_MARK, U32_INSTANCE,
            UNRECOGNIZED -> k -> false;
      };
      keptQdiscs.removeIf(deleted);
    }
    Set<ObjectKeyLike> ours = keys(doomed);
    Map<List<Object>, Integer> instances = new LinkedHashMap<>();
    for (TcObject o : doomed) {
      ObjectKey k = o.key();
      ClassHandle parent = ClassHandle.fromBits(k.parent());
      if (k.kind() == ObjectKey.Kind.FILTER
          && keptQdiscs.contains(List.of(o.device(), parent))) {
        instances.putIfAbsent(List.of(o.device(), parent, k.prio()), protocolOf(o));
      }
    }
    List<TcObject> out = new ArrayList<>(doomed);
    instances.forEach((inst, protocol) -> {
      InterfaceName device = (InterfaceName) inst.get(0);
      ClassHandle parent = (ClassHandle) inst.get(1);
      int prio = (Integer) inst.get(2);
      KernelSnapshot snap = snapshots.get(device);
      boolean shared = snap == null || snap.filters().stream().anyMatch(f ->
          f.parent().equals(parent) && f.prio() == prio && f.chain() == 0
          && !QdiscClaim.isRootTable(f) && !ours.contains(ObjectKeyLike.of(f)));
      // the kernel drops an emptied instance by itself when it is the qdisc's only one
      boolean alone = snap != null && snap.filters().stream().noneMatch(f ->
          f.parent().equals(parent) && (f.prio() != prio || f.chain() != 0));
      if (!shared && !alone) {
        out.add(new U32Instance(device, parent, prio,
            protocol == null ? EtherType.ALL : protocol));
      }
    });
    return out;
  }

  private Set<ObjectKeyLike> keys(List<TcObject> objects) {
    Set<ObjectKeyLike> out = new HashSet<>();
    for (TcObject o : objects) {
      if (o.key().kind() == ObjectKey.Kind.FILTER) {
        out.add(new ObjectKeyLike(o.device(), o.key().parent(), o.key().prio(),
            o.key().handle()));
        if (o instanceof U32OwnerMark m) {
          out.add(new ObjectKeyLike(o.device(), o.key().parent(), o.key().prio(),
              m.table().handle().toBits()));
        }
      }
    }
    return out;
  }

  /** True for an owned qdisc of the network that another tool attached filters to. */
  boolean sharedQdisc(TcObject o) {
    if (!(o instanceof HtbQdisc || o instanceof IngressQdisc)) {
      return false;
    }
    ClassHandle handle = o instanceof HtbQdisc q ? q.handle() : IngressQdisc.HANDLE;
    KernelSnapshot snap = snapshots.get(o.device());
    if (snap == null) {
      return false;
    }
    int prio = o instanceof IngressQdisc ? DeviceShaping.INGRESS_FILTER_PRIO
        : o.device().equals(config.bridge()) ? placement.filterPrio()
            : DeviceShaping.MARK_PRIO;
    return snap.filters().stream().anyMatch(f -> f.parent().equals(handle)
        && (f.prio() != prio || f.chain() != 0));
  }

  /**
   * The expected objects that can exist now: those on a device that is gone (a stopped VM's
   * tap) or whose qdiscs another owner holds are left out, with a note.
   */
  List<TcObject> reachable(List<TcObject> expected, List<String> out) {
    Set<InterfaceName> creatable = new HashSet<>();
    for (TcObject o : expected) {
      if (o instanceof IfbDevice d) {
        creatable.add(d.device());
      }
    }
    Set<InterfaceName> noted = new HashSet<>();
    List<TcObject> kept = new ArrayList<>(expected.size());
    for (TcObject o : expected) {
      InterfaceName d = o.device();
      boolean exists = d.equals(config.bridge()) || creatable.contains(d)
          || snapshots.containsKey(d);
      if (!exists) {
        if (noted.add(d)) {
          out.add("device " + d + " does not exist; its limits are applied when it is back and"
              + " reconcile runs");
        }
      } else if (!blocked(o)) {
        kept.add(o);
      }
    }
    return kept;
  }

  private boolean blocked(TcObject o) {
    if (blocked.isEmpty()) {
      return false;
    }
    KernelView.Container where = ingressSide(o) ? KernelView.Container.ingress(o.device())
        : KernelView.Container.root(o.device());
    if (blocked.contains(where)) {
      return true;
    }
    // a redirect to an ifb whose root is another owner's would shape nothing
    return o instanceof U32MatchAllRedirect r
        && blocked.contains(KernelView.Container.root(r.target()));
  }

  /** Whether {@code o} lives on its device's ingress side (else on its root qdisc's). */
  private static boolean ingressSide(TcObject o) {
    return switch (o.objectKind()) {
      case INGRESS_QDISC, U32_MATCH_ALL_POLICE, U32_MATCH_ALL_REDIRECT -> true;
      case U32_OWNER_MARK -> ((U32OwnerMark) o).parent().equals(IngressQdisc.HANDLE);
      case U32_HASH_TABLE -> ((U32HashTable) o).parent().equals(IngressQdisc.HANDLE);
      case HTB_QDISC, LEAF_QDISC, HTB_CLASS, U32_HASH_LINK, U32_MAC_FILTER, U32_INSTANCE,
          UNRECOGNIZED, IFB_DEVICE -> false;
    };
  }

  KernelView read(List<TcObject> expected) {
    Set<InterfaceName> existingIfbs = new HashSet<>(ifbs);
    return KernelView.read(snapshots, existingIfbs, config, placement, expected, ours);
  }
}
