// SPDX-License-Identifier: Apache-2.0
package io.netfloor.testing;

import java.lang.reflect.AnnotatedElement;
import java.util.Optional;
import net.jqwik.api.GenerationMode;
import net.jqwik.api.lifecycle.AroundPropertyHook;
import net.jqwik.api.lifecycle.PropagationMode;
import net.jqwik.api.lifecycle.PropertyAttributes;
import net.jqwik.api.lifecycle.PropertyExecutionResult;
import net.jqwik.api.lifecycle.PropertyExecutor;
import net.jqwik.api.lifecycle.PropertyLifecycleContext;

/**
 * Under mutation testing (PIT runs the covering tests once per mutant), caps every property's
 * tries, even those a property sets itself, and fixes the seed of properties that set none, so
 * that a run is tractable and two runs kill the same mutants. Inactive unless the system property
 * {@value #MAX_TRIES} is set; the {@code pit} Maven profile sets it. Registered globally through
 * {@code META-INF/services/net.jqwik.api.lifecycle.LifecycleHook}.
 *
 * <p>jqwik's own {@code jqwik.tries.default} is not enough: it does not apply to a property that
 * names its tries. Exhaustive properties keep theirs: fewer tries than values fails them.
 */
public final class MutationTestingTries implements AroundPropertyHook {
  /** System property: the most tries any property makes. */
  public static final String MAX_TRIES = "netfloor.jqwik.maxTries";
  /** System property: the seed of every property that does not fix its own. */
  public static final String SEED = "netfloor.jqwik.seed";

  @Override
  public PropagationMode propagateTo() {
    return PropagationMode.ALL_DESCENDANTS;
  }

  @Override
  public boolean appliesTo(Optional<AnnotatedElement> element) {
    return true;
  }

  @Override
  public PropertyExecutionResult aroundProperty(
      PropertyLifecycleContext context, PropertyExecutor property) {
    Integer maxTries = Integer.getInteger(MAX_TRIES);
    PropertyAttributes attributes = context.attributes();
    if (maxTries != null
        && attributes.generation().orElse(GenerationMode.AUTO) != GenerationMode.EXHAUSTIVE
        && attributes.tries().orElse(Integer.MAX_VALUE) > maxTries) {
      attributes.setTries(maxTries);
    }
    String seed = System.getProperty(SEED);
    if (seed != null && attributes.seed().filter(s -> !s.isEmpty()).isEmpty()) {
      attributes.setSeed(seed);
    }
    return property.execute();
  }
}
