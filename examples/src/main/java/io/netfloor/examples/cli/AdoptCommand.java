// SPDX-License-Identifier: Apache-2.0
package io.netfloor.examples.cli;

import io.netfloor.model.Bandwidth;
import io.netfloor.model.HtbTree;
import io.netfloor.model.Limits;
import io.netfloor.model.NetworkConfig;
import io.netfloor.model.NetworkStatus;
import io.netfloor.model.PluggedInterface;
import io.netfloor.persistence.LibvirtStatusImport;
import io.netfloor.plan.TcOp;
import io.netfloor.shaping.ReconcileReport;
import io.netfloor.units.ByteSize;
import io.netfloor.units.Rate;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code netfloor adopt}: takes over a bridge libvirt shapes, from libvirt's status files, and
 * remembers it like {@code start} does, so every other command then works on it.
 *
 * <p>The network is configured as libvirt's tree is built (libvirt's filter layout, IPv4-only
 * filters, libvirt's admission rule, sfq leaves unless told otherwise), so the library's adoption
 * keeps libvirt's classes and filters and only re-parameterises them with class changes.
 */
@Command(name = "adopt", mixinStandardHelpOptions = true,
    header = "Take over a network libvirt shapes, from its status files; remember it.",
    description = {"Take over the floors of a running libvirt network: read its status file"
        + " (class id bitmap, floor sum, the live <network> with its bridge and <bandwidth>) and"
        + " its ports' or domains' status files (MAC, class id, bandwidth of each guest"
        + " interface), store them as the network's status, reconcile the bridge to them and"
        + " remember the network, so that plug, unplug, update, status, tree, reconcile and stop"
        + " work on it.",
        "The tree stays libvirt's: libvirt's filter layout, IPv4-only filters and peak admission"
            + " by default, so its classes and filters are kept and only changed in place."
            + " Values libvirt accepted but NetFloor would refuse are taken as the kernel enforced"
            + " them, each with a warning on stderr; classes no given file holds are removed.",
        "The network's name is libvirt's, or a valid name derived from it (stated in a warning),"
            + " unless --network is given. Stop libvirt from changing the bridge afterwards."},
    footer = {"", "Example: netfloor adopt /run/libvirt/network/default.xml"
        + " --domains /run/libvirt/qemu --dry-run"})
final class AdoptCommand extends BaseCommand {
  @Parameters(index = "0", paramLabel = "STATUS_FILE",
      description = "libvirt's status file of the running network,"
          + " /run/libvirt/network/<name>.xml (<networkstatus>).")
  Path statusFile;

  @Option(names = "--ports", paramLabel = "PATH",
      description = "Network port status files (libvirt 5.5 and later), or directories of them"
          + " (*.xml). Default: the directory <STATUS_FILE without .xml>/ports, if it exists.")
  List<Path> ports = new ArrayList<>();

  @Option(names = "--domains", paramLabel = "PATH",
      description = "Domain status files (/run/libvirt/qemu/<domain>.xml), or directories of them;"
          + " interfaces on other networks are ignored.")
  List<Path> domains = new ArrayList<>();

  @Option(names = "--network-xml", paramLabel = "FILE",
      description = "The network's definition (virsh net-dumpxml): its <bandwidth> is used instead"
          + " of the one in STATUS_FILE.")
  Path networkXml;

  @Option(names = "--average", paramLabel = "RATE",
      description = "The network's inbound capacity, instead of libvirt's <inbound average>.")
  Rate average;

  @Option(names = "--peak", paramLabel = "RATE",
      description = "The network's inbound ceiling, with --average (default: the average).")
  Rate peak;

  @Option(names = "--burst", paramLabel = "SIZE", description = "Burst of class 1:1, with --average.")
  ByteSize burst;

  @Option(names = "--ethertypes", paramLabel = "all|ipv4", defaultValue = "ipv4",
      description = "Which frames to an interface's MAC its floor covers: 'ipv4' as libvirt's"
          + " filters (kept as they are), or 'all' EtherTypes (every filter is replaced)."
          + " Default: ${DEFAULT-VALUE}.")
  String ethertypes;

