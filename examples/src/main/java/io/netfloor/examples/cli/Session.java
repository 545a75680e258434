package io.netfloor.examples.cli;

import io.netfloor.model.NetworkConfig;
import io.netfloor.netlink.NetlinkTrafficControl;
import io.netfloor.persistence.FileStatusStore;
import io.netfloor.shaping.NetworkShaper;
import io.netfloor.shaping.ReconcileReport;
import io.netfloor.spi.NetworkStatus;
import io.netfloor.spi.StatusStoreException;
import java.nio.file.Files;
import java.util.Optional;

/**
 * What one CLI invocation works with, opened for the invocation and closed at its end: the network's
 * definition, the file status store, the netlink backend (inside the bridge's namespace) and a
 * {@link NetworkShaper}. This is exactly how a VM manager embeds NetFloor, reduced to one command.
 */
final class Session implements AutoCloseable {
  private static final long STORE_WAIT_MILLIS = 5_000;

  final NetworkDefinition definition;
  final NetworkConfig config;
  final FileStatusStore store;
  final NetlinkTrafficControl tc;
  final NetworkShaper shaper;
  private ReconcileReport startReport;

  private Session(NetworkDefinition definition, NetworkConfig config, FileStatusStore store,
      NetlinkTrafficControl tc) {
    this.definition = definition;
    this.config = config;
    this.store = store;
    this.tc = tc;
    this.shaper = NetworkShaper.create(config, tc, store);
  }

  /** Opens the store and the backend for {@code definition}'s network. */
  static Session open(StateDir state, NetworkDefinition definition) {
    NetworkConfig config = definition.toConfig();
    FileStatusStore store = openStore(state);
    try {
      NetlinkTrafficControl tc = definition.netns() == null ? NetlinkTrafficControl.open()
          : NetlinkTrafficControl.openInNamespace(definition.netns());
      return new Session(definition, config, store, tc);
    } catch (RuntimeException e) {
      store.close();
      throw e;
    }
  }

  /**
   * Opens the status store; another netfloor command holding it (e.g. {@code tree --watch} between
   * two refreshes) is waited for, up to 5 seconds.
   */
  static FileStatusStore openStore(StateDir state) {
    state.create();
    long deadline = System.currentTimeMillis() + STORE_WAIT_MILLIS;
    while (true) {
      try {
        return FileStatusStore.open(state.statusDirectory());
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
   * creates nothing when it has none.
   */
  static Optional<NetworkStatus> peekStatus(StateDir state, String network) {
    if (!Files.isDirectory(state.statusDirectory())) {
      return Optional.empty();
    }
    try (FileStatusStore store = openStore(state)) {
      return store.load(network);
    }
  }

  /**
   * Reads the network's status without changing anything (for {@code status} and {@code tree}).
   */
  static NetworkStatus readStatus(StateDir state, NetworkDefinition definition) {
    try (FileStatusStore store = openStore(state)) {
      Optional<NetworkStatus> status = store.load(definition.name());
      return status.orElseThrow(() -> new CliException(ExitCodes.FAILED, "network '"
          + definition.name() + "' has no recorded status in " + state.statusDirectory()
          + "; run 'netfloor start' again"));
    }
  }

  /**
   * The shaper, started: the kernel is first made to match the recorded status (a VM manager does
   * the same at start-up), then the command does its part.
   */
  NetworkShaper started() {
    if (startReport == null) {
      startReport = shaper.start();
    }
    return shaper;
  }

  /**
   * Starts the shaper after deleting the bridge's root and ingress qdisc of another owner
   * ({@link NetworkShaper#startReplacing()}).
   */
  ReconcileReport startReplacing() {
    startReport = shaper.startReplacing();
    return startReport;
  }

  /** What starting the shaper had to repair. */
  ReconcileReport startReport() {
    started();
    return startReport;
  }

  @Override
  public void close() {
    try {
      tc.close();
    } finally {
      store.close();
    }
  }
}
