// SPDX-License-Identifier: Apache-2.0
package io.netfloor.shaping;

import static org.assertj.core.api.Assertions.assertThat;

import io.netfloor.testkit.kernel.Command;
import io.netfloor.testkit.kernel.TestNamespace;
import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The library needs {@code CAP_NET_ADMIN} and nothing more: a child JVM running as user
 * {@code nobody} with only that capability ({@code setpriv}), inside a throwaway namespace, starts
 * a network on its bridge, plugs, reconciles, unplugs and stops. The capability probe, which would
 * make a private namespace (that needs {@code CAP_SYS_ADMIN}), probes on a device of its own
 * instead and leaves nothing behind. {@code tc} checks the tree while the child holds it.
 */
class UnprivilegedKernelTest {
  private static final String NOBODY = "65534";

  @TempDir
  Path tmp;

  @Test
  void theLibraryWorksWithCapNetAdminAlone() throws Exception {
    try (TestNamespace ns = TestNamespace.withBridge()) {
      Path cp = worldReadableClasspath();
      Path state = tmp.resolve("state");
      Path jna = tmp.resolve("jna");
      Files.createDirectories(state);
      Files.createDirectories(jna);
      Command.run("chown", NOBODY + ":" + NOBODY, state.toString(), jna.toString());
      Files.setPosixFilePermissions(state, PosixFilePermissions.fromString("rwx------"));
      makeTraversable(tmp);

      String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
      List<String> cmd = List.of("ip", "netns", "exec", ns.name(), "setpriv",
          "--reuid=" + NOBODY, "--regid=" + NOBODY, "--clear-groups",
          "--inh-caps=-all,+net_admin", "--ambient-caps=-all,+net_admin",
          "--bounding-set=-all,+net_admin",
          java, "-Djna.tmpdir=" + jna, "-Djava.io.tmpdir=" + jna, "-cp", cp + File.separator + "*"
              + File.pathSeparator + cp.resolve("classes"),
          UnprivilegedChild.class.getName(), state.toString(), "pause");
      Process child = new ProcessBuilder(cmd).redirectErrorStream(true).start();
      StringBuilder seen = new StringBuilder();
      try (BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(),
          StandardCharsets.UTF_8)); OutputStream in = child.getOutputStream()) {
        String line;
        while ((line = out.readLine()) != null) {
          seen.append(line).append('\n');
          if (line.startsWith("plugged") || line.startsWith("FAILED")) {
            break;
          }
        }
        assertThat(seen.toString()).as("child output").contains("plugged").contains("built=")
            .contains("repairs=0");
        // while the child holds it: the tree is there, per tc, and no probe device is left
        assertThat(ns.tc("class", "show", "dev", "br0")).contains("class htb 1:3", "class htb 1:4");
        assertThat(ns.tc("filter", "show", "dev", "br0")).contains("7fe::1");
        assertThat(ns.ip("-br", "link", "show")).doesNotContain("nfprobe");
        in.write('\n');
        in.flush();
        while ((line = out.readLine()) != null) {
          seen.append(line).append('\n');
        }
      } finally {
        if (!child.waitFor(60, TimeUnit.SECONDS)) {
          child.destroyForcibly();
        }
      }
      assertThat(child.exitValue()).as("child output:\n%s", seen).isZero();
      assertThat(seen.toString()).contains("OK");
      assertThat(ns.tc("qdisc", "show", "dev", "br0")).doesNotContain("htb");
      assertThat(ns.ip("-br", "link", "show")).doesNotContain("nfprobe");
    }
  }

  /**
   * The test's classpath, copied where user nobody can read it (Maven's repository usually sits in
   * root's home, which others cannot enter): jars side by side, class directories merged.
   */
  private Path worldReadableClasspath() throws IOException {
    Path cp = tmp.resolve("cp");
    Path classes = cp.resolve("classes");
    Files.createDirectories(classes);
    for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
      Path p = Path.of(entry);
      if (Files.isRegularFile(p) && entry.endsWith(".jar")) {
        Files.copy(p, cp.resolve(p.getFileName()), StandardCopyOption.REPLACE_EXISTING);
      } else if (Files.isDirectory(p)) {
        try (Stream<Path> files = Files.walk(p)) {
          for (Path f : (Iterable<Path>) files::iterator) {
            Path to = classes.resolve(p.relativize(f).toString());
            if (Files.isDirectory(f)) {
              Files.createDirectories(to);
            } else {
              Files.copy(f, to, StandardCopyOption.REPLACE_EXISTING);
            }
          }
        }
      }
    }
    Command.run("chmod", "-R", "a+rX", cp.toString());
    return cp;
  }

  /** Lets others traverse {@code dir} and its parents up to the root. */
  private static void makeTraversable(Path dir) {
    List<String> cmd = new ArrayList<>(List.of("chmod", "a+x"));
    for (Path p = dir.toAbsolutePath(); p != null && !p.toString().equals("/"); p = p.getParent()) {
      cmd.add(p.toString());
    }
    Command.run(cmd.toArray(String[]::new));
  }
}
