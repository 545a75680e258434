// SPDX-License-Identifier: Apache-2.0
package io.netfloor.netlink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netfloor.netlink.channel.MessageReader;
import io.netfloor.netlink.channel.NetlinkMessage;
import io.netfloor.netlink.codec.HtbClassCodec;
import io.netfloor.netlink.codec.HtbQdiscCodec;
import io.netfloor.netlink.codec.LeafQdiscCodec;
import io.netfloor.netlink.codec.LinkCodec;
import io.netfloor.netlink.codec.Rtm;
import io.netfloor.netlink.codec.U32FilterCodec;
import io.netfloor.netlink.wire.TcMsg;
import io.netfloor.plan.EtherType;
import io.netfloor.plan.HtbClass;
import io.netfloor.plan.HtbQdisc;
import io.netfloor.plan.IfbDevice;
import io.netfloor.plan.IngressQdisc;
import io.netfloor.plan.LeafQdisc;
import io.netfloor.plan.LeafQdiscKind;
import io.netfloor.plan.ObjectKey;
import io.netfloor.plan.TcObject;
import io.netfloor.plan.TcOp;
import io.netfloor.plan.U32Handle;
import io.netfloor.plan.U32HashLink;
import io.netfloor.plan.U32HashTable;
import io.netfloor.plan.U32Instance;
import io.netfloor.plan.U32MacFilter;
import io.netfloor.plan.U32MatchAllPolice;
import io.netfloor.plan.U32MatchAllRedirect;
import io.netfloor.plan.U32OwnerMark;
import io.netfloor.plan.UnrecognizedObject;
import io.netfloor.tc.PschedClock;
import io.netfloor.tc.TcTiming;
import io.netfloor.units.ByteSize;
import io.netfloor.units.ClassHandle;
import io.netfloor.units.InterfaceName;
import io.netfloor.units.MacAddress;
import io.netfloor.units.Rate;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.HexFormat;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

/**
 * Which request each plan operation becomes: the codec of the object's kind with the device's
 * ifindex, tc's {@code add}/{@code change}/{@code replace}/{@code del} flags, and a typed refusal
 * for what can only be deleted or only be replaced whole. The codecs' bytes are checked against
 * real tc captures in the codec tests.
 */
class TcOpEncoderTest {
  private static final InterfaceName BR0 = InterfaceName.of("br0");
  private static final InterfaceName IFB = InterfaceName.of("nf-ifb0");
  private static final int BR0_INDEX = 2;
  private static final int IFB_INDEX = 7;
  private static final int EOPNOTSUPP = 95;
  private static final TcTiming TIMING = TcTiming.of(PschedClock.LINUX_DEFAULT,
      TcTiming.Rounding.TRUNCATE);
  private static final Map<InterfaceName, Integer> INDEXES = Map.of(BR0, BR0_INDEX, IFB, IFB_INDEX);
  private static final ClassHandle QDISC = ClassHandle.qdisc(1);

  private final TcOpEncoder encoder = new TcOpEncoder(TIMING, INDEXES::get, false);
  private final TcOpEncoder withRateTables = new TcOpEncoder(TIMING, INDEXES::get, true);

