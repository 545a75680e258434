// SPDX-License-Identifier: Apache-2.0
package io.netfloor.spi;

import io.netfloor.plan.U32Handle;
import io.netfloor.plan.U32Key;
import io.netfloor.units.ClassHandle;
import io.netfloor.units.InterfaceName;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * A filter node as a kernel dump reports it (u32 in detail; other kinds with their kind only).
 * Per-prio header messages of a dump (handle 0) are not reported.
 *
 * @param device the device the filter is on
 * @param parent the qdisc the filter is attached to
 * @param prio the filter's priority
 * @param protocol EtherType in host terms (0x0003 all, 0x0800 ip)
 * @param kind the classifier kind ({@code u32}, {@code flower}, …)
 * @param handle the u32 handle; for other kinds their handle read as a u32 handle
 * @param classId the class the filter sends matches to ({@code flowid}), if it names one
 * @param linkHtid for a u32 link node, the table it links to
 * @param divisor for a u32 hash table, its number of buckets
 * @param selectorFlags u32 selector flags ({@code TC_U32_TERMINAL} and the like); 0 for other kinds
 * @param hashOffset u32 selector {@code hoff}; {@code hashMask} its {@code hmask} (host terms)
 * @param hashMask u32 selector {@code hmask}, host terms
 * @param keys u32 match keys, in the kernel's order; empty for other kinds; copied
 * @param actions kinds of the actions attached ({@code police}, {@code mirred}…)
 * @param chain the filter chain (0 is the one the classifier starts with; others are reached only
 *     through a {@code goto chain} action)
 */
public record FilterInfo(InterfaceName device, ClassHandle parent, int prio, int protocol,
    String kind, U32Handle handle, Optional<ClassHandle> classId, OptionalInt linkHtid,
    OptionalInt divisor, int selectorFlags, int hashOffset, int hashMask, List<U32Key> keys,
    List<String> actions, int chain) {

  /**
   * Copies the lists.
   *
   * @param device the device the filter is on
   * @param parent the qdisc the filter is attached to
   * @param prio the filter's priority
   * @param protocol EtherType in host terms (0x0003 all, 0x0800 ip)
   * @param kind the classifier kind ({@code u32}, {@code flower}, …)
   * @param handle the u32 handle; for other kinds their handle read as a u32 handle
   * @param classId the class the filter sends matches to ({@code flowid}), if it names one
   * @param linkHtid for a u32 link node, the table it links to
   * @param divisor for a u32 hash table, its number of buckets
   * @param selectorFlags u32 selector flags ({@code TC_U32_TERMINAL} and the like); 0 for other
   *     kinds
   * @param hashOffset u32 selector {@code hoff}; {@code hashMask} its {@code hmask} (host terms)
   * @param hashMask u32 selector {@code hmask}, host terms
   * @param keys u32 match keys, in the kernel's order; empty for other kinds; copied
   * @param actions kinds of the actions attached ({@code police}, {@code mirred}…)
   * @param chain the filter chain (0 is the one the classifier starts with; others are reached only
   *     through a {@code goto chain} action)
   * @throws NullPointerException if {@code keys} or {@code actions} is null or holds null
   */
  public FilterInfo {
    keys = List.copyOf(keys);
    actions = List.copyOf(actions);
  }

  /**
   * A filter of chain 0.
   *
   * @param device the device the filter is on
   * @param parent the qdisc the filter is attached to
   * @param prio the filter's priority
   * @param protocol EtherType in host terms
   * @param kind the classifier kind
   * @param handle the u32 handle
   * @param classId the class matches go to, if any
   * @param linkHtid for a u32 link node, the table it links to
   * @param divisor for a u32 hash table, its number of buckets
   * @param selectorFlags u32 selector flags
   * @param hashOffset u32 selector {@code hoff}
   * @param hashMask u32 selector {@code hmask}
   * @param keys u32 match keys
   * @param actions kinds of the attached actions
   */
  public FilterInfo(InterfaceName device, ClassHandle parent, int prio, int protocol, String kind,
      U32Handle handle, Optional<ClassHandle> classId, OptionalInt linkHtid, OptionalInt divisor,
      int selectorFlags, int hashOffset, int hashMask, List<U32Key> keys, List<String> actions) {
    this(device, parent, prio, protocol, kind, handle, classId, linkHtid, divisor, selectorFlags,
        hashOffset, hashMask, keys, actions, 0);
  }

  /**
   * True for a u32 hash table (a {@code divisor} entry), not a node.
   *
   * @return true when the dump entry is a table, false for a node
   */
  public boolean isHashTable() {
    return divisor.isPresent();
  }
}
