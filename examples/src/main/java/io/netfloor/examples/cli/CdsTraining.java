// SPDX-License-Identifier: Apache-2.0
package io.netfloor.examples.cli;

import io.netfloor.examples.demo.Ip;
import io.netfloor.model.Bandwidth;
import io.netfloor.model.NetworkConfig;
import io.netfloor.netlink.NetlinkTrafficControl;
import io.netfloor.persistence.FileStatusStore;
import io.netfloor.plan.LeafQdiscKind;
import io.netfloor.plan.Plan;
import io.netfloor.shaping.NetworkShaper;
import io.netfloor.spi.ClassStats;
import io.netfloor.spi.KernelCapabilities;
import io.netfloor.spi.KernelSnapshot;
import io.netfloor.spi.TrafficControl;
import io.netfloor.units.ClassHandle;
import io.netfloor.units.InterfaceName;
import io.netfloor.units.MacAddress;
import io.netfloor.units.Rate;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * The training run behind the CLI's class-data sharing archive: {@link ClassDataArchive} runs it
 * once at {@code package} on the jar's class path and archives the classes it loaded, and the
 * {@code ./netfloor} launcher starts the JVM with that archive, so a command maps the classes it
 * needs (picocli, Jackson, JNA, the model, the engine, the store, the netlink codecs) instead of
 * loading and verifying them from the jars (see docs/CLI.md).
 *
 * <p>Run as root with iproute2, it runs the CLI's commands ({@code start}, {@code plug},
 * {@code status}, {@code update}, {@code tree}, {@code unplug}, {@code reconcile}, {@code stop})
 * on a bridge in a throwaway namespace ({@code nf-cds-…}, deleted at the end): the real paths,
 * kernel dumps decoded, the status journal written and read back, the checkpoint proved and
 * refused. Without root that part is skipped and the rest still runs, touching no network device:
 * the CLI's help and error paths in a temporary state directory, the engine against an in-memory
 * stand-in for the kernel, the file store written, closed and read back in the temporary
 * directory, and the netlink backend asking whether a device that does not exist exists.
 */
public final class CdsTraining {
  /** How a part of the training that could not run starts its line on stderr. */
  static final String SKIPPED = "netfloor class-data sharing training: skipped ";

  private CdsTraining() {}

  /**
   * Runs the training; {@code args} are ignored. A part that fails (say, no netlink socket in the
   * build's sandbox) is reported on stderr and skipped: the archive then maps fewer classes, and
   * the build goes on.
   */
  public static void main(String[] args) throws IOException {
    Path tmp = Files.createTempDirectory("netfloor-cds");
    try {
      attempt("the CLI's help and error paths", () -> cli(tmp));
      attempt("the engine and the file store", () -> engine(tmp));
      attempt("the netlink backend", CdsTraining::netlink);
      if (Ip.isRoot()) {
        attempt("the CLI's commands on a bridge in a throwaway namespace", () -> commands(tmp));
      } else {
        System.err.println(SKIPPED + "the CLI's commands on a bridge (they need root): the"
            + " archive leaves out the classes that only those paths load");
      }
    } finally {
      deleteTree(tmp);
    }
  }

  private static void attempt(String what, Runnable part) {
    try {
      part.run();
    } catch (RuntimeException | LinkageError e) {
      System.err.println(SKIPPED + what + ": " + e);
    }
  }

  private static void cli(Path tmp) {
    PrintWriter sink = new PrintWriter(new StringWriter());
    String state = tmp.resolve("state").toString();
    NetFloorCli.execute(sink, sink, "--help");
    NetFloorCli.execute(sink, sink, "--version");
    for (String command : NetFloorCli.commandLine().getSubcommands().keySet()) {
      NetFloorCli.execute(sink, sink, command, "--help");
    }
    NetFloorCli.execute(sink, sink, "status", "--network", "cds", "--state-dir", state, "--json");
    NetFloorCli.execute(sink, sink, "plug", "vm1", "--mac", "52:54:00:00:00:01", "--floor",
        "20mbit", "--network", "cds", "--state-dir", state);
    NetFloorCli.execute(sink, sink, "unplug", "vm1", "--network", "cds", "--state-dir", state,
        "--json");
    NetFloorCli.execute(sink, sink, "plug", "--no-such-option", "--json");
  }

