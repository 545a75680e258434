// SPDX-License-Identifier: Apache-2.0
package io.netfloor.testkit.example;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The README's "Plugging your own store" shows exactly the code of {@link MapStatusStore} and
 * {@link MapStatusStoreContractTest}, which this module compiles and runs: the README cannot drift
 * from code that passes the contract.
 */
class ReadmeExampleTest {
  private static final String SECTION = "## Plugging your own store";
  private static final Pattern JAVA_BLOCK = Pattern.compile("```java\n(.*?)```", Pattern.DOTALL);

  private static Path module() {
    return Path.of(System.getProperty("basedir", "."));
  }

  private static String source(String name) throws IOException {
    return Files.readString(module().resolve(
        "src/test/java/io/netfloor/testkit/example/" + name + ".java"));
  }

  @Test
  void theReadmesCustomStoreIsTheTestedCode() throws IOException {
    String readme = Files.readString(module().resolve("../README.md"));
    int start = readme.indexOf(SECTION);
    assertThat(start).as("README section '%s'", SECTION).isNotNegative();
    int end = readme.indexOf("\n## ", start + SECTION.length());
    String section = readme.substring(start, end < 0 ? readme.length() : end);
    List<String> blocks = new ArrayList<>();
    Matcher m = JAVA_BLOCK.matcher(section);
    while (m.find()) {
      blocks.add(m.group(1));
    }
    assertThat(blocks).as("java blocks of the section").hasSize(2);
    assertThat(source("MapStatusStore")).as("MapStatusStore.java").contains(blocks.get(0));
    assertThat(source("MapStatusStoreContractTest")).as("MapStatusStoreContractTest.java")
        .contains(blocks.get(1));
  }
}
