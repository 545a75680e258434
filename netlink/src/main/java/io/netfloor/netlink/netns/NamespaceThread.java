package io.netfloor.netlink.netns;

import com.sun.jna.LastErrorException;
import io.netfloor.netlink.NetlinkException;
import io.netfloor.netlink.channel.LibC;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.regex.Pattern;

/**
 * Runs a task inside another network namespace without moving the rest of the JVM: a new
 * <em>platform</em> thread (never pooled, never virtual: a virtual thread could migrate between
 * carriers) enters the namespace with {@code setns(2)}, runs the task and ends, taking its
 * namespace with it. Sockets created by the task stay bound to that namespace for life, which is
 * how a backend talks to {@code ip netns} NAME from any thread afterwards.
 */
public final class NamespaceThread {
  /** Names {@code ip netns} accepts: no slash, not {@code .}/{@code ..}, at most 255 bytes. */
  private static final Pattern NAME = Pattern.compile("[^/\\x00]{1,255}");

  private NamespaceThread() {}

  /** The file {@code ip netns add NAME} creates. */
  public static Path pathOf(String name) {
    if (name == null || !NAME.matcher(name).matches() || name.equals(".") || name.equals("..")) {
      throw new IllegalArgumentException("'" + name
          + "' is not a network namespace name (1-255 characters, no '/', not '.' or '..')");
    }
    return Path.of("/run/netns", name);
  }

  /**
   * Runs {@code task} on a dedicated thread that first joins the namespace bound at {@code nsFile}
   * (e.g. {@code /run/netns/NAME}).
   *
   * @throws NetlinkException if the namespace cannot be opened or entered (ENOENT: no such
   *     namespace; EPERM: needs CAP_SYS_ADMIN), or rethrowing what the task threw
   */
  public static <T> T callIn(Path nsFile, Callable<T> task) {
    return run("netns " + nsFile, () -> {
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
    });
  }

  /**
   * Runs {@code task} on a dedicated thread inside a brand-new, private network namespace
   * ({@code unshare(CLONE_NEWNET)}) that holds only a loopback device. The namespace lives as long
   * as something created in it (a socket, a device) does.
   *
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

  private static <T> T run(String name, Callable<T> body) {
    FutureTask<T> future = new FutureTask<>(body);
    Thread t = new Thread(future, "netfloor-" + name);
    t.setDaemon(true);
    t.start();
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
