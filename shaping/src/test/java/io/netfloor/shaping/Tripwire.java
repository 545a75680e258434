// SPDX-License-Identifier: Apache-2.0
package io.netfloor.shaping;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.util.concurrent.atomic.AtomicBoolean;

/** Wraps an interface's implementation so that, once armed, any call fails the test. */
final class Tripwire {
  final AtomicBoolean armed = new AtomicBoolean();

  @SuppressWarnings("unchecked")
  <T> T wrap(Class<T> type, T delegate) {
    return (T) Proxy.newProxyInstance(type.getClassLoader(), new Class<?>[] {type},
        (proxy, method, args) -> {
          if (armed.get()) {
            throw new AssertionError(type.getSimpleName() + "." + method.getName()
                + " called while it must not be");
          }
          try {
            return method.invoke(delegate, args);
          } catch (InvocationTargetException e) {
            throw e.getCause();
          }
        });
  }
}
