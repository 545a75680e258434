// SPDX-License-Identifier: Apache-2.0
package io.netfloor.examples.cli;

import io.netfloor.model.KernelPlacement;
import io.netfloor.model.NetworkConfig;
import io.netfloor.model.NetworkStatus;
import io.netfloor.netlink.NetlinkTrafficControl;
import io.netfloor.persistence.FileStatusStore;
import io.netfloor.persistence.SafeDirectory;
import io.netfloor.plan.Plan;
import io.netfloor.shaping.NetworkShaper;
import io.netfloor.shaping.ParkedPoolPolicy;
import io.netfloor.shaping.ReconcileReport;
import io.netfloor.shaping.ShaperOptions;
import io.netfloor.spi.StatusStoreException;
import io.netfloor.units.InterfaceName;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * What one CLI invocation works with, opened for the invocation and closed at its end: the network's
 * definition, the file status store, the netlink backend (inside the bridge's namespace) and a
 * {@link NetworkShaper}. This is exactly how a VM manager embeds NetFloor, reduced to one command.
 *
 * <p>A network with a record ({@code networks/NAME.json}) has a stored status: {@code start} and
 * {@code adopt} store it before (or, failing, together with) the record. So a recorded network
 * whose status the store does not hold, cannot read, or holds for another bridge is an error naming
 * the files (exit 1), never an empty network: taking it for one would delete every floor.
 */
final class Session implements AutoCloseable {
  /**
   * The shaper options of a CLI command (and of whatever imitates one): one command per process, so
   * no parked pool, whose background top-ups would outlive the command (or hold up its exit) and
   * whose start-up parking would add a record to every first start.
   */
  static final ShaperOptions SHAPER_OPTIONS =
      ShaperOptions.builder().parkedPool(ParkedPoolPolicy.OFF).build();

  private static final long STORE_WAIT_MILLIS = 5_000;

  final NetworkDefinition definition;
  final NetworkConfig config;
  final FileStatusStore store;
  final NetlinkTrafficControl tc;
  final NetworkShaper shaper;
  private final StateDir state;
  private final ProbeCache probeCache;
  private final CachedProbeControl engineKernel;
  private final KernelCheckpoint checkpoint;
  /** Whether {@link #started()} may resume from a valid checkpoint instead of reconciling. */
  private boolean mayResume;
  private boolean succeeded;
  private NetworkStatus stored;
  private boolean resumed;
  private ReconcileReport startReport;

  private Session(StateDir state, NetworkDefinition definition, NetworkConfig config,
      FileStatusStore store, NetlinkTrafficControl tc, boolean probeAfresh) {
    this.state = state;
    this.checkpoint = new KernelCheckpoint(state, definition);
    this.definition = definition;
    this.config = config;
    this.store = store;
    this.tc = tc;
    this.probeCache = new ProbeCache(state, definition.name(), definition.netns());
    this.engineKernel = new CachedProbeControl(tc,
        probeAfresh ? null : probeCache.read().orElse(null));
    this.shaper = NetworkShaper.create(config, engineKernel, store, SHAPER_OPTIONS);
  }

  /**
   * Opens the store (creating the state directory when missing) and the backend; the kernel's
   * capabilities are probed afresh (what {@code start} and {@code reconcile} do).
   */
  static Session open(StateDir state, NetworkDefinition definition) {
    return open(state, definition, true);
  }

  /**
   * Opens the store and the backend; with {@code probeAfresh} false, the capabilities probed by an
   * earlier command in this boot are reused ({@link ProbeCache}).
   */
  static Session open(StateDir state, NetworkDefinition definition, boolean probeAfresh) {
    StartupTrace.mark("definition");
    NetworkConfig config = definition.toConfig();
    FileStatusStore store = openStore(state);
    StartupTrace.mark("store open");
    try {
      NetlinkTrafficControl tc = definition.netns() == null ? NetlinkTrafficControl.open()
          : NetlinkTrafficControl.openInNamespace(definition.netns());
      StartupTrace.mark("netlink open");
      Session s = new Session(state, definition, config, store, tc, probeAfresh);
      StartupTrace.mark("probe cache + shaper");
      return s;
    } catch (RuntimeException e) {
      store.close();
      throw e;
    }
  }

  /**
   * Opens a session for a recorded network, after checking that the store holds its status and
   * that the status belongs to the record (see the class documentation). Without
   * {@code probeAfresh}, {@link #started()} skips the reconcile when the last command's
   * {@link KernelCheckpoint} proves the kernel still matches the store.
   */
  static Session openRecorded(StateDir state, NetworkDefinition definition, boolean probeAfresh) {
    requireStatusDirectory(state, definition);
    Session s = open(state, definition, probeAfresh);
    try {
      s.stored = recordedStatus(state, definition, s.store);
      StartupTrace.mark("status load");
      s.mayResume = !probeAfresh;
      return s;
    } catch (RuntimeException e) {
      s.close();
      throw e;
    }
  }

  /**
   * Opens the status store for writing; another netfloor command holding it (e.g. {@code tree
   * --watch} between two refreshes) is waited for, up to 5 seconds.
   */
  static FileStatusStore openStore(StateDir state) {
    state.create();
    return waitingWhileInUse(() -> FileStatusStore.open(state.statusDirectory()));
  }

  /** Opens the existing status store read-only, waiting as {@link #openStore} does. */
  private static FileStatusStore openStoreReadOnly(StateDir state) {
    return waitingWhileInUse(() -> FileStatusStore.openReadOnly(state.statusDirectory()));
  }

  private static FileStatusStore waitingWhileInUse(Supplier<FileStatusStore> open) {
    long deadline = System.currentTimeMillis() + STORE_WAIT_MILLIS;
    while (true) {
      try {
        return open.get();
      } catch (StatusStoreException e) {
        if (!e.getMessage().contains("in use") || System.currentTimeMillis() > deadline) {
          throw e;
        }
        try {
          Thread.sleep(50);
        } catch (InterruptedException ie) {
          Thread.currentThread().interrupt();
          throw e;
        }
      }
    }
  }

  /**
   * The stored status of {@code network}, if the state directory has a status store holding one;
   * reads only (creates, writes and repairs nothing).
   */
  static Optional<NetworkStatus> peekStatus(StateDir state, String network) {
    if (!SafeDirectory.exists(state.statusDirectory())) {
      return Optional.empty();
    }
    try (FileStatusStore store = openStoreReadOnly(state)) {
      return store.load(network);
    }
  }

  /**
   * The status of a recorded network, read without changing anything (for {@code status} and
   * {@code tree}); checked as {@link #openRecorded} does.
   */
  static NetworkStatus readStatus(StateDir state, NetworkDefinition definition) {
    requireStatusDirectory(state, definition);
    try (FileStatusStore store = openStoreReadOnly(state)) {
      return recordedStatus(state, definition, store);
    }
  }

  /**
   * Refuses a recorded network whose status directory is gone, before opening a store would create
   * an empty one.
   */
  static void requireStatusDirectory(StateDir state, NetworkDefinition definition) {
    if (!SafeDirectory.exists(state.statusDirectory())) {
      throw lost(state, definition, state.statusDirectory() + " does not exist");
    }
  }

  /**
   * The status {@code store} holds of the recorded network {@code definition}: present, readable,
   * of the record's bridge, fitting its config; else a one-line error naming the files and the way
   * out (exit 1).
   */
  static NetworkStatus recordedStatus(StateDir state, NetworkDefinition definition,
      FileStatusStore store) {
    String name = definition.name();
    Optional<NetworkStatus> stored;
    try {
      stored = store.load(name);
    } catch (StatusStoreException e) {
      throw new CliException(ExitCodes.FAILED, e.getMessage() + "; " + wayOut(name), e);
    }
    if (stored.isEmpty()) {
      throw lost(state, definition, store.statusFile(name) + " does not exist and "
          + store.indexFile() + " does not list the network");
    }
    NetworkStatus status = stored.get();
    Path record = state.definitionFile(name);
    if (!status.bridge().toString().equals(definition.bridge())) {
      throw new CliException(ExitCodes.FAILED, store.statusFile(name) + " holds network '" + name
          + "' on bridge " + status.bridge() + ", but " + record + " says bridge "
          + definition.bridge() + ": the two do not belong together (one restored or edited by"
          + " hand?); restore the matching one, or " + wayOut(name));
    }
    try {
      status.toTree(definition.toConfig());
    } catch (RuntimeException e) {
      throw new CliException(ExitCodes.FAILED, store.statusFile(name) + " does not fit network '"
          + name + "' as " + record + " defines it: " + e.getMessage() + "; restore the matching"
          + " one, or " + wayOut(name), e);
    }
    return status;
  }

  private static CliException lost(StateDir state, NetworkDefinition definition, String why) {
    String name = definition.name();
    return new CliException(ExitCodes.FAILED, "network '" + name + "' is recorded in "
        + state.definitionFile(name) + " but its status is missing (" + why + "): it was lost, or"
        + " a start or adopt was interrupted; restore it from a backup, or " + wayOut(name));
  }

  /** What to do about a recorded network whose status cannot be used (a clause of a message). */
  static String wayOut(String network) {
    return "to remove NetFloor's tree from the bridge and forget the network, run 'netfloor stop"
        + " --network " + network + " --discard-status'";
  }

  /**
   * The shaper, started: the kernel is first made to match the recorded status (a VM manager does
   * the same at start-up), then the command does its part.
   */
  NetworkShaper started() {
    if (startReport == null) {
      Optional<KernelPlacement> proof = mayResume && stored != null
          ? checkpoint.verify(store.revision(definition.name()), stored,
              () -> tc.dump(InterfaceName.of(definition.bridge())))
          : Optional.empty();
      checkpoint.remove(); // before anything changes: a command that fails leaves no proof
      StartupTrace.mark("checkpoint verify");
      if (proof.isPresent()) {
        shaper.resume(proof.get());
        resumed = true;
        startReport = new ReconcileReport(Plan.EMPTY, Plan.EMPTY, List.of(), List.of());
      } else {
        startReport = shaper.start();
      }
      StartupTrace.mark(resumed ? "resume" : "reconcile");
    }
    return shaper;
  }

  /** Removes the checkpoint, before a change that does not go through {@link #started()}. */
  void forgetCheckpoint() {
    checkpoint.remove();
  }

  /** Whether {@link #started()} resumed from the checkpoint instead of reconciling. */
  boolean resumed() {
    return resumed;
  }

  /**
   * Starts the shaper after deleting the bridge's root and ingress qdisc of another owner
   * ({@link NetworkShaper#startReplacing()}).
   */
  ReconcileReport startReplacing() {
    checkpoint.remove();
    startReport = shaper.startReplacing();
    return startReport;
  }

  /**
   * The command did all it had to: at {@link #close()} the session leaves a checkpoint saying the
   * kernel and the store agree, for the next command.
   */
  void succeeded() {
    succeeded = true;
  }

  private void leaveCheckpoint() {
    try {
      Optional<String> revision = store.revision(definition.name());
      if (revision.isPresent()) {
        checkpoint.write(revision.get(), tc.dump(InterfaceName.of(definition.bridge())),
            shaper.tree().placement());
      }
    } catch (RuntimeException e) {
      // without a checkpoint the next command reconciles
    }
  }

  /** What starting the shaper had to repair. */
  ReconcileReport startReport() {
    started();
    return startReport;
  }

  @Override
  public void close() {
    try {
      StartupTrace.mark("command");
      shaper.close(); // a pool top-up under way finishes (durably) before the socket and store go
      if (succeeded && shaper.isStarted()) {
        leaveCheckpoint();
        StartupTrace.mark("checkpoint write");
      }
    } finally {
      try {
        // a network with a record keeps what this command probed for the next one
        if (engineKernel.probed().isPresent() && java.nio.file.Files.isRegularFile(
            state.definitionFile(definition.name()), java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
          probeCache.write(engineKernel.probed().get());
        }
      } catch (RuntimeException e) {
        // the cache only saves the next command a probe
      } finally {
        try {
          tc.close();
        } finally {
          store.close();
          StartupTrace.mark("close");
        }
      }
    }
  }
}
