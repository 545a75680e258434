// SPDX-License-Identifier: Apache-2.0
package io.netfloor.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netfloor.model.Bandwidth;
import io.netfloor.model.HtbTree;
import io.netfloor.model.Limits;
import io.netfloor.model.NetworkConfig;
import io.netfloor.model.NetworkName;
import io.netfloor.model.NetworkStatus;
import io.netfloor.model.PluggedInterface;
import io.netfloor.model.StatusChange;
import io.netfloor.model.TreeChange;
import io.netfloor.plan.U32Handle;
import io.netfloor.spi.StatusStore;
import io.netfloor.spi.StatusStoreException;
import io.netfloor.units.InterfaceName;
import io.netfloor.units.MacAddress;
import io.netfloor.units.Rate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Predicate;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.constraints.Size;
import net.jqwik.api.state.Action;
import net.jqwik.api.state.ActionChain;
import net.jqwik.api.state.Transformer;
import net.jqwik.api.statistics.Statistics;
import org.junit.jupiter.api.Test;

/**
 * What every {@link StatusStore} must do, as tests: extend this class in your test sources,
 * implement {@link #newStorage()}, and JUnit 5 and jqwik run the contract against your store.
 *
 * <ul>
 *   <li><b>Durable on return</b>: a fresh instance over the same storage loads what an earlier
 *       one saved or recorded, even when that one was abandoned without a clean shutdown.
 *   <li><b>Unchanged on throw</b>: a refused call (recording for a network that has no status)
 *       throws {@link StatusStoreException} and leaves every stored status as it was.
 *   <li><b>Restart equivalence</b>: a saved status plus the changes recorded since equals what a
 *       load gives, in the same instance and in a fresh one; random sequences of
 *       save/record/delete/restart agree with a model ({@link StatusChange#applyTo}).
 *   <li><b>A network's life</b> (jqwik stateful): a store that follows a network through random
 *       plugs, unplugs, updates, MAC changes, parks and releases drawn from its current tree
 *       ({@link FittingTreeOperations}), recording each change's own records
 *       ({@link io.netfloor.model.TreeChange#records}) one by one, with snapshots and restarts
 *       in between, loads after every record a status that
 *       restores a valid tree, and after every step exactly the tree's status.
 *   <li><b>Bookkeeping</b>: {@link StatusStore#networks()} names exactly the networks with a
 *       status; {@link StatusStore#delete} forgets one, durably, and deleting a missing one is not
 *       an error; {@link StatusStore#saveIfChanged} holds exactly the status given.
 * </ul>
 */
public abstract class StatusStoreContract {
  private static final List<String> NETWORKS = List.of("n1", "n2");

  /**
   * Where a store keeps its statuses (a directory, a database, a map), empty at first. Each test
   * makes its own and closes it at the end.
   */
  public interface Storage extends AutoCloseable {
    /**
     * A new store instance over this storage. The contract opens one, uses it, {@link #abandon
     * abandons} it and opens another to check what survived.
     *
     * @return a store over this storage, open for use
     */
    StatusStore open();

    /**
     * Lets go of {@code store} as a crash of the process would: whatever the store did not make
     * durable before its calls returned must not be saved now. The default closes it, which is
     * right for a store whose {@code close} only releases locks and handles; override it when
     * {@code close} flushes data.
     *
     * @param store a store returned by {@link #open()}
     */
    default void abandon(StatusStore store) {
      store.close();
    }

    /** Discards the storage (deletes the directory, drops the tables). */
    @Override
    default void close() throws Exception {}
  }

  /**
   * Empty storage for one test (or one try of a property).
   *
   * @return storage holding no network
   * @throws Exception if the storage cannot be created
   */
  protected abstract Storage newStorage() throws Exception;

  // ---------------------------------------------------------------- fixed cases

  private static PluggedInterface vm(int i, int floorMbit) {
    return new PluggedInterface("vm" + i + "-net0",
        MacAddress.parse(String.format("52:54:00:00:00:%02x", i)),
        new Bandwidth(Optional.of(Limits.floorOnly(Rate.ofMegabits(floorMbit))), Optional.empty()),
        2 + i, Optional.of(U32Handle.of(0x800, 0, 0x800 + i)), Optional.empty());
  }

  private static NetworkStatus status(String network, int interfaces) {
    NetworkStatus s = NetworkStatus.empty(NetworkName.of(network), InterfaceName.of("br-" + network));
    for (int i = 1; i <= interfaces; i++) {
      s = s.withInterface(vm(i, i));
    }
    return s.withParked(List.of(40, 41), true);
  }

  @Test
  void anEmptyStoreHoldsNoNetwork() throws Exception {
    try (Storage storage = newStorage(); StatusStore store = storage.open()) {
      assertThat(store.networks()).isEmpty();
      assertThat(store.load("n1")).isEmpty();
    }
  }

