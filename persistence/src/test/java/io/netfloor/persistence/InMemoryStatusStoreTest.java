// SPDX-License-Identifier: Apache-2.0
package io.netfloor.persistence;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netfloor.InvalidValueException;
import io.netfloor.spi.StatusStoreException;
import java.util.List;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Test;

/** What the in-memory store refuses: every call once closed, and a name that is no network's. */
class InMemoryStatusStoreTest {
  @Test
  void everyCallOfAClosedStoreIsRefusedAndClosingAgainIsHarmless() {
    InMemoryStatusStore store = new InMemoryStatusStore();
    store.save(FileStatusStoreTest.small());
    assertThat(store.load("default")).isPresent();
    store.close();
    store.close();
    for (ThrowingCallable call : List.<ThrowingCallable>of(
        () -> store.load("default"),
        store::networks,
        () -> store.save(FileStatusStoreTest.small()),
        () -> store.record("default", FileStatusStoreTest.FIRST),
        () -> store.delete("default"))) {
      assertThatThrownBy(call).isInstanceOf(StatusStoreException.class)
          .hasMessage("in-memory status store is closed");
    }
  }

  @Test
  void aNameThatCannotBeANetworksIsRefusedAndChangesNothing() {
    InMemoryStatusStore store = new InMemoryStatusStore();
    store.save(FileStatusStoreTest.small());
    for (ThrowingCallable call : List.<ThrowingCallable>of(
        () -> store.load("../default"),
        () -> store.record("../default", FileStatusStoreTest.FIRST),
        () -> store.delete("../default"))) {
      assertThatThrownBy(call).isInstanceOf(InvalidValueException.class)
          .hasMessageContaining("../default");
    }
    assertThat(store.networks()).containsExactly("default");
    assertThat(store.load("default")).contains(FileStatusStoreTest.small());
  }
}
