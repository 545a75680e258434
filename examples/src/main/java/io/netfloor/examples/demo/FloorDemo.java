// SPDX-License-Identifier: Apache-2.0
package io.netfloor.examples.demo;

import io.netfloor.examples.TreeView;
import io.netfloor.examples.Units;
import io.netfloor.examples.traffic.UdpFlow;
import io.netfloor.model.Bandwidth;
import io.netfloor.model.FilterLayout;
import io.netfloor.model.Limits;
import io.netfloor.model.NetworkConfig;
import io.netfloor.model.OutboundFloorPlacement;
import io.netfloor.model.Priority;
import io.netfloor.netlink.NetlinkTrafficControl;
import io.netfloor.persistence.FileStatusStore;
import io.netfloor.shaping.InterfaceStats;
import io.netfloor.shaping.NetworkShaper;
import io.netfloor.spi.KernelSnapshot;
import io.netfloor.units.ClassHandle;
import io.netfloor.units.InterfaceName;
import io.netfloor.units.MacAddress;
import io.netfloor.units.Rate;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * The floor demo: builds a throwaway bridge and VMs in network namespaces ({@link DemoLab}), starts
 * a NetFloor network on the bridge with the netlink backend and a file status store, plugs the VMs
 * with different floors, and drives saturating UDP traffic from the bridge's own address to every VM
 * at once, so that all of it leaves through the bridge's egress qdisc, where the HTB tree lives.
 *
 * <ol>
 *   <li><b>Contention</b>: every VM wants more than its share; each floored VM must receive at least
 *       {@link Options#passRatio()} of its floor, measured at layer 2 (what HTB counts) from the
 *       bytes its receiver got.
 *   <li><b>Borrowing</b>: the VM with the biggest floor stops; the others must take the freed
 *       bandwidth (HTB is work-conserving), each up to its ceiling.
 *   <li><b>Both directions</b> (when {@link Options#upload()} is not zero): every VM uploads and
 *       downloads at once; each VM with an outbound floor must send at least
 *       {@link Options#passRatio()} of it through the outbound floor tree, and each floored VM
 *       still receive that share of its floor.
 *   <li><b>Priority</b> ({@link PriorityPhase}): two VMs that sent in phase 2 lose their floors and get
 *       priorities 7 and 0 live; the one with priority 0 must get at least
 *       {@link PriorityPhase#MIN_RATIO} times the other's rate of the spare bandwidth.
 * </ol>
 *
 * Then every VM is unplugged, the network stopped and every namespace deleted — also when the run
 * fails or the JVM is interrupted (Ctrl-C runs the same clean-up from a shutdown hook).
 */
public final class FloorDemo {
  /** What stays at most between the end of one step and the clean-up, in the worst case. */
  private static final Duration FLOW_SAFETY_MARGIN = Duration.ofSeconds(20);

  /**
   * A VM of the demo.
   *
   * @param floor its guaranteed rate, if any
   * @param average its own average (its ceiling, below the network's), if any
   */
  public record VmSpec(String name, Optional<Rate> floor, Optional<Rate> average,
      Optional<Rate> outboundFloor) {
    public VmSpec {
      Objects.requireNonNull(name, "name");
      Objects.requireNonNull(floor, "floor");
      Objects.requireNonNull(average, "average");
      Objects.requireNonNull(outboundFloor, "outboundFloor");
    }

    /** A VM without an outbound floor. */
    public VmSpec(String name, Optional<Rate> floor, Optional<Rate> average) {
      this(name, floor, average, Optional.empty());
    }

    /** The bandwidth it is plugged with. */
    public Bandwidth bandwidth() {
      Bandwidth in = Bandwidth.NONE;
      if (floor.isPresent() || average.isPresent()) {
        Limits.Builder b = Limits.builder();
        floor.ifPresent(b::floor);
        average.ifPresent(b::average);
        in = Bandwidth.inboundOnly(b.build());
      }
      return in.withOutboundFloor(outboundFloor.orElse(null));
    }

    public String alias() {
      return name + "-eth0";
    }
  }

  /**
   * How the demo runs.
   *
   * @param capacity the network's inbound average (and ceiling): what the floors are carved from
   * @param warmup traffic before a phase's measurement starts (queues fill, rates settle)
   * @param contention the measured length of phase 1
   * @param borrowing the measured length of phase 2
   * @param passRatio the share of its floor a VM must reach (0.95 for the demo)
   * @param live redraw the tree in place (a terminal) instead of printing progress lines
   * @param upload the measured length of phase 3 (every VM uploads and downloads at once); zero
   *     for no phase 3
   * @param outbound where outbound floors are guaranteed; with anything but NONE the network's
   *     outbound capacity is {@code capacity} too
   */
  public record Options(Rate capacity, FilterLayout layout, List<VmSpec> vms, Duration warmup,
      Duration contention, Duration borrowing, double passRatio, boolean live, Duration upload,
      OutboundFloorPlacement.Kind outbound) {
    public Options {
      Objects.requireNonNull(upload, "upload");
      Objects.requireNonNull(outbound, "outbound");
      vms = List.copyOf(vms);
      if (vms.size() < 2) {
        throw new IllegalArgumentException("the demo needs at least two VMs");
      }
      if (passRatio <= 0 || passRatio > 1) {
        throw new IllegalArgumentException("pass ratio must be in (0, 1], got " + passRatio);
      }
    }

    /** Options without phase 3 and without outbound floors. */
    public Options(Rate capacity, FilterLayout layout, List<VmSpec> vms, Duration warmup,
        Duration contention, Duration borrowing, double passRatio, boolean live) {
      this(capacity, layout, vms, warmup, contention, borrowing, passRatio, live, Duration.ZERO,
          OutboundFloorPlacement.Kind.NONE);
    }

    /**
     * 100 Mbit/s each way; vm1 floor 60mbit and outbound floor 20mbit, vm2 floor 30mbit and
     * outbound floor 60mbit, vm3 no floor (the default classes get what is left); all may borrow
     * up to the network's 100mbit; outbound floors on the bridge's ingress; 1 s warm-up, 8 s + 5 s
     * + 5 s.
     */
    public static Options defaults() {
      return new Options(Rate.parse("100mbit"), FilterLayout.HASHED, List.of(
          new VmSpec("vm1", Optional.of(Rate.parse("60mbit")), Optional.empty(),
              Optional.of(Rate.parse("20mbit"))),
          new VmSpec("vm2", Optional.of(Rate.parse("30mbit")), Optional.empty(),
              Optional.of(Rate.parse("60mbit"))),
          new VmSpec("vm3", Optional.empty(), Optional.empty())),
          Duration.ofSeconds(1), Duration.ofSeconds(8), Duration.ofSeconds(5), 0.95, false,
          Duration.ofSeconds(5), OutboundFloorPlacement.Kind.BRIDGE_INGRESS);
    }

    public Options withLayout(FilterLayout value) {
      return new Options(capacity, value, vms, warmup, contention, borrowing, passRatio, live,
          upload, outbound);
    }

    public Options withDurations(Duration warm, Duration phase1, Duration phase2) {
      return new Options(capacity, layout, vms, warm, phase1, phase2, passRatio, live, upload,
          outbound);
    }

    public Options withPassRatio(double value) {
      return new Options(capacity, layout, vms, warmup, contention, borrowing, value, live,
          upload, outbound);
    }

    public Options withLive(boolean value) {
      return new Options(capacity, layout, vms, warmup, contention, borrowing, passRatio, value,
          upload, outbound);
    }

    public Options withCapacity(Rate value) {
      return new Options(value, layout, vms, warmup, contention, borrowing, passRatio, live,
          upload, outbound);
    }

    /** Phase 3 measured for {@code length} (zero: none), outbound floors placed at {@code where}. */
    public Options withUpload(Duration length, OutboundFloorPlacement.Kind where) {
      return new Options(capacity, layout, vms, warmup, contention, borrowing, passRatio, live,
          length, where);
    }

    public Options withVms(List<VmSpec> value) {
      return new Options(capacity, layout, value, warmup, contention, borrowing, passRatio, live,
          upload, outbound);
    }
  }

  /**
   * What one VM got during a phase.
   *
   * @param atVmBitsPerSecond what its receiver got, as Ethernet frames (payload + 42 bytes each)
   * @param htbClassBitsPerSecond what its HTB class sent (the default class for a VM without floor)
   */
  public record VmResult(String vm, String alias, ClassHandle classId, Rate floor, Rate ceiling,
      boolean sending, double atVmBitsPerSecond, double htbClassBitsPerSecond) {
    public boolean hasFloor() {
      return !floor.isZero();
    }
  }

  /** One measured phase. */
  public record Phase(String title, List<VmResult> vms, Rate capacity, Duration measured) {
    public double totalBitsPerSecond() {
      return vms.stream().mapToDouble(VmResult::atVmBitsPerSecond).sum();
    }

    public VmResult vm(String name) {
      return vms.stream().filter(v -> v.vm().equals(name)).findFirst().orElseThrow();
    }
  }

  /**
   * The demo's outcome.
   *
   * @param namespacePrefix the namespaces' common prefix (all deleted when the run returns)
   * @param stopped the VM whose traffic stopped in phase 2
   */
  public record Result(String namespacePrefix, FilterLayout layout, Phase contention, Phase borrowing,
      String stopped, double passRatio, Optional<Phase> upload, Optional<Phase> download,
      String outboundTree, Optional<PriorityPhase.Outcome> priority) {
    /** Every floored VM reached {@code passRatio} of its floor in phase 1. */
    public boolean floorsHeld() {
      return held(contention);
    }

    /**
     * In phase 3 (both directions at once) every VM with an outbound floor uploaded at least
     * {@code passRatio} of it, and every VM with a floor downloaded at least that share of it;
     * true without a phase 3.
     */
    public boolean bothDirectionsHeld() {
      return upload.map(this::held).orElse(true) && download.map(this::held).orElse(true);
    }

    private boolean held(Phase p) {
      return p.vms().stream().filter(VmResult::hasFloor)
          .allMatch(v -> v.atVmBitsPerSecond() >= passRatio * v.floor().bitsPerSecond());
    }

    /** In phase 2 each VM still sending got more than its floor, and none went over its ceiling. */
    public boolean othersBorrowed() {
      return borrowing.vms().stream().filter(VmResult::sending)
          .allMatch(v -> verdict(v, borrowing.capacity()).startsWith("BORROWS"));
    }

    public boolean passed() {
      return floorsHeld() && othersBorrowed() && bothDirectionsHeld()
          && priority.map(PriorityPhase.Outcome::passed).orElse(true);
    }
  }

  private final Options options;
  private final PrintWriter out;
  private final Cleanup cleanup = new Cleanup();

  private FloorDemo(Options options, PrintWriter out) {
    this.options = options;
    this.out = out;
  }

  /**
   * Runs the demo, printing as it goes, and returns the measurements. Everything it created is gone
   * when it returns or throws.
   */
  public static Result run(Options options, PrintWriter out) {
    FloorDemo demo = new FloorDemo(Objects.requireNonNull(options, "options"),
        Objects.requireNonNull(out, "out"));
    Thread hook = new Thread(demo.cleanup::runQuietly, "netfloor-demo-cleanup");
    Runtime.getRuntime().addShutdownHook(hook);
    try {
      return demo.runPhases();
    } finally {
      demo.cleanup.run(out);
      try {
        Runtime.getRuntime().removeShutdownHook(hook);
      } catch (IllegalStateException shuttingDown) {
        // the JVM is exiting: the hook runs (and finds nothing left to do)
      }
    }
  }

  private Result runPhases() {
    List<String> names = options.vms().stream().map(VmSpec::name).toList();
    out.printf("Creating namespaces: a host with bridge %s (%s inbound) and %d VMs...%n",
        DemoLab.BRIDGE, options.capacity(), names.size());
    out.flush();
    DemoLab lab = DemoLab.create(names);
    cleanup.lab = lab;
    out.printf("  namespaces %s-{host,%s}%n", lab.prefix(), String.join(",", names));

    Path stateDir = tempStateDir();
    cleanup.stateDir = stateDir;
    FileStatusStore store = FileStatusStore.open(stateDir);
    cleanup.store = store;
    NetlinkTrafficControl tc = NetlinkTrafficControl.openInNamespace(lab.hostNamespace());
    cleanup.tc = tc;
    NetworkConfig.Builder builder = NetworkConfig.builder("demo", DemoLab.BRIDGE)
        .inbound(Limits.builder().average(options.capacity()).build())
        .filterLayout(options.layout());
    OutboundFloorPlacement.Kind where = options.outbound();
    if (where == OutboundFloorPlacement.Kind.BRIDGE_INGRESS
        && !(tc.capabilities().ifb() && tc.capabilities().mirred())) {
      out.println("  this kernel lacks ifb or mirred: outbound floors go on the uplink's egress");
      where = OutboundFloorPlacement.Kind.UPLINK_EGRESS;
    }
    if (where != OutboundFloorPlacement.Kind.NONE) {
      builder.outbound(Limits.averageOnly(options.capacity()))
          .outboundFloors(where == OutboundFloorPlacement.Kind.BRIDGE_INGRESS
              ? OutboundFloorPlacement.bridgeIngress()
              : OutboundFloorPlacement.uplinkEgress(InterfaceName.of(DemoLab.UPLINK)));
    }
    NetworkConfig config = builder.build();
    NetworkShaper shaper = NetworkShaper.create(config, tc, store);
    shaper.start();
    cleanup.shaper = shaper;
    out.printf("Started network 'demo' on %s: HTB 1: with 1:1 at %s, %s filters, leaf qdisc %s%n",
        DemoLab.BRIDGE, options.capacity(),
        Units.layout(options.layout()),
        shaper.config().leafQdisc().kernelName());
    String outboundTree = describeOutboundTree(config);
    if (config.supportsOutboundFloors()) {
      out.printf("  outbound floors: %s, 1:1 at %s%n", outboundTree, options.capacity());
    }

    Map<String, DemoLab.Vm> vmByName = new LinkedHashMap<>();
    for (DemoLab.Vm vm : lab.vms()) {
      vmByName.put(vm.name(), vm);
    }
    for (VmSpec spec : options.vms()) {
      DemoLab.Vm vm = vmByName.get(spec.name());
      ClassHandle c = shaper.plug(spec.alias(), MacAddress.parse(vm.mac()),
          Optional.empty(), spec.bandwidth());
      cleanup.plugged.add(spec.alias());
      out.printf("  plugged %-9s %s  %-22s -> class %s%n", spec.alias(), vm.mac(),
          describe(spec), c);
    }
    out.flush();

    Duration bound = options.warmup().multipliedBy(2).plus(options.contention())
        .plus(options.borrowing()).plus(FLOW_SAFETY_MARGIN);
    Map<String, UdpFlow> flows = new LinkedHashMap<>();
    InetSocketAddress source = new InetSocketAddress(lab.bridgeAddress(), 0);
    for (VmSpec spec : options.vms()) {
      DemoLab.Vm vm = vmByName.get(spec.name());
      UdpFlow flow = UdpFlow.start(spec.name(), lab.hostNamespace(), vm.namespace(), source,
          vm.socketAddress(), bound);
      cleanup.flows.add(flow);
      flows.put(spec.name(), flow);
    }
    out.printf("%nPhase 1: saturating UDP from %s (br0) to every VM at once%n",
        lab.bridgeAddress());
    Phase contention = measure("contention", shaper, tc, flows, options.contention());

    VmSpec biggest = options.vms().stream()
        .max(Comparator.comparing((VmSpec v) -> v.floor().orElse(Rate.ZERO))).orElseThrow();
    flows.get(biggest.name()).stopSending();
    out.printf("%nPhase 2: %s stops; the others may borrow its share up to their ceilings%n",
        biggest.name());
    Phase borrowing = measure("borrowing", shaper, tc, flows, options.borrowing());

    for (UdpFlow f : flows.values()) {
      if (f.failure() != null) {
        throw new IllegalStateException("traffic of " + f.name() + " failed: "
            + f.failure().getMessage(), f.failure());
      }
    }
    Optional<Phase> upload = Optional.empty();
    Optional<Phase> download = Optional.empty();
    if (!options.upload().isZero()) {
      for (UdpFlow f : flows.values()) {
        f.close(); // phase 3 starts its own flows (the receivers' ports are reused)
      }
      Phase[] both = bothDirections(lab, vmByName, shaper, tc);
      upload = Optional.of(both[0]);
      download = Optional.of(both[1]);
    }
    Optional<PriorityPhase.Outcome> priority = priorityPhase(lab, vmByName, shaper, flows,
        biggest.name(), upload.isPresent());
    Result result = new Result(lab.prefix(), options.layout(), contention, borrowing,
        biggest.name(), options.passRatio(), upload, download, outboundTree, priority);
    out.println();
    printTables(result, out);
    return result;
  }

  /**
   * Phase 4, when two VMs sent in phase 2: the first loses its floor and gets the lowest priority,
   * the last gets the highest, both without floors, and both stay saturated. Without phase 3 their
   * phase 2 flows go on; after it (whose flows are closed) each gets a fresh saturating flow.
   */
  private Optional<PriorityPhase.Outcome> priorityPhase(DemoLab lab,
      Map<String, DemoLab.Vm> vmByName, NetworkShaper shaper, Map<String, UdpFlow> flows,
      String stopped, boolean afterBothDirections) {
    List<VmSpec> sending = options.vms().stream().filter(v -> !v.name().equals(stopped)).toList();
    if (sending.size() < 2) {
      return Optional.empty();
    }
    VmSpec low = sending.get(0);
    VmSpec high = sending.get(sending.size() - 1);
    Map<String, UdpFlow> saturating = flows;
    if (afterBothDirections) {
      saturating = new LinkedHashMap<>();
      Duration bound = options.warmup().plus(options.borrowing()).plus(FLOW_SAFETY_MARGIN);
      InetSocketAddress source = new InetSocketAddress(lab.bridgeAddress(), 0);
      for (VmSpec spec : List.of(low, high)) {
        DemoLab.Vm vm = vmByName.get(spec.name());
        // named as the VM: the outcome reports each flow's name as its VM
        UdpFlow f = UdpFlow.start(spec.name(), lab.hostNamespace(), vm.namespace(), source,
            vm.socketAddress(), bound);
        cleanup.flows.add(f);
        saturating.put(spec.name(), f);
      }
    }
    out.printf("%nPhase 4: %s and %s without floors, %s priority 0 (highest), %s priority 7"
        + " (lowest), both saturated%n", low.name(), high.name(), high.name(), low.name());
    out.flush();
    PriorityPhase.Outcome o = PriorityPhase.run(shaper, options.capacity(), high.alias(),
        saturating.get(high.name()), Priority.HIGHEST, low.alias(), saturating.get(low.name()),
        Priority.LOWEST, options.warmup(), options.borrowing());
    for (UdpFlow f : saturating.values()) {
      if (f.failure() != null) {
        throw new IllegalStateException("traffic of " + f.name() + " failed: "
            + f.failure().getMessage(), f.failure());
      }
    }
    return Optional.of(o);
  }

  private static String describeOutboundTree(NetworkConfig config) {
    return switch (config.outboundFloors().kind()) {
      case NONE -> "none";
      case BRIDGE_INGRESS -> "the bridge's ingress, redirected to ifb "
          + config.outboundFloorDevice().orElseThrow();
      case UPLINK_EGRESS -> "the egress of uplink " + config.outboundFloorDevice().orElseThrow();
    };
  }

  /**
   * Phase 3: every VM uploads (to the bridge's address, or to the outside behind the uplink, as
   * the placement needs) and downloads at once. Uploads are paced at twice the capacity each: a
   * guest's socket is not held back by the shaping queue. Returns {upload, download}.
   */
  private Phase[] bothDirections(DemoLab lab, Map<String, DemoLab.Vm> vmByName,
      NetworkShaper shaper, NetlinkTrafficControl tc) {
    NetworkConfig config = shaper.config();
    boolean toBridge = config.outboundFloors().kind() != OutboundFloorPlacement.Kind.UPLINK_EGRESS;
    String upNamespace = toBridge ? lab.hostNamespace() : lab.outsideNamespace();
    String upAddress = toBridge ? lab.bridgeAddress() : lab.outsideAddress();
    Duration bound = options.warmup().plus(options.upload()).plus(FLOW_SAFETY_MARGIN);
    Map<String, UdpFlow> down = new LinkedHashMap<>();
    Map<String, UdpFlow> up = new LinkedHashMap<>();
    InetSocketAddress source = new InetSocketAddress(lab.bridgeAddress(), 0);
    int port = DemoLab.PORT + 100;
    for (VmSpec spec : options.vms()) {
      DemoLab.Vm vm = vmByName.get(spec.name());
      UdpFlow d = UdpFlow.start(spec.name() + "-down", lab.hostNamespace(), vm.namespace(), source,
          vm.socketAddress(), bound);
      cleanup.flows.add(d);
      down.put(spec.name(), d);
      UdpFlow u = UdpFlow.startPaced(spec.name() + "-up", vm.namespace(), upNamespace,
          new InetSocketAddress(vm.address(), 0), new InetSocketAddress(upAddress, port++), bound,
          2 * options.capacity().bitsPerSecond());
      cleanup.flows.add(u);
      up.put(spec.name(), u);
    }
    out.printf("%nPhase 3: every VM uploads (to %s) and downloads at once%n", upAddress);
    out.flush();
    InterfaceName treeDevice = config.outboundFloorDevice().orElse(null);
    sleep(options.warmup());
    Map<String, UdpFlow.Counters> upStart = counters(up);
    Map<String, UdpFlow.Counters> downStart = counters(down);
    Map<String, InterfaceStats> inStart = statsByAlias(shaper);
    KernelSnapshot outStart = treeDevice == null ? null : tc.dump(treeDevice);
    long start = System.nanoTime();
    long end = start + options.upload().toNanos();
    int second = 0;
    long total = Math.max(1, options.upload().toSeconds());
    Map<String, UdpFlow.Counters> previous = upStart;
    long previousAt = start;
    while (System.nanoTime() < end) {
      sleepNanos(Math.min(end, start + (second + 1) * 1_000_000_000L) - System.nanoTime());
      second++;
      long now = System.nanoTime();
      Map<String, UdpFlow.Counters> current = counters(up);
      out.println(progress("upload", second, total, previous, current,
          Duration.ofNanos(now - previousAt)).replace("at the VMs", "from the VMs"));
      out.flush();
      previous = current;
      previousAt = now;
    }
    double seconds = (System.nanoTime() - start) / 1e9;
    Map<String, UdpFlow.Counters> upEnd = counters(up);
    Map<String, UdpFlow.Counters> downEnd = counters(down);
    Map<String, InterfaceStats> inEnd = statsByAlias(shaper);
    KernelSnapshot outEnd = treeDevice == null ? null : tc.dump(treeDevice);
    Map<String, io.netfloor.model.PluggedInterface> plugged = shaper.tree().interfaces();
    List<VmResult> ups = new ArrayList<>();
    List<VmResult> downs = new ArrayList<>();
    for (VmSpec spec : options.vms()) {
      io.netfloor.model.PluggedInterface p = plugged.get(spec.alias());
      ClassHandle outClass = p.outboundClass();
      double uploaded = (upEnd.get(spec.name()).l2Bytes() - upStart.get(spec.name()).l2Bytes())
          * 8 / seconds;
      double upClass = treeDevice == null ? 0 : (classBytes(outEnd, outClass)
          - classBytes(outStart, outClass)) * 8 / seconds;
      ups.add(new VmResult(spec.name(), spec.alias(), outClass,
          p.bandwidth().outboundFloorOrZero(), options.capacity(), up.get(spec.name()).isSending(),
          uploaded, upClass));
      InterfaceStats s0 = inStart.get(spec.alias());
      InterfaceStats s1 = inEnd.get(spec.alias());
      double downloaded = (downEnd.get(spec.name()).l2Bytes()
          - downStart.get(spec.name()).l2Bytes()) * 8 / seconds;
      downs.add(new VmResult(spec.name(), spec.alias(), s1.classId(), s1.floor(), s1.ceiling(),
          down.get(spec.name()).isSending(), downloaded,
          (s1.counters().bytes() - s0.counters().bytes()) * 8 / seconds));
    }
    for (UdpFlow f : Stream.concat(up.values().stream(), down.values().stream()).toList()) {
      f.close(); // phase 4 may start flows to the same receivers' ports
      if (f.failure() != null) {
        throw new IllegalStateException("traffic of " + f.name() + " failed: "
            + f.failure().getMessage(), f.failure());
      }
    }
    Duration measured = Duration.ofNanos((long) (seconds * 1e9));
    return new Phase[] {new Phase("upload", ups, options.capacity(), measured),
        new Phase("download", downs, options.capacity(), measured)};
  }

  private static long classBytes(KernelSnapshot snapshot, ClassHandle c) {
    return snapshot.findClass(c).map(k -> k.stats().bytes()).orElse(0L);
  }

  private static String describe(VmSpec spec) {
    List<String> parts = new ArrayList<>();
    spec.floor().ifPresent(f -> parts.add("floor " + f));
    spec.average().ifPresent(a -> parts.add("ceiling " + a));
    spec.outboundFloor().ifPresent(f -> parts.add("outbound floor " + f));
    return parts.isEmpty() ? "no floor" : String.join(", ", parts);
  }

  /** Warms up, then measures {@code length}, showing progress every second. */
  private Phase measure(String title, NetworkShaper shaper, NetlinkTrafficControl tc,
      Map<String, UdpFlow> flows, Duration length) {
    InterfaceName bridge = InterfaceName.of(DemoLab.BRIDGE);
    sleep(options.warmup());
    Map<String, UdpFlow.Counters> flowStart = counters(flows);
    Map<String, InterfaceStats> classStart = statsByAlias(shaper);
    long start = System.nanoTime();
    long end = start + length.toNanos();
    KernelSnapshot previous = tc.dump(bridge);
    Map<String, UdpFlow.Counters> flowPrevious = flowStart;
    long previousAt = start;
    int drawn = 0;
    int second = 0;
    long totalSeconds = Math.max(1, length.toSeconds());
    while (System.nanoTime() < end) {
      long next = Math.min(end, start + (second + 1) * 1_000_000_000L);
      sleepNanos(next - System.nanoTime());
      second++;
      long now = System.nanoTime();
      KernelSnapshot current = tc.dump(bridge);
      Map<String, UdpFlow.Counters> flowNow = counters(flows);
      Duration elapsed = Duration.ofNanos(now - previousAt);
      if (options.live()) {
        List<String> lines = new ArrayList<>(TreeView.of(shaper.tree(), current,
            Optional.of(previous), elapsed).render());
        lines.add(progress(title, second, totalSeconds, flowPrevious, flowNow, elapsed));
        if (drawn > 0) {
          out.print("\033[" + drawn + "A\033[J");
        }
        lines.forEach(out::println);
        drawn = lines.size();
      } else {
        out.println(progress(title, second, totalSeconds, flowPrevious, flowNow, elapsed));
      }
      out.flush();
      previous = current;
      flowPrevious = flowNow;
      previousAt = now;
    }
    double seconds = (System.nanoTime() - start) / 1e9;
    Map<String, UdpFlow.Counters> flowEnd = counters(flows);
    Map<String, InterfaceStats> classEnd = statsByAlias(shaper);
    List<VmResult> results = new ArrayList<>();
    for (VmSpec spec : options.vms()) {
      UdpFlow flow = flows.get(spec.name());
      InterfaceStats s0 = classStart.get(spec.alias());
      InterfaceStats s1 = classEnd.get(spec.alias());
      double atVm = (flowEnd.get(spec.name()).l2Bytes() - flowStart.get(spec.name()).l2Bytes())
          * 8 / seconds;
      double atClass = (s1.counters().bytes() - s0.counters().bytes()) * 8 / seconds;
      results.add(new VmResult(spec.name(), spec.alias(), s1.classId(), s1.floor(), s1.ceiling(),
          flow.isSending(), atVm, atClass));
    }
    return new Phase(title, results, options.capacity(), Duration.ofNanos((long) (seconds * 1e9)));
  }

  private static String progress(String title, int second, long total,
      Map<String, UdpFlow.Counters> before, Map<String, UdpFlow.Counters> now, Duration elapsed) {
    int width = 20;
    int filled = (int) Math.min(width, Math.round(width * (double) second / total));
    StringBuilder sb = new StringBuilder(String.format(Locale.ROOT, "  %-10s [%s%s] %2d/%d s ",
        title, "#".repeat(filled), ".".repeat(width - filled), second, total));
    double seconds = elapsed.toNanos() / 1e9;
    for (Map.Entry<String, UdpFlow.Counters> e : now.entrySet()) {
      double bps = (e.getValue().l2Bytes() - before.get(e.getKey()).l2Bytes()) * 8 / seconds;
      sb.append(String.format(Locale.ROOT, " %s %5.1f", e.getKey(), bps / 1e6));
    }
    return sb.append(" Mbit/s at the VMs").toString();
  }

  private static Map<String, UdpFlow.Counters> counters(Map<String, UdpFlow> flows) {
    Map<String, UdpFlow.Counters> m = new LinkedHashMap<>();
    flows.forEach((name, flow) -> m.put(name, flow.counters()));
    return m;
  }

  private static Map<String, InterfaceStats> statsByAlias(NetworkShaper shaper) {
    Map<String, InterfaceStats> m = new LinkedHashMap<>();
    for (InterfaceStats s : shaper.stats()) {
      m.put(s.alias(), s);
    }
    return m;
  }

  /** The verdict of one VM in phase 2. */
  static String verdict(VmResult v, Rate capacity) {
    if (!v.sending()) {
      return "stopped";
    }
    double margin = Math.max(1e6, 0.05 * capacity.bitsPerSecond());
    double got = v.atVmBitsPerSecond();
    if (got > v.ceiling().bitsPerSecond() * 1.05) {
      return "FAIL (above ceiling)";
    }
    if (got < v.floor().bitsPerSecond() + margin) {
      return "FAIL (did not borrow)";
    }
    return got >= v.ceiling().bitsPerSecond() * 0.95 ? "BORROWS (up to its ceiling)" : "BORROWS";
  }

  /** Prints both phases' tables. */
  public static void printTables(Result r, PrintWriter out) {
    Phase p1 = r.contention();
    out.printf("Phase 1 - contention: every VM saturated, %.0f s measured (layer-2 rates)%n",
        p1.measured().toMillis() / 1000.0);
    out.printf("  %-5s %-9s %-6s %-9s %-9s %14s %14s %9s  %s%n", "VM", "INTERFACE", "CLASS",
        "FLOOR", "CEILING", "AT THE VM", "HTB CLASS", "OF FLOOR", "RESULT");
    Map<ClassHandle, Long> sharing = new LinkedHashMap<>();
    p1.vms().forEach(v -> sharing.merge(v.classId(), 1L, Long::sum));
    boolean shared = false;
    for (VmResult v : p1.vms()) {
      boolean isShared = sharing.get(v.classId()) > 1;
      shared |= isShared;
      String verdict = !v.hasFloor() ? "no floor: gets what is left"
          : v.atVmBitsPerSecond() >= r.passRatio() * v.floor().bitsPerSecond() ? "PASS" : "FAIL";
      out.printf("  %-5s %-9s %-6s %-9s %-9s %14s %14s %9s  %s%n", v.vm(), v.alias(), v.classId(),
          v.hasFloor() ? v.floor().toString() : "-", v.ceiling(),
          Units.bitsPerSecond(v.atVmBitsPerSecond()),
          Units.bitsPerSecond(v.htbClassBitsPerSecond()) + (isShared ? "*" : ""),
          v.hasFloor() ? Units.percent(v.atVmBitsPerSecond(), v.floor().bitsPerSecond()) : "-",
          verdict);
    }
    out.printf("  total link use: %s of %s (%s)%n", Units.bitsPerSecond(p1.totalBitsPerSecond()),
        p1.capacity(), Units.percent(p1.totalBitsPerSecond(), p1.capacity().bitsPerSecond()));
    if (shared) {
      out.println("  * the default class 1:2, shared by every VM without a floor");
    }
    out.println();
    Phase p2 = r.borrowing();
    out.printf("Phase 2 - %s stopped: the others borrow, %.0f s measured%n", r.stopped(),
        p2.measured().toMillis() / 1000.0);
    out.printf("  %-5s %-9s %-9s %14s %12s  %s%n", "VM", "FLOOR", "CEILING", "AT THE VM",
        "ABOVE FLOOR", "RESULT");
    for (VmResult v : p2.vms()) {
      out.printf("  %-5s %-9s %-9s %14s %12s  %s%n", v.vm(),
          v.hasFloor() ? v.floor().toString() : "-", v.ceiling(),
          Units.bitsPerSecond(v.atVmBitsPerSecond()),
          v.sending() ? String.format(Locale.ROOT, "%+.1f Mbit",
              (v.atVmBitsPerSecond() - v.floor().bitsPerSecond()) / 1e6) : "-",
          verdict(v, p2.capacity()));
    }
    out.printf("  total link use: %s of %s (%s)%n", Units.bitsPerSecond(p2.totalBitsPerSecond()),
        p2.capacity(), Units.percent(p2.totalBitsPerSecond(), p2.capacity().bitsPerSecond()));
    out.println();
    if (r.upload().isPresent()) {
      printBothDirections(r, out);
    }
    r.priority().ifPresent(o -> {
      PriorityPhase.printTable("Phase 4 - priority: two VMs without floors share the spare"
          + " bandwidth", o, out);
      out.println();
    });
    out.printf("%s: %s%n", r.passed() ? "PASS" : "FAIL",
        r.passed() ? "every floor held under contention" + (r.upload().isPresent()
            ? ", in both directions at once," : "") + " and the freed bandwidth was borrowed"
            + (r.priority().isPresent() ? ", the higher priority first" : "")
            : (!r.floorsHeld() ? "a floor was missed" : !r.bothDirectionsHeld()
                ? "a floor was missed with both directions loaded"
                : !r.othersBorrowed() ? "floors held, but borrowing did not behave"
                : "floors held and bandwidth was borrowed, but not by priority"));
    out.flush();
  }

  /** Phase 3's table: each VM's upload against its outbound floor, and its download. */
  private static void printBothDirections(Result r, PrintWriter out) {
    Phase up = r.upload().orElseThrow();
    Phase down = r.download().orElseThrow();
    out.printf("Phase 3 - both directions: every VM uploads and downloads at once, %.0f s measured"
        + " (layer-2 rates)%n", up.measured().toMillis() / 1000.0);
    out.printf("  outbound floors: %s%n", r.outboundTree());
    out.printf("  %-5s %-6s %-9s %12s %12s %9s  %-6s | %-8s %12s %9s  %s%n", "VM", "CLASS",
        "OUT FLOOR", "UPLOADED", "HTB CLASS", "OF FLOOR", "RESULT", "FLOOR", "DOWNLOADED",
        "OF FLOOR", "RESULT");
    for (VmResult u : up.vms()) {
      VmResult d = down.vm(u.vm());
      out.printf("  %-5s %-6s %-9s %12s %12s %9s  %-6s | %-8s %12s %9s  %s%n", u.vm(),
          u.classId(),
          u.hasFloor() ? u.floor().toString() : "-", Units.bitsPerSecond(u.atVmBitsPerSecond()),
          Units.bitsPerSecond(u.htbClassBitsPerSecond()),
          u.hasFloor() ? Units.percent(u.atVmBitsPerSecond(), u.floor().bitsPerSecond()) : "-",
          passOf(u, r.passRatio()), d.hasFloor() ? d.floor().toString() : "-",
          Units.bitsPerSecond(d.atVmBitsPerSecond()),
          d.hasFloor() ? Units.percent(d.atVmBitsPerSecond(), d.floor().bitsPerSecond()) : "-",
          passOf(d, r.passRatio()));
    }
    out.printf("  total: %s uploaded, %s downloaded, of %s each way%n",
        Units.bitsPerSecond(up.totalBitsPerSecond()), Units.bitsPerSecond(down.totalBitsPerSecond()),
        up.capacity());
    out.println();
  }

  private static String passOf(VmResult v, double ratio) {
    return !v.hasFloor() ? "-" : v.atVmBitsPerSecond() >= ratio * v.floor().bitsPerSecond()
        ? "PASS" : "FAIL";
  }

  private static Path tempStateDir() {
    try {
      return Files.createTempDirectory("nf-demo-state-"); // 0700
    } catch (IOException e) {
      throw new IllegalStateException("cannot create a temporary status directory: " + e, e);
    }
  }

  private static void sleep(Duration d) {
    sleepNanos(d.toNanos());
  }

  private static void sleepNanos(long nanos) {
    if (nanos <= 0) {
      return;
    }
    try {
      Thread.sleep(nanos / 1_000_000, (int) (nanos % 1_000_000));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }

  /** Everything the demo made, undone once, in reverse order: by the run itself or by Ctrl-C. */
  private static final class Cleanup {
    final List<UdpFlow> flows = new ArrayList<>();
    final List<String> plugged = new ArrayList<>();
    NetworkShaper shaper;
    NetlinkTrafficControl tc;
    FileStatusStore store;
    DemoLab lab;
    Path stateDir;
    private boolean done;

    void runQuietly() {
      run(null);
    }

    synchronized void run(PrintWriter out) {
      if (done) {
        return;
      }
      done = true;
      List<RuntimeException> failures = new ArrayList<>();
      for (UdpFlow f : flows) {
        attempt(failures, f::close);
      }
      if (shaper != null) {
        for (String alias : plugged) {
          attempt(failures, () -> shaper.unplug(alias));
        }
        attempt(failures, shaper::stop);
        if (out != null && failures.isEmpty()) {
          out.printf("Unplugged %s and stopped the network.%n", String.join(", ", plugged));
        }
      }
      if (tc != null) {
        attempt(failures, tc::close);
      }
      if (store != null) {
        attempt(failures, store::close);
      }
      if (lab != null) {
        attempt(failures, lab::close);
        if (out != null) {
          out.printf("Removed namespaces %s-*.%n", lab.prefix());
        }
      }
      if (stateDir != null) {
        attempt(failures, () -> deleteTree(stateDir));
      }
      if (out != null) {
        for (RuntimeException e : failures) {
          out.println("clean-up: " + e.getMessage());
        }
        out.flush();
      } else if (!failures.isEmpty()) {
        System.err.println("netfloor demo clean-up: " + failures.get(0).getMessage());
      }
    }

    private static void attempt(List<RuntimeException> failures, Runnable step) {
      try {
        step.run();
      } catch (RuntimeException e) {
        failures.add(e);
      }
    }

    private static void deleteTree(Path dir) {
      try (Stream<Path> paths = Files.walk(dir)) {
        for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
          Files.deleteIfExists(p);
        }
      } catch (IOException e) {
        throw new IllegalStateException("cannot delete " + dir + ": " + e, e);
      }
    }
  }
}
