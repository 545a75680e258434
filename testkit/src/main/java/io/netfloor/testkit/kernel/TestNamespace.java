// SPDX-License-Identifier: Apache-2.0
package io.netfloor.testkit.kernel;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.regex.Pattern;

/**
 * A throwaway network namespace {@code nf-<8 hex digits>} for one test, made with {@code ip netns
 * add} and removed by {@link #close()} (use try-with-resources), together with every namespace it
 * made for "VMs". The test runs {@code ip} and {@code tc} inside it through {@link #ip} and
 * {@link #tc}: these always carry {@code -n NAME} and refuse arguments that would switch to another
 * namespace or manage namespaces, so a test cannot touch the host's own interfaces or qdiscs
 * through them.
 */
public final class TestNamespace implements AutoCloseable {
  /** The prefix of every namespace this class makes. */
  public static final String PREFIX = "nf-";
  private static final Pattern OWN_NAME = Pattern.compile("nf-[0-9a-f]{8}(-v[0-9]+)?");
  private static final SecureRandom RANDOM = new SecureRandom();

  private final String name;
  private final List<String> vmNamespaces = new ArrayList<>();
  private boolean closed;

  private TestNamespace(String name) {
    this.name = checkOwn(name);
  }

  /**
   * Skips the calling test, with the reason, unless the JVM runs as root: namespaces need
   * CAP_NET_ADMIN and CAP_SYS_ADMIN. As root (CI) the kernel tests always run.
   */
  public static void assumeRoot() {
    assumeTrue(isRoot(), "kernel tests need root (CAP_NET_ADMIN, CAP_SYS_ADMIN) to create network"
        + " namespaces; skipped because this JVM runs as uid " + uid() + "; run as root (CI does)");
  }

  /**
   * Whether the JVM runs as root (uid 0).
   *
   * @return true for uid 0
   */
  public static boolean isRoot() {
    return "0".equals(uid());
  }

  private static String uid() {
    try {
      for (String l : Files.readAllLines(Path.of("/proc/self/status"))) {
        if (l.startsWith("Uid:")) {
          return l.split("\\s+")[1];
        }
      }
    } catch (IOException e) {
      return "unknown";
    }
    return "unknown";
  }

  /**
   * Makes a new namespace {@code nf-<8 random hex digits>} with its loopback up; skips the calling
   * test unless root ({@link #assumeRoot()}).
   *
   * @return the namespace, to close in a finally block (try-with-resources)
   */
  public static TestNamespace create() {
    assumeRoot();
    byte[] r = new byte[4];
    RANDOM.nextBytes(r);
    TestNamespace ns = new TestNamespace(PREFIX + HexFormat.of().formatHex(r));
    Command.run("ip", "netns", "add", ns.name);
    try {
      ns.ip("link", "set", "lo", "up");
    } catch (IllegalStateException e) {
      ns.close();
      throw e;
    }
    return ns;
  }

  /**
   * A new namespace ({@link #create()}) holding bridge {@code br0}, up.
   *
   * @return the namespace, to close in a finally block (try-with-resources)
   */
  public static TestNamespace withBridge() {
    TestNamespace ns = create();
    try {
      return ns.bridge("br0");
    } catch (IllegalStateException e) {
      ns.close();
      throw e;
    }
  }

  /**
   * The namespace's name, as {@code ip netns} knows it.
   *
   * @return {@code nf-<8 hex digits>}
   */
  public String name() {
    return name;
  }

  /**
   * Runs {@code ip -n NAME args…}.
   *
   * @param args options and command, e.g. {@code "-j", "link", "show"}
   * @return what ip printed on stdout
   * @throws IllegalArgumentException if an argument would leave the namespace ({@code -n},
   *     {@code -all}) or manage namespaces ({@code netns})
   * @throws IllegalStateException if ip fails (exit status and stderr in the message)
   */
  public String ip(String... args) {
    return Command.run(confined("ip", name, args));
  }

  /**
   * Runs {@code ip -n NAME -batch -} with {@code lines} on stdin: many changes in one process.
   *
   * @param lines ip commands without the leading {@code ip}, e.g. {@code link add d0 type dummy}
   * @throws IllegalArgumentException if a line manages namespaces ({@code netns})
   * @throws IllegalStateException if ip fails
   */
  public void ipBatch(List<String> lines) {
    for (String line : lines) {
      checkConfined("ip", line.strip().split("\\s+"));
    }
    Command.runWithInput(String.join("\n", lines) + "\n",
        List.of("ip", "-n", name, "-batch", "-"));
  }

  /**
   * Runs {@code tc -n NAME args…}.
   *
   * @param args options and command, e.g. {@code "-j", "qdisc", "show", "dev", "br0"}
   * @return what tc printed on stdout
   * @throws IllegalArgumentException if an argument would leave the namespace ({@code -n})
   * @throws IllegalStateException if tc fails (exit status and stderr in the message)
   */
  public String tc(String... args) {
    return Command.run(confined("tc", name, args));
  }

