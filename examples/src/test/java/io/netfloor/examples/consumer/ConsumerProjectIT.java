// SPDX-License-Identifier: Apache-2.0
package io.netfloor.examples.consumer;

import static org.assertj.core.api.Assertions.assertThat;

import io.netfloor.testkit.kernel.TestNamespace;
import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import javax.tools.DiagnosticCollector;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileObject;
import javax.tools.StandardJavaFileManager;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a project that depends on NetFloor sees: a small program, the README's embedding example
 * against a bridge in a throwaway namespace, is compiled with {@code javac} and run in its own JVM
 * twice, once as a named module on the module path (requiring only the three modules it uses, no
 * {@code --add-modules}) and once on the class path. The kernel is checked with {@code tc class
 * show} (tc 6.1 prints HTB classes only as text, even with {@code -j}) while the program holds its
 * interface plugged, and after it stopped. A second program that imports a
 * hidden package does not compile on the module path.
 */
class ConsumerProjectIT {
  /** The consumer: start, plug, (the test checks the kernel), unplug, stop. */
  private static final String MAIN = """
      package consumer;

      import io.netfloor.model.Bandwidth;
      import io.netfloor.model.Limits;
      import io.netfloor.model.NetworkConfig;
      import io.netfloor.netlink.NetlinkTrafficControl;
      import io.netfloor.persistence.FileStatusStore;
      import io.netfloor.shaping.NetworkShaper;
      import io.netfloor.units.MacAddress;
      import io.netfloor.units.Rate;
      import java.io.BufferedReader;
      import java.io.InputStreamReader;
      import java.nio.file.Path;

      public final class Main {
        public static void main(String[] args) throws Exception {
          NetworkConfig net = NetworkConfig.builder("vmnet", "br0")
              .inbound(Limits.builder().average(Rate.parse("1gbit")).build())
              .build();
          try (NetlinkTrafficControl kernel = NetlinkTrafficControl.openInNamespace(args[0]);
               FileStatusStore store = FileStatusStore.open(Path.of(args[1]))) {
            NetworkShaper shaper = NetworkShaper.create(net, kernel, store);
            shaper.start();
            MacAddress mac = MacAddress.parse("52:54:00:12:34:56");
            shaper.plug("vm1-eth0", mac, Bandwidth.floor(Rate.parse("200mbit")));
            System.out.println("plugged, consumer module " + Main.class.getModule().getName()
                + ", NetFloor module " + NetworkShaper.class.getModule().getName());
            System.out.flush();
            new BufferedReader(new InputStreamReader(System.in)).readLine(); // the test checks
            shaper.unplug("vm1-eth0");
            shaper.stop();
            System.out.println("stopped");
          }
        }
      }
      """;

  private static final String MODULE_INFO = """
      module consumer {
        requires io.netfloor.shaping;
        requires io.netfloor.netlink;
        requires io.netfloor.persistence;
      }
      """;

  private static final String HIDDEN = """
      package consumer;

      public final class Hidden {
        static final int NETLINK = io.netfloor.netlink.channel.LibC.AF_NETLINK;
      }
      """;

  @TempDir
  Path tmp;

