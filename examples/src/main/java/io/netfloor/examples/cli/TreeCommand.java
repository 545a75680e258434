package io.netfloor.examples.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.netfloor.examples.TreeView;
import io.netfloor.model.HtbTree;
import io.netfloor.netlink.NetlinkTrafficControl;
import io.netfloor.spi.KernelSnapshot;
import io.netfloor.units.InterfaceName;
import java.time.Duration;
import java.util.Optional;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code netfloor tree}: the bridge's HTB hierarchy with live counters. */
@Command(name = "tree", mixinStandardHelpOptions = true,
    header = "Draw the bridge's HTB tree with live throughput (--watch).",
    description = {"Draw the bridge's HTB hierarchy as the kernel holds it: per class the"
        + " interface (alias and MAC), rate (the floor), ceiling, current throughput (layer 2,"
        + " over --interval), bytes, drops and borrowed packets. Read-only."},
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
    NetworkDefinition def = definition();
    InterfaceName bridge = InterfaceName.of(def.bridge());
    Duration interval = Duration.ofNanos((long) (intervalSeconds * 1e9));
    boolean terminal = System.console() != null && !common.json;
    try (NetlinkTrafficControl tc = def.netns() == null ? NetlinkTrafficControl.open()
        : NetlinkTrafficControl.openInNamespace(def.netns())) {
      KernelSnapshot before = tc.dump(bridge);
      long beforeAt = System.nanoTime();
      int drawn = 0;
      do {
        if (!interval.isZero()) {
          Thread.sleep(interval.toMillis(), (int) (interval.toNanos() % 1_000_000));
        }
        HtbTree model = Session.readStatus(state(), def).toTree(def.toConfig());
        KernelSnapshot now = tc.dump(bridge);
        long nowAt = System.nanoTime();
        TreeView view = TreeView.of(model, now,
            interval.isZero() ? Optional.empty() : Optional.of(before),
            Duration.ofNanos(nowAt - beforeAt));
        if (common.json) {
          out().println(watch ? JSON.writer().without(
              com.fasterxml.jackson.databind.SerializationFeature.INDENT_OUTPUT)
              .writeValueAsString(view.toJson()) : JSON.writeValueAsString(view.toJson()));
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