  @Option(names = "--admission", paramLabel = "average|peak", defaultValue = "peak",
      description = "What the floors may sum to: the inbound 'peak' as libvirt admits, or the"
          + " 'average' (what class 1:1 is guaranteed). Floors above it are scaled down, with a"
          + " warning. Default: ${DEFAULT-VALUE}.")
  String admission;

  @Option(names = "--leaf", paramLabel = "fq_codel|sfq|pfifo", defaultValue = "sfq",
      description = "Leaf qdisc under each class: libvirt's sfq, or the kind its leaves are if"
          + " they differ (else they are replaced); where the kernel lacks it, the best it has."
          + " Default: ${DEFAULT-VALUE}.")
  String leaf;

  @Option(names = "--dry-run", description = "Read and check everything, print what would be"
      + " adopted and every warning; change nothing.")
  boolean dryRun;

  @Override
  public Integer call() {
    NetworkDefinition.matchOf(ethertypes);
    NetworkDefinition.admissionOf(admission);
    boolean bandwidthOptions = average != null || peak != null || burst != null;
    if (average == null && bandwidthOptions) {
      throw new CliException(ExitCodes.USAGE, "--peak and --burst need --average");
    }
    if (bandwidthOptions && networkXml != null) {
      throw new CliException(ExitCodes.USAGE, "give the network's bandwidth with --average (and"
          + " --peak, --burst) or with --network-xml, not both");
    }
    List<Path> files = new ArrayList<>();
    List<Path> portPaths = new ArrayList<>(ports);
    if (portPaths.isEmpty()) {
      Path nextTo = defaultPortsDirectory(statusFile);
      if (Files.isDirectory(nextTo)) {
        portPaths.add(nextTo);
      }
    }
    for (Path p : portPaths) {
      files.addAll(statusFiles(p, "--ports"));
    }
    for (Path p : domains) {
      files.addAll(statusFiles(p, "--domains"));
    }
    LibvirtStatusImport.Result imported = LibvirtStatusImport.fromFiles(statusFile, files);
    String name = spec.commandLine().getParseResult().hasMatchedOption("--network")
        ? common.network : imported.status().network().value();

    List<String> bandwidthWarnings = new ArrayList<>();
    Bandwidth bandwidth = networkBandwidth(imported, bandwidthWarnings);
    Limits in = bandwidth.inbound().orElseThrow(() -> new CliException(ExitCodes.USAGE,
        "libvirt network '" + imported.libvirtNetworkName() + "' has no inbound <bandwidth>"
            + (networkXml == null ? " in " + statusFile : " in " + networkXml) + ": floors need"
            + " the network's capacity; give --average RATE (and --peak RATE) or --network-xml"
            + " FILE"));
    Optional<Limits> out = bandwidth.outbound();
    NetworkDefinition wanted = new NetworkDefinition(name, imported.status().bridge().toString(),
        common.netns, text(in.average()), text(in.peak()), size(in.burst()), "libvirt", ethertypes,
        admission, leaf, out.map(l -> text(l.average())).orElse(null),
        out.map(l -> text(l.peak())).orElse(null), out.map(l -> size(l.burst())).orElse(null),
        statusFile.toAbsolutePath().normalize().toString());
    NetworkConfig config = wanted.toConfig(); // validates every value before anything is touched
    LibvirtStatusImport.Result fitted = imported.fitTo(config);
    List<String> warnings = new ArrayList<>(fitted.warnings());
    warnings.addAll(bandwidthWarnings);
    HtbTree tree = fitted.status().toTree(config);

    if (files.isEmpty() && !fitted.unheldClassIds().isEmpty()) {
      // without a single guest file every class libvirt made would be deleted: a forgotten option
      throw new CliException(ExitCodes.USAGE, "libvirt's bitmap in " + statusFile + " marks class"
          + " ids " + ids(fitted) + " used, but no port or domain status file was "
          + (ports.isEmpty() ? "given (and " + defaultPortsDirectory(statusFile)
              + " does not exist)" : "found in --ports")
          + ", so adopting would delete their classes; give --ports DIR and/or --domains"
          + " FILE|DIR (libvirt keeps them in"
          + " /run/libvirt/network/<name>/ports and /run/libvirt/qemu)");
    }
    Optional<NetworkDefinition> existing = state().read(name);
    if (existing.isPresent() && !existing.get().normalized().equals(wanted.normalized())) {
      throw new CliException(ExitCodes.REFUSED, "network '" + name + "' is already started with "
          + existing.get().describe() + "; run 'netfloor stop --network " + name + "' first to"
          + " adopt it with " + wanted.describe());
    }
    refuseIfStored(name, existing.isPresent());

    if (dryRun) {
      printWarnings(warnings);
      report(wanted, imported, tree, warnings, null, null);
      return ExitCodes.OK;
    }
    ReconcileReport result;
    String leafInUse;
    // the record is written first: a crash after the store took the status leaves a network that
    // 'reconcile' and 'stop' can handle; a failure undoes both, so adopt can simply run again
    state().write(wanted);
    try (Session s = Session.open(state(), wanted)) {
      try {
        result = s.shaper.adopt(fitted.status());
        leafInUse = s.shaper.config().leafQdisc().kernelName();
      } catch (RuntimeException e) {
        try {
          s.store.delete(name); // the engine undid its kernel operations; nothing is adopted
        } catch (RuntimeException again) {
          e.addSuppressed(again);
        }
        throw e;
      }
    } catch (RuntimeException e) {
      if (existing.isEmpty()) {
        try {
          state().delete(name);
        } catch (RuntimeException again) {
          e.addSuppressed(again);
        }
        state().removeCreated(); // a failed first adopt leaves the state directory as it found it
      }
      throw e;
    }
    printWarnings(warnings);
    report(wanted, imported, tree, warnings, result, leafInUse);
    return ExitCodes.OK;
  }

