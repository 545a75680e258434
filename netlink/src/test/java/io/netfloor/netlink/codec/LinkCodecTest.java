// SPDX-License-Identifier: Apache-2.0
package io.netfloor.netlink.codec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netfloor.netlink.NetlinkProtocolException;
import io.netfloor.netlink.channel.Ack;
import io.netfloor.netlink.channel.Attributes;
import io.netfloor.netlink.channel.MessageReader;
import io.netfloor.netlink.channel.MessageWriter;
import io.netfloor.netlink.channel.NetlinkMessage;
import io.netfloor.netlink.testing.Golden;
import io.netfloor.netlink.wire.IfInfoMsg;
import io.netfloor.units.InterfaceName;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Link requests and replies: the kernel's RTM_NEWLINK for bridge {@code br1} (ifindex 3, captured
 * in x1) and the requests {@code ip link} sends, read back field by field.
 */
class LinkCodecTest {
  private static NetlinkMessage only(byte[] request) {
    List<NetlinkMessage> ms = MessageReader.split(ByteBuffer.wrap(request)
        .order(ByteOrder.nativeOrder()));
    assertThat(ms).hasSize(1);
    return ms.get(0);
  }

  private static NetlinkMessage capturedBr1() {
    return Golden.replies("x1-handbuilt-requests").stream()
        .flatMap(d -> MessageReader.split(ByteBuffer.wrap(d).order(ByteOrder.nativeOrder()))
            .stream())
        .filter(m -> m.type() == Rtm.RTM_NEWLINK).findFirst().orElseThrow();
  }

  private static Ack ackWith(NetlinkMessage... replies) {
    return new Ack(1, 0, null, -1, List.of(replies));
  }

  private static Attributes attributesAfterIfinfo(NetlinkMessage m) {
    ByteBuffer body = m.body();
    return Attributes.parse(body.position(IfInfoMsg.SIZE));
  }

  /** An RTM_NEWLINK with {@code index} and, when not null, a LINKINFO holding {@code kind}. */
  private static NetlinkMessage link(int index, String kind) {
    MessageWriter w = new MessageWriter(Rtm.RTM_NEWLINK, 0)
        .struct(IfInfoMsg.SIZE, new IfInfoMsg(0, 1, index, 0, 0)::write)
        .string(Rtm.IFLA_IFNAME, "x");
    if (kind != null) {
      w.beginNested(Rtm.IFLA_LINKINFO).string(Rtm.IFLA_INFO_KIND, kind).endNested();
    }
    return only(w.finish());
  }

  @Test
  void theCapturedReplyNamesBridgeBr1AtIndex3() {
    Ack ack = ackWith(capturedBr1());
    assertThat(LinkCodec.decodeIndex(ack)).hasValue(3);
    assertThat(LinkCodec.decodeKind(ack)).contains("bridge");
  }

  @Test
  void onlyAnRtmNewlinkCarriesTheIndex() {
    NetlinkMessage other = only(new MessageWriter(Rtm.RTM_NEWQDISC, 0)
        .struct(IfInfoMsg.SIZE, new IfInfoMsg(0, 1, 9, 0, 0)::write).finish());
    assertThat(LinkCodec.decodeIndex(ackWith())).isEmpty();
    assertThat(LinkCodec.decodeIndex(ackWith(other))).isEmpty();
    assertThat(LinkCodec.decodeIndex(ackWith(other, link(1, null)))).hasValue(1);
    assertThatThrownBy(() -> LinkCodec.decodeKind(ackWith(other)))
        .isInstanceOf(NetlinkProtocolException.class).hasMessageContaining("without the link");
  }

  @Test
  void aNonPositiveIndexIsAProtocolError() {
    assertThatThrownBy(() -> LinkCodec.decodeIndex(ackWith(link(0, null))))
        .isInstanceOf(NetlinkProtocolException.class).hasMessageContaining("ifindex 0");
  }

  @Test
  void aLinkWithoutKindHasNone() {
    assertThat(LinkCodec.decodeKind(ackWith(link(1, null)))).isEmpty();
    assertThat(LinkCodec.decodeKind(ackWith(link(1, "")))).isEmpty();
    assertThat(LinkCodec.decodeKind(ackWith(link(4, "veth")))).contains("veth");
  }

  @Test
  void ifbAddIsIpLinkAddTypeIfbUp() {
    NetlinkMessage m = only(LinkCodec.encodeAddIfb(InterfaceName.of("nf-ifb0")));
    assertThat(m.type()).isEqualTo(Rtm.RTM_NEWLINK);
    assertThat(m.flags()).as("REQUEST|ACK|EXCL|CREATE").isEqualTo(0x605);
    IfInfoMsg info = IfInfoMsg.read(m.body());
    assertThat(info.flags()).isEqualTo(1);
    assertThat(info.change()).isEqualTo(1);
    assertThat(info.index()).isZero();
    Attributes a = attributesAfterIfinfo(m);
    assertThat(a.string(Rtm.IFLA_IFNAME)).contains("nf-ifb0");
    assertThat(a.nested(Rtm.IFLA_LINKINFO).orElseThrow().string(Rtm.IFLA_INFO_KIND)).contains("ifb");
  }

  @Test
  void vethPairNamesThePeerInsideInfoData() {
    NetlinkMessage m = only(LinkCodec.encodeAddVethPair(InterfaceName.of("nf-a"),
        InterfaceName.of("nf-b")));
    assertThat(m.type()).isEqualTo(Rtm.RTM_NEWLINK);
    assertThat(m.flags()).isEqualTo(0x605);
    assertThat(IfInfoMsg.read(m.body()).flags()).as("created down").isZero();
    Attributes a = attributesAfterIfinfo(m);
    assertThat(a.string(Rtm.IFLA_IFNAME)).contains("nf-a");
    Attributes info = a.nested(Rtm.IFLA_LINKINFO).orElseThrow();
    assertThat(info.string(Rtm.IFLA_INFO_KIND)).contains("veth");
    ByteBuffer peer = info.nested(Rtm.IFLA_INFO_DATA).orElseThrow().get(Rtm.VETH_INFO_PEER)
        .orElseThrow();
    assertThat(IfInfoMsg.read(peer.duplicate()).index()).isZero();
    assertThat(Attributes.parse(peer.position(IfInfoMsg.SIZE)).string(Rtm.IFLA_IFNAME))
        .contains("nf-b");
  }

  @Test
  void deleteNamesTheLinkByName() {
    NetlinkMessage m = only(LinkCodec.encodeDelete(InterfaceName.of("nf-ifb0")));
    assertThat(m.type()).isEqualTo(Rtm.RTM_DELLINK);
    assertThat(m.flags()).as("REQUEST|ACK").isEqualTo(0x005);
    assertThat(IfInfoMsg.read(m.body()).index()).isZero();
    assertThat(attributesAfterIfinfo(m).string(Rtm.IFLA_IFNAME)).contains("nf-ifb0");
    assertThat(attributesAfterIfinfo(m).has(Rtm.IFLA_LINKINFO)).isFalse();
  }
}
