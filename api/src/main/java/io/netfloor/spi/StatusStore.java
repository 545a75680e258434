// SPDX-License-Identifier: Apache-2.0
package io.netfloor.spi;

import io.netfloor.model.NetworkStatus;
import io.netfloor.model.StatusChange;
import java.util.Optional;
import java.util.Set;

/**
 * Keeps each network's {@link NetworkStatus} across restarts and crashes of the host application.
 *
 * <p>Contract: when {@link #save} or {@link #record} returns, the change is durable (it survives a
 * crash of the process and of the host); when it throws, the stored status is the one before the
 * call. {@link #load} never silently returns an empty or reset status for one it cannot read: it
 * throws {@link StatusStoreException} naming what is wrong.
 *
 * <p>Implementations are safe to use from several threads; calls for the same network are
 * serialised by the caller (the engine holds a per-network lock).
 */
public interface StatusStore extends AutoCloseable {

  /**
   * The stored status of {@code network}, or empty when none was ever saved (or it was deleted).
   *
   * @param network the network's name
   * @return the status, or empty when none is stored
   * @throws StatusStoreException if a stored status exists but cannot be read (I/O error, corrupt
   *     or newer format, unsafe permissions)
   */
  Optional<NetworkStatus> load(String network);

  /**
   * Replaces the whole status of {@code status.network()}.
   *
   * @param status the complete status; its {@link NetworkStatus#network()} names the network
   * @throws StatusStoreException if it cannot be stored durably; the stored status is then
   *     unchanged
   */
  void save(NetworkStatus status);

  /**
   * Makes the store hold exactly {@code status}, as {@link #save} does, but lets an implementation
   * skip the write when it already holds exactly that status and has nothing to tidy up (a store
   * with a journal still compacts it when its own compaction policy says so). Same durability
   * contract as {@link #save}: when it returns, {@code status} is what a later {@link #load} gives.
   * The engine calls it after a reconcile, which usually finds everything in place. The default
   * simply saves.
   *
   * @param status the complete status
   * @throws StatusStoreException if it cannot be stored durably; the stored status is then
   *     unchanged
   */
  default void saveIfChanged(NetworkStatus status) {
    save(status);
  }

  /**
   * Applies one incremental change to the stored status of {@code network}; its cost must not grow
   * with the number of interfaces.
   *
   * @param network the network's name
   * @param change the change, one of the records of a
   *     {@link io.netfloor.model.TreeChange#records() TreeChange}
   * @throws StatusStoreException also when no status of {@code network} exists
   * @throws StatusStoreException if it cannot be recorded durably; the stored status is then
   *     unchanged
   */
  void record(String network, StatusChange change);

  /**
   * Applies {@code change} as {@link #record} does, but may return before it is durable: the change
   * is durable once {@link Pending#awaitDurable()} of the result returns. Lets a caller append under
   * its own lock and wait for the disk outside it, so that concurrent callers share one flush (group
   * commit). Changes of one network become durable in the order they were appended. The default
   * records (durably) and returns an already durable result.
   *
   * @param network the network's name
   * @param change the change, as for {@link #record}
   * @return the appended change, to wait on for durability
   * @throws StatusStoreException as {@link #record}; nothing was appended then
   */
  default Pending append(String network, StatusChange change) {
    record(network, change);
    return Pending.DURABLE;
  }

  /** A change {@link #append appended}, durable once {@link #awaitDurable()} returns. */
  @FunctionalInterface
  interface Pending {
    /** A change that is already durable. */
    Pending DURABLE = () -> { };

    /**
     * Returns once the change is durable.
     *
     * @throws StatusStoreException if it could not be made durable: the change, and every change
     *     of the same network appended after it and not yet durable, may then be lost; the store
     *     reads the network from disk again before its next change
     */
    void awaitDurable();
  }

  /**
   * Forgets {@code network}'s status (network stopped). Deleting a missing one is not an error.
   *
   * @param network the network's name
   * @throws StatusStoreException if the status exists but cannot be deleted
   */
  void delete(String network);

  /**
   * Names of the networks with a stored status.
   *
   * @return the names, in no particular order; empty when nothing is stored
   * @throws StatusStoreException if the store cannot be listed
   */
  Set<String> networks();

  @Override
  void close();
}