  /** libvirt's ports directory next to its network status file: {@code <dir>/<name>/ports}. */
  static Path defaultPortsDirectory(Path statusFile) {
    String file = statusFile.getFileName().toString();
    String base = file.endsWith(".xml") ? file.substring(0, file.length() - 4) : file;
    Path dir = statusFile.toAbsolutePath().getParent();
    return dir.resolve(base).resolve("ports");
  }

  /** A file as given, or the {@code *.xml} regular files of a directory, sorted by name. */
  private static List<Path> statusFiles(Path path, String option) {
    if (!Files.isDirectory(path)) {
      if (!Files.isRegularFile(path)) {
        throw new CliException(ExitCodes.USAGE, option + " " + path + ": no such file or directory");
      }
      return List.of(path);
    }
    try (Stream<Path> list = Files.list(path)) {
      return list.filter(p -> p.getFileName().toString().endsWith(".xml"))
          .filter(Files::isRegularFile).sorted().toList();
    } catch (IOException e) {
      throw new CliException(ExitCodes.FAILED, "cannot list " + option + " directory " + path + ": "
          + e);
    }
  }

  /**
   * The network's bandwidth: --average/--peak/--burst replace libvirt's inbound limits (the
   * outbound ones are libvirt's still), --network-xml replaces both, else the status file's.
   */
  private Bandwidth networkBandwidth(LibvirtStatusImport.Result imported, List<String> warnings) {
    Optional<Bandwidth> fromLibvirt = imported.networkBandwidth();
    if (networkXml != null) {
      fromLibvirt = LibvirtStatusImport.networkBandwidth(networkXml, warnings);
    }
    if (average == null) {
      return fromLibvirt.orElse(Bandwidth.NONE);
    }
    Limits in = Limits.builder().average(average).peak(peak).burst(burst).build();
    return new Bandwidth(Optional.of(in), fromLibvirt.flatMap(Bandwidth::outbound));
  }

  /** A stored status means the network is NetFloor's already: adopting again would lose it. */
  private void refuseIfStored(String name, boolean recorded) {
    Optional<NetworkStatus> stored = Session.peekStatus(state(), name);
    if (stored.isEmpty()) {
      return;
    }
    if (!recorded) {
      throw LibraryNetwork.refusal(state(), stored.get(), common.netns, "adopt");
    }
    throw new CliException(ExitCodes.REFUSED, "network '" + name + "' was already adopted: its"
        + " status in " + state().statusDirectory() + ", not libvirt's files, is what NetFloor"
        + " keeps now; run 'netfloor reconcile --network " + name + "' to repair the kernel, or"
        + " 'netfloor stop --network " + name + "' (it removes the tree) and adopt again");
  }

