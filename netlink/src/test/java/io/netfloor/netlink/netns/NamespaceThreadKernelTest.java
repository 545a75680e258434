// SPDX-License-Identifier: Apache-2.0
package io.netfloor.netlink.netns;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netfloor.netlink.NetlinkException;
import io.netfloor.testkit.kernel.TestNamespace;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** A task started in a namespace runs there, on its own thread, while the caller goes on. */
class NamespaceThreadKernelTest {
  @BeforeAll
  static void root() {
    TestNamespace.assumeRoot();
  }

  /** The devices of the calling thread's network namespace (not the process's: thread-self). */
  private static String devices() throws IOException {
    return Files.readString(Path.of("/proc/thread-self/net/dev"));
  }

  @Test
  void aStartedTaskSeesTheNamespaceWhileTheCallerGoesOn() throws Exception {
    try (TestNamespace ns = TestNamespace.create().bridge("nftb0")) {
      CountDownLatch release = new CountDownLatch(1);
      Future<String> seen = NamespaceThread.startIn(NamespaceThread.pathOf(ns.name()), "nf-test",
          () -> {
            release.await(10, TimeUnit.SECONDS);
            return devices() + " on " + Thread.currentThread().getName();
          });
      assertThat(seen.isDone()).as("returns before the task ends").isFalse();
      assertThat(devices()).as("the caller stays outside").doesNotContain("nftb0");
      release.countDown();
      assertThat(seen.get(10, TimeUnit.SECONDS)).contains("nftb0").endsWith(" on nf-test");
    }
  }

  @Test
  void aNamespaceThatCannotBeEnteredFailsTheOutcome() {
    Future<String> seen = NamespaceThread.startIn(NamespaceThread.pathOf("nf-no-such-namespace"),
        "nf-test", () -> "entered");
    assertThatThrownBy(() -> seen.get(10, TimeUnit.SECONDS))
        .isInstanceOf(ExecutionException.class).cause()
        .isInstanceOf(NetlinkException.class).hasMessageContaining("no such namespace");
  }
}
