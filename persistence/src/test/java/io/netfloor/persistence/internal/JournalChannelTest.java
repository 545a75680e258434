// SPDX-License-Identifier: Apache-2.0
package io.netfloor.persistence.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.channels.ClosedChannelException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JournalChannelTest {
  @TempDir Path tmp;

  @Test
  void writesAndSyncsOfAnInterruptedThreadHappenAndKeepItsInterrupt() throws Exception {
    Path file = tmp.resolve("j");
    Files.write(file, new byte[8]);
    try (JournalChannel j = JournalChannel.open(file)) {
      Thread.currentThread().interrupt();
      j.write("ab".getBytes(StandardCharsets.US_ASCII), 2);
      assertThat(Thread.currentThread().isInterrupted()).isTrue();
      j.force();
      assertThat(Thread.interrupted()).isTrue(); // kept, and cleared here
      j.write("cd".getBytes(StandardCharsets.US_ASCII), 4);
      j.force();
    } finally {
      Thread.interrupted();
    }
    assertThat(new String(Files.readAllBytes(file), StandardCharsets.US_ASCII))
        .isEqualTo("\0\0abcd\0\0");
  }

  @Test
  void aDescriptorClosedUnderItIsReplacedAndTheCallRepeated() throws Exception {
    Path file = tmp.resolve("j");
    Files.write(file, new byte[4]);
    try (JournalChannel j = JournalChannel.open(file)) {
      j.descriptor().close(); // what an interrupt of another thread using it does
      j.write("xy".getBytes(StandardCharsets.US_ASCII), 1);
      j.descriptor().close();
      j.force();
      assertThat(j.descriptor().isOpen()).isTrue();
      assertThat(Thread.currentThread().isInterrupted()).isFalse();
    }
    assertThat(new String(Files.readAllBytes(file), StandardCharsets.US_ASCII))
        .isEqualTo("\0xy\0");
  }

  @Test
  void aClosedJournalStaysClosed() throws Exception {
    Path file = tmp.resolve("j");
    Files.write(file, new byte[8]);
    JournalChannel j = JournalChannel.open(file);
    j.close();
    assertThatThrownBy(() -> j.write(new byte[1], 0)).isInstanceOf(ClosedChannelException.class);
    assertThatThrownBy(j::force).isInstanceOf(ClosedChannelException.class);
    j.close(); // twice is fine
  }

  /** The descriptors of this process open on {@code file}. */
  private static long descriptorsOn(Path file) throws java.io.IOException {
    Path real = file.toRealPath();
    try (java.util.stream.Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
      return fds.filter(fd -> {
        try {
          return Files.readSymbolicLink(fd).equals(real);
        } catch (java.io.IOException | UnsupportedOperationException e) {
          return false; // closed meanwhile, or not a link to a path
        }
      }).count();
    }
  }

  /** A journal holds its descriptor and a spare; closing it releases both, also after a swap. */
  @Test
  void closingReleasesEveryDescriptorAlsoAfterAReplacement() throws Exception {
    Path file = tmp.resolve("j");
    Files.write(file, new byte[4]);
    JournalChannel j = JournalChannel.open(file);
    assertThat(descriptorsOn(file)).isEqualTo(2);
    j.descriptor().close();
    j.write("a".getBytes(StandardCharsets.US_ASCII), 0); // replaced by the spare, a new spare opened
    assertThat(descriptorsOn(file)).isEqualTo(2);
    j.close();
    assertThat(descriptorsOn(file)).isZero();
    JournalChannel k = JournalChannel.open(file);
    k.close();
    assertThat(descriptorsOn(file)).isZero();
  }

  @Test
  void aJournalThatCannotBeOpenedLeavesNoDescriptor() throws Exception {
    Path missing = tmp.resolve("missing");
    assertThatThrownBy(() -> JournalChannel.open(missing))
        .isInstanceOf(java.nio.file.NoSuchFileException.class);
    Path link = Files.createSymbolicLink(tmp.resolve("link"), Files.write(tmp.resolve("t"),
        new byte[4]));
    assertThatThrownBy(() -> JournalChannel.open(link)).isInstanceOf(java.io.IOException.class);
    assertThat(descriptorsOn(tmp.resolve("t"))).isZero();
    assertThat(Files.readAllBytes(tmp.resolve("t"))).containsOnly(0);
  }
}
