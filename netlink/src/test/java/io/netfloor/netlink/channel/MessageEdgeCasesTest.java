// SPDX-License-Identifier: Apache-2.0
package io.netfloor.netlink.channel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netfloor.netlink.NetlinkProtocolException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/** Writer and reader cases the round-trip properties do not reach. */
class MessageEdgeCasesTest {

  /** Runs on a fresh thread: its scratch buffer starts at the small initial size. */
  private static byte[] onFreshThread(Supplier<byte[]> build) {
    return CompletableFuture.supplyAsync(build, r -> new Thread(r).start()).join();
  }

  @Test
  void everyWriterOperationGrowsTheBufferFromItsInitialSize() {
    byte[] struct = onFreshThread(() -> new MessageWriter(1, 0)
        .struct(1000, b -> b.put(new byte[1000])).finish());
    assertThat(struct).hasSize(16 + 1000);
    byte[] attr = onFreshThread(() -> new MessageWriter(1, 0).bytes(1, new byte[999]).finish());
    assertThat(attr).hasSize(16 + 1004);
    // 8 bytes left: a 5-byte attribute needs 12 with its header and padding
    byte[] nearEnd = onFreshThread(() -> new MessageWriter(1, 0)
        .struct(232, b -> b.put(new byte[232])).bytes(1, new byte[] {1, 2, 3, 4, 5}).finish());
    assertThat(nearEnd).hasSize(16 + 232 + 12);
    assertThat(Attributes.parse(ByteBuffer.wrap(nearEnd).order(ByteOrder.nativeOrder())
        .position(16 + 232)).get(1).orElseThrow().remaining()).isEqualTo(5);
    byte[] nests = onFreshThread(() -> {
      MessageWriter w = new MessageWriter(1, 0).struct(236, b -> b.put(new byte[236]));
      for (int i = 0; i < 6; i++) { // deeper than the initial nest stack of 4
        w.beginNested(i + 1);
      }
      for (int i = 0; i < 6; i++) {
        w.endNested();
      }
      return w.finish();
    });
    assertThat(nests).hasSize(16 + 236 + 6 * 4);
    Attributes outer = Attributes.parse(ByteBuffer.wrap(nests).order(ByteOrder.nativeOrder())
        .position(16 + 236));
    Attributes a = outer;
    for (int depth = 1; depth <= 6; depth++) {
      ByteBuffer v = a.get(depth).orElseThrow();
      assertThat(v.remaining()).as("depth %d", depth).isEqualTo((6 - depth) * 4);
      a = Attributes.parse(v);
    }
  }

  @Test
  void aWriterThatWritesTheWrongSizeIsABug() {
    assertThatThrownBy(() -> new MessageWriter(1, 0).struct(4, b -> b.put((byte) 1).putShort(
        (short) 2))).isInstanceOf(IllegalStateException.class)
        .hasMessage("struct writer wrote 3 bytes, expected 4");
    assertThatThrownBy(() -> new MessageWriter(1, 0).attr(7, 4, b -> b.putLong(1)))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("attribute 7 writer wrote 8 bytes, expected 4");
  }

  @Test
  void u8AttributesAndAbsentOnes() {
    byte[] m = new MessageWriter(1, 0).u8(3, 0xFE).finish();
    Attributes a = Attributes.parse(ByteBuffer.wrap(m).position(16));
    assertThat(a.optU8(3)).hasValue(0xFE);
    assertThat(a.optU8(4)).isEmpty();
  }

  @Test
  void anAckWithTheExtendedAckFlagButNoAttributesHasNoText() {
    ByteBuffer b = ByteBuffer.allocate(36).order(ByteOrder.nativeOrder());
    b.putInt(36).putShort((short) NetlinkMessage.NLMSG_ERROR)
        .putShort((short) (NetlinkMessage.NLM_F_CAPPED | NetlinkMessage.NLM_F_ACK_TLVS))
        .putInt(5).putInt(0).putInt(-22).putInt(16).putShort((short) 36).putShort((short) 5)
        .putInt(5).putInt(0);
    NetlinkMessage m = MessageReader.split(b.flip()).get(0);
    Ack ack = MessageReader.readError(m);
    assertThat(ack.errno()).isEqualTo(22);
    assertThat(ack.kernelMessage()).isNull();
    assertThat(ack.offendingAttributeOffset()).isEqualTo(-1);
  }

  @Test
  void anEchoedRequestLongerThanTheErrorMessageIsAProtocolError() {
    // uncapped: the echoed header claims a 64-byte request, but only its 16-byte header is there
    ByteBuffer b = ByteBuffer.allocate(36).order(ByteOrder.nativeOrder());
    b.putInt(36).putShort((short) NetlinkMessage.NLMSG_ERROR)
        .putShort((short) NetlinkMessage.NLM_F_ACK_TLVS).putInt(5).putInt(0).putInt(-22)
        .putInt(64).putShort((short) 36).putShort((short) 5).putInt(5).putInt(0);
    NetlinkMessage m = MessageReader.split(b.flip()).get(0);
    assertThatThrownBy(() -> MessageReader.readError(m))
        .isInstanceOf(NetlinkProtocolException.class)
        .hasMessageContaining("echoed request of 64 bytes runs past the 20-byte error message");
  }

  @Test
  void aLengthPastTheDatagramNamesTheDatagramsSize() {
    ByteBuffer b = ByteBuffer.allocate(24).order(ByteOrder.nativeOrder());
    b.position(4);
    b.putInt(40).putShort((short) 3).putShort((short) 0).putInt(1).putInt(0).position(4);
    assertThatThrownBy(() -> MessageReader.split(b)).isInstanceOf(NetlinkProtocolException.class)
        .hasMessageContaining("message length 40 at offset 4 does not fit the 20-byte datagram");
  }

  @Test
  void aMessagePrintsItsSequenceNumberUnsigned() {
    NetlinkMessage m = new NetlinkMessage(2, 0x100, -1, 0, ByteBuffer.allocate(4));
    assertThat(m.toString()).isEqualTo(
        "NetlinkMessage{type=2, flags=0x100, seq=4294967295, payload=4 bytes}");
  }
}