  @Test
  void aSavedStatusIsDurableOnReturn() throws Exception {
    NetworkStatus saved = status("n1", 3);
    try (Storage storage = newStorage()) {
      StatusStore first = storage.open();
      first.save(saved);
      assertThat(first.load("n1")).contains(saved);
      storage.abandon(first);
      try (StatusStore fresh = storage.open()) {
        assertThat(fresh.load("n1")).as("a fresh instance after save").contains(saved);
        assertThat(fresh.networks()).containsExactly("n1");
      }
    }
  }

  @Test
  void recordedChangesAreDurableOnReturn() throws Exception {
    NetworkStatus saved = status("n1", 2);
    List<StatusChange> changes = List.of(new StatusChange.InterfaceSet(vm(7, 7)),
        new StatusChange.InterfaceRemoved(vm(1, 1).alias()),
        new StatusChange.ClassesUnparked(new java.util.TreeSet<>(List.of(40))),
        new StatusChange.ClassesParked(new java.util.TreeSet<>(List.of(50, 51))));
    NetworkStatus expected = saved;
    try (Storage storage = newStorage()) {
      StatusStore first = storage.open();
      first.save(saved);
      for (StatusChange c : changes) {
        first.record("n1", c);
        expected = c.applyTo(expected);
      }
      assertThat(first.load("n1")).contains(expected);
      storage.abandon(first);
      try (StatusStore fresh = storage.open()) {
        assertThat(fresh.load("n1")).as("save + records, after a restart").contains(expected);
      }
    }
  }

  @Test
  void recordingForANetworkWithoutStatusThrowsAndChangesNothing() throws Exception {
    NetworkStatus saved = status("n1", 1);
    try (Storage storage = newStorage()) {
      StatusStore first = storage.open();
      first.save(saved);
      assertThatThrownBy(() -> first.record("n2", new StatusChange.InterfaceSet(vm(2, 2))))
          .isInstanceOf(StatusStoreException.class);
      assertThat(first.load("n2")).isEmpty();
      assertThat(first.load("n1")).contains(saved);
      assertThat(first.networks()).containsExactly("n1");
      storage.abandon(first);
      try (StatusStore fresh = storage.open()) {
        assertThat(fresh.load("n1")).contains(saved);
        assertThat(fresh.networks()).containsExactly("n1");
      }
    }
  }

  @Test
  void saveReplacesTheWholeStatus() throws Exception {
    try (Storage storage = newStorage(); StatusStore store = storage.open()) {
      store.save(status("n1", 3));
      store.record("n1", new StatusChange.InterfaceSet(vm(9, 9)));
      NetworkStatus replacement = status("n1", 1);
      store.save(replacement);
      assertThat(store.load("n1")).contains(replacement);
    }
  }

  @Test
  void saveIfChangedHoldsExactlyTheGivenStatus() throws Exception {
    NetworkStatus saved = status("n1", 2);
    NetworkStatus changed = saved.withInterface(vm(5, 5));
    try (Storage storage = newStorage()) {
      StatusStore first = storage.open();
      first.saveIfChanged(saved);
      first.saveIfChanged(saved);
      assertThat(first.load("n1")).contains(saved);
      first.record("n1", new StatusChange.InterfaceSet(vm(5, 5)));
      first.saveIfChanged(changed);
      first.saveIfChanged(saved);
      storage.abandon(first);
      try (StatusStore fresh = storage.open()) {
        assertThat(fresh.load("n1")).contains(saved);
      }
    }
  }

  @Test
  void networksNamesEveryStoredStatusAndDeleteForgetsOneDurably() throws Exception {
    try (Storage storage = newStorage()) {
      StatusStore first = storage.open();
      first.save(status("n1", 1));
      first.save(status("n2", 2));
      first.save(status("n3", 0));
      assertThat(first.networks()).containsExactlyInAnyOrder("n1", "n2", "n3");
      first.delete("n2");
      assertThatCode(() -> first.delete("n2")).as("deleting a missing network")
          .doesNotThrowAnyException();
      assertThatCode(() -> first.delete("never-saved")).doesNotThrowAnyException();
      assertThat(first.networks()).containsExactlyInAnyOrder("n1", "n3");
      assertThat(first.load("n2")).isEmpty();
      assertThatThrownBy(() -> first.record("n2", new StatusChange.InterfaceRemoved("vm1-net0")))
          .as("recording for a deleted network").isInstanceOf(StatusStoreException.class);
      storage.abandon(first);
      try (StatusStore fresh = storage.open()) {
        assertThat(fresh.networks()).containsExactlyInAnyOrder("n1", "n3");
        assertThat(fresh.load("n2")).isEmpty();
        assertThat(fresh.load("n1")).contains(status("n1", 1));
        fresh.save(status("n2", 4));
        assertThat(fresh.load("n2")).as("saved again after a delete").contains(status("n2", 4));
      }
    }
  }

