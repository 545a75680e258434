// SPDX-License-Identifier: Apache-2.0
package io.netfloor.plan;

import io.netfloor.InvalidValueException;
import io.netfloor.units.ClassHandle;
import io.netfloor.units.InterfaceName;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * NetFloor's ownership mark on a qdisc: a u32 node in a hash table of its own ({@link #TABLE_ID},
 * one bucket) that no link points to, so the classifier never walks it and it costs nothing per
 * packet. Its match keys are never evaluated; they carry the mark: a magic word, a format version,
 * whether NetFloor created the qdisc itself, and the name of the network that owns what NetFloor
 * made under the qdisc. The mark lives in the kernel, so it survives a crash of the process and a
 * lost status store, and every filter dump shows it. tc equivalent (network {@code default}, qdisc
 * made by NetFloor):
 *
 * <pre>
 * tc filter add dev br0 parent 1: protocol all prio 2 handle 7fe: u32 divisor 1
 * tc filter add dev br0 parent 1: protocol all prio 2 handle 7fe::1 u32 ht 7fe: \
 *    match u32 0x4e464c52 0xffffffff at 0 match u32 0x01000001 0xffffffff at 4 \
 *    match u32 0x64656661 0xffffffff at 8 match u32 0x756c7400 0xffffffff at 12
 * </pre>
 *
 * The mark sits at the prio and protocol of the filters NetFloor puts on the same qdisc, so that it
 * shares their u32 instance (and, with it, the kernel's allocation of root table ids). Though two
 * kernel objects, it is one {@link TcObject}: a backend adds the table and then the node (and
 * deletes the table again if the node is refused), and deletes both by deleting the table, so an
 * operation on a mark happens whole or not at all and its inverse is exact.
 *
 * @param device the device whose qdisc is marked
 * @param parent the qdisc marked ({@code 1:} or the ingress qdisc {@code ffff:})
 * @param prio the u32 prio the mark sits at (that of NetFloor's other filters on the qdisc)
 * @param protocol the EtherType of the mark's filter (see {@link EtherType})
 * @param ownsQdisc true when NetFloor created the qdisc and deletes it on stop; false when it builds
 *     on a qdisc another tool made (libvirt's bare root), which stays
 * @param network the owning network's name (ASCII, 1–64 bytes)
 */
public record U32OwnerMark(InterfaceName device, ClassHandle parent, int prio, int protocol,
    boolean ownsQdisc, String network) implements TcObject {
  /** The mark's own u32 table id: below the kernel's automatic ids (800: and up). */
  public static final int TABLE_ID = 0x7fe;
  /** The mark node's handle. */
  public static final U32Handle HANDLE = U32Handle.of(TABLE_ID, 0, 1);
  /** "NFLR": first key of every mark. */
  static final int MAGIC = 0x4e464c52;
  static final int VERSION = 1;
  private static final int FLAG_OWNS_QDISC = 1;
  private static final int MAX_NAME_BYTES = 64;

  /**
   * Checks the prio and the network name.
   *
   * @param device the device whose qdisc is marked
   * @param parent the qdisc marked ({@code 1:} or the ingress qdisc {@code ffff:})
   * @param prio the u32 prio the mark sits at (that of NetFloor's other filters on the qdisc)
   * @param protocol the EtherType of the mark's filter (see {@link EtherType})
   * @param ownsQdisc true when NetFloor created the qdisc and deletes it on stop; false when it
   *     builds on a qdisc another tool made (libvirt's bare root), which stays
   * @param network the owning network's name (ASCII, 1–64 bytes)
   * @throws InvalidValueException if the prio is out of range or the name is not 1–64 ASCII
   *     characters
   */
  public U32OwnerMark {
    U32Filters.checkPrio(prio);
    byte[] name = network.getBytes(StandardCharsets.US_ASCII);
    if (name.length == 0 || name.length > MAX_NAME_BYTES
        || !new String(name, StandardCharsets.US_ASCII).equals(network)) {
      throw new InvalidValueException("an ownership mark needs a network name of 1-64 ASCII"
          + " characters, got '" + network + "'");
    }
  }

  /**
   * The mark's table (one bucket, never linked), for backends that add and delete it.
   *
   * @return the hash table {@code 7fe:} with one bucket on the marked qdisc
   */
  public U32HashTable table() {
    return new U32HashTable(device, parent, prio, protocol, TABLE_ID, 1);
  }

  /**
   * The handle of the mark's node, always {@link #HANDLE}.
   *
   * @return {@code 7fe::1}
   */
  public U32Handle handle() {
    return HANDLE;
  }

  /**
   * The keys that carry the mark, in order: magic, version and flags, then the network name's bytes
   * four to a key (zero-padded). Offsets count up by four, masks are all ones.
   *
   * @return the keys, at least three; the same mark always gives the same keys
   */
  public List<U32Key> keys() {
    byte[] name = network.getBytes(StandardCharsets.US_ASCII);
    List<U32Key> keys = new ArrayList<>(2 + (name.length + 3) / 4);
    keys.add(new U32Key(0xffffffff, MAGIC, 0, 0));
    keys.add(new U32Key(0xffffffff, VERSION << 24 | (ownsQdisc ? FLAG_OWNS_QDISC : 0), 4, 0));
    for (int i = 0; i < name.length; i += 4) {
      int word = 0;
      for (int k = 0; k < 4; k++) {
        word = word << 8 | (i + k < name.length ? name[i + k] & 0xff : 0);
      }
      keys.add(new U32Key(0xffffffff, word, 8 + i, 0));
    }
    return keys;
  }

  /**
   * What a mark found in a dump says.
   *
   * @param ownsQdisc true when NetFloor created the marked qdisc
   * @param network the name of the network that owns NetFloor's objects under the qdisc
   */
  public record Decoded(boolean ownsQdisc, String network) {}

  /**
   * Reads the keys of a dumped u32 node as a mark; empty when they are not one (another tool's node
   * that happens to sit at the same handle is not NetFloor's).
   *
   * @param keys the match keys of a dumped u32 node, in the kernel's order
   * @return what the mark says, or empty when the keys are not a NetFloor mark of this format
   *     version
   */
  public static Optional<Decoded> decode(List<U32Key> keys) {
    if (keys.size() < 3 || keys.get(0).value() != MAGIC || keys.get(0).offset() != 0
        || (keys.get(1).value() >>> 24) != VERSION) {
      return Optional.empty();
    }
    StringBuilder name = new StringBuilder();
    for (int i = 2; i < keys.size(); i++) {
      U32Key k = keys.get(i);
      if (k.offset() != 8 + 4 * (i - 2)) {
        return Optional.empty();
      }
      for (int shift = 24; shift >= 0; shift -= 8) {
        int c = k.value() >>> shift & 0xff;
        if (c == 0) {
          break;
        }
        if (c < 0x20 || c > 0x7e) {
          return Optional.empty();
        }
        name.append((char) c);
      }
    }
    if (name.length() == 0) {
      return Optional.empty();
    }
    return Optional.of(new Decoded((keys.get(1).value() & FLAG_OWNS_QDISC) != 0, name.toString()));
  }

  @Override
  public ObjectKey key() {
    return new ObjectKey(ObjectKey.Kind.FILTER, device, parent.toBits(), prio, HANDLE.toBits());
  }

  @Override
  public Kind objectKind() {
    return Kind.U32_OWNER_MARK;
  }

  @Override
  public String describe() {
    return "filter u32 " + HANDLE + " on " + device + " parent " + parent + " prio " + prio
        + " protocol " + EtherType.name(protocol) + ": NetFloor mark of network '" + network + "'"
        + (ownsQdisc ? " (owns qdisc " + parent + ")" : " (on another tool's qdisc " + parent + ")");
  }
}
