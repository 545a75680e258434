// SPDX-License-Identifier: Apache-2.0
package io.netfloor.examples.traffic;

import com.sun.jna.LastErrorException;
import com.sun.jna.Native;
import com.sun.jna.Platform;
import java.nio.file.Path;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Pattern;

/**
 * A dedicated platform thread that first moves itself into a named network namespace
 * ({@code /run/netns/NAME}, as {@code ip netns add} makes it) with {@code setns(2)}, then runs its
 * body there. Sockets the body opens live in that namespace for their whole life.
 *
 * <p>Only the calling thread changes namespace, never the rest of the JVM; that is why the thread is
 * created here for the job, is never pooled (a pool would hand it, still in the other namespace, to
 * unrelated work) and ends with its body.
 */
public final class NamespaceThread extends Thread {
  private static final int O_RDONLY = 0;
  private static final int O_CLOEXEC = 0x80000;
  private static final int CLONE_NEWNET = 0x40000000;
  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9._-]{1,64}");

  private final String namespace;
  private final Body body;
  private final AtomicReference<Throwable> failure = new AtomicReference<>();

  /** What the thread runs once inside the namespace. */
  @FunctionalInterface
  public interface Body {
    void run() throws Exception;
  }

  /**
   * A (not yet started) thread that will run {@code body} inside namespace {@code namespace}.
   *
   * @param namespace a name under {@code /run/netns}
   */
  public NamespaceThread(String namespace, String threadName, Body body) {
    super(threadName);
    if (!NAME.matcher(Objects.requireNonNull(namespace, "namespace")).matches()) {
      throw new IllegalArgumentException("'" + namespace + "' is not a namespace name this demo uses");
    }
    this.namespace = namespace;
    this.body = Objects.requireNonNull(body, "body");
    setDaemon(true);
  }

  @Override
  public void run() {
    try {
      enter(namespace);
      body.run();
    } catch (Throwable t) {
      failure.set(t);
    }
  }

  /** What the body (or entering the namespace) threw, if anything. */
  public Throwable failure() {
    return failure.get();
  }

  /** Moves the calling thread into {@code /run/netns/NAME}. */
  private static void enter(String namespace) {
    Path file = Path.of("/run/netns", namespace);
    int fd;
    try {
      fd = LibC.open(file.toString(), O_RDONLY | O_CLOEXEC);
    } catch (LastErrorException e) {
      throw new IllegalStateException("cannot open network namespace " + file + " (errno "
          + e.getErrorCode() + ")", e);
    }
    try {
      LibC.setns(fd, CLONE_NEWNET);
    } catch (LastErrorException e) {
      throw new IllegalStateException("cannot enter network namespace " + file + " (errno "
          + e.getErrorCode() + "; needs CAP_SYS_ADMIN)", e);
    } finally {
      LibC.close(fd);
    }
  }

  /** libc, bound with JNA direct mapping. */
  private static final class LibC {
    static {
      Native.register(Platform.C_LIBRARY_NAME);
    }

    private LibC() {}

    static native int open(String path, int flags) throws LastErrorException;

    static native int setns(int fd, int nstype) throws LastErrorException;

    static native int close(int fd) throws LastErrorException;
  }
}
