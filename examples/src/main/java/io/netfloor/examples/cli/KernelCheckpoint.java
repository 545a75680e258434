// SPDX-License-Identifier: Apache-2.0
package io.netfloor.examples.cli;

import io.netfloor.model.KernelPlacement;
import io.netfloor.model.NetworkStatus;
import io.netfloor.spi.ClassInfo;
import io.netfloor.spi.FilterInfo;
import io.netfloor.spi.KernelSnapshot;
import io.netfloor.spi.QdiscInfo;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.zip.CRC32;
import java.util.zip.CRC32C;

/**
 * What a CLI command that left the kernel and the store in agreement leaves for the next command,
 * so that the next one can skip the reconcile ({@code networks/.NAME.checkpoint.json}): the boot,
 * the namespace and bridge, the store's revision of the network, a checksum of the bridge's tree
 * as the kernel dumped it (qdiscs, classes and filters with every parameter, counters left out) and
 * where the tree sits on the bridge.
 *
 * <p>The rule: a {@code plug}, {@code unplug}, {@code update} or {@code resize} reconciles unless
 * the checkpoint is from this boot, for the same namespace and bridge, the store's revision is
 * the recorded one (no change since, by anyone) and the bridge's tree dumps to the recorded
 * checksum (nothing added, removed or changed by hand, the bridge not recreated), and neither an
 * interface has a device of its own nor the network an outbound limit (their shaping may live on
 * devices the dump of the bridge does not cover: a tap, an ifb). A command
 * removes the checkpoint before it changes anything and writes a new one only once it succeeded,
 * so a command that fails or dies leaves none. {@code start} and {@code reconcile} always
 * reconcile (and leave a checkpoint); {@code stop} removes it.
 *
 * <p>It is a cache of a proof: a missing, unreadable or foreign file means "reconcile". No fsync:
 * a machine crash starts a new boot, which invalidates every checkpoint anyway.
 */
final class KernelCheckpoint {
  private final Path file;
  private final String netns;
  private final String bridge;
  /** A network outbound limit may live on an ifb device, which the bridge's dump does not cover. */
  private final boolean outboundLimited;

  KernelCheckpoint(StateDir state, NetworkDefinition definition) {
    this.file = state.checkpointFile(definition.name());
    this.netns = definition.netns();
    this.bridge = definition.bridge();
    this.outboundLimited = definition.toConfig().bandwidth().outbound().isPresent();
  }

