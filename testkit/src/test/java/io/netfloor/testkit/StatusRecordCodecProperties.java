// SPDX-License-Identifier: Apache-2.0
package io.netfloor.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netfloor.model.NetworkStatus;
import io.netfloor.model.PluggedInterface;
import io.netfloor.model.StatusChange;
import io.netfloor.spi.StatusRecordCodec;
import io.netfloor.spi.StatusStoreException;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * The public codec reads back exactly what it wrote, for every status and change the generators
 * make, and reports any single damaged byte of a record instead of misreading it.
 */
class StatusRecordCodecProperties {
  @Provide
  Arbitrary<NetworkStatus> statuses() {
    return NetFloorArbitraries.networkStatuses("net-0");
  }

  @Provide
  Arbitrary<StatusChange> changes() {
    return NetFloorArbitraries.statusChanges();
  }

  @Provide
  Arbitrary<PluggedInterface> interfaces() {
    return NetFloorArbitraries.pluggedInterfaces();
  }

  @Property(tries = 500)
  void statusRecordsRoundTrip(@ForAll("statuses") NetworkStatus status) {
    assertThat(StatusRecordCodec.decodeStatus(StatusRecordCodec.encodeStatus(status)))
        .isEqualTo(status);
  }

  @Property(tries = 500)
  void changeRecordsAndLinesRoundTrip(@ForAll("changes") StatusChange change) {
    assertThat(StatusRecordCodec.decodeChange(StatusRecordCodec.encodeChange(change)))
        .isEqualTo(change);
    assertThat(StatusRecordCodec.decodeChangeLine(StatusRecordCodec.encodeChangeLine(change)))
        .isEqualTo(change);
  }

  @Property(tries = 500)
  void interfaceLinesRoundTrip(@ForAll("interfaces") PluggedInterface p) {
    assertThat(StatusRecordCodec.decodeInterface(StatusRecordCodec.encodeInterface(p)))
        .isEqualTo(p);
  }

  @Property(tries = 300)
  void aDamagedByteOfAStatusRecordIsReported(@ForAll("statuses") NetworkStatus status,
      @ForAll int position, @ForAll byte delta) {
    byte[] record = StatusRecordCodec.encodeStatus(status);
    int at = Math.floorMod(position, record.length);
    byte[] damaged = record.clone();
    damaged[at] = (byte) (damaged[at] + (delta == 0 ? 1 : delta));
    assertThatThrownBy(() -> StatusRecordCodec.decodeStatus(damaged))
        .isInstanceOf(StatusStoreException.class);
  }

  @Property(tries = 300)
  void aDamagedByteOfAChangeRecordIsReported(@ForAll("changes") StatusChange change,
      @ForAll int position, @ForAll byte delta) {
    byte[] record = StatusRecordCodec.encodeChange(change);
    int at = Math.floorMod(position, record.length);
    byte[] damaged = record.clone();
    damaged[at] = (byte) (damaged[at] + (delta == 0 ? 1 : delta));
    assertThatThrownBy(() -> StatusRecordCodec.decodeChange(damaged))
        .isInstanceOf(StatusStoreException.class);
  }
}
