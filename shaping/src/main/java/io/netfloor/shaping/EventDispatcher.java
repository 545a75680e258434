// SPDX-License-Identifier: Apache-2.0
package io.netfloor.shaping;

import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.LongFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * A shaper's listeners and the single thread that tells them. {@link #publish} is called under the
 * shaper's lock, so the queue holds events in the order of the changes; it only enqueues, so a slow
 * listener never holds the lock. The thread ends after a while without events and is started again
 * by the next one, so an idle shaper holds no thread.
 */
final class EventDispatcher {
  private static final Logger log = LoggerFactory.getLogger(EventDispatcher.class);
  private static final long IDLE_SECONDS = 30;

  private final String network;
  private final CopyOnWriteArrayList<NetworkListener> listeners = new CopyOnWriteArrayList<>();
  private final ThreadPoolExecutor thread;
  /** Guarded by the shaper's lock, as {@link #publish} is. */
  private long sequence;

  EventDispatcher(String network) {
    this.network = network;
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
    thread.execute(() -> deliver(event, targets));
  }

  private void deliver(NetworkEvent event, Object[] targets) {
    MDC.put(NetworkShaper.MDC_NETWORK, network);
    try {
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
