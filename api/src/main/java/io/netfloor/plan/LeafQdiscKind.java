// SPDX-License-Identifier: Apache-2.0
package io.netfloor.plan;

import java.util.Locale;

/**
 * The queue discipline under each HTB leaf class. HTB's own default is a plain FIFO; a fair queue
 * keeps one flow from starving the others inside a class (libvirt attaches {@code sfq}, RHBZ 895340).
 * Which kinds a kernel has differs between hosts: the backend probes them and the engine picks the
 * first of the network's preference list that the kernel supports.
 */
public enum LeafQdiscKind {
  /** {@code fq_codel} with the kernel's defaults: fair and low-latency. */
  FQ_CODEL("fq_codel"),
  /** {@code sfq perturb 10}, as libvirt does. */
  SFQ("sfq"),
  /** {@code pfifo limit 1000}: present on every kernel. */
  PFIFO("pfifo");

  private final String kernelName;

  LeafQdiscKind(String kernelName) {
    this.kernelName = kernelName;
  }

  /**
   * The kind's name in the kernel ({@code TCA_KIND}).
   *
   * @return {@code fq_codel}, {@code sfq} or {@code pfifo}
   */
  public String kernelName() {
    return kernelName;
  }

  /**
   * The kind whose kernel name is {@code name}, case-insensitive.
   *
   * @param name a kernel name such as {@code sfq}
   * @return the kind
   * @throws io.netfloor.InvalidValueException if no kind has that name
   */
  public static LeafQdiscKind fromKernelName(String name) {
    for (LeafQdiscKind k : values()) {
      if (k.kernelName.equals(name.toLowerCase(Locale.ROOT))) {
        return k;
      }
    }
    throw new io.netfloor.InvalidValueException("unknown leaf qdisc '" + name
        + "'; use fq_codel, sfq or pfifo");
  }
}
