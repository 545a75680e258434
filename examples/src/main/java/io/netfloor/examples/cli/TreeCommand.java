// SPDX-License-Identifier: Apache-2.0
package io.netfloor.examples.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.netfloor.examples.TreeView;
import io.netfloor.model.HtbTree;
import io.netfloor.model.NetworkStatus;
import io.netfloor.netlink.NetlinkTrafficControl;
import io.netfloor.spi.KernelSnapshot;
import io.netfloor.units.InterfaceName;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code netfloor tree}: the bridge's HTB hierarchy with live counters. */
@Command(name = "tree", mixinStandardHelpOptions = true,
    header = "Draw the bridge's HTB tree with live throughput (--watch).",
    description = {"Draw the bridge's HTB hierarchy as the kernel holds it: per class the"
        + " interface (alias and MAC), rate (the floor), ceiling, current throughput (layer 2,"
        + " over --interval), bytes, drops and borrowed packets. Read-only.",
        "A network a program manages through the library in the same state directory (no netfloor"
            + " record) is drawn from its stored status, marked 'config unknown'."},
    footer = {"", "Example: netfloor tree --network vmnet --watch"})
final class TreeCommand extends BaseCommand {
  @Option(names = {"-w", "--watch"}, description = "Redraw every interval until interrupted.")
  boolean watch;

  @Option(names = "--interval", paramLabel = "SECONDS", defaultValue = "1",
      description = "Seconds between the two samples that give the throughput, and between"
          + " redraws. 0: no throughput. Default: ${DEFAULT-VALUE}.")
  double intervalSeconds;

  @Option(names = "--count", paramLabel = "N", defaultValue = "0",
      description = "With --watch, stop after N redraws (0: until interrupted).")
  int count;

  @Override
  public Integer call() throws InterruptedException {
    if (intervalSeconds < 0 || intervalSeconds > 3600 || Double.isNaN(intervalSeconds)) {
      throw new CliException(ExitCodes.USAGE, "--interval must be between 0 and 3600 seconds, got "
          + intervalSeconds);
    }
    if (count < 0) {
      throw new CliException(ExitCodes.USAGE, "--count must not be negative, got " + count);
    }
    if (watch && intervalSeconds == 0) {
      throw new CliException(ExitCodes.USAGE, "--watch needs an --interval above 0");
    }
    // a network a program manages through the library (no CLI record) is drawn from its stored
    // status alone: its interfaces label the classes, its config is not needed to draw
    NetworkDefinition def = null;
    Optional<NetworkStatus> library = Optional.empty();
    if (state().read(common.network).isEmpty()) {
      library = Session.peekStatus(state(), common.network);
    }
    if (library.isEmpty()) {
      def = definition();
    }
    InterfaceName bridge = library.isPresent() ? library.get().bridge()
        : InterfaceName.of(def.bridge());
    String netns = library.isPresent() ? common.netns : def.netns();
    Duration interval = Duration.ofNanos((long) (intervalSeconds * 1e9));
    boolean terminal = System.console() != null && !common.json;
    try (NetlinkTrafficControl tc = netns == null ? NetlinkTrafficControl.open()
        : NetlinkTrafficControl.openInNamespace(netns)) {
      if (library.isPresent() && !tc.deviceExists(bridge)) {
        throw new CliException(ExitCodes.FAILED, "network '" + common.network + "' ("
            + LibraryNetwork.CONFIG_UNKNOWN + ") is on bridge " + bridge + ", which does not exist"
            + (netns == null ? " in this namespace; give --netns NAME if it lives in another"
                : " in netns " + netns));
      }
      KernelSnapshot before = tc.dump(bridge);
      long beforeAt = System.nanoTime();
      int drawn = 0;
      do {
        if (!interval.isZero()) {
          Thread.sleep(interval.toMillis(), (int) (interval.toNanos() % 1_000_000));
        }
        KernelSnapshot now;
        long nowAt;
        TreeView view;
        Optional<KernelSnapshot> earlier = interval.isZero() ? Optional.empty()
            : Optional.of(before);
        if (def != null) {
          HtbTree model = Session.readStatus(state(), def).toTree(def.toConfig());
          now = tc.dump(bridge);
          nowAt = System.nanoTime();
          view = TreeView.of(model, now, earlier, Duration.ofNanos(nowAt - beforeAt));
        } else {
          NetworkStatus status = Session.peekStatus(state(), common.network).orElseThrow(
              () -> new CliException(ExitCodes.FAILED, "network '" + common.network
                  + "' is no longer in the status store (stopped)"));
          now = tc.dump(bridge);
          nowAt = System.nanoTime();
          view = TreeView.of(status.network().value(), LibraryNetwork.layoutOf(status)
              .map(l -> "layout " + NetworkDefinition.nameOf(l) + ", ").orElse("")
              + LibraryNetwork.CONFIG_UNKNOWN, status.interfaces().values(),
              status.parkedClassIds(), now, earlier, Duration.ofNanos(nowAt - beforeAt));
        }
        if (common.json) {
          Map<String, Object> doc = CliJson.document(spec.name());
          doc.putAll(view.toJson());
          doc.put("elapsedSeconds", earlier.isPresent() ? (nowAt - beforeAt) / 1e9 : null);
          out().println(watch ? CliJson.mapper().writer().without(
              com.fasterxml.jackson.databind.SerializationFeature.INDENT_OUTPUT)
              .writeValueAsString(doc) : CliJson.mapper().writeValueAsString(doc));
        } else {
          if (watch && terminal) {
            out().print("\033[H\033[2J");
          }
          view.render().forEach(out()::println);
          if (watch && !terminal) {
            out().println();
          }
        }
        out().flush();
        drawn++;
        before = now;
        beforeAt = nowAt;
      } while (watch && (count == 0 || drawn < count));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot write JSON: " + e.getMessage(), e);
    }
    return ExitCodes.OK;
  }
}
