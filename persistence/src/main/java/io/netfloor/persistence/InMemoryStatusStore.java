// SPDX-License-Identifier: Apache-2.0
package io.netfloor.persistence;

import com.google.common.collect.ImmutableSortedSet;
import io.netfloor.model.NetworkConfig;
import io.netfloor.model.NetworkName;
import io.netfloor.model.NetworkStatus;
import io.netfloor.model.StatusChange;
import io.netfloor.persistence.internal.MutableStatus;
import io.netfloor.spi.StatusStore;
import io.netfloor.spi.StatusStoreException;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A {@link StatusStore} in memory: the documented way to test code that takes a store, and the
 * model the {@link FileStatusStore} is checked against. Nothing survives the process.
 *
 * <p>Thread-safe. It checks what a file store checks (network names; {@link #record} needs a saved
 * status), so code tested against it behaves the same against files.
 */
public final class InMemoryStatusStore implements StatusStore {
  /**
   * Each network's status as a {@link MutableStatus}, so that {@link #record} costs O(log n) (as the
   * file store's in-memory state does) instead of copying the whole immutable status on every plug
   * (O(n), which made an engine's plug slower the more interfaces it had). Guarded per network by
   * the map's {@code compute} lock; {@link #load} copies under the same lock.
   */
  private final ConcurrentHashMap<String, MutableStatus> statuses = new ConcurrentHashMap<>();
  private volatile boolean closed;

  /** An empty store. */
  public InMemoryStatusStore() {}

  @Override
  public Optional<NetworkStatus> load(String network) {
    check(network);
    NetworkStatus[] out = new NetworkStatus[1];
    statuses.computeIfPresent(network, (n, s) -> {
      out[0] = s.toStatus();
      return s;
    });
    return Optional.ofNullable(out[0]);
  }

  @Override
  public void save(NetworkStatus status) {
    check(status.network().value());
    statuses.put(status.network().value(), new MutableStatus(status));
  }

  @Override
  public void record(String network, StatusChange change) {
    check(network);
    Objects.requireNonNull(change, "change");
    // compute() applies the change atomically with respect to other writers of this network.
    MutableStatus updated = statuses.computeIfPresent(network, (n, s) -> {
      s.apply(change);
      return s;
    });
    if (updated == null) {
      throw new StatusStoreException("no status of network '" + network
          + "' in memory to record a change into; save one first");
    }
  }

  @Override
  public void delete(String network) {
    check(network);
    statuses.remove(network);
  }

  @Override
  public Set<String> networks() {
    checkOpen();
    return ImmutableSortedSet.copyOf(statuses.keySet());
  }

  @Override
  public void close() {
    closed = true;
  }

  private void check(String network) {
    NetworkName.of(network).value();
    checkOpen();
  }

  private void checkOpen() {
    if (closed) {
      throw new StatusStoreException("in-memory status store is closed");
    }
  }
}
