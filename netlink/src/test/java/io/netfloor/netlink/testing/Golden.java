// SPDX-License-Identifier: Apache-2.0
package io.netfloor.netlink.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * Netlink messages captured from real {@code tc} commands, kept as hex in
 * {@code src/test/resources/golden/} (one {@code REQUEST} or {@code REPLY} per line).
 */
public final class Golden {
  /** One line of a golden file. */
  public record Line(boolean request, byte[] bytes) {}

  private Golden() {}

  public static List<Line> load(String name) {
    try (InputStream in = Golden.class.getResourceAsStream("/golden/" + name + ".hex")) {
      if (in == null) {
        throw new IllegalArgumentException("no golden file " + name);
      }
      List<Line> out = new ArrayList<>();
      for (String l : new String(in.readAllBytes(), StandardCharsets.US_ASCII).split("\n")) {
        if (l.startsWith("REQUEST ")) {
          out.add(new Line(true, HexFormat.of().parseHex(l.substring(8).strip())));
        } else if (l.startsWith("REPLY ")) {
          out.add(new Line(false, HexFormat.of().parseHex(l.substring(6).strip())));
        }
      }
      return out;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The first request of a golden file. */
  public static byte[] request(String name) {
    return load(name).stream().filter(Line::request).findFirst().orElseThrow().bytes();
  }

  /** Every reply datagram of a golden file. */
  public static List<byte[]> replies(String name) {
    return load(name).stream().filter(l -> !l.request()).map(Line::bytes).toList();
  }

  /** {@code bytes} with {@code [from, to)} zeroed: a field the comparison masks. */
  public static byte[] mask(byte[] bytes, int from, int to) {
    byte[] copy = bytes.clone();
    for (int i = from; i < to && i < copy.length; i++) {
      copy[i] = 0;
    }
    return copy;
  }

  /** Masks {@code nlmsg_seq} (offset 8..11): tc uses time(NULL), NetFloor a counter. */
  public static byte[] maskSeq(byte[] bytes) {
    return mask(bytes, 8, 12);
  }

  public static String hex(byte[] bytes) {
    return HexFormat.of().formatHex(bytes);
  }
}
