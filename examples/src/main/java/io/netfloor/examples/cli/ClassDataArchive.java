// SPDX-License-Identifier: Apache-2.0
package io.netfloor.examples.cli;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Builds the CLI's class-data sharing archive, {@code target/netfloor.jsa}, at {@code package}
 * (see docs/CLI.md): a static archive, as the JDK's own is built, from the classes a training run
 * loaded.
 *
 * <ol>
 *   <li>{@link CdsTraining} runs in a child JVM on the jar's class path with
 *       {@code -XX:DumpLoadedClassList}, which writes every class it loaded, the lambdas it linked
 *       and the method-handle forms it resolved;
 *   <li>{@link #archivable} keeps the entries the dump can use;
 *   <li>a second child JVM dumps the archive from that list with {@code -Xshare:dump};
 *   <li>a third runs {@code netfloor --version} with {@code -Xshare:on}, which refuses to start
 *       with an archive it cannot map.
 * </ol>
 *
 * <p>A static archive, unlike the dynamic one {@code -XX:ArchiveClassesAtExit} writes, holds the
 * JDK's classes with the application's (one mapping), the method-handle forms the run resolved
 * (pre-generated, not spun at run time), and classes compiled for Java 5 such as picocli's, which
 * a dynamic archive of JDK 17 leaves out. The dump's messages go to {@code target/netfloor-cds.log};
 * a step that fails leaves no archive and a warning, and the build goes on ({@code ./netfloor}
 * then starts without it).
 */
public final class ClassDataArchive {
  private static final long STEP_TIMEOUT_SECONDS = 600;

  private ClassDataArchive() {}

  /** {@code args[0]}: the module's build directory, holding {@code netfloor.jar}. */
  public static void main(String[] args) throws IOException, InterruptedException {
    Path target = Path.of(args[0]).toAbsolutePath();
    Path jar = target.resolve("netfloor.jar");
    Path rawList = target.resolve("netfloor.classlist.raw");
    Path list = target.resolve("netfloor.classlist");
    Path archive = target.resolve("netfloor.jsa");
    Path log = target.resolve("netfloor-cds.log");
    Files.deleteIfExists(archive);
    Files.deleteIfExists(rawList);
    Files.deleteIfExists(log);
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    // the launcher's JIT flag, so the training resolves what a command resolves
    int trained = run(log, java, "-XX:DumpLoadedClassList=" + rawList, "-Xshare:auto",
        "-XX:TieredStopAtLevel=1", "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn", "-cp",
        jar.toString(), CdsTraining.class.getName());
    for (String line : Files.readAllLines(log, StandardCharsets.UTF_8)) {
      if (line.startsWith(CdsTraining.SKIPPED)) {
        System.err.println(line); // a part of the training could not run here
      }
    }
    if (trained != 0 || !Files.isRegularFile(rawList)) {
      warn("the training run exited " + trained, log);
      return;
    }
    Files.write(list, archivable(Files.readAllLines(rawList, StandardCharsets.UTF_8)));
    Files.delete(rawList);
    // the default collector (G1) at dump time: the archive then also holds the JDK's archived
    // heap objects (the module graph), which a JVM with G1 maps instead of building them
    int dumped = run(log, java, "-Xshare:dump", "-XX:SharedClassListFile=" + list,
        "-XX:SharedArchiveFile=" + archive, "-cp", jar.toString());
    if (dumped != 0 || !Files.isRegularFile(archive)) {
      Files.deleteIfExists(archive);
      warn("the dump exited " + dumped, log);
      return;
    }
    // the archive as the launcher uses it; -Xshare:on refuses to start when it cannot be mapped
    int checked = run(log, java, "-XX:TieredStopAtLevel=1", "-Xshare:on",
        "-XX:SharedArchiveFile=" + archive, "-jar", jar.toString(), "--version");
    if (checked != 0) {
      Files.deleteIfExists(archive);
      warn("a JVM cannot start with it (exit " + checked + ")", log);
    }
  }

  /**
   * The entries of a class list ({@code -XX:DumpLoadedClassList}) that the dump can use: all but
   * the dynamic proxies' names (generated at run time, never found by the dump), and the lambdas
   * that implement or call picocli's types. Linking such a lambda at dump time links picocli's
   * classes, and the dump leaves out a class compiled for Java 5 once it is linked (it cannot be
   * verified ahead of time): one such lambda would keep picocli's classes out of the archive.
   */
  static List<String> archivable(List<String> classList) {
    List<String> kept = new ArrayList<>(classList.size());
    for (String line : classList) {
      boolean proxy = line.startsWith("jdk/proxy") || line.startsWith("com/sun/proxy/");
      boolean picocliLambda = line.startsWith("@lambda-proxy ") && line.contains("picocli/");
      if (!proxy && !picocliLambda) {
        kept.add(line);
      }
    }
    return kept;
  }

  private static int run(Path log, String... command) throws IOException, InterruptedException {
    Files.writeString(log, "$ " + String.join(" ", command) + "\n", StandardCharsets.UTF_8,
        java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.APPEND);
    File out = log.toFile();
    Process p = new ProcessBuilder(command).redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(out)).start();
    if (!p.waitFor(STEP_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      return -1;
    }
    return p.exitValue();
  }

  private static void warn(String what, Path log) {
    System.err.println("netfloor class-data sharing archive not built: " + what + " (see " + log
        + "); ./netfloor starts without it");
  }
}