  /**
   * Runs {@code ip netns exec NAME command…}: a program inside the namespace.
   *
   * @param command the program and its arguments; {@code ip} and {@code tc} are checked as by
   *     {@link #ip} and {@link #tc}
   * @return what the command printed on stdout
   * @throws IllegalStateException if the command fails
   */
  public String exec(String... command) {
    if (command.length > 0 && (command[0].equals("ip") || command[0].equals("tc"))) {
      checkConfined(command[0], List.of(command).subList(1, command.length).toArray(String[]::new));
    }
    List<String> cmd = new ArrayList<>(List.of("ip", "netns", "exec", name));
    cmd.addAll(List.of(command));
    return Command.run(cmd.toArray(String[]::new));
  }

  /**
   * Adds bridge {@code bridge}, up.
   *
   * @param bridge the bridge's name
   * @return this namespace
   */
  public TestNamespace bridge(String bridge) {
    ip("link", "add", bridge, "type", "bridge");
    ip("link", "set", bridge, "up");
    return this;
  }

  /**
   * Adds a veth pair in this namespace: {@code port} enslaved to {@code bridge} and up (where a
   * VM's tap would be), {@code peer} down.
   *
   * @param bridge an existing bridge
   * @param port the bridge's end
   * @param peer the other end
   * @return this namespace
   */
  public TestNamespace veth(String bridge, String port, String peer) {
    ip("link", "add", port, "type", "veth", "peer", "name", peer);
    ip("link", "set", port, "master", bridge, "up");
    return this;
  }

  /**
   * A "VM": a veth pair whose end {@code port} is enslaved to {@code bridge} here and whose other
   * end lives in a namespace of its own ({@code NAME-v<index>}, removed on {@link #close()}) as
   * {@code eth0} with {@code mac} and {@code address}, up.
   *
   * @param bridge an existing bridge
   * @param index tells the VMs of one namespace apart
   * @param port the bridge's end, e.g. {@code tap0}
   * @param mac the VM's MAC, e.g. {@code 52:54:00:12:34:56}
   * @param address the VM's address with prefix length, e.g. {@code 10.77.0.10/24}
   * @return the VM's namespace name
   */
  public String vm(String bridge, int index, String port, String mac, String address) {
    String vm = checkOwn(name + "-v" + index);
    Command.run("ip", "netns", "add", vm);
    vmNamespaces.add(vm);
    ip("link", "add", port, "type", "veth", "peer", "name", "eth0", "netns", vm);
    ip("link", "set", port, "master", bridge);
    ip("link", "set", port, "up");
    Command.run("ip", "-n", vm, "link", "set", "eth0", "address", mac);
    Command.run("ip", "-n", vm, "addr", "add", address, "dev", "eth0");
    Command.run("ip", "-n", vm, "link", "set", "eth0", "up");
    Command.run("ip", "-n", vm, "link", "set", "lo", "up");
    return vm;
  }

  /**
   * Deletes the VMs' namespaces and this one (which takes its devices and qdiscs with it). Tries
   * every deletion; closing again does nothing.
   *
   * @throws IllegalStateException if a namespace could not be deleted (it would be left on the
   *     host)
   */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    IllegalStateException failure = null;
    List<String> all = new ArrayList<>(vmNamespaces);
    all.add(name);
    for (String ns : all) {
      try {
        Command.run("ip", "netns", "del", ns);
      } catch (IllegalStateException e) {
        if (failure == null) {
          failure = e;
        } else {
          failure.addSuppressed(e);
        }
      }
    }
    if (failure != null) {
      throw failure;
    }
  }

  @Override
  public String toString() {
    return name;
  }

  private static String checkOwn(String name) {
    if (!OWN_NAME.matcher(name).matches()) {
      throw new IllegalArgumentException("'" + name + "' is not a test namespace name ("
          + OWN_NAME.pattern() + ")");
    }
    return name;
  }

  private static String[] confined(String program, String namespace, String[] args) {
    checkConfined(program, args);
    String[] cmd = new String[args.length + 3];
    cmd[0] = program;
    cmd[1] = "-n";
    cmd[2] = namespace;
    System.arraycopy(args, 0, cmd, 3, args.length);
    return cmd;
  }

  /**
   * Refuses what would take {@code ip}/{@code tc} out of the namespace: iproute2 takes any prefix
   * of an option ({@code -n}, {@code -net} for {@code -netns}; {@code -a} for {@code -all}), so
   * prefixes are refused too, and the {@code netns} object (which adds, deletes and enters other
   * namespaces).
   */
  private static void checkConfined(String program, String[] args) {
    for (String arg : args) {
      if (!arg.startsWith("-")) {
        if (program.equals("ip") && arg.length() >= 3 && "netns".startsWith(arg)) {
          throw new IllegalArgumentException("'ip " + arg + "' manages namespaces other than the"
              + " test's own; a test namespace runs ip only inside itself");
        }
        return; // options end at the object
      }
      String option = arg.startsWith("--") ? arg.substring(1) : arg;
      if (option.length() >= 2 && ("-netns".startsWith(option)
          || program.equals("ip") && "-all".startsWith(option))) {
        throw new IllegalArgumentException("option '" + arg + "' would run " + program
            + " outside the test namespace; it always runs with -n of its own namespace");
      }
    }
  }
}