  /**
   * Where the network's tree sits, if the checkpoint proves the kernel and the store still agree
   * (see the class documentation); empty means "reconcile".
   *
   * @param revision the store's revision of the network now
   * @param status the stored status now
   * @param kernelNow dumps the bridge now (called only when everything else holds)
   */
  Optional<KernelPlacement> verify(Optional<String> revision, NetworkStatus status,
      java.util.function.Supplier<KernelSnapshot> kernelNow) {
    if (revision.isEmpty() || !Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)
        || outboundLimited
        || status.interfaces().values().stream().anyMatch(p -> p.device().isPresent())) {
      return Optional.empty();
    }
    try (InputStream in = Files.newInputStream(file, StandardOpenOption.READ,
        LinkOption.NOFOLLOW_LINKS)) {
      Map<String, Object> f = FlatJson.read(in);
      if (!Objects.equals(FlatJson.string(f, "bootId"), ProbeCache.bootId())
          || !Objects.equals(FlatJson.string(f, "netns"), netns)
          || !Objects.equals(FlatJson.string(f, "bridge"), bridge)
          || !Objects.equals(FlatJson.string(f, "revision"), revision.get())) {
        return Optional.empty();
      }
      KernelPlacement placement = new KernelPlacement(Boolean.TRUE.equals(f.get("ownsRootQdisc")),
          Math.toIntExact((Long) f.get("filterPrio")), Math.toIntExact((Long) f.get("rootTableId")));
      String digest = FlatJson.string(f, "kernelDigest");
      return digest != null && digest.equals(digest(kernelNow.get())) ? Optional.of(placement)
          : Optional.empty();
    } catch (IOException | RuntimeException e) {
      return Optional.empty(); // damaged, foreign, or the bridge cannot be read: reconcile
    }
  }

  /**
   * Removes the checkpoint before anything changes.
   *
   * @throws CliException if it cannot be removed (a later command could otherwise trust it)
   */
  void remove() {
    try {
      Files.deleteIfExists(file);
    } catch (IOException e) {
      throw new CliException(ExitCodes.FAILED, "cannot remove " + file + ": " + e);
    }
  }

  /**
   * Records that the kernel and the store agree now: {@code revision} of the store, the bridge's
   * tree as {@code kernelNow} dumped it, the tree's {@code placement}. A failure to write only
   * means the next command reconciles.
   */
  void write(String revision, KernelSnapshot kernelNow, KernelPlacement placement) {
    Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
    Map<String, Object> f = new LinkedHashMap<>();
    f.put("bootId", ProbeCache.bootId());
    f.put("netns", netns);
    f.put("bridge", bridge);
    f.put("revision", revision);
    f.put("kernelDigest", digest(kernelNow));
    f.put("ownsRootQdisc", placement.ownsRootQdisc());
    f.put("filterPrio", placement.filterPrio());
    f.put("rootTableId", placement.rootTableId());
    try {
      Files.deleteIfExists(tmp);
      Files.createFile(tmp,
          PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
      Files.write(tmp, FlatJson.write(f), StandardOpenOption.WRITE,
          StandardOpenOption.TRUNCATE_EXISTING, LinkOption.NOFOLLOW_LINKS);
      try {
        Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } catch (AtomicMoveNotSupportedException ex) {
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
      }
    } catch (IOException | RuntimeException e) {
      try {
        Files.deleteIfExists(tmp);
      } catch (IOException ignored) {
        // the next command reconciles
      }
    }
  }

  /**
   * A checksum of the bridge's tree as dumped: every qdisc, class and filter with all its
   * parameters, counters left out (they change with traffic), in a fixed order, and their number.
   */
  static String digest(KernelSnapshot snapshot) {
    // every component but the counters, written out: a record's generated toString is linked
    // through method handles on first use, which each command would pay
    List<String> lines = new ArrayList<>();
    for (QdiscInfo q : snapshot.qdiscs()) {
      lines.add(line("q", q.device(), q.handle(), q.parent(), q.kind(), q.htbDefaultClassMinor(),
          q.htbRateToQuantum(), q.leafLimit()));
    }
    for (ClassInfo c : snapshot.classes()) {
      lines.add(line("c", c.device(), c.classId(), c.parent(), c.rate(), c.ceil(),
          c.bufferTicks(), c.cbufferTicks(), c.quantumBytes(), c.prio(), c.level(),
          c.leafQdisc()));
    }
    for (FilterInfo f : snapshot.filters()) {
      lines.add(line("f", f.device(), f.parent(), f.prio(), f.protocol(), f.kind(), f.handle(),
          f.classId(), f.linkHtid(), f.divisor(), f.selectorFlags(), f.hashOffset(),
          f.hashMask(), f.keys(), f.actions(), f.chain()));
    }
    lines.sort(null);
    // two independent 32-bit checksums: no security provider to load (a command's start-up), and
    // a hand edit that keeps both is not a concern (this detects changes, it does not authenticate)
    CRC32 crc = new CRC32();
    CRC32C crcC = new CRC32C();
    for (String line : lines) {
      byte[] b = (line + "\n").getBytes(StandardCharsets.UTF_8);
      crc.update(b);
      crcC.update(b);
    }
    return String.format("%08x%08x-%d", crc.getValue(), crcC.getValue(), lines.size());
  }

  private static String line(String kind, Object... fields) {
    StringBuilder b = new StringBuilder(kind);
    for (Object f : fields) {
      b.append(' ').append(f);
    }
    return b.toString();
  }
}
