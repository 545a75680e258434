// SPDX-License-Identifier: Apache-2.0
package io.netfloor.netlink.wire;

import io.netfloor.netlink.NetlinkProtocolException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/** Bounds checks shared by the struct readers of this package. */
final class Wire {
  private Wire() {}

  /**
   * A host-order view of {@code b} from its position, checked to hold {@code size} bytes.
   *
   * @throws NetlinkProtocolException naming the struct when fewer bytes are there
   */
  static ByteBuffer need(ByteBuffer b, int size, String struct) {
    if (b.remaining() < size) {
      throw new NetlinkProtocolException("struct " + struct + " needs " + size + " bytes, got "
          + b.remaining());
    }
    return b.duplicate().order(ByteOrder.nativeOrder());
  }
}