  // ---------------------------------------------------------------- model-based

  /** One step of a random sequence. */
  public sealed interface StoreStep {
    /** {@link StatusStore#save}. */
    record Save(NetworkStatus status) implements StoreStep {}

    /** {@link StatusStore#record}. */
    record Record(String network, StatusChange change) implements StoreStep {}

    /** {@link StatusStore#delete}. */
    record Delete(String network) implements StoreStep {}

    /** Abandon the instance and open a fresh one over the same storage. */
    record Restart() implements StoreStep {}
  }

  @Provide
  Arbitrary<List<StoreStep>> storeSteps() {
    Arbitrary<String> nets = Arbitraries.of(NETWORKS);
    Arbitrary<StoreStep> step = Arbitraries.frequencyOf(
        Tuple.of(2, nets.flatMap(NetFloorArbitraries::networkStatuses).map(StoreStep.Save::new)),
        Tuple.of(10, Combinators.combine(nets, NetFloorArbitraries.statusChanges())
            .as(StoreStep.Record::new)),
        Tuple.of(1, nets.map(StoreStep.Delete::new)),
        Tuple.of(2, Arbitraries.just(new StoreStep.Restart())));
    return step.list().ofMaxSize(25);
  }

  /**
   * Random sequences of save/record/delete/restart: after each step every network loads what the
   * model holds (the last saved status with the changes recorded since applied), a refused record
   * changes nothing, and a fresh instance at the end sees the same.
   */
  @Property(tries = 60)
  void randomSequencesAgreeWithTheModel(@ForAll("storeSteps") @Size(max = 25) List<StoreStep> steps)
      throws Exception {
    Map<String, NetworkStatus> model = new HashMap<>();
    try (Storage storage = newStorage()) {
      StatusStore store = storage.open();
      try {
        for (StoreStep step : steps) {
          if (step instanceof StoreStep.Save s) {
            store.save(s.status());
            model.put(s.status().network().value(), s.status());
          } else if (step instanceof StoreStep.Record r) {
            NetworkStatus before = model.get(r.network());
            if (before == null) {
              StatusStore refusing = store;
              assertThatThrownBy(() -> refusing.record(r.network(), r.change()))
                  .as("record for network %s, which has no status", r.network())
                  .isInstanceOf(StatusStoreException.class);
            } else {
              store.record(r.network(), r.change());
              model.put(r.network(), r.change().applyTo(before));
            }
          } else if (step instanceof StoreStep.Delete d) {
            store.delete(d.network());
            model.remove(d.network());
          } else {
            storage.abandon(store);
            store = storage.open();
          }
          for (String n : NETWORKS) {
            assertThat(store.load(n)).as("network %s after %s", n, step)
                .isEqualTo(Optional.ofNullable(model.get(n)));
          }
          assertThat(store.networks()).as("networks after %s", step).isEqualTo(model.keySet());
        }
      } finally {
        storage.abandon(store);
      }
      try (StatusStore fresh = storage.open()) {
        for (String n : NETWORKS) {
          assertThat(fresh.load(n)).as("network %s in a fresh instance", n)
              .isEqualTo(Optional.ofNullable(model.get(n)));
        }
      }
    }
  }

  // ---------------------------------------------------------------- stateful: a network's life

  /** The store under test, following one network, and the tree it must hold the status of. */
  static final class FollowedNetwork {
    final Storage storage;
    final NetworkConfig config;
    StatusStore store;
    HtbTree tree;

    FollowedNetwork(Storage storage, NetworkConfig config) {
      this.storage = storage;
      this.config = config;
      this.store = storage.open();
      this.tree = HtbTree.start(config).tree();
      store.save(NetworkStatus.of(tree));
    }

    /**
     * Records the operation's status changes one by one; after each, the stored status (a prefix
     * of the change's records, as a crash could leave it) restores a valid tree.
     */
    void change(String kind, TreeOperation op) {
      TreeChange change = op.applyTo(tree);
      tree = change.tree();
      for (StatusChange c : change.records()) {
        store.record(config.name().value(), c);
        NetworkStatus prefix = store.load(config.name().value()).orElseThrow();
        assertThatCode(() -> prefix.toTree(config)).as("status after recording %s of %s", c, op)
            .doesNotThrowAnyException();
      }
      count(kind, "accepted");
    }

    void snapshot() {
      store.saveIfChanged(NetworkStatus.of(tree));
      count("snapshot", "accepted");
    }

    void restart() {
      storage.abandon(store);
      store = storage.open();
      count("restart", "accepted");
    }

