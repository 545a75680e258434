// SPDX-License-Identifier: Apache-2.0
package io.netfloor.examples.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;
import picocli.CommandLine.IVersionProvider;

/**
 * The version the build stamped into {@code version.properties} (Maven resource filtering of
 * {@code project.version}): {@code --version} prints it, every {@code --json} document carries it.
 */
public final class CliVersion implements IVersionProvider {
  private static final String VERSION = load();

  /** The NetFloor version this CLI was built as, e.g. {@code 0.1.0}. */
  public static String version() {
    return VERSION;
  }

  @Override
  public String[] getVersion() {
    return new String[] {"netfloor " + VERSION,
        "JSON output schema " + CliJson.SCHEMA + " (see docs/CLI.md)"};
  }

  private static String load() {
    try (InputStream in = CliVersion.class.getResourceAsStream("version.properties")) {
      if (in == null) {
        throw new IllegalStateException("version.properties is missing from the CLI's classes:"
            + " build with Maven (mvn -pl examples -am package)");
      }
      Properties p = new Properties();
      p.load(in);
      String v = p.getProperty("version");
      if (v == null || v.isBlank() || v.contains("${")) {
        throw new IllegalStateException("version.properties was not filtered by the build: " + v);
      }
      return v.strip();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read version.properties", e);
    }
  }
}
