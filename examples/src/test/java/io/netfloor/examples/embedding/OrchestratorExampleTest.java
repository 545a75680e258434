// SPDX-License-Identifier: Apache-2.0
package io.netfloor.examples.embedding;

import static org.assertj.core.api.Assertions.assertThat;

import io.netfloor.model.Bandwidth;
import io.netfloor.model.Limits;
import io.netfloor.model.NetworkConfig;
import io.netfloor.persistence.InMemoryStatusStore;
import io.netfloor.shaping.Capacity;
import io.netfloor.shaping.NetworkShaper;
import io.netfloor.spi.InMemoryTrafficControl;
import io.netfloor.units.InterfaceName;
import io.netfloor.units.MacAddress;
import io.netfloor.units.Rate;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class OrchestratorExampleTest {
  private static NetworkShaper shaper(String capacity) {
    NetworkShaper shaper = NetworkShaper.create(NetworkConfig.builder("vmnet", "br0")
            .inbound(Limits.builder().average(Rate.parse(capacity)).build()).build(),
        new InMemoryTrafficControl().addDevice(InterfaceName.of("br0")),
        new InMemoryStatusStore());
    shaper.start();
    return shaper;
  }

  @Test
  void placesWhatFitsAndDoublesTheCapacity() throws Exception {
    NetworkShaper shaper = shaper("1gbit");
    Map<String, Capacity> inventory = new ConcurrentHashMap<>();
    assertThat(OrchestratorExample.place(shaper, MacAddress.parse("52:54:00:00:00:09"),
        inventory)).isNull();
    assertThat(shaper.capacity().capacity()).isEqualTo(Rate.parse("2gbit"));
    assertThat(shaper.capacity().allotted()).isEqualTo(Rate.parse("200mbit"));
    for (int i = 0; i < 600 && !inventory.containsKey("vmnet"); i++) {
      Thread.sleep(50); // the event arrives on the shaper's event thread
    }
    assertThat(inventory.get("vmnet").allotted()).isEqualTo(Rate.parse("200mbit"));
  }

  @Test
  void refusesWhatDoesNotFitWithTheReason() {
    NetworkShaper shaper = shaper("300mbit");
    shaper.plug("other", MacAddress.parse("52:54:00:00:00:01"),
        Bandwidth.floor(Rate.parse("150mbit")));
    String why = OrchestratorExample.place(shaper, MacAddress.parse("52:54:00:00:00:09"),
        new ConcurrentHashMap<>());
    assertThat(why).contains("150mbit left");
    assertThat(shaper.tree().interfaces()).containsOnlyKeys("other");
    assertThat(shaper.capacity().capacity()).isEqualTo(Rate.parse("300mbit"));
  }

  @Test
  void theReadmeShowsTheExamplesCode() throws Exception {
    Path root = Path.of("").toAbsolutePath();
    Path readme = Files.exists(root.resolve("README.md")) ? root.resolve("README.md")
        : root.getParent().resolve("README.md");
    String source = Files.readString(root.resolve(
        "src/main/java/io/netfloor/examples/embedding/OrchestratorExample.java"));
    Matcher region = Pattern.compile("// README:begin\\n(.*?)\\n\\s*// README:end",
        Pattern.DOTALL).matcher(source);
    assertThat(region.find()).isTrue();
    String code = region.group(1).stripIndent().strip();
    Matcher block = Pattern.compile("## For orchestrators.*?```java\\n(.*?)\\n```",
        Pattern.DOTALL).matcher(Files.readString(readme));
    assertThat(block.find()).as("a java block in the README's 'For orchestrators'").isTrue();
    assertThat(block.group(1).strip()).isEqualTo(code);
  }
}
