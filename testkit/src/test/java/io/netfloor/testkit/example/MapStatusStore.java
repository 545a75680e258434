// SPDX-License-Identifier: Apache-2.0
package io.netfloor.testkit.example;

import io.netfloor.model.NetworkStatus;
import io.netfloor.model.StatusChange;
import io.netfloor.spi.StatusRecordCodec;
import io.netfloor.spi.StatusStore;
import io.netfloor.spi.StatusStoreException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** A status store over a map (as a key-value store would hold it): a snapshot, then changes. */
public record MapStatusStore(Map<String, List<byte[]>> records) implements StatusStore {
  @Override
  public synchronized Optional<NetworkStatus> load(String network) {
    List<byte[]> r = records.get(network);
    if (r == null) {
      return Optional.empty();
    }
    NetworkStatus status = StatusRecordCodec.decodeStatus(r.get(0));
    for (byte[] change : r.subList(1, r.size())) {
      status = StatusRecordCodec.decodeChange(change).applyTo(status);
    }
    return Optional.of(status);
  }

  @Override
  public synchronized void save(NetworkStatus status) {
    records.put(status.network().value(),
        new ArrayList<>(List.of(StatusRecordCodec.encodeStatus(status))));
  }

  @Override
  public synchronized void record(String network, StatusChange change) {
    List<byte[]> r = records.get(network);
    if (r == null) {
      throw new StatusStoreException("no status of network '" + network + "' to record into");
    }
    r.add(StatusRecordCodec.encodeChange(change));
  }

  @Override
  public synchronized void delete(String network) {
    records.remove(network);
  }

  @Override
  public synchronized Set<String> networks() {
    return Set.copyOf(records.keySet());
  }

  @Override
  public void close() {}
}
