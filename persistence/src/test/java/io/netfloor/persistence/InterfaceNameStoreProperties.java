// SPDX-License-Identifier: Apache-2.0
package io.netfloor.persistence;

import static org.assertj.core.api.Assertions.assertThat;

import io.netfloor.model.Bandwidth;
import io.netfloor.model.InterfaceAlias;
import io.netfloor.model.NetworkName;
import io.netfloor.model.NetworkStatus;
import io.netfloor.model.PluggedInterface;
import io.netfloor.model.StatusChange;
import io.netfloor.units.InterfaceName;
import io.netfloor.units.MacAddress;
import io.netfloor.units.Rate;
import java.nio.file.Path;
import java.util.Optional;
import java.util.TreeMap;
import java.util.TreeSet;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * Every interface name {@link InterfaceName} accepts survives the file store byte for byte, as the
 * bridge of a saved status and as an interface's device in a journal record, through a reopen. (A
 * name the store would alter, e.g. a non-ASCII one written as {@code ?}, is refused by
 * {@code InterfaceName} before it reaches the store.)
 */
class InterfaceNameStoreProperties {

  /** Every printable ASCII character but the three InterfaceName refuses. */
  private static final String NAME_CHARS = printableAsciiExcept("/:%");

  @Provide
  Arbitrary<InterfaceName> names() {
    return Arbitraries.strings().withChars(NAME_CHARS.toCharArray()).ofMinLength(1)
        .ofMaxLength(InterfaceName.MAX_BYTES)
        .filter(s -> !s.equals(".") && !s.equals(".."))
        .map(InterfaceName::of);
  }

  @Property(tries = 300)
  void bridgeAndDeviceNamesRoundTripThroughTheFileStore(@ForAll("names") InterfaceName bridge,
      @ForAll("names") InterfaceName device) {
    Path dir = TempDirs.create();
    try {
      TreeMap<InterfaceAlias, PluggedInterface> ifs = new TreeMap<>();
      PluggedInterface vm = new PluggedInterface("vm1", MacAddress.parse("52:54:00:00:00:01"),
          Bandwidth.NONE, 0, Optional.empty(), Optional.of(device));
      ifs.put(InterfaceAlias.of("vm1"), vm);
      NetworkStatus saved = new NetworkStatus(NetworkName.of("n1"), bridge, ifs, new TreeSet<>());
      PluggedInterface moved = new PluggedInterface("vm2", MacAddress.parse("52:54:00:00:00:02"),
          Bandwidth.NONE, 0, Optional.empty(), Optional.of(device));
      try (FileStatusStore store = FileStatusStore.open(dir.resolve("s"))) {
        store.save(saved.withoutInterface(InterfaceAlias.of("vm1")));
        store.record("n1", new StatusChange.InterfaceSet(vm)); // the journal's spelling
      }
      try (FileStatusStore store = FileStatusStore.open(dir.resolve("s"))) {
        NetworkStatus loaded = store.load("n1").orElseThrow();
        assertThat(loaded).isEqualTo(saved);
        assertThat(loaded.bridge().value()).isEqualTo(bridge.value());
        assertThat(loaded.interfaces().get(InterfaceAlias.of("vm1")).device()).contains(device);
        store.save(loaded.withInterface(moved)); // the snapshot's spelling of a device
      }
      try (FileStatusStore store = FileStatusStore.open(dir.resolve("s"))) {
        NetworkStatus loaded = store.load("n1").orElseThrow();
        assertThat(loaded.interfaces().get(InterfaceAlias.of("vm2")).device()).contains(device);
        assertThat(loaded.bridge()).isEqualTo(bridge);
        assertThat(loaded.floorSum()).isEqualTo(Rate.ZERO);
      }
    } finally {
      TempDirs.deleteRecursively(dir);
    }
  }

  private static String printableAsciiExcept(String refused) {
    StringBuilder sb = new StringBuilder();
    for (char c = 0x21; c <= 0x7e; c++) {
      if (refused.indexOf(c) < 0) {
        sb.append(c);
      }
    }
    return sb.toString();
  }
}
