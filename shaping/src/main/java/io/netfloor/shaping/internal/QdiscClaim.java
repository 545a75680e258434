// SPDX-License-Identifier: Apache-2.0
package io.netfloor.shaping.internal;

import io.netfloor.plan.IngressQdisc;
import io.netfloor.plan.U32OwnerMark;
import io.netfloor.spi.FilterInfo;
import io.netfloor.spi.KernelSnapshot;
import io.netfloor.spi.QdiscInfo;
import io.netfloor.units.ClassHandle;
import java.util.Optional;

/**
 * Whose a device's root or ingress qdisc is, read from the kernel alone: absent (the kernel's
 * default), marked by this network, marked by another NetFloor network, libvirt's bare root, or
 * another tool's.
 *
 * @param qdisc the qdisc found, when there is one
 * @param owner the network named by the mark, when there is one
 * @param markPrio the prio the mark sits at (0 without a mark)
 * @param ownsQdisc what the mark says: NetFloor created the qdisc itself
 * @param classes how many classes hang under the qdisc
 * @param filters how many filters are attached to the qdisc (u32 root tables not counted)
 */
public record QdiscClaim(State state, Optional<QdiscInfo> qdisc, Optional<String> owner,
    int markPrio, boolean ownsQdisc, int classes, int filters) {

  /** What a qdisc is to the network asking. */
  public enum State {
    /** No qdisc of that kind (a root qdisc with handle 0: is the kernel's default). */
    ABSENT,
    /** Marked by the network asking. */
    OURS,
    /** Marked by another NetFloor network. */
    OTHER_NETWORK,
    /**
     * An unmarked {@code htb 1: default 2} root without classes: what libvirt's nftables backend
     * puts on every network bridge (often with a DHCP checksum filter), and what a crash leaves
     * between NetFloor's root add and its mark. NetFloor builds under it and leaves it in place.
     */
    BARE,
    /** Anything else: another tool's qdisc. */
    FOREIGN
  }

  /** The root qdisc of {@code s}'s device, as seen by {@code network}. */
  public static QdiscClaim root(KernelSnapshot s, String network) {
    Optional<QdiscInfo> root = s.qdiscs().stream()
        .filter(q -> q.parent().equals(ClassHandle.ROOT) && q.handle().major() != 0)
        .findFirst();
    if (root.isEmpty()) {
      return new QdiscClaim(State.ABSENT, root, Optional.empty(), 0, false, 0, 0);
    }
    QdiscInfo q = root.get();
    int classes = (int) s.classes().stream()
        .filter(c -> c.classId().major() == q.handle().major()).count();
    QdiscClaim marked = marked(s, q, network, classes);
    if (marked != null) {
      return marked;
    }
    boolean bare = q.kind().equals("htb") && q.handle().equals(ClassHandle.qdisc(1))
        && q.htbDefaultClassMinor().orElse(0) == 2 && classes == 0;
    return new QdiscClaim(bare ? State.BARE : State.FOREIGN, root, Optional.empty(), 0, false,
        classes, filtersOn(s, q.handle()));
  }

  /** The ingress (or clsact) qdisc of {@code s}'s device, as seen by {@code network}. */
  public static QdiscClaim ingress(KernelSnapshot s, String network) {
    Optional<QdiscInfo> ingress = s.qdiscs().stream()
        .filter(q -> q.handle().equals(IngressQdisc.HANDLE)
            && (q.kind().equals("ingress") || q.kind().equals("clsact")))
        .findFirst();
    if (ingress.isEmpty()) {
      return new QdiscClaim(State.ABSENT, ingress, Optional.empty(), 0, false, 0, 0);
    }
    QdiscClaim marked = ingress.get().kind().equals("ingress")
        ? marked(s, ingress.get(), network, 0) : null;
    // a clsact's filters hang under its hooks ffff:fff2 and ffff:fff3
    int filters = (int) s.filters().stream().filter(f -> f.parent().major() == 0xffff
        && !isRootTable(f)).count();
    return marked != null ? marked : new QdiscClaim(State.FOREIGN, ingress, Optional.empty(), 0,
        false, 0, filters);
  }

  private static QdiscClaim marked(KernelSnapshot s, QdiscInfo q, String network, int classes) {
    for (FilterInfo f : s.filters()) {
      if (f.parent().equals(q.handle()) && f.chain() == 0 && f.kind().equals("u32")
          && f.handle().equals(U32OwnerMark.HANDLE)) {
        Optional<U32OwnerMark.Decoded> mark = U32OwnerMark.decode(f.keys());
        if (mark.isPresent()) {
          boolean ours = mark.get().network().equals(network);
          return new QdiscClaim(ours ? State.OURS : State.OTHER_NETWORK, Optional.of(q),
              Optional.of(mark.get().network()), f.prio(), mark.get().ownsQdisc(), classes,
              filtersOn(s, q.handle()));
        }
      }
    }
    return null;
  }

  private static int filtersOn(KernelSnapshot s, ClassHandle qdisc) {
    return (int) s.filters().stream()
        .filter(f -> f.parent().equals(qdisc) && !isRootTable(f)).count();
  }

  /** A u32 instance's root table, which the kernel makes and removes with the instance. */
  public static boolean isRootTable(FilterInfo f) {
    return f.isHashTable() && f.handle().htid() >= 0x800 && f.handle().node() == 0;
  }

  /** The qdisc, tc-style: {@code htb 1: (default 2)}. */
  public String describeQdisc() {
    return qdisc.map(q -> q.kind() + " " + q.handle()
        + (q.htbDefaultClassMinor().isPresent() ? " (default "
            + Integer.toHexString(q.htbDefaultClassMinor().getAsInt()) + ")" : ""))
        .orElse("none");
  }
}
