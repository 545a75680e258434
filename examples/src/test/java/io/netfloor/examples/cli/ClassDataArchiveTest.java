// SPDX-License-Identifier: Apache-2.0
package io.netfloor.examples.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Which entries of a training run's class list the archive is dumped from. */
class ClassDataArchiveTest {
  @Test
  void keepsClassesLambdasAndMethodHandleFormsButNotPicocliLambdasOrProxies() {
    List<String> list = List.of(
        "# NOTE: Do not modify this file.",
        "java/lang/Object",
        "picocli/CommandLine",
        "picocli/CommandLine$ITypeConverter",
        "io/netfloor/examples/cli/NetFloorCli",
        "jdk/proxy1/$Proxy0",
        "com/sun/proxy/jdk/proxy1/$Proxy2",
        "@lambda-proxy io/netfloor/examples/cli/Converters convert ()Lpicocli/CommandLine$ITypeConverter;"
            + " (Ljava/lang/String;)Ljava/lang/Object; REF_invokeStatic"
            + " io/netfloor/examples/cli/Converters lambda$wrap$0",
        "@lambda-proxy io/netfloor/shaping/NetworkShaper apply ()Ljava/util/function/Function;"
            + " (Ljava/lang/Object;)Ljava/lang/Object; REF_invokeStatic"
            + " io/netfloor/shaping/NetworkShaper lambda$start$1",
        "@lambda-form-invoker [LF_RESOLVE] java.lang.invoke.DirectMethodHandle$Holder"
            + " invokeStatic L3_L");

    assertThat(ClassDataArchive.archivable(list)).containsExactly(
        "# NOTE: Do not modify this file.",
        "java/lang/Object",
        "picocli/CommandLine",
        "picocli/CommandLine$ITypeConverter",
        "io/netfloor/examples/cli/NetFloorCli",
        list.get(8),
        list.get(9));
  }
}