  private static final HtbQdisc HTB = new HtbQdisc(BR0, QDISC, ClassHandle.ROOT, 2, 10,
      OptionalInt.of(100));
  private static final HtbClass CLASS = new HtbClass(BR0, ClassHandle.of(1, 3),
      ClassHandle.of(1, 1), Rate.parse("10mbit"), Rate.parse("100mbit"), Optional.empty(),
      Optional.empty(), 12_500, 0);
  private static final LeafQdisc LEAF = new LeafQdisc(BR0, ClassHandle.qdisc(3),
      ClassHandle.of(1, 3), LeafQdiscKind.PFIFO, 1000);
  private static final U32HashTable TABLE = new U32HashTable(BR0, QDISC, 5, EtherType.ALL, 0x10,
      256);
  private static final U32HashLink LINK = new U32HashLink(BR0, QDISC, 5, EtherType.ALL,
      U32Handle.of(0x800, 0, 0x801), 0x10, -12, 0xff);
  private static final U32MacFilter MAC_FILTER = new U32MacFilter(BR0, QDISC, 5, EtherType.IPV4,
      U32Handle.of(0x10, 0x56, 1), true, MacAddress.parse("52:54:00:12:34:56"),
      OptionalInt.empty(), ClassHandle.of(1, 3));
  private static final U32MatchAllPolice POLICE = new U32MatchAllPolice(BR0, 1,
      U32Handle.of(0x800, 0, 0x800), Rate.parse("100mbit"), ByteSize.ofKibibytes(64),
      U32MatchAllPolice.LIBVIRT_MTU);
  private static final U32MatchAllRedirect REDIRECT = new U32MatchAllRedirect(BR0, 1,
      U32Handle.of(0x800, 0, 0x800), IFB);
  private static final U32OwnerMark MARK = new U32OwnerMark(BR0, QDISC, 5, EtherType.ALL, true,
      "default");
  private static final U32Instance INSTANCE = new U32Instance(BR0, QDISC, 7, EtherType.IPV4);
  private static final UnrecognizedObject ODD_FILTER = new UnrecognizedObject(
      new ObjectKey(ObjectKey.Kind.FILTER, BR0, QDISC.toBits(), 9, 0x800801), QDISC,
      "filter flower prio 9");
  private static final UnrecognizedObject ODD_QDISC = new UnrecognizedObject(
      new ObjectKey(ObjectKey.Kind.QDISC, BR0, ClassHandle.of(1, 4).toBits(), 0,
          ClassHandle.qdisc(4).toBits()), ClassHandle.of(1, 4), "qdisc tbf 4:");

  private static byte[] add(TcOpEncoder e, TcObject o) {
    return e.encode(new TcOp.Add(o)).orElseThrow();
  }

  private static byte[] delete(TcObject o) {
    return new TcOpEncoder(TIMING, INDEXES::get, false).encode(new TcOp.Delete(o)).orElseThrow();
  }

  private static Optional<byte[]> change(TcOpEncoder e, TcObject o) {
    return e.encode(new TcOp.Change(o, o));
  }

  private static String hex(byte[] b) {
    return HexFormat.of().formatHex(b);
  }

  private static NetlinkMessage parse(byte[] request) {
    return MessageReader.split(ByteBuffer.wrap(request).order(ByteOrder.nativeOrder())).get(0);
  }

  @Test
  void addsUseEachKindsCodecWithTheDevicesIfindex() {
    assertThat(hex(add(encoder, HTB))).isEqualTo(hex(HtbQdiscCodec.encodeAdd(HTB, BR0_INDEX)));
    assertThat(hex(add(encoder, LEAF))).isEqualTo(hex(LeafQdiscCodec.encodeAdd(LEAF, BR0_INDEX)));
    assertThat(hex(add(encoder, new IngressQdisc(BR0))))
        .isEqualTo(hex(LeafQdiscCodec.encodeIngressAdd(BR0_INDEX)));
    assertThat(hex(add(encoder, new IfbDevice(IFB)))).isEqualTo(hex(LinkCodec.encodeAddIfb(IFB)));
    assertThat(hex(add(encoder, TABLE))).isEqualTo(hex(U32FilterCodec.encodeAdd(TABLE, BR0_INDEX)));
    assertThat(hex(add(encoder, LINK))).isEqualTo(hex(U32FilterCodec.encodeAdd(LINK, BR0_INDEX)));
    assertThat(hex(add(encoder, MAC_FILTER)))
        .isEqualTo(hex(U32FilterCodec.encodeAdd(MAC_FILTER, BR0_INDEX)));
    assertThat(hex(add(encoder, POLICE)))
        .isEqualTo(hex(U32FilterCodec.encodeAdd(POLICE, BR0_INDEX, TIMING)));
    assertThat(hex(add(encoder, MARK))).isEqualTo(hex(U32FilterCodec.encodeAdd(MARK, BR0_INDEX)));
  }

  @Test
  void aRedirectNamesItsTargetByTheTargetsIfindex() {
    assertThat(hex(add(encoder, REDIRECT)))
        .isEqualTo(hex(U32FilterCodec.encodeAdd(REDIRECT, BR0_INDEX, IFB_INDEX)));
  }

