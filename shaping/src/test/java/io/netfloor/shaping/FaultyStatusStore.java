// SPDX-License-Identifier: Apache-2.0
package io.netfloor.shaping;

import io.netfloor.spi.NetworkStatus;
import io.netfloor.spi.StatusChange;
import io.netfloor.spi.StatusStore;
import io.netfloor.spi.StatusStoreException;
import java.util.Optional;
import java.util.Set;

/** Wraps a {@link StatusStore} and fails the writes (save/record) whose index is in {@code failAt}. */
final class FaultyStatusStore implements StatusStore {
  private final StatusStore delegate;
  private final Set<Long> failAt;
  private long writeIndex;
  int faults;
  /** Faults are injected only while this is true. */
  volatile boolean enabled = true;

  FaultyStatusStore(StatusStore delegate, Set<Long> failAt) {
    this.delegate = delegate;
    this.failAt = failAt;
  }

  /** Writes (saves and records) that reached this store, failed or not. */
  long writes() {
    return writeIndex;
  }

  private void maybeFail(String what) {
    if (failAt.contains(writeIndex++) && enabled) {
      faults++;
      throw new StatusStoreException("injected store fault on " + what);
    }
  }

  @Override
  public Optional<NetworkStatus> load(String network) {
    return delegate.load(network);
  }

  @Override
  public synchronized void save(NetworkStatus status) {
    maybeFail("save");
    delegate.save(status);
  }

  @Override
  public synchronized void record(String network, StatusChange change) {
    maybeFail("record " + change);
    delegate.record(network, change);
  }

  @Override
  public void delete(String network) {
    delegate.delete(network);
  }

  @Override
  public Set<String> networks() {
    return delegate.networks();
  }

  @Override
  public void close() {
    delegate.close();
  }
}
