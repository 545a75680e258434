// SPDX-License-Identifier: Apache-2.0
package io.netfloor.persistence;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netfloor.persistence.internal.AtomicFiles;
import io.netfloor.spi.StatusStoreException;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Files that are not what the store wrote, in its place: a directory, a link, a file too large to
 * be a status. Each is refused with a {@link StatusStoreException} naming it, and read only as far
 * as needed to tell.
 */
class HostileFilesTest {
  @TempDir Path tmp;

  private Path writeSmall() {
    Path dir = tmp.resolve("store");
    try (FileStatusStore store = FileStatusStore.open(dir)) {
      store.save(FileStatusStoreTest.small());
      store.record("default", FileStatusStoreTest.FIRST);
    }
    return dir;
  }

  @Test
  void aDirectoryInPlaceOfAFileIsRefusedNamingIt() throws IOException {
    Path dir = writeSmall();
    for (String name : List.of("default.status", "default.journal", "networks.index")) {
      Path file = dir.resolve(name);
      byte[] saved = Files.readAllBytes(file);
      Files.delete(file);
      Files.createDirectory(file);
      try (FileStatusStore store = FileStatusStore.openReadOnly(dir)) {
        assertThatThrownBy(() -> {
          store.load("default");
          store.networks();
        }).as(name)
            .isInstanceOf(StatusStoreException.class)
            .hasMessageContaining("cannot read " + file)
            .hasMessageContaining("is not a regular file");
      }
      Files.delete(file);
      Files.write(file, saved);
    }
    try (FileStatusStore store = FileStatusStore.open(dir)) {
      assertThat(store.load("default")).contains(FileStatusStoreTest.FIRST.applyTo(
          FileStatusStoreTest.small()));
    }
  }

  /** A sparse file of 2 GiB costs no disk, and must not cost 2 GiB of memory either. */
  @Test
  void aFileTooLargeToBeAStatusIsRefusedUnread() throws IOException {
    Path dir = writeSmall();
    Path snapshot = dir.resolve("default.status");
    try (RandomAccessFile f = new RandomAccessFile(snapshot.toFile(), "rw")) {
      f.setLength(Integer.MAX_VALUE - 15L);
    }
    try (FileStatusStore store = FileStatusStore.openReadOnly(dir)) {
      assertThatThrownBy(() -> store.load("default")).isInstanceOf(StatusStoreException.class)
          .hasMessageContaining(snapshot + " is too large (" + (Integer.MAX_VALUE - 15L)
              + " bytes)");
    } finally {
      Files.delete(snapshot);
    }
  }

  /** A temporary file left by a crash in the middle of a replacement does not stop the next one. */
  @Test
  void aReplacementOverALeftoverTemporaryFileSucceeds() throws IOException {
    Path target = tmp.resolve("file");
    Files.writeString(tmp.resolve(".file.tmp"), "half of an earlier write");
    AtomicFiles.replace(target, "new".getBytes(StandardCharsets.US_ASCII), 8);
    assertThat(Files.readAllBytes(target)).containsExactly('n', 'e', 'w', 0, 0, 0, 0, 0);
    assertThat(tmp.resolve(".file.tmp")).doesNotExist();
    AtomicFiles.replace(target, "exact".getBytes(StandardCharsets.US_ASCII));
    assertThat(Files.readString(target)).isEqualTo("exact");
    assertThatThrownBy(() -> AtomicFiles.replace(target, new byte[3], 2))
        .isInstanceOf(IllegalArgumentException.class);
    assertThat(Files.readString(target)).isEqualTo("exact");
  }
}
