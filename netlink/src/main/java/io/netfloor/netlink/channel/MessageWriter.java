package io.netfloor.netlink.channel;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Deque;

/**
 * Builds one netlink request: the 16-byte header, a fixed struct, then attributes (nested ones
 * closed with {@link #endNested()}). Everything is written in host order; callers write big-endian
 * fields themselves. Sequence number and port id are left 0: {@link NetlinkChannel} stamps the
 * sequence number when it sends.
 *
 * <pre>{@code
 * byte[] msg = new MessageWriter(RTM_NEWQDISC, NLM_F_REQUEST | NLM_F_ACK)
 *     .struct(tcmsg::write).string(TCA_KIND, "htb").beginNested(TCA_OPTIONS)...endNested().finish();
 * }</pre>
 */
public final class MessageWriter {
  private ByteBuffer buf = ByteBuffer.allocate(256).order(ByteOrder.nativeOrder());
  private final Deque<Integer> nests = new ArrayDeque<>();

  /** Starts a message of {@code type} with {@code flags}. */
  public MessageWriter(int type, int flags) {
    buf.putInt(0).putShort((short) type).putShort((short) flags).putInt(0).putInt(0);
  }

  /** Writes a fixed-size struct (its writer must advance the buffer by exactly its size). */
  public MessageWriter struct(int sizeBytes, java.util.function.Consumer<ByteBuffer> writer) {
    ensure(sizeBytes);
    int start = buf.position();
    writer.accept(buf);
    if (buf.position() - start != sizeBytes) {
      throw new IllegalStateException("struct writer wrote " + (buf.position() - start)
          + " bytes, expected " + sizeBytes);
    }
    return this;
  }

  /** An attribute holding raw bytes (padded to 4 with zeros). */
  public MessageWriter bytes(int type, byte[] value) {
    return attr(type, value.length, b -> b.put(value));
  }

  /** An attribute whose payload of {@code length} bytes {@code writer} puts. */
  public MessageWriter attr(int type, int length, java.util.function.Consumer<ByteBuffer> writer) {
    ensure(4 + length + 3);
    int start = buf.position();
    buf.putShort((short) (4 + length)).putShort((short) type);
    writer.accept(buf);
    if (buf.position() - start != 4 + length) {
      throw new IllegalStateException("attribute " + type + " writer wrote "
          + (buf.position() - start - 4) + " bytes, expected " + length);
    }
    pad();
    return this;
  }

  public MessageWriter u8(int type, int value) {
    return attr(type, 1, b -> b.put((byte) value));
  }

  public MessageWriter u32(int type, int value) {
    return attr(type, 4, b -> b.putInt(value));
  }

  public MessageWriter u64(int type, long value) {
    return attr(type, 8, b -> b.putLong(value));
  }

  /** A NUL-terminated string attribute. */
  public MessageWriter string(int type, String value) {
    byte[] s = value.getBytes(StandardCharsets.UTF_8);
    return attr(type, s.length + 1, b -> b.put(s).put((byte) 0));
  }

  /** Opens a nested attribute; {@code type} is written as given (tc sends TCA_OPTIONS unflagged). */
  public MessageWriter beginNested(int type) {
    ensure(4);
    nests.push(buf.position());
    buf.putShort((short) 0).putShort((short) type);
    return this;
  }

  /** Closes the innermost nested attribute, fixing its length. */
  public MessageWriter endNested() {
    int start = nests.pop();
    buf.putShort(start, (short) (buf.position() - start));
    return this;
  }

  /** The finished message, {@code nlmsg_len} set. */
  public byte[] finish() {
    if (!nests.isEmpty()) {
      throw new IllegalStateException(nests.size() + " nested attributes left open");
    }
    buf.putInt(0, buf.position());
    return Arrays.copyOf(buf.array(), buf.position());
  }

  private void pad() {
    while ((buf.position() & 3) != 0) {
      buf.put((byte) 0);
    }
  }

  private void ensure(int more) {
    if (buf.remaining() < more) {
      ByteBuffer bigger = ByteBuffer.allocate(Math.max(buf.capacity() * 2, buf.position() + more + 64))
          .order(ByteOrder.nativeOrder());
      buf.flip();
      bigger.put(buf);
      buf = bigger;
    }
  }
}
