// SPDX-License-Identifier: Apache-2.0
package io.netfloor.testkit;

import io.netfloor.model.HtbTree;
import io.netfloor.model.PluggedInterface;
import io.netfloor.units.Rate;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.BiConsumer;
import java.util.function.Function;
import java.util.function.Predicate;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Tuple;
import net.jqwik.api.state.Action;
import net.jqwik.api.state.Transformer;

/**
 * Generators of {@link TreeOperation}s chosen for a given {@link HtbTree}, for jqwik's stateful
 * testing ({@code net.jqwik.api.state.Action.Dependent}): each picks what fits the tree's state
 * (a plug takes a free alias, a free MAC address and a floor within the remaining capacity; an
 * unplug takes a plugged alias…), so the tree accepts it, where {@link
 * NetFloorArbitraries#treeOperation()} draws blindly and is often refused. {@link #refused} draws
 * operations the tree must refuse.
 *
 * <p>Aliases are {@code vm0}…{@code vm23} ({@link #ALIASES}), their devices {@code tap0}…
 * {@code tap23}; MAC numbers are 0 to 299 ({@link TreeOperation#macOf}); floors and own averages
 * are whole Mbit/s. Each method returns an arbitrary only when the operation applies (check
 * {@link #canUnplug} and the like first, as an action's precondition).
 */
public final class FittingTreeOperations {
  /** How many aliases the operations use: {@code vm0} to {@code vm<ALIASES-1>}. */
  public static final int ALIASES = 24;
  private static final int MACS = 300;
  private static final long MBIT = 1_000_000;

  private FittingTreeOperations() {}

  /**
   * Whether {@link #plug} has a free alias to plug.
   *
   * @param tree the tree's current state
   * @return true when fewer than {@link #ALIASES} interfaces are plugged
   */
  public static boolean canPlug(HtbTree tree) {
    return tree.interfaces().size() < ALIASES;
  }

  /**
   * Whether an interface is plugged ({@link #unplug}, {@link #update}, {@link #changeMac}).
   *
   * @param tree the tree's current state
   * @return true when at least one interface is plugged
   */
  public static boolean canUnplug(HtbTree tree) {
    return !tree.interfaces().isEmpty();
  }

  /**
   * Whether a class is parked ({@link #releaseParked}).
   *
   * @param tree the tree's current state
   * @return true when at least one class is parked
   */
  public static boolean canRelease(HtbTree tree) {
    return !tree.parkedClassIds().isEmpty();
  }

  /**
   * Plugs of a free alias with a free MAC address, sometimes with its own device, with a floor
   * that fits the remaining capacity (none when less than 1 Mbit/s is left).
   *
   * @param tree the tree's current state, with a free alias ({@link #canPlug})
   * @return an arbitrary of plugs the tree accepts
   */
  public static Arbitrary<TreeOperation> plug(HtbTree tree) {
    return Combinators.combine(Arbitraries.of(freeAliases(tree)), freeMac(tree),
            floorWithin(remainingMbit(tree)), ownPeakMbit(), Arbitraries.of(true, false))
        .as(TreeOperation.Plug::new);
  }

  /**
   * Unplugs of a plugged alias.
   *
   * @param tree the tree's current state, with an interface plugged ({@link #canUnplug})
   * @return an arbitrary of unplugs the tree accepts
   */
  public static Arbitrary<TreeOperation> unplug(HtbTree tree) {
    return Arbitraries.of(pluggedAliases(tree)).map(TreeOperation.Unplug::new);
  }

  /**
   * Updates of a plugged alias to a floor that fits what the others leave (its own floor counts
   * as free).
   *
   * @param tree the tree's current state, with an interface plugged ({@link #canUnplug})
   * @return an arbitrary of updates the tree accepts
   */
  public static Arbitrary<TreeOperation> update(HtbTree tree) {
    return Arbitraries.of(pluggedAliases(tree)).flatMap(alias -> {
      long own = floorMbit(tree.interfaces().get(TreeOperation.aliasOf(alias)));
      return Combinators.combine(floorWithin(remainingMbit(tree) + own), ownPeakMbit())
          .as((floor, peak) -> new TreeOperation.Update(alias, floor, peak));
    });
  }

  /**
   * MAC changes of a plugged alias to a free MAC address.
   *
   * @param tree the tree's current state, with an interface plugged ({@link #canUnplug})
   * @return an arbitrary of MAC changes the tree accepts
   */
  public static Arbitrary<TreeOperation> changeMac(HtbTree tree) {
    return Combinators.combine(Arbitraries.of(pluggedAliases(tree)), freeMac(tree))
        .as(TreeOperation.ChangeMac::new);
  }

  /**
   * Parking of 1 to 3 classes.
   *
   * @param tree the tree's current state, of a network with inbound bandwidth
   * @return an arbitrary of parks the tree accepts
   */
  public static Arbitrary<TreeOperation> park(HtbTree tree) {
    return Arbitraries.integers().between(1, 3).map(TreeOperation.Park::new);
  }

  /**
   * Releases of 1 to all of the parked classes.
   *
   * @param tree the tree's current state, with a class parked ({@link #canRelease})
   * @return an arbitrary of releases the tree accepts
   */
  public static Arbitrary<TreeOperation> releaseParked(HtbTree tree) {
    return Arbitraries.integers().between(1, tree.parkedClassIds().size())
        .map(TreeOperation.ReleaseParked::new);
  }

