// SPDX-License-Identifier: Apache-2.0
package io.netfloor.netlink.channel;

import io.netfloor.netlink.NetlinkProtocolException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;

/**
 * A parsed run of {@code rtattr}/{@code nlattr} TLVs. Types are masked with {@code 0x3FFF}
 * (dropping {@code NLA_F_NESTED} and {@code NLA_F_NET_BYTEORDER}); values are read-only host-order
 * views. When a type repeats, the getters return its last occurrence; {@link #all()} keeps them all.
 */
public final class Attributes {
  /** The masked type and the value of one attribute. */
  public record Attr(int type, ByteBuffer value) {}

  private static final int TYPE_MASK = 0x3FFF;
  private final List<Attr> attrs;

  private Attributes(List<Attr> attrs) {
    this.attrs = attrs;
  }

  /**
   * Parses the attributes from {@code data}'s position to its limit. Up to 3 trailing bytes (alignment
   * padding) are ignored.
   *
   * @throws NetlinkProtocolException if an attribute's length is below 4 or runs past the end
   */
  public static Attributes parse(ByteBuffer data) {
    ByteBuffer b = data.duplicate().order(ByteOrder.nativeOrder());
    List<Attr> out = new ArrayList<>();
    while (b.remaining() >= 4) {
      int start = b.position();
      int len = Short.toUnsignedInt(b.getShort(start));
      int type = Short.toUnsignedInt(b.getShort(start + 2)) & TYPE_MASK;
      if (len < 4 || len > b.remaining()) {
        throw new NetlinkProtocolException("attribute type " + type + " has length " + len
            + " with " + b.remaining() + " bytes left");
      }
      ByteBuffer value = b.duplicate().position(start + 4).limit(start + len).slice()
          .asReadOnlyBuffer().order(ByteOrder.nativeOrder());
      out.add(new Attr(type, value));
      b.position(Math.min(start + MessageReader.align4(len), b.limit()));
    }
    return new Attributes(List.copyOf(out));
  }

  public List<Attr> all() {
    return attrs;
  }

  public boolean has(int type) {
    return get(type).isPresent();
  }

  /** The value of the last attribute of {@code type}, as a fresh view. */
  public Optional<ByteBuffer> get(int type) {
    for (int i = attrs.size() - 1; i >= 0; i--) {
      if (attrs.get(i).type() == type) {
        return Optional.of(attrs.get(i).value().duplicate().order(ByteOrder.nativeOrder()));
      }
    }
    return Optional.empty();
  }

  /** A host-order u32 attribute. */
  public OptionalInt optU32(int type) {
    Optional<ByteBuffer> v = get(type);
    if (v.isEmpty()) {
      return OptionalInt.empty();
    }
    return OptionalInt.of(requireAtLeast(v.get(), 4, type).getInt(0));
  }

  /** A host-order u64 attribute. */
  public OptionalLong optU64(int type) {
    Optional<ByteBuffer> v = get(type);
    if (v.isEmpty()) {
      return OptionalLong.empty();
    }
    return OptionalLong.of(requireAtLeast(v.get(), 8, type).getLong(0));
  }

  /** A u8 attribute. */
  public OptionalInt optU8(int type) {
    Optional<ByteBuffer> v = get(type);
    if (v.isEmpty()) {
      return OptionalInt.empty();
    }
    return OptionalInt.of(Byte.toUnsignedInt(requireAtLeast(v.get(), 1, type).get(0)));
  }

  /** A NUL-terminated string attribute (the text up to the first NUL, or all of it). */
  public Optional<String> string(int type) {
    return get(type).map(v -> {
      int n = 0;
      while (n < v.remaining() && v.get(n) != 0) {
        n++;
      }
      byte[] bytes = new byte[n];
      v.get(0, bytes);
      return new String(bytes, StandardCharsets.UTF_8);
    });
  }

  /** The attributes nested inside attribute {@code type}. */
  public Optional<Attributes> nested(int type) {
    return get(type).map(Attributes::parse);
  }

  /** @throws NetlinkProtocolException unless {@code v} holds at least {@code bytes} bytes */
  public static ByteBuffer requireAtLeast(ByteBuffer v, int bytes, int type) {
    if (v.remaining() < bytes) {
      throw new NetlinkProtocolException("attribute type " + type + " has " + v.remaining()
          + " bytes, needs " + bytes);
    }
    return v;
  }
}