    /** Stop and start again: the status is deleted and the tree's status saved anew. */
    void deleteAndSaveAgain() {
      store.delete(config.name().value());
      assertThat(store.load(config.name().value())).isEmpty();
      store.save(NetworkStatus.of(tree));
      count("delete+save", "accepted");
    }

    /** A record for a network the store has no status of is refused and changes nothing. */
    void recordForAnUnknownNetwork(StatusChange change) {
      assertThatThrownBy(() -> store.record(UNKNOWN_NETWORK, change))
          .isInstanceOf(StatusStoreException.class);
      count("refused record", "refused");
    }

    void holdsTheTreesStatus() {
      NetworkStatus expected = NetworkStatus.of(tree);
      assertThat(store.load(config.name().value())).contains(expected);
      assertThat(store.networks()).containsExactly(config.name().value());
      assertThat(store.load(config.name().value()).orElseThrow().toTree(config)).isEqualTo(tree);
    }

    private static void count(String kind, String outcome) {
      Statistics.label("store step").collect(kind);
      Statistics.label("store outcome").collect(outcome);
    }

    @Override
    public String toString() {
      return "network with " + tree.interfaces().size() + " interfaces";
    }
  }

  private static final String UNKNOWN_NETWORK = "never-saved";

  private static Action.Dependent<FollowedNetwork> treeStep(String kind,
      Predicate<HtbTree> applies, Function<HtbTree, Arbitrary<TreeOperation>> operations) {
    return FittingTreeOperations.action(n -> n.tree, applies, operations, "",
        (n, op) -> n.change(kind, op));
  }

  private final List<FollowedNetwork> followed = new ArrayList<>();

  @Provide
  Arbitrary<ActionChain<FollowedNetwork>> networkLives() {
    return NetFloorArbitraries.networkConfigs().flatMap(config ->
        ActionChain.<FollowedNetwork>startWith(() -> {
          try {
            FollowedNetwork n = new FollowedNetwork(newStorage(), config);
            followed.add(n);
            return n;
          } catch (Exception e) {
            throw new IllegalStateException("cannot create storage", e);
          }
        })
            .withAction(6, treeStep("plug", FittingTreeOperations::canPlug,
                FittingTreeOperations::plug))
            .withAction(3, treeStep("unplug", FittingTreeOperations::canUnplug,
                FittingTreeOperations::unplug))
            .withAction(3, treeStep("update", FittingTreeOperations::canUnplug,
                FittingTreeOperations::update))
            .withAction(1, treeStep("changeMac", FittingTreeOperations::canUnplug,
                FittingTreeOperations::changeMac))
            .withAction(1, treeStep("park", t -> true, FittingTreeOperations::park))
            .withAction(1, treeStep("releaseParked", FittingTreeOperations::canRelease,
                FittingTreeOperations::releaseParked))
            .withAction(1, Action.just("snapshot", Transformer.mutate("snapshot",
                FollowedNetwork::snapshot)))
            .withAction(1, Action.just("restart", Transformer.mutate("restart",
                FollowedNetwork::restart)))
            .withAction(1, Action.just("delete+save", Transformer.mutate("delete and save again",
                FollowedNetwork::deleteAndSaveAgain)))
            .withAction(1, (Action.Independent<FollowedNetwork>) () ->
                NetFloorArbitraries.singleStatusChanges().map(c -> Transformer.mutate(
                    "record for an unknown network", f -> f.recordForAnUnknownNetwork(c))))
            .withMaxTransformations(25));
  }

  /**
   * jqwik stateful: the store follows a network through steps drawn from its current state, so
   * nearly every step is a real change (statistics show it, coverage asserts at least 80 %
   * accepted and every kind of step), and holds exactly the tree's status after each step.
   *
   * @param chain the steps
   * @throws Exception if the storage cannot be discarded
   */
  @Property(tries = 25)
  void aStoreFollowingANetworkHoldsItsStatusAfterEveryStep(
      @ForAll("networkLives") ActionChain<FollowedNetwork> chain) throws Exception {
    try {
      chain.withInvariant("the store holds the tree's status", FollowedNetwork::holdsTheTreesStatus)
          .run();
    } finally {
      for (FollowedNetwork n : followed) {
        n.storage.abandon(n.store);
        n.storage.close();
      }
      followed.clear();
    }
    Statistics.label("store outcome").coverage(c -> c.check("accepted")
        .percentage(p -> p >= 80.0));
    Statistics.label("store step").coverage(c -> {
      for (String kind : List.of("plug", "unplug", "update", "changeMac", "park", "releaseParked",
          "snapshot", "restart", "delete+save", "refused record")) {
        c.check(kind).count(n -> n > 0);
      }
    });
  }
}