  private static void engine(Path tmp) {
    NetworkDefinition def = new NetworkDefinition("cds", "nfcds0", null, "1gbit", null, null,
        "hashed", "all", "average", "fq_codel", null, null, null, null);
    NetworkConfig config = def.toConfig();
    StateDir state = new StateDir(tmp.resolve("records")).check();
    state.write(def);
    state.require("cds");
    ProbeCache probes = new ProbeCache(state, "cds", null);
    probes.write(new NoKernel().capabilities());
    probes.read().orElseThrow();
    try (FileStatusStore store = FileStatusStore.open(tmp.resolve("status"))) {
      NetworkShaper shaper = NetworkShaper.create(config, new NoKernel(), store,
          Session.SHAPER_OPTIONS);
      shaper.start();
      shaper.plug("vm1", MacAddress.parse("52:54:00:00:00:01"), Optional.empty(),
          Bandwidth.floor(Rate.parse("20mbit")));
      shaper.update("vm1", Bandwidth.floor(Rate.parse("30mbit")));
      shaper.tree().find("vm1").orElseThrow();
      shaper.unplug("vm1");
      store.load("cds").orElseThrow();
      // the next command's way in: the checkpoint, then a resumed shaper
      KernelCheckpoint checkpoint = new KernelCheckpoint(state, def);
      NoKernel kernel = new NoKernel();
      checkpoint.write(store.revision("cds").orElseThrow(), kernel.dump(config.bridge()),
          shaper.tree().placement());
      shaper.close();
      NetworkShaper next = NetworkShaper.create(config, kernel, store, Session.SHAPER_OPTIONS);
      next.resume(checkpoint.verify(store.revision("cds"), store.load("cds").orElseThrow(),
          () -> kernel.dump(config.bridge())).orElseThrow());
      next.plug("vm2", MacAddress.parse("52:54:00:00:00:02"), Optional.empty(),
          Bandwidth.floor(Rate.parse("20mbit")));
      checkpoint.remove();
      next.close();
    }
    // the next command's store: the snapshot and the journal written above, read back
    try (FileStatusStore store = FileStatusStore.open(tmp.resolve("status"))) {
      store.load("cds").orElseThrow();
      store.revision("cds").orElseThrow();
    }
  }

  /**
   * The commands a hook or script runs, on a bridge in a throwaway namespace: each command as its
   * own invocation of the CLI, as {@code ./netfloor} runs it, in a fresh state directory.
   */
  private static void commands(Path tmp) {
    String ns = "nf-cds-" + Long.toHexString(Double.doubleToLongBits(Math.random()) & 0xffffffL);
    Ip.run("ip", "netns", "add", ns);
    try {
      Ip.in(ns, "link", "add", "br0", "type", "bridge");
      Ip.in(ns, "link", "set", "br0", "address", "52:54:00:ff:ff:fe", "up");
      String state = tmp.resolve("commands").toString();
      run(state, "start", "--bridge", "br0", "--average", "1gbit", "--netns", ns);
      // the first round resumes from the checkpoint start left; the second finds none (removed
      // below) and reconciles
      for (int round = 0; round < 2; round++) {
        run(state, "plug", "vm1", "--mac", "52:54:00:00:00:01", "--floor", "20mbit");
        run(state, "status");
        run(state, "plug", "vm2", "--mac", "52:54:00:00:00:02", "--json");
        run(state, "status", "--json");
        run(state, "update", "vm1", "--floor", "30mbit");
        run(state, "tree");
        run(state, "unplug", "vm2");
        run(state, "unplug", "vm1", "--json");
        run(state, "plug", "--dry-run", "vm3", "--mac", "52:54:00:00:00:03", "--floor", "1mbit");
        try {
          Files.deleteIfExists(new StateDir(Path.of(state)).checkpointFile("cds"));
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      }
      run(state, "reconcile");
      run(state, "stop");
    } finally {
      try {
        Ip.run("ip", "netns", "del", ns);
      } catch (RuntimeException e) {
        System.err.println("netfloor class-data sharing training: cannot delete namespace " + ns
            + ": " + e.getMessage());
      }
    }
  }

  /** Runs one CLI command on network {@code cds} in {@code state}; it must succeed. */
  private static void run(String state, String... args) {
    StringWriter out = new StringWriter();
    PrintWriter sink = new PrintWriter(out);
    List<String> all = new java.util.ArrayList<>(List.of(args));
    all.addAll(List.of("--network", "cds", "--state-dir", state));
    int code = NetFloorCli.execute(sink, sink, all.toArray(String[]::new));
    if (code != 0) {
      throw new IllegalStateException("netfloor " + String.join(" ", all) + " exited " + code
          + ": " + out.toString().strip());
    }
  }

  private static void netlink() {
    try (NetlinkTrafficControl tc = NetlinkTrafficControl.open()) {
      tc.deviceExists(InterfaceName.of("nfcds0"));
    }
  }

  /** A kernel that holds nothing and accepts everything: the engine's paths, no device. */
  private static final class NoKernel implements TrafficControl {
    @Override
    public void apply(Plan plan) {}

    @Override
    public KernelSnapshot dump(InterfaceName device) {
      return new KernelSnapshot(device, List.of(), List.of(), List.of());
    }

    @Override
    public Map<ClassHandle, ClassStats> classStats(InterfaceName device) {
      return Map.of();
    }

    @Override
    public boolean deviceExists(InterfaceName device) {
      return true;
    }

    @Override
    public Optional<String> deviceKind(InterfaceName device) {
      return Optional.of(BRIDGE_KIND);
    }

    @Override
    public KernelCapabilities capabilities() {
      return new KernelCapabilities(EnumSet.allOf(LeafQdiscKind.class), true, true, true);
    }

    @Override
    public void close() {}
  }

  private static void deleteTree(Path root) {
    try (Stream<Path> paths = Files.walk(root)) {
      for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
