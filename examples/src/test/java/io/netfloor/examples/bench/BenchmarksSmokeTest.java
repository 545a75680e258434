// SPDX-License-Identifier: Apache-2.0
package io.netfloor.examples.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * The benchmark harness on tiny sizes (seconds), so that it cannot rot: every row is produced with
 * positive, finite figures and the namespaces are gone afterwards. No timing is asserted.
 */
class BenchmarksSmokeTest {

  @Test
  void aTinyRunProducesAllRowsWithSaneFigures() throws IOException {
    assumeTrue(isRoot(), "skipped: the benchmark needs root (network namespaces, tc); CI runs as root");
    Benchmarks.Options options = Benchmarks.Options.parse("--sizes", "10", "--scale-sizes", "200",
        "--reps", "1", "--scale-reps", "1", "--fork-samples", "2", "--kernel-share-n", "10",
        "--dp-n", "10", "--dp-seconds", "0.05", "--reconcile-n", "10", "--store-sizes", "5,20",
        "--store-records", "5", "--storm-n", "20", "--storm-threads", "4", "--jdbc-n", "10",
        "--jdbc-hosts", "3", "--jdbc-records", "4", "--cli-samples", "2");

    Benchmarks.Result result = Benchmarks.run(options,
        new PrintStream(OutputStream.nullOutputStream()));

    assertThat(result.rows().stream().map(Benchmarks.Row::id).collect(Collectors.toSet()))
        .containsExactlyInAnyOrder("1", "2", "3", "4", "5", "6", "7", "8", "9", "10", "11", "12",
            "13", "cli");
    for (Benchmarks.Row row : result.rows()) {
      assertThat(Double.isFinite(row.ratio()) && row.ratio() > 0)
          .as("ratio of row %s (%s): %s", row.id(), row.what(), row.ratio()).isTrue();
      assertThat(row.netfloor()).as(row.what()).doesNotContain("NaN").doesNotContain("Infinity");
    }
    assertThat(result.markdown()).contains(Benchmarks.BEGIN, Benchmarks.END, "### 7.", "### 11.",
        "| load average before / after |");
    assertThat(Lab.run("ip", "netns", "list")).doesNotContain(result.namespace());
  }

  @Test
  void theGeneratedBlockReplacesOnlyItselfInAnExistingFile() throws IOException {
    Path dir = Files.createTempDirectory("nf-bench-md");
    Path file = dir.resolve("BENCHMARKS.md");
    Files.writeString(file, "# title\n\n" + Benchmarks.BEGIN + "\nold\n" + Benchmarks.END
        + "\n\n## notes\nkept\n");
    Benchmarks.write(file, Benchmarks.BEGIN + "\nnew\n" + Benchmarks.END + "\n");
    assertThat(Files.readString(file)).isEqualTo("# title\n\n" + Benchmarks.BEGIN + "\nnew\n"
        + Benchmarks.END + "\n\n## notes\nkept\n");
    Files.delete(file);
    Files.delete(dir);
  }

  @Test
  void optionsRejectSizesTheBaselineCannotRun() {
    org.assertj.core.api.Assertions.assertThatThrownBy(
        () -> Benchmarks.Options.parse("--sizes", "5000"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("4095");
  }

  @Test
  void rowsCanBeChosenAndAnUnknownRowIsRefused() {
    assertThat(Benchmarks.Options.parse("--rows", "9,11").runs("9")).isTrue();
    assertThat(Benchmarks.Options.parse("--rows", "9,11").runs("11")).isTrue();
    assertThat(Benchmarks.Options.parse("--rows", "12,13").runs("12")).isTrue();
    assertThat(Benchmarks.Options.parse("--rows", "12,13").runs("1")).isFalse();
    assertThat(Benchmarks.Options.parse("--rows", "cli").rows()).containsExactly("cli");
    assertThat(Benchmarks.Options.parse("--rows", "3,cli").rows())
        .containsExactlyInAnyOrder("1", "3", "cli");
    assertThat(Benchmarks.Options.parse().rows()).containsAll(Benchmarks.Options.ROWS);
    assertThat(Benchmarks.Options.parse().runs("8")).isTrue();
    org.assertj.core.api.Assertions.assertThatThrownBy(
        () -> Benchmarks.Options.parse("--rows", "8,42"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("no row '42'");
  }

  private static boolean isRoot() throws IOException {
    return Files.readAllLines(Path.of("/proc/self/status")).stream()
        .filter(l -> l.startsWith("Uid:")).findFirst()
        .map(l -> l.split("\\s+")[1].equals("0")).orElse(false);
  }
}