  @Test
  void aClassAddAsksForAnEchoAndHonoursTheRateTablesOption() {
    byte[] plain = add(encoder, CLASS);
    assertThat(hex(plain)).isEqualTo(hex(HtbClassCodec.encodeAdd(CLASS, BR0_INDEX, TIMING, true,
        false)));
    assertThat(parse(plain).hasFlag(NetlinkMessage.NLM_F_ECHO)).isTrue();
    byte[] tables = add(withRateTables, CLASS);
    assertThat(hex(tables)).isEqualTo(hex(HtbClassCodec.encodeAdd(CLASS, BR0_INDEX, TIMING, true,
        true)));
    assertThat(tables.length).as("rate tables are 2 x 1 KiB").isGreaterThan(plain.length + 2000);
  }

  @Test
  void onlyAClassAddEchoes() {
    assertThat(TcOpEncoder.echoesClass(new TcOp.Add(CLASS))).isTrue();
    assertThat(TcOpEncoder.echoesClass(new TcOp.Change(CLASS, CLASS))).isFalse();
    assertThat(TcOpEncoder.echoesClass(new TcOp.Delete(CLASS))).isFalse();
    assertThat(TcOpEncoder.echoesClass(new TcOp.Add(LEAF))).isFalse();
  }

  @Test
  void deletesNameTheObjectByParentAndHandle() {
    assertThat(hex(delete(HTB)))
        .isEqualTo(hex(LeafQdiscCodec.encodeDelete(ClassHandle.ROOT, QDISC, BR0_INDEX)));
    assertThat(hex(delete(LEAF))).isEqualTo(hex(LeafQdiscCodec.encodeDelete(ClassHandle.of(1, 3),
        ClassHandle.qdisc(3), BR0_INDEX)));
    assertThat(hex(delete(new IngressQdisc(BR0)))).isEqualTo(hex(LeafQdiscCodec.encodeDelete(
        ClassHandle.INGRESS, IngressQdisc.HANDLE, BR0_INDEX)));
    assertThat(hex(delete(new IfbDevice(IFB)))).isEqualTo(hex(LinkCodec.encodeDelete(IFB)));
    assertThat(hex(delete(CLASS)))
        .isEqualTo(hex(HtbClassCodec.encodeDelete(ClassHandle.of(1, 3), BR0_INDEX)));
    assertThat(hex(delete(TABLE))).isEqualTo(hex(U32FilterCodec.encodeDelete(BR0_INDEX, QDISC, 5,
        EtherType.ALL, U32Handle.of(0x10, 0, 0))));
    assertThat(hex(delete(LINK))).isEqualTo(hex(U32FilterCodec.encodeDelete(BR0_INDEX, QDISC, 5,
        EtherType.ALL, LINK.handle())));
    assertThat(hex(delete(MAC_FILTER))).isEqualTo(hex(U32FilterCodec.encodeDelete(BR0_INDEX,
        QDISC, 5, EtherType.IPV4, MAC_FILTER.handle())));
    assertThat(hex(delete(POLICE))).isEqualTo(hex(U32FilterCodec.encodeDelete(BR0_INDEX,
        IngressQdisc.HANDLE, 1, EtherType.ALL, POLICE.handle())));
    assertThat(hex(delete(REDIRECT))).isEqualTo(hex(U32FilterCodec.encodeDelete(BR0_INDEX,
        IngressQdisc.HANDLE, 1, EtherType.ALL, REDIRECT.handle())));
  }

  @Test
  void deletingAnOwnerMarkDeletesItsTable() {
    byte[] request = delete(MARK);
    assertThat(hex(request)).isEqualTo(hex(U32FilterCodec.encodeDelete(BR0_INDEX, QDISC, 5,
        EtherType.ALL, U32Handle.of(U32OwnerMark.TABLE_ID, 0, 0))));
  }

  @Test
  void aU32InstanceIsDeletedWholeAtItsPrio() {
    NetlinkMessage m = parse(delete(INSTANCE));
    assertThat(m.type()).isEqualTo(Rtm.RTM_DELTFILTER);
    TcMsg tc = TcMsg.read(m.body());
    assertThat(tc.ifindex()).isEqualTo(BR0_INDEX);
    assertThat(tc.parent()).isEqualTo(QDISC.toBits());
    assertThat(tc.handle()).as("no handle: every node of the instance").isZero();
    assertThat(tc.info() >>> 16).isEqualTo(7);
  }

