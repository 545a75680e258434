// SPDX-License-Identifier: Apache-2.0
package io.netfloor.shaping;

import io.netfloor.model.FilterLayout;
import io.netfloor.model.HtbTree;
import io.netfloor.model.NetworkConfig;
import io.netfloor.model.TreeChange;
import java.util.function.Supplier;

/**
 * What a {@link ParkedPool} sees of its shaper, and nothing more: a tree that commits take effect
 * on, no kernel, no store, no lock (the test is the only thread); calls waiting for the lock as the
 * test says.
 */
final class TreeOnlyShaper implements ParkedPool.Shaper {
  final NetworkConfig config = NetworkShaperTest.config(FilterLayout.HASHED);
  HtbTree tree = HtbTree.empty(config);
  boolean callsWaiting;

  @Override
  public <T> T locked(Supplier<T> body) {
    return body.get();
  }

  @Override
  public boolean started() {
    return true;
  }

  @Override
  public NetworkConfig config() {
    return config;
  }

  @Override
  public HtbTree tree() {
    return tree;
  }

  @Override
  public void commit(String what, TreeChange change) {
    tree = change.tree();
  }

  @Override
  public void commitUnflushed(String what, TreeChange change) {
    tree = change.tree();
  }

  @Override
  public boolean callsWaiting() {
    return callsWaiting;
  }

  @Override
  public boolean lockWanted() {
    return false;
  }
}