  private void printWarnings(List<String> warnings) {
    if (common.json) {
      return; // in the JSON document
    }
    PrintWriter err = spec.commandLine().getErr();
    warnings.forEach(w -> err.println("netfloor: warning: " + NetFloorCli.oneLine(w)));
    err.flush();
  }

  private void report(NetworkDefinition def, LibvirtStatusImport.Result imported, HtbTree tree,
      List<String> warnings, ReconcileReport result, String leafInUse) {
    List<PluggedInterface> ifs = new ArrayList<>(tree.interfaces().values());
    ifs.sort(Comparator.comparingInt(PluggedInterface::classMinor)
        .thenComparing(PluggedInterface::alias));
    boolean inPlace = result != null
        && result.operations().ops().stream().allMatch(op -> op instanceof TcOp.Change
            || op.object() instanceof io.netfloor.plan.U32OwnerMark); // the mark walks no packet
    Rate capacity = tree.config().floorCapacity().orElse(Rate.ZERO);
    if (common.json) {
      Map<String, Object> json = new LinkedHashMap<>();
      json.put("network", def.name());
      json.put("libvirtNetwork", imported.libvirtNetworkName());
      json.put("bridge", def.bridge());
      json.put("netns", def.netns());
      json.put("dryRun", dryRun);
      json.put("layout", "libvirt");
      json.put("ethertypes", ethertypes);
      json.put("admission", admission);
      json.put("leafQdisc", leafInUse != null ? leafInUse : leaf);
      CliJson.putRate(json, "average", tree.config().inboundAverage().orElseThrow());
      CliJson.putRate(json, "capacity", capacity);
      CliJson.putRate(json, "floorSum", tree.floorSum());
      List<Map<String, Object>> rows = new ArrayList<>();
      for (PluggedInterface p : ifs) {
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("alias", p.alias().value());
        row.put("mac", p.mac().toString());
        row.put("class", p.effectiveClass().toString());
        CliJson.putRate(row, "floor", p.bandwidth().floorOrZero());
        rows.add(row);
      }
      json.put("interfaces", rows);
      json.put("warnings", warnings);
      json.put("repairs", result == null ? List.of() : CliJson.ops(result.operations()));
      json.put("changesInPlaceOnly", result == null ? null : inPlace);
      printJson(json);
      return;
    }
    long floored = ifs.stream().filter(PluggedInterface::hasOwnClass).count();
    out().printf("%s libvirt network '%s' as '%s': %s%s%n", dryRun ? "Would adopt" : "Adopted",
        imported.libvirtNetworkName(), def.name(), def.describe(),
        leafInUse == null ? "" : " (leaf qdisc in use: " + leafInUse + ")");
    out().printf("Floors: %s of %s allotted; %d interface(s), %d with a floor%s%n",
        tree.floorSum(), capacity, ifs.size(), floored, warnings.isEmpty() ? ""
            : "; " + warnings.size() + " warning(s)");
    for (PluggedInterface p : ifs) {
      out().printf("  %-36s %-17s %-6s %s%n", p.alias(), p.mac(), p.effectiveClass(),
          p.bandwidth().hasFloor() ? "floor " + p.bandwidth().floorOrZero() : "no floor");
    }
    if (result != null) {
      out().printf("%d kernel operation(s)%s%n", result.operations().size(), inPlace
          ? ": libvirt's classes and filters kept, changed in place only" : "");
      result.operations().ops().forEach(op -> out().println("  " + op.describe()));
      result.notes().forEach(n -> out().println("  note: " + n));
    }
    out().flush();
  }

  private static String ids(LibvirtStatusImport.Result r) {
    return r.unheldClassIds().stream().map(String::valueOf).collect(Collectors.joining(", "));
  }

  private static String text(Optional<Rate> rate) {
    return rate.map(Rate::toString).orElse(null);
  }

  private static String size(Optional<ByteSize> size) {
    return size.map(ByteSize::toString).orElse(null);
  }
}
