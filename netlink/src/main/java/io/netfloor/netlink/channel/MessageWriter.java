// SPDX-License-Identifier: Apache-2.0
package io.netfloor.netlink.channel;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

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
  /**
   * A scratch buffer per thread, taken by a writer and given back by {@link #finish()} (a writer
   * started while another is open on the same thread allocates its own). A plug encodes three
   * requests of about 100 bytes: a fresh 256-byte buffer and a deque each were a measurable part
   * of its time outside the kernel. {@link #finish()} copies the message out, so nothing escapes.
   */
  private static final ThreadLocal<ByteBuffer> SCRATCH = new ThreadLocal<>();
  private static final int SCRATCH_MAX_BYTES = 64 * 1024;

  private ByteBuffer buf;
  /** The message {@link #finish()} returned last; the scratch buffer is no longer ours then. */
  private byte[] finished;
  /** Start offsets of the open nested attributes (a stack). */
  private int[] nests = new int[4];
  private int depth;

  /** Starts a message of {@code type} with {@code flags}. */
  public MessageWriter(int type, int flags) {
    ByteBuffer b = SCRATCH.get();
    if (b != null) {
      SCRATCH.set(null);
      b.clear();
    } else {
      b = ByteBuffer.allocate(256).order(ByteOrder.nativeOrder());
    }
    buf = b;
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
    if (depth == nests.length) {
      nests = Arrays.copyOf(nests, depth * 2);
    }
    nests[depth++] = buf.position();
    buf.putShort((short) 0).putShort((short) type);
    return this;
  }

  /** Closes the innermost nested attribute, fixing its length. */
  public MessageWriter endNested() {
    if (depth == 0) {
      throw new java.util.NoSuchElementException("no nested attribute is open");
    }
    reopen();
    int start = nests[--depth];
    buf.putShort(start, (short) (buf.position() - start));
    return this;
  }

  /** The finished message, {@code nlmsg_len} set. */
  public byte[] finish() {
    if (depth != 0) {
      throw new IllegalStateException(depth + " nested attributes left open");
    }
    if (buf == null) {
      return finished.clone(); // finished before and nothing written since
    }
    buf.putInt(0, buf.position());
    byte[] out = Arrays.copyOf(buf.array(), buf.position());
    if (buf.capacity() <= SCRATCH_MAX_BYTES) {
      SCRATCH.set(buf); // the writer is done: its buffer serves the next one on this thread
    }
    buf = null;
    finished = out;
    return out;
  }

  private void pad() {
    while ((buf.position() & 3) != 0) {
      buf.put((byte) 0);
    }
  }

  /** Writing after {@link #finish()} goes on from the finished message, in a buffer of our own. */
  private void reopen() {
    if (buf == null) {
      buf = ByteBuffer.allocate(finished.length + 256).order(ByteOrder.nativeOrder());
      buf.put(finished);
    }
  }

  private void ensure(int more) {
    reopen();
    if (buf.remaining() < more) {
      ByteBuffer bigger = ByteBuffer.allocate(Math.max(buf.capacity() * 2, buf.position() + more + 64))
          .order(ByteOrder.nativeOrder());
      buf.flip();
      bigger.put(buf);
      buf = bigger;
    }
  }
}
