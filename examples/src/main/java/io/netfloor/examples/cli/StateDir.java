// SPDX-License-Identifier: Apache-2.0
package io.netfloor.examples.cli;

import io.netfloor.model.NetworkConfig;
import io.netfloor.model.NetworkName;
import io.netfloor.persistence.SafeDirectory;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The CLI's state directory: {@code networks/NAME.json} holds each network's
 * {@link NetworkDefinition} (written by {@code start}, removed by {@code stop}), {@code status/} is
 * the library's {@code FileStatusStore} (which interface holds which class, crash-safe).
 *
 * <p>Every one of these directories that exists must pass {@link SafeDirectory#check} (a real
 * directory of the current user that nobody else can write) before the CLI reads anything: whoever
 * can replace {@code networks/} chooses which bridge, in which namespace, root shapes next.
 * {@link #check} is run by every command first; a record is never read through a symbolic link.
 */
final class StateDir {

  private final Path root;
  /** The directories this invocation created, top-most first. */
  private final List<Path> created = new ArrayList<>();

  StateDir(Path root) {
    this.root = root;
  }

  Path root() {
    return root;
  }

  Path statusDirectory() {
    return root.resolve("status");
  }

  Path networksDirectory() {
    return root.resolve("networks");
  }

  /** Where {@code network}'s record is (it may not exist). */
  Path definitionFile(String network) {
    NetworkName.of(network).value();
    return networksDirectory().resolve(network + ".json");
  }

  /**
   * Where the kernel capabilities probed for {@code network} are cached ({@link ProbeCache}): a
   * hidden file beside its record (a network name never starts with a dot).
   */
  Path probeFile(String network) {
    NetworkName.of(network).value();
    return networksDirectory().resolve("." + network + ".kernel.json");
  }

  /**
   * Where the last command's proof that kernel and store agree is kept for {@code network}
   * ({@link KernelCheckpoint}), beside its record.
   */
  Path checkpointFile(String network) {
    NetworkName.of(network).value();
    return networksDirectory().resolve("." + network + ".checkpoint.json");
  }

  /**
   * Refuses a state directory, {@code networks/} or {@code status/} that exists but is unsafe (a
   * symbolic link, another owner, writable by group or others, under a directory others can
   * change), naming the path; nothing is read or changed before.
   *
   * @throws io.netfloor.spi.StatusStoreException naming the path (exit code 1)
   */
  StateDir check() {
    if (SafeDirectory.exists(root)) {
      SafeDirectory.check(root, "state directory");
      for (Path sub : List.of(networksDirectory(), statusDirectory())) {
        if (SafeDirectory.exists(sub)) {
          SafeDirectory.check(sub, "state directory");
        }
      }
    }
    return this;
  }

  /** Creates the directory and {@code networks/} and {@code status/} (0700) when missing. */
  void create() {
    for (Path p : List.of(root, networksDirectory(), statusDirectory())) {
      created.addAll(SafeDirectory.createOrCheck(p, "state directory"));
    }
  }

  /**
   * Removes the directories this invocation created, deepest first, when they hold nothing but the
   * status store's lock file: what a refused or failed {@code start} leaves is then what it found.
   * A directory something else was put in meanwhile stays.
   */
  void removeCreated() {
    for (int i = created.size() - 1; i >= 0; i--) {
      Path dir = created.get(i);
      try {
        Path lock = dir.resolve(".lock");
        if (dir.equals(statusDirectory()) && Files.isRegularFile(lock, LinkOption.NOFOLLOW_LINKS)) {
          try (var entries = Files.list(dir)) {
            if (entries.allMatch(lock::equals)) {
              Files.delete(lock);
            }
          }
        }
        Files.delete(dir);
      } catch (DirectoryNotEmptyException e) {
        // something else lives there now
      } catch (IOException e) {
        // best effort: the command's own error is what matters
      }
    }
    created.clear();
  }

  /**
   * The definition of {@code network}, if {@code start} wrote one.
   *
   * @throws CliException (exit 1) naming the file when it is not a regular file or not a valid
   *     record of this network
   */
  Optional<NetworkDefinition> read(String network) {
    Path file = definitionFile(network);
    if (!SafeDirectory.exists(file)) {
      return Optional.empty();
    }
    if (!Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) {
      throw new CliException(ExitCodes.FAILED, file + " is not a regular file (a symbolic link?);"
          + " refusing to read the record of network '" + network + "' from it");
    }
    NetworkDefinition def;
    try (InputStream in = Files.newInputStream(file, StandardOpenOption.READ,
        LinkOption.NOFOLLOW_LINKS)) {
      def = NetworkDefinition.fromFields(FlatJson.read(in));
    } catch (IOException e) {
      throw new CliException(ExitCodes.FAILED, "cannot read " + file + ": " + e.getMessage());
    }
    if (def == null || !network.equals(def.name())) {
      throw new CliException(ExitCodes.FAILED, file + " is not the record of network '" + network
          + "'" + (def == null ? "" : " but of '" + def.name() + "'") + " (renamed by hand?)");
    }
    try {
      def.toConfig();
    } catch (RuntimeException e) {
      throw new CliException(ExitCodes.FAILED, file + " holds an invalid record of network '"
          + network + "': " + e.getMessage());
    }
    return Optional.of(def);
  }

  /** The definition of {@code network}, or a one-line error telling how to start it. */
  NetworkDefinition require(String network) {
    return read(network).orElseThrow(() -> new CliException(ExitCodes.FAILED, "network '"
        + network + "' is not started (no " + definitionFile(network) + "); run 'netfloor start"
        + " --network " + network + " --bridge BRIDGE --average RATE' first, with the same"
        + " --state-dir"));
  }

  /** Writes the definition atomically (temporary file, rename), mode 0600. */
  void write(NetworkDefinition def) {
    create();
    Path file = definitionFile(def.name());
    Path tmp = file.resolveSibling("." + def.name() + ".json.tmp");
    try {
      Files.deleteIfExists(tmp);
      Files.createFile(tmp,
          PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
      Files.write(tmp, FlatJson.write(def.toFields()),
          StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING,
          LinkOption.NOFOLLOW_LINKS);
      try {
        Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
      }
    } catch (IOException e) {
      throw new CliException(ExitCodes.FAILED, "cannot write " + file + ": " + e);
    }
  }

  /** Forgets {@code network}: its record, its cached probe result and its checkpoint. */
  void delete(String network) {
    Path file = definitionFile(network);
    try {
      Files.deleteIfExists(checkpointFile(network));
      Files.deleteIfExists(probeFile(network));
      Files.deleteIfExists(file);
    } catch (IOException e) {
      throw new CliException(ExitCodes.FAILED, "cannot delete " + file + ": " + e);
    }
  }
}
