// SPDX-License-Identifier: Apache-2.0
package io.netfloor.testkit.kernel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netfloor.units.ClassHandle;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class TcOracleParseTest {
  /** What tc 6.1 prints for a u32 table and a node with two keys (one "match" per key). */
  private static final String U32 = "[{\"parent\":\"1:\",\"protocol\":\"all\",\"pref\":1,"
      + "\"kind\":\"u32\",\"chain\":0},{\"parent\":\"1:\",\"protocol\":\"all\",\"pref\":1,"
      + "\"kind\":\"u32\",\"chain\":0,\"options\":{\"fh\":\"800:\",\"ht_divisor\":1}},"
      + "{\"parent\":\"1:\",\"protocol\":\"all\",\"pref\":1,\"kind\":\"u32\",\"chain\":0,"
      + "\"options\":{\"fh\":\"800::800\",\"order\":2048,\"key_ht\":\"800\",\"bkt\":\"0\","
      + "\"flowid\":\"1:3\",\"not_in_hw\":true,"
      + "\"match\":{\"value\":\"123456\",\"mask\":\"ffffffff\",\"offmask\":\"\",\"off\":-12},"
      + "\"match\":{\"value\":\"5254\",\"mask\":\"ffff\",\"offmask\":\"\",\"off\":-16}}}]";

  @Test
  void aRepeatedKeyKeepsEveryValueInOrder() {
    Map<String, Object> node = TcOracle.parse(U32).get(2);
    @SuppressWarnings("unchecked")
    Map<String, Object> options = (Map<String, Object>) node.get("options");
    assertThat(TcOracle.every(options, "match")).hasSize(2)
        .extracting(m -> (Object) ((Map<?, ?>) m).get("value")).containsExactly("123456", "5254");
    assertThat(TcOracle.every(options, "fh")).containsExactly("800::800");
    assertThat(TcOracle.every(options, "absent")).isEmpty();
  }

  @Test
  void anArrayValueIsOneValue() {
    Map<String, Object> o = TcOracle.parse("[{\"actions\":[{\"kind\":\"a\"},{\"kind\":\"b\"}]}]")
        .get(0);
    assertThat(TcOracle.every(o, "actions")).hasSize(1);
    assertThat((List<?>) o.get("actions")).hasSize(2);
  }

  @Test
  void filtersSkipHeadersAndReadKeys() {
    List<TcOracle.Filter> filters = TcOracle.filters(TcOracle.parse(U32), null);
    ClassHandle root = ClassHandle.parse("1:");
    assertThat(filters).containsExactly(
        new TcOracle.Filter(root, "all", 1, "800:", Optional.empty(), Optional.empty(), 1, 0, 0,
            List.of()),
        new TcOracle.Filter(root, "all", 1, "800::800", Optional.of(ClassHandle.parse("1:3")),
            Optional.empty(), 0, 0, 0, List.of(new TcOracle.Key(0x123456, 0xffffffff, -12),
                new TcOracle.Key(0x5254, 0xffff, -16))));
  }

  @Test
  void aFilterWithoutParentTakesTheOneAskedFor() {
    String json = "[{\"protocol\":\"ip\",\"pref\":2,\"kind\":\"u32\",\"chain\":0,"
        + "\"options\":{\"fh\":\"801:\",\"ht_divisor\":256}}]";
    assertThat(TcOracle.filters(TcOracle.parse(json), ClassHandle.INGRESS))
        .singleElement().satisfies(f -> {
          assertThat(f.parent()).isEqualTo(ClassHandle.INGRESS);
          assertThat(f.divisor()).isEqualTo(256);
        });
  }

  @Test
  void emptyOutputIsNoObjects() {
    assertThat(TcOracle.parse("")).isEmpty();
    assertThat(TcOracle.parse("[]\n")).isEmpty();
  }

  @Test
  void anythingButAnArrayOfObjectsIsRefused() {
    assertThatThrownBy(() -> TcOracle.parse("{\"a\":1}"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not a JSON array");
    assertThatThrownBy(() -> TcOracle.parse("[1]"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("objects");
    assertThatThrownBy(() -> TcOracle.parse("[{\"a\":"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not JSON");
    assertThatThrownBy(() -> TcOracle.parse("[] []"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("after");
  }
}
