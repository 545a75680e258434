// SPDX-License-Identifier: Apache-2.0
package io.netfloor.model;

import io.netfloor.ClassIdExhaustedException;
import io.netfloor.InvalidValueException;
import io.netfloor.plan.U32Handle;
import io.netfloor.units.MacAddress;
import java.util.SortedSet;
import org.pcollections.PMap;
import org.pcollections.TreePSet;

/**
 * Which u32 handle steers an interface's frames into its class, in either {@link FilterLayout}:
 * {@link FilterLayout#LIBVIRT_LINEAR}, a fixed node of the root table per class id
 * ({@link #linear}); {@link FilterLayout#HASHED}, a node of the hash bucket of the MAC's last byte
 * ({@link #hashedNode}). The buckets' used nodes are a persistent map (bucket → nodes) that the
 * tree carries; the methods here return the map after a filter is added or removed, sharing
 * structure, so a plug costs O(log n) and nothing in the linear layout.
 */
final class FilterHandles {
  /** The last class id whose libvirt filter handle is valid: {@code 800+199 = 999}, node 0x999. */
  private static final int LAST_LIBVIRT_LINEAR_ID = 199;
  /** The largest u32 node id (12 bits); node 0 asks the kernel to pick one, so ids are 1..fff. */
  static final int MAX_HASH_NODE = 0xfff;
  /** Node ids of {@link #linear} by class id; 0 where the layout holds no class. */
  private static final short[] LINEAR_NODES = linearNodes();

  private FilterHandles() {}

  /**
   * The handle of a new filter for class {@code 1:classMinor} steering frames to {@code mac}.
   *
   * @param layout the network's filter layout
   * @param buckets the HASHED layout's used nodes by bucket (unused in the linear layout)
   * @param classMinor the class the filter steers to
   * @param mac the destination MAC the filter matches
   * @throws ClassIdExhaustedException if the MAC's hash bucket is full
   */
  static U32Handle choose(FilterLayout layout, PMap<Integer, TreePSet<Integer>> buckets,
      int classMinor, MacAddress mac) {
    return layout == FilterLayout.LIBVIRT_LINEAR ? linear(classMinor) : hashed(buckets, mac);
  }

  /** {@code buckets} with {@code h}'s node taken; unchanged in the linear layout. */
  static PMap<Integer, TreePSet<Integer>> use(FilterLayout layout,
      PMap<Integer, TreePSet<Integer>> buckets, U32Handle h) {
    if (layout != FilterLayout.HASHED) {
      return buckets;
    }
    return buckets.plus(h.bucket(), buckets.getOrDefault(h.bucket(), TreePSet.empty()).plus(h.node()));
  }

  /** {@code buckets} with {@code h}'s node free again; unchanged in the linear layout. */
  static PMap<Integer, TreePSet<Integer>> release(FilterLayout layout,
      PMap<Integer, TreePSet<Integer>> buckets, U32Handle h) {
    if (layout != FilterLayout.HASHED) {
      return buckets;
    }
    TreePSet<Integer> left = buckets.getOrDefault(h.bucket(), TreePSet.empty()).minus(h.node());
    return left.isEmpty() ? buckets.minus(h.bucket()) : buckets.plus(h.bucket(), left);
  }

  /**
   * Checks a recorded interface's handle against the layout and the handles recorded before it.
   *
   * @param layout the network's filter layout
   * @param buckets the used nodes of the interfaces checked so far
   * @param p a recorded interface with a class (and so a handle)
   * @return {@code buckets} with {@code p}'s node taken
   * @throws InvalidValueException if the handle does not fit the layout, or is taken
   */
  static PMap<Integer, TreePSet<Integer>> useRecorded(FilterLayout layout,
      PMap<Integer, TreePSet<Integer>> buckets, PluggedInterface p) {
    U32Handle h = p.filterHandle().orElseThrow();
    if (layout == FilterLayout.LIBVIRT_LINEAR) {
      // the handle is a function of the class id (injective, see linear), so unique ids give
      // unique handles and only the match with the id needs checking
      U32Handle expected = linear(p.classMinor());
      if (!h.equals(expected)) {
        throw new InvalidValueException("recorded interface '" + p.alias() + "' has filter "
            + h + " but in the LIBVIRT_LINEAR layout class " + p.classMinor() + " (hex "
            + Integer.toHexString(p.classMinor()) + ") has filter " + expected
            + "; start the network with the filter layout the status was recorded with, or"
            + " adopt it again from a status that carries these handles");
      }
      return buckets;
    }
    if (h.htid() != HtbTree.HASH_TABLE_ID || h.bucket() != p.mac().octet(5)) {
      throw new InvalidValueException("recorded interface '" + p.alias() + "' has filter " + h
          + ", which is not in bucket " + Integer.toHexString(p.mac().octet(5)) + " of table "
          + Integer.toHexString(HtbTree.HASH_TABLE_ID) + ":");
    }
    TreePSet<Integer> nodes = buckets.getOrDefault(h.bucket(), TreePSet.empty());
    if (nodes.contains(h.node())) {
      throw new InvalidValueException("recorded filter handle " + h + " is used twice");
    }
    return buckets.plus(h.bucket(), nodes.plus(h.node()));
  }

