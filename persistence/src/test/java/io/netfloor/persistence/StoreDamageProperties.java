// SPDX-License-Identifier: Apache-2.0
package io.netfloor.persistence;

import static org.assertj.core.api.Assertions.assertThat;

import io.netfloor.model.NetworkStatus;
import io.netfloor.model.StatusChange;
import io.netfloor.spi.StatusStoreException;
import io.netfloor.testkit.NetFloorArbitraries;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.stream.Stream;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.statistics.Statistics;

/**
 * For any sequence of acknowledged changes ({@code save}, {@code record}) and any single damage to
 * the store's files (a file deleted, cut at any offset, any byte changed, a file replaced by a
 * symbolic link to a copy of itself), a store opened read-only and one opened for writing each
 * either load exactly the acknowledged statuses or fail with a {@link StatusStoreException} naming
 * the damaged file. A network never saved loads as empty or fails the same way.
 *
 * <p>A cut at the very end of a file is no damage at all: the status loads exactly. A cut at a
 * journal's record boundary is not: the journal's length is fixed, so the cut is seen. The
 * read-only store changes no byte of the directory; after a load that succeeded, the store opened
 * for writing takes one more record and a fresh store reads every status back.
 */
class StoreDamageProperties {
  private static final String NET = "n";
  private static final String OTHER = "m";

  sealed interface Ack permits Save, Record {}

  record Save(NetworkStatus status) implements Ack {}

  record Record(String network, StatusChange change) implements Ack {}

  enum Kind { DELETE, TRUNCATE, CHANGE_BYTE, SYMLINK }

  /** Which file: network n's (or, when it was saved, m's) journal or snapshot, the index, the lock. */
  enum Target { JOURNAL, SNAPSHOT, OTHER_JOURNAL, OTHER_SNAPSHOT, INDEX, LOCK }

  /**
   * Where in the file: anywhere; where its data is (before its trailing zeros, or just after); or
   * at the edge of its data (its last byte, the byte after it, the end of the file), where the only
   * harmless damages are.
   */
  enum Where { ANYWHERE, NEAR_DATA, DATA_EDGE }

  /**
   * One damage to {@code target} at the offset {@code offsetSeed} picks in {@code where}; a changed
   * byte is XORed with {@code xor}.
   */
  record Damage(Kind kind, Target target, Where where, int offsetSeed, int xor) {}

  @Provide
  Arbitrary<List<Ack>> histories() {
    Arbitrary<Ack> later = Arbitraries.frequencyOf(
        Tuple.of(1, NetFloorArbitraries.networkStatuses(NET).map(s -> (Ack) new Save(s))),
        Tuple.of(8, NetFloorArbitraries.statusChanges().map(c -> (Ack) new Record(NET, c))),
        Tuple.of(1, NetFloorArbitraries.statusChanges().map(c -> (Ack) new Record(OTHER, c))));
    return Combinators.combine(NetFloorArbitraries.networkStatuses(NET),
        NetFloorArbitraries.networkStatuses(OTHER).optional(),
        later.list().ofMaxSize(20)).as((first, other, rest) -> {
          List<Ack> all = new ArrayList<>();
          all.add(new Save(first));
          other.ifPresent(o -> all.add(new Save(o)));
          all.addAll(rest);
          return all;
        });
  }

  @Provide
  Arbitrary<Damage> damages() {
    Arbitrary<Target> targets = Arbitraries.frequency(Tuple.of(8, Target.JOURNAL),
        Tuple.of(5, Target.SNAPSHOT), Tuple.of(1, Target.OTHER_JOURNAL),
        Tuple.of(1, Target.OTHER_SNAPSHOT), Tuple.of(3, Target.INDEX), Tuple.of(1, Target.LOCK));
    Arbitrary<Where> wheres = Arbitraries.frequency(Tuple.of(2, Where.ANYWHERE),
        Tuple.of(5, Where.NEAR_DATA), Tuple.of(3, Where.DATA_EDGE));
    Arbitrary<Kind> kinds = Arbitraries.frequency(Tuple.of(4, Kind.CHANGE_BYTE),
        Tuple.of(3, Kind.TRUNCATE), Tuple.of(2, Kind.DELETE), Tuple.of(1, Kind.SYMLINK));
    return Combinators.combine(kinds, targets, wheres,
        Arbitraries.integers().between(0, Integer.MAX_VALUE), Arbitraries.integers().between(1, 255))
        .as(Damage::new);
  }

  @Provide
  Arbitrary<FileStatusStore.Compaction> compactions() {
    return Arbitraries.of(new FileStatusStore.Compaction(0, 0.01),
        new FileStatusStore.Compaction(600, 0.5), FileStatusStore.Compaction.DEFAULT);
  }

