// SPDX-License-Identifier: Apache-2.0
package io.netfloor.examples.cli;

import io.netfloor.AdmissionException;
import io.netfloor.ClassIdExhaustedException;
import io.netfloor.InterfaceConflictException;
import io.netfloor.InvalidValueException;
import io.netfloor.NetFloorException;
import java.io.PrintWriter;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
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
 * with the recorded status, exactly like a VM manager restarting. Errors are one line on stderr
 * (and, with {@code --json}, a JSON document on stdout: {@link CliJson}); exit codes are in
 * {@link ExitCodes}.
 */
@Command(name = "netfloor", mixinStandardHelpOptions = true, versionProvider = CliVersion.class,
    description = {"Guaranteed minimum bandwidth (floors) for the interfaces on a Linux bridge:"
        + " HTB classes and u32 filters over rtnetlink, as libvirt's <inbound floor>."},
    footer = {"", "Rates in tc syntax (20mbit, 1gbit, 125kbps), sizes as 64kb. Exit codes: 0 done,"
        + " 1 failed (also: an unsafe state directory, a missing or damaged status; the message"
        + " names the file), 2 bad usage or value, 3 refused (admission, conflict, no such"
        + " interface). With --json, errors are a JSON document on stdout too.",
        "Try: netfloor demo"})
public final class NetFloorCli implements Runnable {
  /**
   * The subcommands, in help order. Registered in code rather than in the annotation so that a
   * command line naming one builds only that one's model (picocli reads every registered
   * command's annotations by reflection, a good part of a command's start-up).
   */
  private static final List<String> COMMANDS = List.of("start", "adopt", "plug", "update",
      "unplug", "resize", "status", "tree", "reconcile", "stop", "demo", "help");

  /**
   * A new instance of the subcommand {@code name}: a switch rather than a table of constructor
   * references, which would link a dozen lambdas before the command line is even read.
   */
  private static Object newCommand(String name) {
    switch (name) {
      case "start": return new StartCommand();
      case "adopt": return new AdoptCommand();
      case "plug": return new PlugCommand();
      case "update": return new UpdateCommand();
      case "unplug": return new UnplugCommand();
      case "resize": return new ResizeCommand();
      case "status": return new StatusCommand();
      case "tree": return new TreeCommand();
      case "reconcile": return new ReconcileCommand();
      case "stop": return new StopCommand();
      case "demo": return new DemoCommand();
      case "help": return new CommandLine.HelpCommand();
      default: throw new IllegalArgumentException("no subcommand " + name);
    }
  }

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

  private static final String JNA_LIBRARY_PATH = "jna.platform.library.path";

  /** Runs the CLI and exits with its exit code. */
  public static void main(String[] args) {
    StartupTrace.mark("jvm");
    List<String> given = Arrays.asList(args);
    boolean verbose = given.contains("-v") || given.contains("--verbose");
    // JNA's first library lookup otherwise forks ldconfig -p for a list of library directories,
    // which only matters for a library the dynamic linker cannot find by name: NetFloor's one
    // native library is the C library, which it can
    if (System.getProperty(JNA_LIBRARY_PATH) == null) {
      System.setProperty(JNA_LIBRARY_PATH, "/lib64:/usr/lib64:/lib:/usr/lib");
    }
    System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", verbose ? "info" : "warn");
    System.setProperty("org.slf4j.simpleLogger.logFile", "System.err");
    int code = execute(new PrintWriter(System.out, true), new PrintWriter(System.err, true), args);
    StartupTrace.mark("exit");
    StartupTrace.print(System.err);
    System.exit(code);
  }

  /** Runs the CLI with the given output streams and returns the exit code (for tests, embedding). */
  public static int execute(PrintWriter out, PrintWriter err, String... args) {
    CommandLine cl;
    if (args.length > 0 && COMMANDS.contains(args[0]) && !args[0].equals("help")) {
      cl = commandLine(List.of(args[0]));
    } else if (args.length == 1 && (args[0].equals("--version") || args[0].equals("-V"))) {
      cl = commandLine(List.of()); // the version needs no command
    } else {
      cl = commandLine();
    }
    StartupTrace.mark("picocli model");
    cl.setOut(out);
    cl.setErr(err);
    // an error is a JSON document on stdout too when --json was asked for, even where the
    // arguments around it could not be parsed
    boolean json = Arrays.asList(args).contains("--json");
    cl.setParameterExceptionHandler(new UsageErrors(out, err, json));
    cl.setExecutionExceptionHandler(new Failures(out, err, json));
    return cl.execute(args);
  }

  /**
   * A command line that cannot be parsed: one line on stderr, the JSON error document when asked
   * for, exit 2. (Named classes rather than lambdas, here and in {@link Failures}: a lambda of a
   * picocli interface is spun at run time, it cannot come from the class-data sharing archive.)
   */
  private static final class UsageErrors implements CommandLine.IParameterExceptionHandler {
    private final PrintWriter out;
    private final PrintWriter err;
    private final boolean json;

    UsageErrors(PrintWriter out, PrintWriter err, boolean json) {
      this.out = out;
      this.err = err;
      this.json = json;
    }

    @Override
    public int handleParseException(ParameterException ex, String[] args) {
      CommandLine failed = ex.getCommandLine();
      String message = oneLine(ex.getMessage());
      err.println("netfloor: " + message + " (see '"
          + failed.getCommandSpec().qualifiedName() + " --help')");
      err.flush();
      if (json) {
        printError(out, failed, ExitCodes.USAGE, ex, message);
      }
      return ExitCodes.USAGE;
    }
  }

  /** A command that failed: one line on stderr, the JSON error document when asked for. */
  private static final class Failures implements CommandLine.IExecutionExceptionHandler {
    private final PrintWriter out;
    private final PrintWriter err;
    private final boolean json;

    Failures(PrintWriter out, PrintWriter err, boolean json) {
      this.out = out;
      this.err = err;
      this.json = json;
    }

    @Override
    public int handleExecutionException(Exception ex, CommandLine failed,
        CommandLine.ParseResult parseResult) {
      Object command = failed.getCommand();
      if (command instanceof Verbosity v && v.verbose()) {
        ex.printStackTrace(err);
      }
      err.println("netfloor: " + describe(ex));
      err.flush();
      int code = exitCode(ex);
      if (json) {
        printError(out, failed, code, ex, oneLine(ex.getMessage()));
      }
      return code;
    }
  }

  /**
   * The command line with every subcommand, converter and the build's version: what
   * {@link #execute} runs, and what the build generates the completion script and man pages from.
   */
  public static CommandLine commandLine() {
    return commandLine(COMMANDS);
  }

  private static CommandLine commandLine(Collection<String> names) {
    CommandLine cl = new CommandLine(new NetFloorCli());
    for (String name : names) {
      cl.addSubcommand(name, newCommand(name));
    }
    Converters.register(cl);
    for (CommandLine sub : cl.getSubcommands().values()) {
      sub.getCommandSpec().versionProvider(new CliVersion());
    }
    return cl;
  }

  private static void printError(PrintWriter out, CommandLine failed, int code, Throwable ex,
      String message) {
    String command = failed.getCommandSpec().parent() == null ? null
        : failed.getCommandSpec().name();
    try {
      out.println(CliJson.mapper().writeValueAsString(CliJson.error(command, code,
          ex.getClass().getSimpleName(), message)));
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalStateException("cannot write JSON: " + e.getMessage(), e);
    }
    out.flush();
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
