// SPDX-License-Identifier: Apache-2.0
package io.netfloor.netlink.netns;

import com.sun.jna.LastErrorException;
import io.netfloor.InvalidValueException;
import io.netfloor.netlink.NetlinkException;
import io.netfloor.netlink.channel.LibC;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.FutureTask;

/**
 * Runs a task inside another network namespace without moving the rest of the JVM: a new
 * <em>platform</em> thread (never pooled, never virtual: a virtual thread could migrate between
 * carriers) enters the namespace with {@code setns(2)}, runs the task and ends, taking its
 * namespace with it. Sockets created by the task stay bound to that namespace for life, which is
 * how a backend talks to {@code ip netns} NAME from any thread afterwards.
 */
public final class NamespaceThread {
  /** The longest name {@code ip netns} accepts: NAME_MAX bytes, the limit of a file name. */
  public static final int MAX_NAME_BYTES = 255;
  /** The directory {@code ip netns} binds namespaces in. */
  private static final Path RUN_NETNS = Path.of("/run/netns");

  private NamespaceThread() {}

  /**
   * Checks a name as {@code ip netns} does before it uses one: not empty, at most
   * {@value #MAX_NAME_BYTES} bytes (UTF-8), no {@code /} (and no NUL, which a C string cannot hold),
   * not {@code .} or {@code ..}. A name that passes is one file directly in {@code /run/netns}, so
   * it can never name a file elsewhere ({@code ../x}).
   *
   * @param name the candidate name
   * @return {@code name}
   * @throws InvalidValueException quoting the name and the rule it breaks
   */
  public static String checkName(String name) {
    String rule = "; a network namespace name (as 'ip netns' takes it) is 1-" + MAX_NAME_BYTES
        + " bytes without '/', and not '.' or '..'";
    if (name == null || name.isEmpty()) {
      throw new InvalidValueException("network namespace name is empty" + rule);
    }
    int bytes = name.length() > MAX_NAME_BYTES ? name.length()
        : name.getBytes(StandardCharsets.UTF_8).length;
    if (bytes > MAX_NAME_BYTES) {
      throw new InvalidValueException("network namespace name '" + name.substring(0,
          Math.min(name.length(), 40)) + "…' is longer than " + MAX_NAME_BYTES + " bytes" + rule);
    }
    if (name.equals(".") || name.equals("..")) {
      throw new InvalidValueException("network namespace name '" + name + "' names a directory,"
          + " not a namespace" + rule);
    }
    if (name.indexOf('/') >= 0 || name.indexOf('\0') >= 0) {
      throw new InvalidValueException("network namespace name '" + name.replace("\0", "\\0")
          + "' contains '" + (name.indexOf('/') >= 0 ? "/" : "\\0") + "'" + rule);
    }
    return name;
  }

  /**
   * The file {@code ip netns add NAME} creates.
   *
   * @param name the namespace's name
   * @return {@code /run/netns/NAME}
   * @throws InvalidValueException if {@code name} is not a namespace name ({@link #checkName})
   */
  public static Path pathOf(String name) {
    return RUN_NETNS.resolve(checkName(name));
  }

  /**
   * Runs {@code task} on a dedicated thread that first joins the namespace bound at {@code nsFile}
   * (e.g. {@code /run/netns/NAME}).
   *
   * @param <T> what the task returns
   * @param nsFile the namespace file: {@code /run/netns/NAME}, {@code /proc/PID/ns/net} or a bind
   *     mount of one
   * @param task the work to do inside the namespace; unchecked exceptions it throws are rethrown as
   *     they are, checked ones wrapped in a {@link NetlinkException}
   * @return what the task returned, once its thread has finished; the calling thread waits for it
   * @throws NetlinkException if the namespace cannot be opened or entered (ENOENT: no such
   *     namespace; EPERM: needs CAP_SYS_ADMIN), or rethrowing what the task threw
   */
  public static <T> T callIn(Path nsFile, Callable<T> task) {
    return run("netns " + nsFile, entering(nsFile, task));
  }

  /**
   * Starts {@code task} on a dedicated thread that first joins the namespace bound at
   * {@code nsFile}, and returns at once: for work that lasts, such as a traffic flow between
   * namespaces, while the caller goes on.
   *
   * @param <T> what the task returns
   * @param nsFile the namespace file, as for {@link #callIn}
   * @param threadName the thread's name, for thread dumps
   * @param task the work to do inside the namespace
   * @return the task's outcome: done when the thread ends, holding what the task returned, or
   *     failed with what it threw, or with a {@link NetlinkException} if the namespace cannot be
   *     opened or entered
   */
  public static <T> Future<T> startIn(Path nsFile, String threadName, Callable<T> task) {
    return start(threadName, entering(nsFile, task));
  }

  private static <T> Callable<T> entering(Path nsFile, Callable<T> task) {
    return () -> {
      int fd;
      try {
        fd = LibC.open(nsFile.toString(), LibC.O_RDONLY | LibC.O_CLOEXEC);
      } catch (LastErrorException e) {
        throw NetlinkException.ofSyscall("cannot open network namespace " + nsFile,
            e.getErrorCode(), e.getErrorCode() == 2 ? "no such namespace"
                : e.getErrorCode() == 1 || e.getErrorCode() == 13
                    ? "the file cannot be read by this user" : null, e);
      }
      try {
        LibC.setns(fd, LibC.CLONE_NEWNET);
      } catch (LastErrorException e) {
        throw NetlinkException.ofSyscall("cannot enter network namespace " + nsFile,
            e.getErrorCode(), e.getErrorCode() == 1
                ? "entering a network namespace needs CAP_SYS_ADMIN" : e.getErrorCode() == 22
                    ? "not a network namespace file" : null, e);
      } finally {
        LibC.close(fd);
      }
      return task.call();
    };
  }

  /**
   * Runs {@code task} on a dedicated thread inside a brand-new, private network namespace
   * ({@code unshare(CLONE_NEWNET)}) that holds only a loopback device. The namespace lives as long
   * as something created in it (a socket, a device) does.
   *
   * @param <T> what the task returns
   * @param task the work to do inside the new namespace; exceptions are passed on as by
   *     {@link #callIn}
   * @return what the task returned, once its thread has finished; the calling thread waits for it
   * @throws NetlinkException if the namespace cannot be created (EPERM: needs CAP_SYS_ADMIN)
   */
  public static <T> T callInPrivateNamespace(Callable<T> task) {
    return run("private netns", () -> {
      try {
        LibC.unshare(LibC.CLONE_NEWNET);
      } catch (LastErrorException e) {
        throw NetlinkException.ofSyscall("cannot create a private network namespace",
            e.getErrorCode(), e.getErrorCode() == 1
                ? "making a network namespace needs CAP_SYS_ADMIN" : null, e);
      }
      return task.call();
    });
  }

  /** A new daemon platform thread running {@code body}, started; never pooled (see above). */
  private static <T> FutureTask<T> start(String threadName, Callable<T> body) {
    FutureTask<T> future = new FutureTask<>(body);
    Thread t = new Thread(future, threadName);
    t.setDaemon(true);
    t.start();
    return future;
  }

  private static <T> T run(String name, Callable<T> body) {
    FutureTask<T> future = start("netfloor-" + name, body);
    try {
      return future.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new NetlinkException("interrupted while working in " + name, null, 0, 0, null, e);
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      if (cause instanceof RuntimeException r) {
        throw r;
      }
      if (cause instanceof Error err) {
        throw err;
      }
      throw new NetlinkException("failed in " + name, null, 0, 0, null, cause);
    }
  }
}