  @Property(tries = 300)
  void anySingleDamageRestoresTheAcknowledgedStatusOrIsReportedNamingTheFile(
      @ForAll("histories") List<Ack> history, @ForAll("damages") Damage damage,
      @ForAll("compactions") FileStatusStore.Compaction compaction) throws IOException {
    Path tmp = TempDirs.create();
    Path dir = tmp.resolve("store");
    try {
      Map<String, NetworkStatus> acknowledged = new TreeMap<>();
      try (FileStatusStore store = FileStatusStore.open(dir, compaction)) {
        for (Ack ack : history) {
          if (ack instanceof Save s) {
            store.save(s.status());
            acknowledged.put(s.status().network().value(), s.status());
          } else if (ack instanceof Record r && acknowledged.containsKey(r.network())) {
            store.record(r.network(), r.change());
            acknowledged.put(r.network(), r.change().applyTo(acknowledged.get(r.network())));
          }
        }
      }
      Path damaged = damage(dir, tmp, damage);

      Map<Path, String> before = contents(dir);
      boolean readOnlyLoaded =
          check(acknowledged, damaged, () -> FileStatusStore.openReadOnly(dir), false);
      assertThat(contents(dir)).as("the read-only store changed nothing")
          .containsExactlyInAnyOrderEntriesOf(before);

      boolean loaded = check(acknowledged, damaged, () -> FileStatusStore.open(dir, compaction), true);
      Statistics.label("damaged file").collect(damaged.getFileName().toString());
      Statistics.label("outcome").collect(damage.kind() + (loaded ? " loaded exactly"
          : " reported"));
      Statistics.label("loaded").collect(loaded);
      Statistics.label("loaded").coverage(c -> {
        c.check(true).percentage(p -> p > 5);
        c.check(false).percentage(p -> p > 30);
      });
      Statistics.label("read-only agrees").collect(readOnlyLoaded == loaded);
      if (loaded) {
        // what loaded is also what a fresh store reads, after one more record
        try (FileStatusStore again = FileStatusStore.open(dir, compaction)) {
          for (String n : acknowledged.keySet()) {
            assertThat(again.load(n)).as("network %s after the repair", n)
                .contains(acknowledged.get(n));
          }
        }
      }
    } finally {
      TempDirs.deleteRecursively(tmp);
    }
  }

  /**
   * Opens a store and loads every network; true when everything loaded (exactly as acknowledged),
   * false when a {@link StatusStoreException} named {@code damaged}.
   */
  private static boolean check(Map<String, NetworkStatus> acknowledged, Path damaged,
      java.util.function.Supplier<FileStatusStore> opener, boolean writable) {
    try (FileStatusStore store = opener.get()) {
      for (String n : List.of(NET, OTHER, "never-saved")) {
        assertThat(store.load(n)).as("network %s", n)
            .isEqualTo(Optional.ofNullable(acknowledged.get(n)));
      }
      if (writable) {
        StatusChange one = new StatusChange.InterfaceRemoved("nobody");
        store.record(NET, one);
        acknowledged.put(NET, one.applyTo(acknowledged.get(NET)));
        assertThat(store.load(NET)).contains(acknowledged.get(NET));
      }
      return true;
    } catch (StatusStoreException e) {
      assertThat(e.getMessage()).as("the error names the damaged file").contains(damaged.toString());
      return false;
    }
  }

  /** Applies {@code d} to one of the store's files (all of which exist); returns that file. */
  private static Path damage(Path dir, Path outside, Damage d) throws IOException {
    String other = Files.exists(dir.resolve(OTHER + ".status")) ? OTHER : NET;
    Path file = dir.resolve(switch (d.target()) {
      case JOURNAL -> NET + ".journal";
      case SNAPSHOT -> NET + ".status";
      case OTHER_JOURNAL -> other + ".journal";
      case OTHER_SNAPSHOT -> other + ".status";
      case INDEX -> "networks.index";
      case LOCK -> ".lock";
    });
    byte[] bytes = Files.readAllBytes(file);
    switch (d.kind()) {
      case DELETE -> Files.delete(file);
      case TRUNCATE -> {
        long at = offset(bytes, d, bytes.length + 1);
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE,
            LinkOption.NOFOLLOW_LINKS)) {
          ch.truncate(at);
        }
      }
      case CHANGE_BYTE -> {
        if (bytes.length > 0) {
          int at = (int) offset(bytes, d, bytes.length);
          bytes[at] = (byte) (bytes[at] ^ d.xor());
          Files.write(file, bytes);
        }
      }
      case SYMLINK -> {
        Path copy = outside.resolve("copy-of-" + file.getFileName());
        Files.move(file, copy);
        Files.createSymbolicLink(file, copy);
      }
      default -> throw new IllegalStateException();
    }
    return file;
  }

  /** An offset below {@code bound} (the file's length, or one more for a cut), per {@code d.where}. */
  private static long offset(byte[] bytes, Damage d, int bound) {
    int data = bytes.length;
    while (data > 0 && bytes[data - 1] == 0) {
      data--;
    }
    long at = switch (d.where()) {
      case ANYWHERE -> d.offsetSeed() % bound;
      case NEAR_DATA -> d.offsetSeed() % Math.min(bound, data + 3);
      case DATA_EDGE -> new long[] {data - 1L, data, data + 1L, bytes.length}[d.offsetSeed() % 4];
    };
    return Math.max(0, Math.min(at, bound - 1));
  }

  /** Per file: its modification time and bytes (a link: where it points). */
  private static Map<Path, String> contents(Path dir) {
    Map<Path, String> out = new TreeMap<>();
    try (Stream<Path> s = Files.list(dir)) {
      for (Path p : s.toList()) {
        out.put(p, Files.isSymbolicLink(p) ? "-> " + Files.readSymbolicLink(p)
            : Files.getLastModifiedTime(p, LinkOption.NOFOLLOW_LINKS) + " "
                + new String(Files.readAllBytes(p), java.nio.charset.StandardCharsets.ISO_8859_1));
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out;
  }
}
