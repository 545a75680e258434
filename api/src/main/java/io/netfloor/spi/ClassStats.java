// SPDX-License-Identifier: Apache-2.0
package io.netfloor.spi;

/**
 * Counters of one HTB class as the kernel reports them ({@code TCA_STATS2}: basic, queue and HTB's
 * application stats). Bytes are counted at layer 2, as HTB counts them.
 *
 * @param bytes bytes sent by the class (layer 2)
 * @param packets packets sent by the class
 * @param drops packets dropped in the class's queue
 * @param overlimits times the class was over its limits and had to wait or borrow
 * @param requeues packets requeued
 * @param backlogBytes bytes queued now
 * @param queuePackets packets queued now
 * @param lends packets sent within the class's own rate
 * @param borrows packets sent by borrowing from the parent (above the floor)
 * @param tokens remaining rate tokens, in scheduler ticks (negative when in debt)
 * @param ctokens remaining ceiling tokens, in scheduler ticks (negative when in debt)
 */
public record ClassStats(long bytes, long packets, long drops, long overlimits, long requeues,
    long backlogBytes, long queuePackets, long lends, long borrows, long tokens, long ctokens) {
  /** All counters zero: a class that has sent nothing. */
  public static final ClassStats ZERO = new ClassStats(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0);
}
