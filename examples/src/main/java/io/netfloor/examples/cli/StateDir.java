package io.netfloor.examples.cli;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.netfloor.model.NetworkConfig;
import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Optional;

/**
 * The CLI's state directory: {@code networks/NAME.json} holds each network's
 * {@link NetworkDefinition} (written by {@code start}, removed by {@code stop}), {@code status/} is
 * the library's {@code FileStatusStore} (which interface holds which class, crash-safe).
 */
final class StateDir {
  private static final ObjectMapper JSON = new ObjectMapper()
      .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

  private final Path root;

  StateDir(Path root) {
    this.root = root;
  }

  Path statusDirectory() {
    return root.resolve("status");
  }

  private Path definitionFile(String network) {
    NetworkConfig.checkName(network);
    return root.resolve("networks").resolve(network + ".json");
  }

  /** Creates the directory (0700) when missing. */
  void create() {
    try {
      for (Path p : new Path[] {root, root.resolve("networks")}) {
        if (!Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
          Files.createDirectories(p,
              PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        }
      }
    } catch (IOException e) {
      throw new CliException(ExitCodes.FAILED, "cannot create state directory " + root + ": " + e);
    }
  }

  /** The definition of {@code network}, if {@code start} wrote one. */
  Optional<NetworkDefinition> read(String network) {
    Path file = definitionFile(network);
    if (!Files.exists(file)) {
      return Optional.empty();
    }
    try {
      return Optional.of(JSON.readValue(file.toFile(), NetworkDefinition.class));
    } catch (IOException e) {
      throw new CliException(ExitCodes.FAILED, "cannot read " + file + ": " + e.getMessage());
    }
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
      Files.write(tmp, JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(def));
      try {
        Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
      }
    } catch (IOException e) {
      throw new CliException(ExitCodes.FAILED, "cannot write " + file + ": " + e);
    }
  }

  void delete(String network) {
    Path file = definitionFile(network);
    try {
      Files.deleteIfExists(file);
    } catch (IOException e) {
      throw new CliException(ExitCodes.FAILED, "cannot delete " + file + ": " + e);
    }
  }
}
