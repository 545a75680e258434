// SPDX-License-Identifier: Apache-2.0
package io.netfloor.shaping;

import io.netfloor.plan.Plan;
import io.netfloor.spi.ForwardingTrafficControl;
import io.netfloor.spi.TrafficControl;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** Wraps a {@link TrafficControl} and keeps every plan applied through it, in order. */
final class RecordingTrafficControl extends ForwardingTrafficControl {
  final List<Plan> plans = new CopyOnWriteArrayList<>();

  RecordingTrafficControl(TrafficControl delegate) {
    super(delegate);
  }

  @Override
  public void apply(Plan plan) {
    super.apply(plan);
    plans.add(plan);
  }

  /** The plans applied since the {@code from}-th. */
  List<Plan> since(int from) {
    return new ArrayList<>(plans.subList(from, plans.size()));
  }
}
