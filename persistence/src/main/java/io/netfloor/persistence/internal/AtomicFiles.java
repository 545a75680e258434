// SPDX-License-Identifier: Apache-2.0
package io.netfloor.persistence.internal;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Optional;
import java.util.Set;

/**
 * File operations with the durability the store promises.
 *
 * <p>Replacing a file: write a temporary file in the same directory (created {@code 0600}), fsync
 * it, rename it over the target (atomic on POSIX file systems: readers see the old or the new
 * bytes, never a mix), then fsync the directory so that the rename itself survives a power loss.
 */
public final class AtomicFiles {
  /** Mode 0600: status files hold nothing secret, but nobody else has business reading them. */
  public static final Set<PosixFilePermission> FILE_MODE = PosixFilePermissions.fromString("rw-------");
  public static final FileAttribute<Set<PosixFilePermission>> FILE_ATTR =
      PosixFilePermissions.asFileAttribute(FILE_MODE);

  private AtomicFiles() {}

  /** Atomically replaces (or creates) {@code target} with {@code content}, durably. */
  public static void replace(Path target, byte[] content) throws IOException {
    replace(target, content, content.length);
  }

  /**
   * Atomically replaces (or creates) {@code target} with {@code content} followed by zeros up to
   * {@code length} bytes, durably. The zeros are a hole in the file (nothing is written for them),
   * so the cost does not depend on {@code length}.
   */
  public static void replace(Path target, byte[] content, long length) throws IOException {
    if (length < content.length) {
      throw new IllegalArgumentException("length " + length + " < " + content.length);
    }
    Path dir = target.getParent();
    Path tmp = dir.resolve("." + target.getFileName() + ".tmp");
    Files.deleteIfExists(tmp); // left over by a crash in the middle of an earlier replace
    try (FileChannel ch = FileChannel.open(tmp, Set.of(StandardOpenOption.CREATE_NEW,
        StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS), FILE_ATTR)) {
      writeFully(ch, content, 0);
      if (length > content.length) {
        writeFully(ch, new byte[1], length - 1); // extends the file; the gap reads as zeros
      }
      ch.force(true);
    } catch (IOException | RuntimeException e) {
      Files.deleteIfExists(tmp);
      throw e;
    }
    Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    syncDirectory(dir);
  }

  /** Makes renames, creations and deletions in {@code dir} durable. */
  public static void syncDirectory(Path dir) throws IOException {
    try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
      ch.force(true);
    }
  }

  /** Writes all of {@code bytes} at {@code position}. */
  public static void writeFully(FileChannel ch, byte[] bytes, long position) throws IOException {
    ByteBuffer buf = ByteBuffer.wrap(bytes);
    long pos = position;
    while (buf.hasRemaining()) {
      pos += ch.write(buf, pos);
    }
  }

  /** The bytes of a regular file, or empty when it does not exist; never follows a symlink. */
  public static Optional<byte[]> readIfExists(Path file) throws IOException {
    Set<OpenOption> opts = Set.of(StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS);
    try (SeekableByteChannel ch = Files.newByteChannel(file, opts)) {
      if (!Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) {
        throw new IOException(file + " is not a regular file");
      }
      long size = ch.size();
      if (size > Integer.MAX_VALUE - 16) {
        throw new IOException(file + " is too large (" + size + " bytes)");
      }
      ByteBuffer buf = ByteBuffer.allocate((int) size);
      while (buf.hasRemaining() && ch.read(buf) >= 0) {
        // keep reading
      }
      if (buf.hasRemaining()) {
        throw new IOException(file + " shrank while being read");
      }
      return Optional.of(buf.array());
    } catch (NoSuchFileException e) {
      return Optional.empty();
    }
  }
}
