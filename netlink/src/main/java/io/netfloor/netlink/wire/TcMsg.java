// SPDX-License-Identifier: Apache-2.0
package io.netfloor.netlink.wire;

import java.nio.ByteBuffer;

/**
 * {@code struct tcmsg} (20 bytes), the fixed header of every qdisc, class and filter message.
 *
 * <pre>
 * struct tcmsg {
 *   unsigned char tcm_family; unsigned char tcm__pad1; unsigned short tcm__pad2;
 *   int tcm_ifindex; __u32 tcm_handle; __u32 tcm_parent;
 *   __u32 tcm_info;   // filters: prio &lt;&lt; 16 | htons(protocol); root qdiscs in dumps: refcnt
 * };
 * </pre>
 */
public record TcMsg(int family, int ifindex, int handle, int parent, int info) {
  public static final int SIZE = 20;

  /** A tcmsg with family AF_UNSPEC. */
  public static TcMsg of(int ifindex, int handle, int parent, int info) {
    return new TcMsg(0, ifindex, handle, parent, info);
  }

  /** {@code tcm_info} of a filter: {@code prio << 16} and the EtherType in network order. */
  public static int filterInfo(int prio, int etherType) {
    return (prio << 16) | Short.toUnsignedInt(Short.reverseBytes((short) etherType));
  }

  /** The filter prio carried in {@code tcm_info}. */
  public int filterPrio() {
    return info >>> 16;
  }

  /** The EtherType carried in {@code tcm_info}, in host terms (0x0800 for ip). */
  public int filterProtocol() {
    return Short.toUnsignedInt(Short.reverseBytes((short) info));
  }

  public void write(ByteBuffer b) {
    b.put((byte) family).put((byte) 0).putShort((short) 0).putInt(ifindex).putInt(handle)
        .putInt(parent).putInt(info);
  }

  /** Reads a tcmsg at {@code b}'s position (not advancing it). */
  public static TcMsg read(ByteBuffer b) {
    ByteBuffer v = Wire.need(b, SIZE, "tcmsg");
    int p = v.position();
    return new TcMsg(Byte.toUnsignedInt(v.get(p)), v.getInt(p + 4), v.getInt(p + 8),
        v.getInt(p + 12), v.getInt(p + 16));
  }
}
