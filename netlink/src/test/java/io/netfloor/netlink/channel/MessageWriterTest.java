// SPDX-License-Identifier: Apache-2.0
package io.netfloor.netlink.channel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netfloor.netlink.NetlinkProtocolException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import net.jqwik.api.constraints.StringLength;
import org.junit.jupiter.api.Test;

/** What MessageWriter builds, MessageReader and Attributes read back. */
class MessageWriterTest {

  @Property(tries = 300)
  void attributesRoundTrip(@ForAll @IntRange(min = 1, max = 0x3fff) int type,
      @ForAll int value, @ForAll long wide, @ForAll @StringLength(max = 40) String text,
      @ForAll @Size(max = 64) List<Byte> raw) {
    byte[] rawBytes = new byte[raw.size()];
    for (int i = 0; i < rawBytes.length; i++) {
      rawBytes[i] = raw.get(i);
    }
    String clean = text.replace("\0", "");
    byte[] msg = new MessageWriter(44, 0x605).struct(4, b -> b.putInt(7))
        .u32(1, value).u64(2, wide).string(3, clean)
        .beginNested(4).bytes(type, rawBytes).u8(5, 9).endNested()
        .finish();
    assertThat(msg.length % 4).isZero();
    List<NetlinkMessage> ms = MessageReader.split(ByteBuffer.wrap(msg).order(ByteOrder.nativeOrder()));
    assertThat(ms).hasSize(1);
    NetlinkMessage m = ms.get(0);
    assertThat(m.type()).isEqualTo(44);
    assertThat(m.flags()).isEqualTo(0x605);
    ByteBuffer body = m.body();
    assertThat(body.getInt(0)).isEqualTo(7);
    Attributes a = Attributes.parse(body.position(4));
    assertThat(a.optU32(1)).hasValue(value);
    assertThat(a.optU64(2)).hasValue(wide);
    assertThat(a.string(3)).contains(clean);
    Attributes nested = a.nested(4).orElseThrow();
    assertThat(nested.optU8(5)).hasValue(9);
    ByteBuffer back = nested.all().get(0).value();
    byte[] got = new byte[back.remaining()];
    back.get(got);
    assertThat(got).isEqualTo(rawBytes);
  }

  /** Writers share a scratch buffer per thread: interleaved, finished twice, or written after. */
  @Test
  void reusedScratchBuffersNeverMixMessages() {
    byte[] alone = new MessageWriter(3, 1).u32(1, 11).beginNested(2).u64(3, 33L).endNested()
        .finish();
    MessageWriter outer = new MessageWriter(3, 1).u32(1, 11);
    byte[] inner = new MessageWriter(4, 2).string(9, "inner, written while another is open")
        .finish();
    byte[] interleaved = outer.beginNested(2).u64(3, 33L).endNested().finish();
    assertThat(interleaved).isEqualTo(alone);
    byte[] big = new MessageWriter(5, 0).bytes(1, new byte[3000]).finish(); // grows the scratch
    assertThat(new MessageWriter(4, 2).string(9, "inner, written while another is open").finish())
        .isEqualTo(inner);
    assertThat(outer.finish()).isEqualTo(alone); // finished twice: the same message
    byte[] longer = outer.u32(4, 44).finish(); // written after finish: goes on from the message
    assertThat(longer).isEqualTo(new MessageWriter(3, 1).u32(1, 11).beginNested(2).u64(3, 33L)
        .endNested().u32(4, 44).finish());
    assertThat(alone.length).isLessThan(longer.length);
    assertThat(big.length).isEqualTo(16 + 3004);
  }

  @Test
  void typeFlagsAreMaskedAndTruncationIsTyped() {
    byte[] nestedFlag = new MessageWriter(2, 0).beginNested(0x8000 | 6).u32(1, 5).endNested()
        .finish();
    Attributes a = Attributes.parse(ByteBuffer.wrap(nestedFlag).position(16));
    assertThat(a.nested(6).orElseThrow().optU32(1)).hasValue(5);
    assertThatThrownBy(() -> Attributes.parse(ByteBuffer.wrap(new byte[] {8, 0, 1, 0, 1})))
        .isInstanceOf(NetlinkProtocolException.class);
    assertThatThrownBy(() -> Attributes.parse(ByteBuffer.wrap(new byte[] {5, 0, 1, 0, 1}))
        .optU32(1)).isInstanceOf(NetlinkProtocolException.class).hasMessageContaining("needs 4");
    assertThatThrownBy(() -> MessageReader.split(ByteBuffer.wrap(new byte[] {64, 0, 0, 0, 2, 0,
        0, 0, 0, 0, 0, 0, 0, 0, 0, 0}))).isInstanceOf(NetlinkProtocolException.class)
        .hasMessageContaining("does not fit");
  }

  @Test
  void exceptionMessagesSayWhatHappenedInPlainWords() {
    var e = new io.netfloor.netlink.NetlinkException("add class htb 1:3 on br0", null, 2, 17,
        "Exclusivity flag on, cannot modify", null);
    assertThat(e.getMessage()).isEqualTo("add class htb 1:3 on br0: EEXIST (the object already"
        + " exists): kernel: \"Exclusivity flag on, cannot modify\"");
    assertThat(e.errnoName()).contains("EEXIST");
    assertThat(e.appliedCount()).isEqualTo(2);
    assertThat(e.withAppliedCount(5).appliedCount()).isEqualTo(5);
    assertThat(new io.netfloor.netlink.NetlinkException("x", null, 0, 1, null, null).getMessage())
        .contains("needs CAP_NET_ADMIN");
    assertThat(io.netfloor.netlink.Errno.name(19)).isEqualTo("ENODEV");
    assertThat(io.netfloor.netlink.Errno.name(4095)).isEqualTo("errno 4095");
  }
}