  /**
   * The handle of class {@code 1:classMinor} in the {@link FilterLayout#LIBVIRT_LINEAR} layout (see
   * {@link HtbTree#linearHandle}, which documents the map).
   *
   * @throws InvalidValueException if the layout holds no such class
   */
  static U32Handle linear(int classMinor) {
    int node = classMinor >= 0 && classMinor < LINEAR_NODES.length ? LINEAR_NODES[classMinor] : 0;
    if (node == 0) {
      throw new InvalidValueException("class id " + classMinor + " (hex "
          + Integer.toHexString(classMinor) + ") has no filter node in the LIBVIRT_LINEAR layout,"
          + " which holds class ids 3..fff hex except 800 hex");
    }
    return U32Handle.of(HtbTree.ROOT_TABLE_ID, 0, node);
  }

  /** libvirt's node of a class id: its decimal {@code 800 + id}, read as hex by tc. */
  private static int libvirtNode(int classMinor) {
    return Integer.parseInt(Integer.toString(800 + classMinor), 16);
  }

  private static short[] linearNodes() {
    short[] nodes = new short[0x1000];
    boolean[] taken = new boolean[0x1000];
    taken[HtbTree.ROOT_TABLE_ID] = true; // the DHCP checksum filter of libvirt's nftables backend
    for (int id = ClassIdAllocator.FIRST_ASSIGNABLE; id <= LAST_LIBVIRT_LINEAR_ID; id++) {
      int node = libvirtNode(id);
      nodes[id] = (short) node;
      taken[node] = true;
    }
    ClassIdAllocator ids = ClassIdAllocator.forLayout(FilterLayout.LIBVIRT_LINEAR);
    int node = 0xfff;
    for (int id = LAST_LIBVIRT_LINEAR_ID + 1; id < nodes.length; id++) {
      if (ids.isReserved(id)) {
        continue;
      }
      while (taken[node]) {
        node--;
      }
      nodes[id] = (short) node;
      taken[node] = true;
    }
    return nodes;
  }

  private static U32Handle hashed(PMap<Integer, TreePSet<Integer>> buckets, MacAddress mac) {
    int bucket = mac.octet(5);
    int node = hashedNode(buckets.getOrDefault(bucket, TreePSet.empty()));
    if (node == 0) {
      throw new ClassIdExhaustedException(String.format("hash bucket %02x of the"
          + " filter table already holds %d interfaces, one per u32 node id; unplug one whose MAC"
          + " ends in %02x, or give the new interface a MAC with another last byte", bucket,
          MAX_HASH_NODE, bucket));
    }
    return U32Handle.of(HtbTree.HASH_TABLE_ID, bucket, node);
  }

  /**
   * The node id for a new filter in a hash bucket whose nodes {@code used} hold, or 0 when all
   * {@value #MAX_HASH_NODE} are taken.
   *
   * <p>The kernel keeps a bucket's filters in a list sorted by node id, and an add walks that list
   * from the head to its place; so does the lookup of every packet. A node below all others goes in
   * at the head without a walk, so that is the first choice: the highest free node below the
   * lowest used one. Plugs and unplugs alternating in one bucket therefore move its nodes down one
   * by one; when node 1 is taken there is nothing below (the fallback), and the new node goes into
   * the first free gap above the run of nodes that starts at 1, at the gap's top. The add then
   * walks only that run (usually a node or two), the following plugs take the nodes below it
   * again, and the nodes an unplug freed are reused as the ids come round. So churn never exhausts
   * a bucket: only {@value #MAX_HASH_NODE} interfaces plugged at once in one bucket do.
   *
   * @param used the bucket's node ids in use, ascending, each in 1..{@value #MAX_HASH_NODE}
   */
  static int hashedNode(SortedSet<Integer> used) {
    if (used.isEmpty()) {
      return MAX_HASH_NODE;
    }
    int lowest = used.first();
    if (lowest > 1) {
      return lowest - 1; // at the head
    }
    // node 1 is taken: the first gap above the run 1, 2, … k, at its top
    int previous = 0;
    for (int node : used) {
      if (node > previous + 1) {
        return node - 1;
      }
      previous = node;
    }
    return previous < MAX_HASH_NODE ? MAX_HASH_NODE : 0;
  }
}
