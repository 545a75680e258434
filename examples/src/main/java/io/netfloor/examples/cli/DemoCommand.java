// SPDX-License-Identifier: Apache-2.0
package io.netfloor.examples.cli;

import io.netfloor.examples.demo.FloorDemo;
import io.netfloor.examples.demo.Ip;
import io.netfloor.examples.demo.PriorityPhase;
import io.netfloor.model.FilterLayout;
import io.netfloor.units.Rate;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code netfloor demo}: floors proven on real traffic between throwaway namespaces. */
@Command(name = "demo", mixinStandardHelpOptions = true,
    header = "Prove floors on real traffic in throwaway namespaces (root).",
    description = {"Prove floors on real traffic: creates throwaway namespaces nf-demo-<random>-*"
        + " (a bridge br0 with 100 Mbit/s inbound, VMs vm1 floor 60mbit, vm2 floor 30mbit, vm3 no"
        + " floor), saturates all VMs at once with UDP from the bridge's address, prints the"
        + " achieved rates (layer 2) with PASS/FAIL (>= 95%% of the floor), then stops vm1 and shows"
        + " the others borrowing, then has every VM upload and download at once (outbound floors,"
        + " >= 95%% of each, on an ifb fed by the bridge's ingress), then gives vm2 and vm3 priorities"
        + " 7 and 0 without floors and checks that vm3 gets the spare bandwidth first. Removes"
        + " everything afterwards, also on Ctrl-C. Needs root; touches nothing outside its"
        + " namespaces. Takes about 30 seconds.",
        "Exit code 0 when every check passed, 1 otherwise."})
final class DemoCommand implements Callable<Integer>, NetFloorCli.Verbosity {
  @Spec
  CommandSpec spec;

  @Option(names = "--layout", paramLabel = "hashed|libvirt", defaultValue = "hashed",
      description = "u32 filter layout of the demo network. Default: ${DEFAULT-VALUE}.")
  String layout;

  @Option(names = "--seconds", paramLabel = "N", defaultValue = "8",
      description = "Measured seconds of phase 1 (phases 2, 3 and 4 take 5 each)."
          + " Default: ${DEFAULT-VALUE}.")
  int seconds;

  @Option(names = "--live", negatable = true, paramLabel = "",
      description = "Redraw the HTB tree in place every second (default: when on a terminal).")
  Boolean live;

  @Option(names = "--json", description = "Print the measurements as JSON (no progress output).")
  boolean json;

  @Option(names = {"-v", "--verbose"}, description = "Log what NetFloor does; stack traces on errors.")
  boolean verbose;

  @Override
  public boolean verbose() {
    return verbose;
  }

  @Override
  public Integer call() {
    if (seconds < 2 || seconds > 30) {
      throw new CliException(ExitCodes.USAGE, "--seconds must be between 2 and 30, got " + seconds);
    }
    FilterLayout filterLayout = NetworkDefinition.layoutOf(layout);
    if (!Ip.isRoot()) {
      throw new CliException(ExitCodes.FAILED, "the demo creates network namespaces and needs root"
          + " (CAP_SYS_ADMIN and CAP_NET_ADMIN); run it as root, e.g. sudo ./netfloor demo");
    }
    boolean redraw = live != null ? live : System.console() != null && !json;
    FloorDemo.Options options = FloorDemo.Options.defaults().withLayout(filterLayout)
        .withDurations(Duration.ofSeconds(1), Duration.ofSeconds(seconds), Duration.ofSeconds(5))
        .withLive(redraw && !json);
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter progress = json ? new PrintWriter(new StringWriter()) : out;
    FloorDemo.Result r = FloorDemo.run(options, progress);
    if (json) {
      Map<String, Object> m = CliJson.document(spec.name());
      m.put("passed", r.passed());
      m.put("floorsHeld", r.floorsHeld());
      m.put("othersBorrowed", r.othersBorrowed());
      m.put("layout", NetworkDefinition.nameOf(r.layout()));
      m.put("namespacePrefix", r.namespacePrefix());
      m.put("stopped", r.stopped());
      m.put("contention", phase(r.contention()));
      m.put("borrowing", phase(r.borrowing()));
      if (r.upload().isPresent()) {
        m.put("bothDirectionsHeld", r.bothDirectionsHeld());
        m.put("outboundTree", r.outboundTree());
        m.put("upload", phase(r.upload().get()));
        m.put("download", phase(r.download().orElseThrow()));
      }
      r.priority().ifPresent(o -> m.put("priority", priority(o)));
      try {
        out.println(CliJson.mapper().writeValueAsString(m));
      } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
        throw new IllegalStateException(e);
      }
      out.flush();
    }
    return r.passed() ? ExitCodes.OK : ExitCodes.FAILED;
  }

  private static Map<String, Object> phase(FloorDemo.Phase p) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("measuredSeconds", p.measured().toMillis() / 1000.0);
    CliJson.putRate(m, "capacity", p.capacity());
    m.put("totalBitsPerSecond", Math.round(p.totalBitsPerSecond()));
    List<Map<String, Object>> vms = p.vms().stream().map(v -> {
      Map<String, Object> vm = new LinkedHashMap<>();
      vm.put("vm", v.vm());
      vm.put("alias", v.alias());
      vm.put("class", v.classId().toString());
      CliJson.putRate(vm, "floor", v.floor());
      CliJson.putRate(vm, "ceil", v.ceiling());
      vm.put("sending", v.sending());
      vm.put("atVmBitsPerSecond", Math.round(v.atVmBitsPerSecond()));
      vm.put("htbClassBitsPerSecond", Math.round(v.htbClassBitsPerSecond()));
      return vm;
    }).toList();
    m.put("vms", vms);
    return m;
  }

  private static Map<String, Object> priority(PriorityPhase.Outcome o) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("measuredSeconds", o.measured().toMillis() / 1000.0);
    m.put("passed", o.passed());
    m.put("vms", java.util.stream.Stream.of(o.high(), o.low()).map(s -> {
      Map<String, Object> vm = new LinkedHashMap<>();
      vm.put("vm", s.vm());
      vm.put("alias", s.alias());
      vm.put("class", s.classId().toString());
      vm.put("priority", s.priority().value());
      vm.put("atVmBitsPerSecond", Math.round(s.atVmBitsPerSecond()));
      return vm;
    }).toList());
    return m;
  }

  /** For tests and callers: the rate the demo's network is built with. */
  static Rate capacity() {
    return FloorDemo.Options.defaults().capacity();
  }
}
