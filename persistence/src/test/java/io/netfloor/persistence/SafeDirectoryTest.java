// SPDX-License-Identifier: Apache-2.0
package io.netfloor.persistence;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.netfloor.spi.StatusStoreException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Which state directories {@link SafeDirectory} accepts, and that it names what it refuses. */
class SafeDirectoryTest {
  @TempDir Path tmp;

  @Test
  void createsMissingDirectories0700AndSaysWhichItCreated() throws IOException {
    Path deep = tmp.resolve("a/b/c");
    List<Path> created = SafeDirectory.createOrCheck(deep, "state directory");
    assertThat(created).containsExactly(tmp.resolve("a"), tmp.resolve("a/b"), deep);
    for (Path p : created) {
      assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(p)))
          .isEqualTo("rwx------");
    }
    assertThat(SafeDirectory.createOrCheck(deep, "state directory")).isEmpty();
  }

  @Test
  void aSymbolicLinkIsRefusedEvenToASafeDirectory() throws IOException {
    Path real = Files.createDirectory(tmp.resolve("real"));
    Path link = Files.createSymbolicLink(tmp.resolve("link"), real);
    assertThatThrownBy(() -> SafeDirectory.check(link, "state directory"))
        .isInstanceOf(StatusStoreException.class)
        .hasMessageContaining("state directory " + link + " is a symbolic link (to " + real + ")");
    assertThatThrownBy(() -> SafeDirectory.createOrCheck(link, "state directory"))
        .isInstanceOf(StatusStoreException.class).hasMessageContaining(link.toString());
  }

  @Test
  void aDirectoryAboveThatOthersMayWriteWithoutStickyBitIsRefused() throws IOException {
    Path shared = Files.createDirectory(tmp.resolve("shared"));
    Path state = Files.createDirectory(shared.resolve("state"));
    Files.setPosixFilePermissions(shared, PosixFilePermissions.fromString("rwxrwxrwx"));
    assertThatThrownBy(() -> SafeDirectory.check(state, "state directory"))
        .isInstanceOf(StatusStoreException.class).hasMessageContaining(shared.toString())
        .hasMessageContaining("0777");
    assertThatThrownBy(() -> SafeDirectory.createOrCheck(shared.resolve("new"), "state directory"))
        .isInstanceOf(StatusStoreException.class).hasMessageContaining(shared.toString());
    assertThat(shared.resolve("new")).doesNotExist();
    // with the sticky bit (as /tmp), others cannot rename or replace what they do not own
    Files.setAttribute(shared, "unix:mode", 01777);
    assertThat(SafeDirectory.check(state, "state directory")).isEqualTo(state.toRealPath());
  }

  @Test
  void aDirectoryOfAnotherUserOrAboveOneIsRefused() throws IOException {
    assumeTrue("root".equals(System.getProperty("user.name")), "needs root to chown");
    Path theirs = Files.createDirectory(tmp.resolve("theirs"));
    Path state = Files.createDirectory(theirs.resolve("state"));
    Files.setAttribute(theirs, "unix:uid", 65534);
    assertThatThrownBy(() -> SafeDirectory.check(state, "state directory"))
        .isInstanceOf(StatusStoreException.class).hasMessageContaining(theirs.toString())
        .hasMessageContaining("uid 65534");
    assertThatThrownBy(() -> SafeDirectory.check(theirs, "state directory"))
        .isInstanceOf(StatusStoreException.class).hasMessageContaining("belongs to uid 65534");
  }

  @Test
  void aFileIsNotADirectory() throws IOException {
    Path file = Files.writeString(tmp.resolve("file"), "x");
    assertThatThrownBy(() -> SafeDirectory.check(file, "state directory"))
        .isInstanceOf(StatusStoreException.class).hasMessageContaining(file + " is not a directory");
  }

  /** As {@code /var/run -> /run}: a link on the way is fine when what holds it and its target are. */
  @Test
  void aStateDirectoryReachedThroughASafeLinkIsAccepted() throws IOException {
    Path real = Files.createDirectory(tmp.resolve("run"));
    Path link = Files.createSymbolicLink(tmp.resolve("var-run"), real); // mode 0777, as links are
    List<Path> created = SafeDirectory.createOrCheck(link.resolve("netfloor"), "state directory");
    assertThat(created).containsExactly(link.resolve("netfloor"));
    assertThat(real.resolve("netfloor")).isDirectory();
    assertThat(SafeDirectory.check(link.resolve("netfloor"), "state directory"))
        .isEqualTo(real.resolve("netfloor").toRealPath());
  }

  /** Whoever may write the directory holding a link can point it elsewhere. */
  @Test
  void aLinkInADirectoryOthersMayWriteIsRefusedThoughItsTargetIsSafe() throws IOException {
    Path open = Files.createDirectory(tmp.resolve("open"));
    Path safe = Files.createDirectory(tmp.resolve("safe"));
    Files.createDirectory(safe.resolve("state"), PosixFilePermissions.asFileAttribute(
        PosixFilePermissions.fromString("rwx------")));
    Path link = Files.createSymbolicLink(open.resolve("link"), safe);
    Files.setPosixFilePermissions(open, PosixFilePermissions.fromString("rwxrwxrwx"));
    assertThatThrownBy(() -> SafeDirectory.check(link.resolve("state"), "state directory"))
        .isInstanceOf(StatusStoreException.class).hasMessageContaining("the directory " + open)
        .hasMessageContaining("0777");
    assertThatThrownBy(() -> SafeDirectory.createOrCheck(link.resolve("new"), "state directory"))
        .isInstanceOf(StatusStoreException.class).hasMessageContaining("the directory " + open);
    assertThat(safe.resolve("new")).as("refused before anything is created").doesNotExist();
  }

  /** A safe path to a link whose target lies in a directory others may write is no safer. */
  @Test
  void aLinkIntoADirectoryOthersMayWriteIsRefused() throws IOException {
    Path open = Files.createDirectory(tmp.resolve("open"));
    Files.createDirectory(open.resolve("state"), PosixFilePermissions.asFileAttribute(
        PosixFilePermissions.fromString("rwx------")));
    Files.setPosixFilePermissions(open, PosixFilePermissions.fromString("rwxrwxrwx"));
    Path link = Files.createSymbolicLink(tmp.resolve("link"), open);
    assertThatThrownBy(() -> SafeDirectory.check(link.resolve("state"), "state directory"))
        .isInstanceOf(StatusStoreException.class).hasMessageContaining("the directory " + open)
        .hasMessageContaining("0777");
    assertThatThrownBy(() -> SafeDirectory.createOrCheck(link.resolve("new"), "state directory"))
        .isInstanceOf(StatusStoreException.class).hasMessageContaining("the directory " + open);
    assertThat(open.resolve("new")).as("refused before anything is created").doesNotExist();
  }
}
