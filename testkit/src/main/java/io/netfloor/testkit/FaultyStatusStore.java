// SPDX-License-Identifier: Apache-2.0
package io.netfloor.testkit;

import io.netfloor.model.NetworkStatus;
import io.netfloor.model.StatusChange;
import io.netfloor.spi.StatusStore;
import io.netfloor.spi.StatusStoreException;
import java.util.Optional;
import java.util.Set;

/**
 * A {@link StatusStore} that fails chosen writes, for testing what code does when its store fails:
 * writes ({@link #save}, {@link #saveIfChanged}, {@link #record}) are numbered from 0 in call
 * order, and those whose number is in the fault set throw {@link StatusStoreException} without
 * reaching the wrapped store (so the stored status is the one before the call, as the
 * {@code StatusStore} contract promises). Reads and deletes pass through. Thread-safe.
 */
public final class FaultyStatusStore implements StatusStore {
  private final StatusStore delegate;
  private final Set<Long> failAt;
  private long writeIndex;
  private int faults;
  private volatile boolean enabled = true;

  /**
   * @param delegate the store that the writes which do not fail reach
   * @param failAt the numbers of the writes to fail (0 is the first write)
   */
  public FaultyStatusStore(StatusStore delegate, Set<Long> failAt) {
    this.delegate = delegate;
    this.failAt = Set.copyOf(failAt);
  }

  /**
   * Turns fault injection on or off (on at first). Writes are numbered while it is off too, so a
   * fault set refers to the same calls whichever phases of a test run with faults.
   *
   * @param enabled true to fail the chosen writes, false to pass every call through
   */
  public void setEnabled(boolean enabled) {
    this.enabled = enabled;
  }

  /**
   * How many faults were injected so far.
   *
   * @return the number of injected failures
   */
  public synchronized int faults() {
    return faults;
  }

  /**
   * How many writes were attempted so far (failed ones included).
   *
   * @return the number of write calls, counted from 0 like the fault set
   */
  public synchronized long writes() {
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
  public synchronized void saveIfChanged(NetworkStatus status) {
    maybeFail("saveIfChanged");
    delegate.saveIfChanged(status);
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
