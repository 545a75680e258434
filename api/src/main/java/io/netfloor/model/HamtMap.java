// SPDX-License-Identifier: Apache-2.0
package io.netfloor.model;

import java.util.AbstractMap;
import java.util.AbstractSet;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.pcollections.PMap;

/**
 * A persistent hash map (a hash array mapped trie: 32-way nodes indexed by 5 bits of the hash at a
 * time, with a bitmap of the slots in use), for {@link HtbTree}'s maps by alias, MAC and device.
 *
 * <p>Why not pcollections' {@code HashTreePMap}: it is a balanced binary tree of hash codes holding
 * a list of entries per code, so a plug's {@code plus} on 1,000 interfaces copies about ten tree
 * nodes (with rebalancing) and a list cell per map; that was a quarter of the model's time per plug.
 * Here a {@code plus} copies two or three small slot arrays, and an entry costs less heap.
 *
 * <p>Null keys and values are refused. Iteration order is unspecified (as {@code HashTreePMap}'s).
 * Equality and hash code follow {@link Map}'s contract.
 */
final class HamtMap<K, V> extends AbstractMap<K, V> implements PMap<K, V> {
  private static final HamtMap<?, ?> EMPTY = new HamtMap<>(new Node(0, new Object[0]), 0);

  private final Node root;
  private final int size;

  private HamtMap(Node root, int size) {
    this.root = root;
    this.size = size;
  }

  @SuppressWarnings("unchecked")
  static <K, V> HamtMap<K, V> empty() {
    return (HamtMap<K, V>) EMPTY;
  }

  private static int hash(Object key) {
    int h = key.hashCode();
    return h ^ (h >>> 16);
  }

  @Override
  public int size() {
    return size;
  }

  @Override
  public boolean containsKey(Object key) {
    return key != null && root.find(key, hash(key), 0) != null;
  }

  @Override
  @SuppressWarnings("unchecked")
  public V get(Object key) {
    if (key == null) {
      return null;
    }
    Leaf l = root.find(key, hash(key), 0);
    return l == null ? null : (V) l.getValue();
  }

  @Override
  public HamtMap<K, V> plus(K key, V value) {
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(value, "value");
    boolean[] added = new boolean[1];
    Node r = root.plus(new Leaf(key, value, hash(key)), 0, added);
    return r == root ? this : new HamtMap<>(r, added[0] ? size + 1 : size);
  }

  @Override
  public HamtMap<K, V> minus(Object key) {
    if (key == null) {
      return this;
    }
    Object r = root.minus(key, hash(key), 0);
    if (r == root) {
      return this;
    }
    return size == 1 ? empty() : new HamtMap<>((Node) r, size - 1);
  }

  @Override
  public HamtMap<K, V> plusAll(Map<? extends K, ? extends V> map) {
    HamtMap<K, V> m = this;
    for (Map.Entry<? extends K, ? extends V> e : map.entrySet()) {
      m = m.plus(e.getKey(), e.getValue());
    }
    return m;
  }

  @Override
  public HamtMap<K, V> minusAll(Collection<?> keys) {
    HamtMap<K, V> m = this;
    for (Object k : keys) {
      m = m.minus(k);
    }
    return m;
  }

  @Override
  @Deprecated
  public V put(K key, V value) {
    throw new UnsupportedOperationException();
  }

  @Override
  @Deprecated
  public V remove(Object key) {
    throw new UnsupportedOperationException();
  }

  @Override
  @Deprecated
  public void putAll(Map<? extends K, ? extends V> m) {
    throw new UnsupportedOperationException();
  }

  @Override
  @Deprecated
  public void clear() {
    throw new UnsupportedOperationException();
  }

  @Override
  public Set<Map.Entry<K, V>> entrySet() {
    return new AbstractSet<>() {
      @Override
      @SuppressWarnings("unchecked")
      public Iterator<Map.Entry<K, V>> iterator() {
        List<Map.Entry<K, V>> out = new ArrayList<>(size);
        root.collect((List<Object>) (List<?>) out);
        return Collections.unmodifiableList(out).iterator();
      }

      @Override
      public int size() {
        return size;
      }
    };
  }

  /** An entry, with its spread hash. */
  private static final class Leaf extends AbstractMap.SimpleImmutableEntry<Object, Object> {
    final int hash;

    Leaf(Object key, Object value, int hash) {
      super(key, value);
      this.hash = hash;
    }
  }

  /** Entries whose full hashes are equal. */
  private static final class Collision {
    final int hash;
    final Leaf[] leaves;

    Collision(int hash, Leaf[] leaves) {
      this.hash = hash;
      this.leaves = leaves;
    }

    int indexOf(Object key) {
      for (int i = 0; i < leaves.length; i++) {
        if (leaves[i].getKey().equals(key)) {
          return i;
        }
      }
      return -1;
    }
  }

  /** A 32-way node: {@code slots} holds, in bit order, a Leaf, Collision or Node per set bit. */
  private static final class Node {
    final int bitmap;
    final Object[] slots;

    Node(int bitmap, Object[] slots) {
      this.bitmap = bitmap;
      this.slots = slots;
    }

