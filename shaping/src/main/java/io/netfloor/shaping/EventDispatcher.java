// SPDX-License-Identifier: Apache-2.0
package io.netfloor.shaping;

import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.LongFunction;
import java.util.function.Supplier;
import io.netfloor.spi.StatusStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * A shaper's listeners and the single thread that tells them. {@link #publish} is called under the
 * shaper's lock, so the queue holds events in the order of the changes; it only enqueues, so a slow
 * listener never holds the lock. The thread first waits until the event's change is durable (the
 * store flushes after the shaper's lock is released, shared by concurrent changes). The thread ends after a while without events and is started again
 * by the next one, so an idle shaper holds no thread.
 */
final class EventDispatcher {
  private static final Logger log = LoggerFactory.getLogger(EventDispatcher.class);
  private static final long IDLE_SECONDS = 30;

  private final String network;
  private final CopyOnWriteArrayList<NetworkListener> listeners = new CopyOnWriteArrayList<>();
  private final ThreadPoolExecutor thread;
  /** Under the shaper's lock: what an event published now must wait for (its change's record). */
  private final Supplier<StatusStore.Pending> durability;
  /** Guarded by the shaper's lock, as {@link #publish} is. */
  private long sequence;

  EventDispatcher(String network, Supplier<StatusStore.Pending> durability) {
    this.network = network;
    this.durability = durability;
    this.thread = new ThreadPoolExecutor(1, 1, IDLE_SECONDS, TimeUnit.SECONDS,
        new LinkedBlockingQueue<>(), r -> {
          Thread t = new Thread(r, "netfloor-events-" + network);
          t.setDaemon(true);
          return t;
        });
    thread.allowCoreThreadTimeOut(true);
  }

  void add(NetworkListener listener) {
    listeners.add(java.util.Objects.requireNonNull(listener, "listener"));
  }

  boolean remove(NetworkListener listener) {
    return listeners.remove(listener);
  }

  /** Queues the event {@code make} builds from the next sequence number; nothing without listeners. */
  void publish(LongFunction<NetworkEvent> make) {
    if (listeners.isEmpty()) {
      return;
    }
    NetworkEvent event = make.apply(++sequence);
    Object[] targets = listeners.toArray();
    StatusStore.Pending gate = durability.get();
    thread.execute(() -> deliver(event, targets, gate));
  }

  private void deliver(NetworkEvent event, Object[] targets, StatusStore.Pending gate) {
    MDC.put(NetworkShaper.MDC_NETWORK, network);
    try {
      try {
        gate.awaitDurable(); // one thread, in publishing order: order is kept
      } catch (RuntimeException notDurable) {
        // the change was rolled back and its caller told; listeners hear of the reconcile instead
        log.debug("event {} of network {} not delivered: its change did not become durable ({})",
            event.getClass().getSimpleName(), network, notDurable.toString());
        return;
      }
      for (Object l : targets) {
        try {
          ((NetworkListener) l).onEvent(event);
        } catch (RuntimeException | Error e) {
          if (e instanceof VirtualMachineError) {
            throw e;
          }
          log.warn("listener {} of network {} failed on event {} ({}); the other listeners are"
              + " still told", l, network, event.getClass().getSimpleName(), e.toString(), e);
        }
      }
    } finally {
      MDC.remove(NetworkShaper.MDC_NETWORK);
    }
  }
}
