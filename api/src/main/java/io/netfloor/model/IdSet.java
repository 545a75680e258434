// SPDX-License-Identifier: Apache-2.0
package io.netfloor.model;

import java.util.AbstractSet;
import java.util.Collections;
import java.util.Comparator;
import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.SortedSet;
import java.util.TreeSet;

/**
 * A persistent sorted set of 16-bit ids (class minors), for {@link HtbTree}'s parked classes: a
 * bitmap in 16 blocks of 4,096 bits. {@code plus}/{@code minus} copy the 16-entry block table and one
 * 512-byte block, {@code contains} is a bit test and {@code first} a short scan.
 *
 * <p>Why not pcollections' {@code TreePSet}: a plug takes the lowest parked id ({@code first} then
 * {@code minus}) and an unplug parks one again; on a balanced tree of 1,000 parked ids that was the
 * largest single cost of the model per plug, and {@code contains} (asked by the status diff of every
 * plug) walked the tree too.
 *
 * <p>Ordering is the natural one ({@link #comparator()} is null). Views ({@link #headSet} and the
 * like) are immutable copies, which is the same thing for an immutable set.
 */
final class IdSet extends AbstractSet<Integer> implements SortedSet<Integer> {
  static final int MAX_ID = 0xffff;
  private static final IdSet EMPTY = new IdSet(new long[16][], 0);

  /** Block {@code id >>> 12}, word {@code (id >>> 6) & 63}, bit {@code id & 63}; null: no ids. */
  private final long[][] blocks;
  private final int size;

  private IdSet(long[][] blocks, int size) {
    this.blocks = blocks;
    this.size = size;
  }

  static IdSet empty() {
    return EMPTY;
  }

  @Override
  public int size() {
    return size;
  }

  @Override
  public boolean contains(Object o) {
    return o instanceof Integer i && has(i);
  }

  boolean has(int id) {
    if (id < 0 || id > MAX_ID) {
      return false;
    }
    long[] b = blocks[id >>> 12];
    return b != null && (b[(id >>> 6) & 63] & (1L << id)) != 0;
  }

  /** This set with {@code id}; {@code this} if it is there already. */
  IdSet plus(int id) {
    if (id < 0 || id > MAX_ID) {
      throw new IllegalArgumentException("id " + id + " is not in 0.." + MAX_ID);
    }
    if (has(id)) {
      return this;
    }
    long[][] bs = blocks.clone();
    long[] b = bs[id >>> 12];
    b = b == null ? new long[64] : b.clone();
    b[(id >>> 6) & 63] |= 1L << id;
    bs[id >>> 12] = b;
    return new IdSet(bs, size + 1);
  }

  /** This set without {@code id}; {@code this} if it is not there. */
  IdSet minus(int id) {
    if (!has(id)) {
      return this;
    }
    if (size == 1) {
      return EMPTY;
    }
    long[][] bs = blocks.clone();
    long[] b = bs[id >>> 12].clone();
    b[(id >>> 6) & 63] &= ~(1L << id);
    bs[id >>> 12] = b;
    return new IdSet(bs, size - 1);
  }

  /** The least id at or above {@code from}, or -1. */
  int next(int from) {
    for (int id = Math.max(from, 0); id <= MAX_ID; ) {
      long[] b = blocks[id >>> 12];
      if (b == null) {
        id = ((id >>> 12) + 1) << 12;
        continue;
      }
      long w = b[(id >>> 6) & 63] & (-1L << id);
      if (w != 0) {
        return (id & ~63) + Long.numberOfTrailingZeros(w);
      }
      id = (id | 63) + 1;
    }
    return -1;
  }

  /** The greatest id at or below {@code from}, or -1. */
  int previous(int from) {
    for (int id = Math.min(from, MAX_ID); id >= 0; ) {
      long[] b = blocks[id >>> 12];
      if (b == null) {
        id = ((id >>> 12) << 12) - 1;
        continue;
      }
      long w = b[(id >>> 6) & 63] & (-1L >>> (63 - (id & 63)));
      if (w != 0) {
        return (id & ~63) + 63 - Long.numberOfLeadingZeros(w);
      }
      id = (id & ~63) - 1;
    }
    return -1;
  }

  @Override
  public Integer first() {
    if (size == 0) {
      throw new NoSuchElementException();
    }
    return next(0);
  }

  @Override
  public Integer last() {
    if (size == 0) {
      throw new NoSuchElementException();
    }
    return previous(MAX_ID);
  }

  @Override
  public Iterator<Integer> iterator() {
    return new Iterator<>() {
      private int nextId = size == 0 ? -1 : IdSet.this.next(0);

      @Override
      public boolean hasNext() {
        return nextId >= 0;
      }

      @Override
      public Integer next() {
        if (nextId < 0) {
          throw new NoSuchElementException();
        }
        int id = nextId;
        nextId = id == MAX_ID ? -1 : IdSet.this.next(id + 1);
        return id;
      }
    };
  }

  @Override
  public Comparator<? super Integer> comparator() {
    return null;
  }

  @Override
  public SortedSet<Integer> subSet(Integer fromElement, Integer toElement) {
    if (fromElement > toElement) {
      throw new IllegalArgumentException("fromElement > toElement");
    }
    return range(fromElement, toElement);
  }

  @Override
  public SortedSet<Integer> headSet(Integer toElement) {
    return range(Integer.MIN_VALUE, toElement);
  }

  @Override
  public SortedSet<Integer> tailSet(Integer fromElement) {
    return range(fromElement, Integer.MAX_VALUE);
  }

  /** An immutable copy of the ids in {@code [from, to)}. */
  private SortedSet<Integer> range(int from, int to) {
    TreeSet<Integer> out = new TreeSet<>();
    for (int id : this) {
      if (id >= from && id < to) {
        out.add(id);
      }
    }
    return Collections.unmodifiableSortedSet(out);
  }
}
