// SPDX-License-Identifier: Apache-2.0
package io.netfloor.plan;

import io.netfloor.InvalidValueException;

/**
 * A u32 filter handle: a 12-bit hash table id, an 8-bit bucket and a 12-bit node, packed as
 * {@code htid << 20 | bucket << 12 | node}. tc prints it in hex as {@code htid:bucket:node}
 * ({@code 800::803}, {@code 10:56:1}); a table is {@code htid:} (bucket and node 0).
 *
 * <p>Every value of this type is a handle tc and the kernel accept: node ids are at most {@code fff}.
 * (libvirt prints {@code 800::<800+id>} with the sum in <em>decimal</em>, which tc reads as hex, so
 * from class id 200 on it asks for node {@code 0x1000} and fails.)
 *
 * @param htid the hash table id, 12 bits (0..0xfff); the kernel's automatic root tables are 0x800
 *     and up
 * @param bucket the bucket within the table, 8 bits (0..0xff)
 * @param node the node (filter) id within the bucket, 12 bits (0..0xfff); 0 names the table or
 *     bucket itself
 */
public record U32Handle(int htid, int bucket, int node) implements Comparable<U32Handle> {
  /**
   * Checks the ranges.
   *
   * @param htid the hash table id, 12 bits (0..0xfff); the kernel's automatic root tables are 0x800
   *     and up
   * @param bucket the bucket within the table, 8 bits (0..0xff)
   * @param node the node (filter) id within the bucket, 12 bits (0..0xfff); 0 names the table or
   *     bucket itself
   * @throws InvalidValueException if a part is negative or too wide for its bits
   */
  public U32Handle {
    if (htid < 0 || htid > 0xfff || bucket < 0 || bucket > 0xff || node < 0 || node > 0xfff) {
      throw new InvalidValueException(String.format(
          "u32 handle %x:%x:%x out of range: table id and node are 12-bit (max fff), bucket 8-bit (max ff)",
          htid, bucket, node));
    }
  }

  /**
   * The handle {@code htid:bucket:node}.
   *
   * @param htid the hash table id, 0..0xfff
   * @param bucket the bucket, 0..0xff
   * @param node the node id, 0..0xfff
   * @return the handle
   * @throws InvalidValueException if a part is out of range
   */
  public static U32Handle of(int htid, int bucket, int node) {
    return new U32Handle(htid, bucket, node);
  }

  /**
   * The handle of hash table {@code htid:}.
   *
   * @param htid the table id, 0..0xfff
   * @return the handle {@code htid:0:0}
   * @throws InvalidValueException if {@code htid} is out of range
   */
  public static U32Handle table(int htid) {
    return new U32Handle(htid, 0, 0);
  }

  /**
   * Unpacks a handle as the kernel carries it ({@code TCA_U32_HANDLE} and the like).
   *
   * @param bits the packed 32-bit handle
   * @return the handle; never fails, every 32-bit value is one
   */
  public static U32Handle fromBits(int bits) {
    return new U32Handle(bits >>> 20, (bits >>> 12) & 0xff, bits & 0xfff);
  }

  /**
   * The packed u32 as the kernel carries it.
   *
   * @return {@code htid << 20 | bucket << 12 | node}
   */
  public int toBits() {
    return (htid << 20) | (bucket << 12) | node;
  }

  /**
   * The table-and-bucket part ({@code TCA_U32_HASH} of a node placed in a bucket).
   *
   * @return {@code htid << 20 | bucket << 12}, the node bits zero
   */
  public int tableAndBucketBits() {
    return (htid << 20) | (bucket << 12);
  }

  @Override
  public int compareTo(U32Handle o) {
    return Integer.compareUnsigned(toBits(), o.toBits());
  }

  @Override
  public String toString() {
    return Integer.toHexString(htid) + ":" + (bucket == 0 ? "" : Integer.toHexString(bucket)) + ":"
        + (node == 0 ? "" : Integer.toHexString(node));
  }
}
