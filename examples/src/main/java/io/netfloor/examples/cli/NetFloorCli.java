// SPDX-License-Identifier: Apache-2.0
package io.netfloor.examples.cli;

import io.netfloor.AdmissionException;
import io.netfloor.ClassIdExhaustedException;
import io.netfloor.InterfaceConflictException;
import io.netfloor.InvalidValueException;
import io.netfloor.NetFloorException;
import java.io.PrintWriter;
import java.util.Arrays;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.ParameterException;

/**
 * The {@code netfloor} command line: the whole life cycle of a shaped bridge ({@code start},
 * {@code plug}, {@code update}, {@code unplug}, {@code status}, {@code tree}, {@code reconcile},
 * {@code stop}) and the {@code demo}.
 *
 * <p>Each invocation opens the network's status store in {@code --state-dir}, the netlink backend in
 * the bridge's namespace, and a {@code NetworkShaper}; changing commands first reconcile the kernel
 * with the recorded status, exactly like a VM manager restarting. Errors are one line on stderr;
 * exit codes are in {@link ExitCodes}.
 */
@Command(name = "netfloor", mixinStandardHelpOptions = true, version = "netfloor 0.1.0",
    description = {"Guaranteed minimum bandwidth (floors) for the interfaces on a Linux bridge:"
        + " HTB classes and u32 filters over rtnetlink, as libvirt's <inbound floor>."},
    subcommands = {StartCommand.class, AdoptCommand.class, PlugCommand.class, UpdateCommand.class,
        UnplugCommand.class, ResizeCommand.class, StatusCommand.class, TreeCommand.class, ReconcileCommand.class,
        StopCommand.class, DemoCommand.class, CommandLine.HelpCommand.class},
    footer = {"", "Rates in tc syntax (20mbit, 1gbit, 125kbps), sizes as 64kb. Exit codes: 0 done,"
        + " 1 failed (also: an unsafe state directory, a missing or damaged status; the message"
        + " names the file), 2 bad usage or value, 3 refused (admission, conflict, no such"
        + " interface).",
        "Try: netfloor demo"})
public final class NetFloorCli implements Runnable {
  /** A command that knows whether {@code --verbose} was given. */
  interface Verbosity {
    boolean verbose();
  }

  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    throw new ParameterException(spec.commandLine(), "missing command: one of start, adopt,"
        + " plug, update, unplug, resize, status, tree, reconcile, stop, demo");
  }

  /** Runs the CLI and exits with its exit code. */
  public static void main(String[] args) {
    boolean verbose = Arrays.stream(args).anyMatch(a -> a.equals("-v") || a.equals("--verbose"));
    System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", verbose ? "info" : "warn");
    System.setProperty("org.slf4j.simpleLogger.logFile", "System.err");
    System.exit(execute(new PrintWriter(System.out, true), new PrintWriter(System.err, true),
        args));
  }

  /** Runs the CLI with the given output streams and returns the exit code (for tests, embedding). */
  public static int execute(PrintWriter out, PrintWriter err, String... args) {
    CommandLine cl = new CommandLine(new NetFloorCli());
    Converters.register(cl);
    cl.setOut(out);
    cl.setErr(err);
    cl.setParameterExceptionHandler((ex, arguments) -> {
      CommandLine failed = ex.getCommandLine();
      err.println("netfloor: " + oneLine(ex.getMessage()) + " (see '"
          + failed.getCommandSpec().qualifiedName() + " --help')");
      err.flush();
      return ExitCodes.USAGE;
    });
    cl.setExecutionExceptionHandler((ex, failed, parseResult) -> {
      Object command = failed.getCommand();
      if (command instanceof Verbosity v && v.verbose()) {
        ex.printStackTrace(err);
      }
      err.println("netfloor: " + describe(ex));
      err.flush();
      return exitCode(ex);
    });
    return cl.execute(args);
  }

  static int exitCode(Throwable ex) {
    if (ex instanceof CliException c) {
      return c.exitCode();
    }
    if (ex instanceof InvalidValueException) {
      return ExitCodes.USAGE;
    }
    if (ex instanceof AdmissionException || ex instanceof InterfaceConflictException
        || ex instanceof ClassIdExhaustedException
        || ex instanceof io.netfloor.shaping.ForeignTreeException
        || ex instanceof io.netfloor.shaping.ClassInUseException) {
      return ExitCodes.REFUSED;
    }
    return ExitCodes.FAILED;
  }

  private static String describe(Throwable ex) {
    if (ex instanceof CliException || ex instanceof NetFloorException) {
      return oneLine(ex.getMessage());
    }
    return "unexpected " + ex.getClass().getSimpleName() + ": " + oneLine(ex.getMessage())
        + " (run with --verbose for details)";
  }

  static String oneLine(String message) {
    return message == null ? "(no message)" : message.strip().replaceAll("\\s*\\R\\s*", "; ");
  }
}