  @Test
  void unrecognizedObjectsAreDeletedByTheirKeyAndNeverAddedOrChanged() {
    NetlinkMessage filter = parse(delete(ODD_FILTER));
    assertThat(filter.type()).isEqualTo(Rtm.RTM_DELTFILTER);
    TcMsg f = TcMsg.read(filter.body());
    assertThat(f.handle()).isEqualTo(0x800801);
    assertThat(f.parent()).isEqualTo(QDISC.toBits());
    assertThat(f.info()).as("prio 9, protocol 0: whatever the filter's own").isEqualTo(9 << 16);
    assertThat(hex(delete(ODD_QDISC))).isEqualTo(hex(LeafQdiscCodec.encodeDelete(
        ClassHandle.of(1, 4), ClassHandle.qdisc(4), BR0_INDEX)));
    for (TcObject o : new TcObject[] {ODD_FILTER, ODD_QDISC, INSTANCE}) {
      assertThatThrownBy(() -> add(encoder, o)).isInstanceOf(NetlinkException.class)
          .hasMessageContaining("only ever deletes it")
          .extracting(e -> ((NetlinkException) e).errno()).isEqualTo(EOPNOTSUPP);
      assertThatThrownBy(() -> change(encoder, o)).isInstanceOf(NetlinkException.class)
          .hasMessageContaining("only ever deletes it")
          .extracting(e -> ((NetlinkException) e).errno()).isEqualTo(EOPNOTSUPP);
    }
  }

  @Test
  void htbChangesAreTcChangeAndLeafChangesAreReplace() {
    assertThat(hex(change(encoder, HTB).orElseThrow()))
        .isEqualTo(hex(HtbQdiscCodec.encodeChange(HTB, BR0_INDEX)));
    assertThat(hex(change(encoder, CLASS).orElseThrow()))
        .isEqualTo(hex(HtbClassCodec.encodeChange(CLASS, BR0_INDEX, TIMING, false)));
    assertThat(hex(change(withRateTables, CLASS).orElseThrow()))
        .isEqualTo(hex(HtbClassCodec.encodeChange(CLASS, BR0_INDEX, TIMING, true)));
    byte[] leaf = change(encoder, LEAF).orElseThrow();
    NetlinkMessage m = parse(leaf);
    assertThat(m.flags()).as("REQUEST|ACK|REPLACE|CREATE").isEqualTo(0x505);
    byte[] addWithReplaceFlags = LeafQdiscCodec.encodeAdd(LEAF, BR0_INDEX);
    ByteBuffer.wrap(addWithReplaceFlags).order(ByteOrder.nativeOrder()).putShort(6, (short) 0x505);
    assertThat(hex(leaf)).isEqualTo(hex(addWithReplaceFlags));
  }

  @Test
  void objectsWithoutParametersNeedNoChangeRequest() {
    assertThat(change(encoder, new IfbDevice(IFB))).isEmpty();
    assertThat(change(encoder, new IngressQdisc(BR0))).isEmpty();
  }

  @Test
  void u32FiltersAreNeverChangedInPlace() {
    for (TcObject o : new TcObject[] {TABLE, LINK, MAC_FILTER, POLICE, REDIRECT, MARK}) {
      assertThatThrownBy(() -> change(encoder, o)).isInstanceOf(NetlinkException.class)
          .hasMessageContaining("cannot change " + o.describe() + " in place")
          .extracting(e -> ((NetlinkException) e).errno()).isEqualTo(EOPNOTSUPP);
    }
  }

  @Test
  void aMissingDeviceFailsBeforeAnyRequestIsBuilt() {
    TcOpEncoder noDevices = new TcOpEncoder(TIMING, name -> {
      throw new NetlinkException("resolve " + name, null, 0, 19, null, null);
    }, false);
    assertThatThrownBy(() -> noDevices.encode(new TcOp.Add(CLASS)))
        .isInstanceOf(NetlinkException.class).hasMessageContaining("resolve br0");
    // an ifb device is named by its name: nothing to resolve
    assertThat(noDevices.encode(new TcOp.Add(new IfbDevice(IFB)))).isPresent();
    assertThat(noDevices.encode(new TcOp.Delete(new IfbDevice(IFB)))).isPresent();
  }
}
