// SPDX-License-Identifier: Apache-2.0
package io.netfloor.netlink.channel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.sun.jna.Memory;
import io.netfloor.netlink.codec.LinkCodec;
import io.netfloor.units.InterfaceName;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * Replies are taken only from the kernel: another process's netlink socket that sends the channel
 * acknowledgements carrying exactly the sequence numbers of its next requests (an EPERM for each)
 * is ignored, and each request gets the kernel's own answer. Without the sender check the first
 * forged ack would be taken for the kernel's. Read-only requests ({@code RTM_GETLINK lo}) in the
 * test's own namespace: nothing is changed.
 */
class ForeignSenderKernelTest {
  private static final int NLMSG_ERROR = 2;
  private static final int NLM_F_CAPPED = 0x100;
  private static final int EPERM = 1;

  @Test
  void forgedAcksFromAnotherPortAreIgnored() throws Exception {
    assumeTrue("root".equals(System.getProperty("user.name")),
        "sending to another netlink port needs root; run as root (CI does)");
    InterfaceName lo = InterfaceName.of("lo");
    try (NetlinkChannel channel = NetlinkChannel.open(Duration.ofSeconds(5))) {
      Ack first = channel.transact(LinkCodec.encodeGet(lo));
      assertThat(first.isSuccess()).isTrue();
      int next = first.seq() + 1;

      int forger = LibC.socket(LibC.AF_NETLINK, LibC.SOCK_RAW | LibC.SOCK_CLOEXEC,
          LibC.NETLINK_ROUTE);
      try {
        for (int seq = next; seq < next + 5; seq++) {
          forgeAck(forger, channel.portId(), seq);
        }
        for (int i = 0; i < 5; i++) {
          Ack ack = channel.transact(LinkCodec.encodeGet(lo));
          assertThat(ack.seq()).isEqualTo(next + i);
          assertThat(ack.isSuccess()).as("the kernel's ack, not the forged EPERM").isTrue();
          assertThat(LinkCodec.decodeIndex(ack)).as("the kernel's reply came with it").isPresent();
        }
      } finally {
        LibC.close(forger);
      }
    }
  }

  /** An NLMSG_ERROR ack with errno EPERM for {@code seq}, sent to port {@code to}. */
  private static void forgeAck(int fd, int to, int seq) {
    ByteBuffer m = ByteBuffer.allocate(36).order(ByteOrder.nativeOrder());
    m.putInt(36).putShort((short) NLMSG_ERROR).putShort((short) NLM_F_CAPPED).putInt(seq)
        .putInt(0);
    m.putInt(-EPERM);
    m.putInt(32).putShort((short) 18).putShort((short) 5).putInt(seq).putInt(to); // the "request"
    Memory buf = new Memory(36);
    buf.write(0, m.array(), 0, 36);
    ByteBuffer addr = ByteBuffer.allocate(12).order(ByteOrder.nativeOrder());
    addr.putShort((short) LibC.AF_NETLINK).putShort((short) 0).putInt(to).putInt(0);
    long sent = LibC.sendto(fd, buf, 36, 0, addr.array(), 12);
    assertThat(sent).isEqualTo(36);
  }
}
