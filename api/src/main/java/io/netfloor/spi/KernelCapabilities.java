// SPDX-License-Identifier: Apache-2.0
package io.netfloor.spi;

import io.netfloor.plan.LeafQdiscKind;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * What the running kernel supports, found by trying (a backend probes once and caches). Production
 * hosts usually have everything; minimal kernels may lack {@code sfq}, {@code fq_codel} or the
 * {@code police} action.
 *
 * @param leafQdiscs leaf qdisc kinds the kernel accepts
 * @param police whether the {@code police} action exists (outbound limits by policing)
 * @param mirred whether the {@code mirred} action exists (outbound limits through an ifb)
 * @param ifb whether ifb devices can be created
 */
public record KernelCapabilities(Set<LeafQdiscKind> leafQdiscs, boolean police, boolean mirred,
    boolean ifb) {

  /**
   * Copies the set of leaf kinds.
   *
   * @param leafQdiscs leaf qdisc kinds the kernel accepts
   * @param police whether the {@code police} action exists (outbound limits by policing)
   * @param mirred whether the {@code mirred} action exists (outbound limits through an ifb)
   * @param ifb whether ifb devices can be created
   * @throws NullPointerException if {@code leafQdiscs} is null or holds null
   */
  public KernelCapabilities {
    leafQdiscs = Set.copyOf(leafQdiscs);
  }

  /**
   * The first kind of {@code preference} the kernel has.
   *
   * @param preference leaf kinds in order of preference
   * @return the first supported kind, or empty when the kernel has none of them
   */
  public Optional<LeafQdiscKind> bestLeaf(List<LeafQdiscKind> preference) {
    return preference.stream().filter(leafQdiscs::contains).findFirst();
  }
}