  /**
   * A jqwik stateful action over any state that holds a tree: runs when {@code applies} holds for
   * the state's tree, draws its operation from that tree, and hands it to {@code apply}.
   *
   * @param <S> the state of the action chain
   * @param treeOf the state's current tree
   * @param applies whether the action can run on the tree (e.g. {@link #canUnplug})
   * @param operations the operations to draw from the tree (e.g. {@link #unplug})
   * @param description what the transformer is called, before the operation, e.g. "refused "
   * @param apply applies the drawn operation to the state (and checks what must hold)
   * @return the action
   */
  public static <S> Action.Dependent<S> action(Function<S, HtbTree> treeOf,
      Predicate<HtbTree> applies, Function<HtbTree, Arbitrary<TreeOperation>> operations,
      String description, BiConsumer<S, TreeOperation> apply) {
    return new Action.Dependent<>() {
      @Override
      public boolean precondition(S state) {
        return applies.test(treeOf.apply(state));
      }

      @Override
      public Arbitrary<Transformer<S>> transformer(S state) {
        return operations.apply(treeOf.apply(state)).map(op -> Transformer.mutate(
            description + op, s -> apply.accept(s, op)));
      }
    };
  }

  /**
   * Operations the tree must refuse: plugging an alias again or with another interface's MAC,
   * unplugging, updating or re-addressing an alias that is not plugged, a floor above what is left.
   *
   * @param tree the tree's current state
   * @return an arbitrary of operations the tree refuses
   */
  public static Arbitrary<TreeOperation> refused(HtbTree tree) {
    List<Arbitrary<TreeOperation>> choices = new ArrayList<>();
    List<Integer> free = freeAliases(tree);
    if (!free.isEmpty()) {
      Arbitrary<Integer> freeAlias = Arbitraries.of(free);
      choices.add(freeAlias.map(TreeOperation.Unplug::new));
      choices.add(Combinators.combine(freeAlias, floorWithin(10))
          .as((a, f) -> new TreeOperation.Update(a, f, 0)));
      choices.add(Combinators.combine(freeAlias, freeMac(tree))
          .as(TreeOperation.ChangeMac::new));
      long above = remainingMbit(tree) + 1;
      choices.add(Combinators.combine(freeAlias, freeMac(tree))
          .as((a, m) -> new TreeOperation.Plug(a, m, (int) above, 0, false)));
    }
    if (canUnplug(tree)) {
      Arbitrary<Integer> plugged = Arbitraries.of(pluggedAliases(tree));
      choices.add(Combinators.combine(plugged, freeMac(tree))
          .as((a, m) -> new TreeOperation.Plug(a, m, 0, 0, false)));
      if (!free.isEmpty()) {
        Arbitrary<Integer> usedMac = Arbitraries.of(usedMacs(tree));
        choices.add(Combinators.combine(Arbitraries.of(free), usedMac)
            .as((a, m) -> new TreeOperation.Plug(a, m, 0, 0, false)));
      }
    }
    return Arbitraries.oneOf(choices);
  }

  private static List<Integer> freeAliases(HtbTree tree) {
    List<Integer> out = new ArrayList<>();
    for (int i = 0; i < ALIASES; i++) {
      if (tree.find(TreeOperation.aliasOf(i)).isEmpty()) {
        out.add(i);
      }
    }
    return out;
  }

  private static List<Integer> pluggedAliases(HtbTree tree) {
    List<Integer> out = new ArrayList<>();
    for (int i = 0; i < ALIASES; i++) {
      if (tree.find(TreeOperation.aliasOf(i)).isPresent()) {
        out.add(i);
      }
    }
    return out;
  }

  private static List<Integer> usedMacs(HtbTree tree) {
    Set<Object> used = new HashSet<>();
    tree.interfaces().values().forEach(p -> used.add(p.mac()));
    List<Integer> out = new ArrayList<>();
    for (int m = 0; m < MACS; m++) {
      if (used.contains(TreeOperation.macOf(m))) {
        out.add(m);
      }
    }
    return out;
  }

  private static Arbitrary<Integer> freeMac(HtbTree tree) {
    Set<Object> used = new HashSet<>();
    tree.interfaces().values().forEach(p -> used.add(p.mac()));
    return Arbitraries.integers().between(0, MACS - 1)
        .filter(m -> !used.contains(TreeOperation.macOf(m)));
  }

  /** 0 (no floor) or a floor of 1 to {@code max} (at most 60) Mbit/s; 0 only when max is 0. */
  private static Arbitrary<Integer> floorWithin(long max) {
    int top = (int) Math.min(max, 60);
    return top < 1 ? Arbitraries.just(0) : Arbitraries.frequencyOf(
        Tuple.of(1, Arbitraries.just(0)),
        Tuple.of(1, Arbitraries.just(top)),
        Tuple.of(4, Arbitraries.integers().between(1, top)));
  }

  private static Arbitrary<Integer> ownPeakMbit() {
    return Arbitraries.oneOf(Arbitraries.just(0), Arbitraries.integers().between(1, 300));
  }

  private static long remainingMbit(HtbTree tree) {
    return tree.remainingCapacity().orElse(Rate.ZERO).bitsPerSecond() / MBIT;
  }

  private static long floorMbit(PluggedInterface p) {
    return p.bandwidth().floorOrZero().bitsPerSecond() / MBIT;
  }
}