    Leaf find(Object key, int hash, int shift) {
      Node n = this;
      while (true) {
        int bit = 1 << ((hash >>> shift) & 31);
        if ((n.bitmap & bit) == 0) {
          return null;
        }
        Object s = n.slots[Integer.bitCount(n.bitmap & (bit - 1))];
        if (s instanceof Leaf l) {
          return l.hash == hash && l.getKey().equals(key) ? l : null;
        } else if (s instanceof Collision c) {
          int i = c.hash == hash ? c.indexOf(key) : -1;
          return i < 0 ? null : c.leaves[i];
        }
        n = (Node) s;
        shift += 5;
      }
    }

    Node plus(Leaf leaf, int shift, boolean[] added) {
      int bit = 1 << ((leaf.hash >>> shift) & 31);
      int idx = Integer.bitCount(bitmap & (bit - 1));
      if ((bitmap & bit) == 0) {
        Object[] s = new Object[slots.length + 1];
        System.arraycopy(slots, 0, s, 0, idx);
        s[idx] = leaf;
        System.arraycopy(slots, idx, s, idx + 1, slots.length - idx);
        added[0] = true;
        return new Node(bitmap | bit, s);
      }
      Object old = slots[idx];
      Object now;
      if (old instanceof Leaf l) {
        if (l.hash == leaf.hash && l.getKey().equals(leaf.getKey())) {
          if (l.getValue() == leaf.getValue()) {
            return this;
          }
          now = leaf;
        } else {
          added[0] = true;
          now = merge(l, leaf, shift + 5);
        }
      } else if (old instanceof Collision c) {
        if (c.hash == leaf.hash) {
          int i = c.indexOf(leaf.getKey());
          Leaf[] ls;
          if (i >= 0) {
            if (c.leaves[i].getValue() == leaf.getValue()) {
              return this;
            }
            ls = c.leaves.clone();
            ls[i] = leaf;
          } else {
            ls = java.util.Arrays.copyOf(c.leaves, c.leaves.length + 1);
            ls[c.leaves.length] = leaf;
            added[0] = true;
          }
          now = new Collision(c.hash, ls);
        } else {
          // a different hash that shares the bits so far: push the collision one level down
          added[0] = true;
          Node sub = new Node(1 << ((c.hash >>> (shift + 5)) & 31), new Object[] {c});
          now = sub.plus(leaf, shift + 5, new boolean[1]);
        }
      } else {
        Node n = (Node) old;
        now = n.plus(leaf, shift + 5, added);
        if (now == n) {
          return this;
        }
      }
      Object[] s = slots.clone();
      s[idx] = now;
      return new Node(bitmap, s);
    }

    /** A Node or a Collision holding both leaves (whose keys differ). */
    private static Object merge(Leaf a, Leaf b, int shift) {
      if (a.hash == b.hash) {
        return new Collision(a.hash, new Leaf[] {a, b});
      }
      int ia = (a.hash >>> shift) & 31;
      int ib = (b.hash >>> shift) & 31;
      if (ia == ib) {
        return new Node(1 << ia, new Object[] {merge(a, b, shift + 5)});
      }
      return new Node((1 << ia) | (1 << ib), ia < ib ? new Object[] {a, b} : new Object[] {b, a});
    }

    /**
     * This node without {@code key}: {@code this} when absent, else the new node, or null when
     * nothing is left in it. (Nodes left with a single entry are not collapsed: lookups still work,
     * and equality is by content.)
     */
    Object minus(Object key, int hash, int shift) {
      int bit = 1 << ((hash >>> shift) & 31);
      if ((bitmap & bit) == 0) {
        return this;
      }
      int idx = Integer.bitCount(bitmap & (bit - 1));
      Object old = slots[idx];
      Object now;
      if (old instanceof Leaf l) {
        if (l.hash != hash || !l.getKey().equals(key)) {
          return this;
        }
        now = null;
      } else if (old instanceof Collision c) {
        int i = c.hash == hash ? c.indexOf(key) : -1;
        if (i < 0) {
          return this;
        }
        if (c.leaves.length == 2) {
          now = c.leaves[1 - i];
        } else {
          Leaf[] ls = new Leaf[c.leaves.length - 1];
          System.arraycopy(c.leaves, 0, ls, 0, i);
          System.arraycopy(c.leaves, i + 1, ls, i, ls.length - i);
          now = new Collision(c.hash, ls);
        }
      } else {
        Node n = (Node) old;
        now = n.minus(key, hash, shift + 5);
        if (now == n) {
          return this;
        }
      }
      if (now != null) {
        Object[] s = slots.clone();
        s[idx] = now;
        return new Node(bitmap, s);
      }
      if (slots.length == 1 && shift > 0) {
        return null;
      }
      Object[] s = new Object[slots.length - 1];
      System.arraycopy(slots, 0, s, 0, idx);
      System.arraycopy(slots, idx + 1, s, idx, s.length - idx);
      return new Node(bitmap & ~bit, s);
    }

    void collect(List<Object> out) {
      for (Object s : slots) {
        if (s instanceof Leaf l) {
          out.add(l);
        } else if (s instanceof Collision c) {
          Collections.addAll(out, (Object[]) c.leaves);
        } else {
          ((Node) s).collect(out);
        }
      }
    }
  }
}
