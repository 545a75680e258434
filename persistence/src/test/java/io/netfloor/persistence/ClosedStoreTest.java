// SPDX-License-Identifier: Apache-2.0
package io.netfloor.persistence;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netfloor.spi.StatusStoreException;
import java.nio.file.Path;
import java.util.List;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A closed store refuses every call, saying it is closed, and has released its directory. */
class ClosedStoreTest {
  @TempDir Path tmp;

  @Test
  void everyCallOfAClosedStoreIsRefusedAndClosingAgainIsHarmless() {
    Path dir = tmp.resolve("store");
    for (boolean readOnly : new boolean[] {false, true}) {
      if (!readOnly) {
        try (FileStatusStore writer = FileStatusStore.open(dir)) {
          writer.save(FileStatusStoreTest.small());
        }
      }
      FileStatusStore store = readOnly ? FileStatusStore.openReadOnly(dir) : FileStatusStore.open(dir);
      assertThat(store.load("default")).isPresent();
      store.close();
      store.close();
      for (ThrowingCallable call : List.<ThrowingCallable>of(
          () -> store.load("default"),
          () -> store.revision("default"),
          store::networks,
          () -> store.save(FileStatusStoreTest.small()),
          () -> store.saveIfChanged(FileStatusStoreTest.small()),
          () -> store.record("default", FileStatusStoreTest.FIRST),
          () -> store.append("default", FileStatusStoreTest.FIRST),
          () -> store.delete("default"))) {
        assertThatThrownBy(call).as("read-only %s", readOnly)
            .isInstanceOf(StatusStoreException.class)
            .hasMessage("status store " + store.directory() + " is closed");
      }
      // released: a writer can have the directory again
      try (FileStatusStore again = FileStatusStore.open(dir)) {
        assertThat(again.load("default")).contains(FileStatusStoreTest.small());
      }
    }
  }
}
