// SPDX-License-Identifier: Apache-2.0
package io.netfloor.examples.cli;

import io.netfloor.plan.LeafQdiscKind;
import io.netfloor.spi.KernelCapabilities;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * The kernel's capabilities as the backend last probed them for a network, kept beside the
 * network's record ({@code networks/.NAME.kernel.json}): the probe builds a throwaway namespace
 * and tries qdiscs, actions and an ifb, which costs a CLI command more than its own work, and its
 * answer changes only with the kernel. The entry holds the boot id and kernel release it was probed
 * under and is used only while both are unchanged (a reboot, a new kernel or a module loaded for
 * it is a new boot); {@code start} and {@code reconcile} always probe afresh.
 *
 * <p>It is a cache: a missing, unreadable or foreign entry means "probe"; nothing else reads it.
 */
final class ProbeCache {
  private static final Path BOOT_ID = Path.of("/proc/sys/kernel/random/boot_id");
  private static final Path RELEASE = Path.of("/proc/sys/kernel/osrelease");

  /** One probe result and what it is valid for. */
  record Entry(String bootId, String kernelRelease, String netns, Set<String> leafQdiscs,
      boolean police, boolean mirred, boolean ifb) {
    static Entry of(Map<String, Object> f) throws IOException {
      Object leaves = f.get("leafQdiscs");
      Set<String> kinds = new TreeSet<>();
      if (leaves instanceof List<?> list) {
        list.forEach(k -> kinds.add(String.valueOf(k)));
      } else {
        throw new IOException("no leafQdiscs");
      }
      return new Entry(FlatJson.string(f, "bootId"), FlatJson.string(f, "kernelRelease"),
          FlatJson.string(f, "netns"), kinds, Boolean.TRUE.equals(f.get("police")),
          Boolean.TRUE.equals(f.get("mirred")), Boolean.TRUE.equals(f.get("ifb")));
    }

    Map<String, Object> toFields() {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("bootId", bootId);
      m.put("kernelRelease", kernelRelease);
      m.put("netns", netns);
      m.put("leafQdiscs", List.copyOf(leafQdiscs));
      m.put("police", police);
      m.put("mirred", mirred);
      m.put("ifb", ifb);
      return m;
    }

    KernelCapabilities capabilities() {
      Set<LeafQdiscKind> kinds = EnumSet.noneOf(LeafQdiscKind.class);
      for (String k : leafQdiscs) {
        kinds.add(LeafQdiscKind.valueOf(k));
      }
      return new KernelCapabilities(kinds, police, mirred, ifb);
    }
  }

  private final StateDir state;
  private final String network;
  private final String netns;

  ProbeCache(StateDir state, String network, String netns) {
    this.state = state;
    this.network = network;
    this.netns = netns;
  }

  /** The cached capabilities, if an entry exists for this boot, kernel and namespace. */
  Optional<KernelCapabilities> read() {
    Path file = state.probeFile(network);
    if (!Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) {
      return Optional.empty();
    }
    try (InputStream in = Files.newInputStream(file, StandardOpenOption.READ,
        LinkOption.NOFOLLOW_LINKS)) {
      Entry e = Entry.of(FlatJson.read(in));
      if (!Objects.equals(e.bootId(), bootId())
          || !Objects.equals(e.kernelRelease(), kernelRelease())
          || !Objects.equals(e.netns(), netns) || e.leafQdiscs() == null) {
        return Optional.empty();
      }
      return Optional.of(e.capabilities());
    } catch (IOException | RuntimeException e) {
      return Optional.empty(); // a damaged entry is probed again
    }
  }

  /**
   * Remembers {@code caps} for this boot (written atomically, mode 0600); a failure to write only
   * means the next command probes again.
   */
  void write(KernelCapabilities caps) {
    Path file = state.probeFile(network);
    Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
    Entry e = new Entry(bootId(), kernelRelease(), netns, caps.leafQdiscs().stream()
        .map(Enum::name).collect(java.util.stream.Collectors.toCollection(TreeSet::new)),
        caps.police(), caps.mirred(), caps.ifb());
    try {
      Files.deleteIfExists(tmp);
      Files.createFile(tmp,
          PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
      Files.write(tmp, FlatJson.write(e.toFields()), StandardOpenOption.WRITE,
          StandardOpenOption.TRUNCATE_EXISTING, LinkOption.NOFOLLOW_LINKS);
      try {
        Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } catch (AtomicMoveNotSupportedException ex) {
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
      }
    } catch (IOException ex) {
      try {
        Files.deleteIfExists(tmp);
      } catch (IOException ignored) {
        // the next command probes again
      }
    }
  }

  static String bootId() {
    return readLine(BOOT_ID);
  }

  static String kernelRelease() {
    return readLine(RELEASE);
  }

  private static String readLine(Path p) {
    try {
      List<String> lines = Files.readAllLines(p);
      return lines.isEmpty() ? "" : lines.get(0).strip();
    } catch (IOException e) {
      return "unknown";
    }
  }
}