  /**
   * NetFloor's library modules and their runtime dependencies, from this test's own class path:
   * what a consumer's build would resolve ({@code target/classes} or the jars, as Maven gives them).
   */
  private static List<String> libraryPath() {
    List<String> keep = new ArrayList<>();
    for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
      String e = entry.replace('\\', '/');
      boolean netfloor = Stream.of("api", "netlink", "persistence", "shaping")
          .anyMatch(m -> e.contains("/" + m + "/target/") || e.contains("/netfloor-" + m + "-"));
      boolean dependency = Stream.of("/guava-", "/failureaccess-", "/pcollections-",
          "/slf4j-api-", "/jna-").anyMatch(e::contains);
      if ((netfloor && !e.contains("test-classes")) || dependency) {
        keep.add(entry);
      }
    }
    assertThat(keep).as("library entries of the class path").hasSizeGreaterThanOrEqualTo(9);
    return keep;
  }

  private static String path(List<String> entries) {
    return String.join(File.pathSeparator, entries);
  }

  private record Compiled(boolean ok, String diagnostics) {}

  private static Compiled javac(Path sources, Path out, List<String> options) throws IOException {
    JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
    DiagnosticCollector<JavaFileObject> diagnostics = new DiagnosticCollector<>();
    try (StandardJavaFileManager files = javac.getStandardFileManager(diagnostics, Locale.ROOT,
        StandardCharsets.UTF_8); Stream<Path> walk = Files.walk(sources)) {
      List<File> java = walk.filter(p -> p.toString().endsWith(".java")).map(Path::toFile)
          .toList();
      List<String> args = new ArrayList<>(options);
      args.addAll(List.of("-d", out.toString(), "--release", "17"));
      boolean ok = javac.getTask(null, files, diagnostics, args, null,
          files.getJavaFileObjectsFromFiles(java)).call();
      return new Compiled(ok, diagnostics.getDiagnostics().stream()
          .map(d -> d.getMessage(Locale.ROOT)).collect(Collectors.joining("\n")));
    }
  }

  private Path write(String dir, boolean module, String... classes) throws IOException {
    Path src = tmp.resolve(dir);
    Files.createDirectories(src.resolve("consumer"));
    if (module) {
      Files.writeString(src.resolve("module-info.java"), MODULE_INFO);
    }
    for (String c : classes) {
      String name = c.substring(c.indexOf("public final class ") + 19).split(" ")[0];
      Files.writeString(src.resolve("consumer/" + name + ".java"), c);
    }
    return src;
  }

  @Test
  void aModulePathConsumerRunsTheEmbeddingExample() throws Exception {
    List<String> lib = libraryPath();
    Path out = tmp.resolve("module-out");
    Compiled c = javac(write("module-src", true, MAIN), out,
        List.of("--module-path", path(lib)));
    assertThat(c.ok()).as("compiling the consumer module: %s", c.diagnostics()).isTrue();
    List<String> modulePath = new ArrayList<>(lib);
    modulePath.add(0, out.toString());
    String printed = runAgainstBridge(List.of("--module-path", path(modulePath), "-m",
        "consumer/consumer.Main"));
    assertThat(printed).contains("consumer module consumer, NetFloor module io.netfloor.shaping");
  }

  @Test
  void aClassPathConsumerRunsTheEmbeddingExample() throws Exception {
    List<String> lib = libraryPath();
    Path out = tmp.resolve("classpath-out");
    Compiled c = javac(write("classpath-src", false, MAIN), out,
        List.of("--class-path", path(lib)));
    assertThat(c.ok()).as("compiling the consumer: %s", c.diagnostics()).isTrue();
    List<String> classPath = new ArrayList<>(lib);
    classPath.add(0, out.toString());
    String printed = runAgainstBridge(List.of("--class-path", path(classPath), "consumer.Main"));
    assertThat(printed).contains("consumer module null, NetFloor module null");
  }

  @Test
  void aModulePathConsumerCannotReachAHiddenPackage() throws Exception {
    Compiled c = javac(write("hidden-src", true, HIDDEN), tmp.resolve("hidden-out"),
        List.of("--module-path", path(libraryPath())));
    assertThat(c.ok()).as("compiling against io.netfloor.netlink.channel").isFalse();
    assertThat(c.diagnostics()).contains("io.netfloor.netlink.channel")
        .contains("is not visible");
  }

  /**
   * Runs the consumer in a child JVM against bridge {@code br0} of a fresh namespace; checks with
   * {@code tc class show} that its floor class is in the kernel while it holds the interface
   * plugged and that nothing of NetFloor's is left after it stopped.
   *
   * @return what the consumer printed
   */
  private String runAgainstBridge(List<String> javaArgs) throws Exception {
    try (TestNamespace ns = TestNamespace.withBridge()) {
      ns.veth("br0", "vnet1", "vnet1p");
      List<String> command = new ArrayList<>();
      command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
      command.addAll(javaArgs);
      command.add(ns.name());
      command.add(tmp.resolve("state-" + System.nanoTime()).toString());
      Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
      StringBuilder printed = new StringBuilder();
      try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(),
          StandardCharsets.UTF_8)); OutputStream in = p.getOutputStream()) {
        String line;
        while ((line = r.readLine()) != null && !line.startsWith("plugged")) {
          printed.append(line).append('\n');
        }
        assertThat(line).as("the consumer plugged its interface; it printed:\n%s", printed)
            .isNotNull();
        printed.append(line).append('\n');
        assertThat(ns.tc("class", "show", "dev", "br0")).as("tc class show while plugged")
            .containsPattern("class htb 1:3 parent 1:1 .*rate 200Mbit ceil 1Gbit");
        in.write('\n');
        in.flush();
        while ((line = r.readLine()) != null) {
          printed.append(line).append('\n');
        }
      } finally {
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
          p.destroyForcibly();
        }
      }
      assertThat(p.exitValue()).as("exit status; output:\n%s", printed).isZero();
      assertThat(printed).contains("stopped");
      assertThat(ns.tc("class", "show", "dev", "br0")).as("tc class show after stop")
          .doesNotContain("class htb");
      return printed.toString();
    }
  }
}
