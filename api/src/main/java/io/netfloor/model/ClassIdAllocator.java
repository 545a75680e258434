// SPDX-License-Identifier: Apache-2.0
package io.netfloor.model;

import com.google.common.collect.ImmutableSortedSet;
import io.netfloor.ClassIdExhaustedException;
import io.netfloor.InvalidValueException;
import java.util.Iterator;
import java.util.Objects;
import java.util.SortedSet;
import org.pcollections.TreePSet;

/**
 * The HTB class minors of one bridge: which are in use, and which one comes next. Immutable; every
 * change returns a new allocator sharing structure with the old one, so an allocation costs
 * O(log n) whatever the number of ids in use.
 *
 * <p>Ids {@code 0} (the qdisc {@code 1:}), {@code 1} (class 1:1) and {@code 2} (the default class 1:2)
 * are reserved, as libvirt reserves them; so is {@code 0xffff}, because a leaf qdisc takes its class's
 * minor as its major and {@code ffff:} is the ingress qdisc. A layout may reserve more (see
 * {@link #forLayout}). Allocation is deterministic: always the lowest free id, as libvirt's
 * "first clear bit" — so freed ids are reused lowest first, and the same sequence of operations
 * yields the same ids.
 *
 * <p>{@link #toRanges()} gives libvirt's bitmap syntax ({@code 0-4,7}), which {@link #fromRanges}
 * reads back losslessly.
 */
public final class ClassIdAllocator {
  /** The first id an interface can get. */
  public static final int FIRST_ASSIGNABLE = 3;

  private final int maxId;
  private final ImmutableSortedSet<Integer> extraReserved;
  /** Every id ≥ {@code next} is free; below it, free ids are exactly those in {@code free}. */
  private final int next;
  private final TreePSet<Integer> free;

  private ClassIdAllocator(int maxId, ImmutableSortedSet<Integer> extraReserved, int next,
      TreePSet<Integer> free) {
    this.maxId = maxId;
    this.extraReserved = extraReserved;
    this.next = next;
    this.free = free;
  }

  /**
   * An allocator with nothing but the reserved ids in use, handing out ids up to {@code maxId}.
   *
   * @param maxId the highest id handed out, in 3..0xfffe
   * @param extraReserved ids never handed out beyond the standard ones
   * @return the new allocator
   * @throws InvalidValueException if {@code maxId} is outside 3..0xfffe
   */
  public static ClassIdAllocator create(int maxId, SortedSet<Integer> extraReserved) {
    if (maxId < FIRST_ASSIGNABLE || maxId > 0xfffe) {
      throw new InvalidValueException("max class id " + maxId + " must be in 3..0xfffe");
    }
    return new ClassIdAllocator(maxId, ImmutableSortedSet.copyOf(extraReserved), FIRST_ASSIGNABLE,
        TreePSet.empty());
  }

  /**
   * The allocator for a filter layout. {@link FilterLayout#HASHED}: ids 3..0xfffe.
   * {@link FilterLayout#LIBVIRT_LINEAR}: ids 3..0xfff except 0x800. There every id has its own
   * 12-bit node in one u32 table ({@link HtbTree#linearHandle}), and only 4,094 nodes are usable
   * (1..0xfff without 0x800, where libvirt's DHCP checksum filter sits), so the layout cannot hold
   * more than 4,094 ids: the cap at 0xfff and the reserved 0x800 give 4,092, with 3..199 mapped to
   * libvirt's own nodes. 0x800 stays reserved, though the node scheme would not need it, because
   * bitmaps written by {@link #toRanges()} list it once the used ids pass it; making it assignable
   * would read those as an id in use that nobody holds.
   *
   * @param layout the network's filter layout
   * @return an allocator with only the reserved ids in use
   */
  public static ClassIdAllocator forLayout(FilterLayout layout) {
    return layout == FilterLayout.LIBVIRT_LINEAR
        ? create(0xfff, ImmutableSortedSet.of(0x800))
        : create(0xfffe, ImmutableSortedSet.of());
  }

  /**
   * Whether {@code id} can never be handed out.
   *
   * @param id a class minor
   * @return true for 0, 1, 2, ids above the maximum and the layout's extra reserved ids
   */
  public boolean isReserved(int id) {
    return id < FIRST_ASSIGNABLE || id > maxId || extraReserved.contains(id);
  }

  /**
   * Whether {@code id} is in use (reserved ids always are).
   *
   * @param id a class minor
   * @return true if {@code id} is reserved or handed out
   */
  public boolean isUsed(int id) {
    if (isReserved(id)) {
      return true;
    }
    return id < next && !free.contains(id);
  }

  /**
   * The id the next allocation returns: the lowest free one.
   *
   * @return the lowest id in use by nobody; the allocator is unchanged
   * @throws ClassIdExhaustedException when every id up to the maximum is in use
   */
  public int lowestFree() {
    if (!free.isEmpty()) {
      return free.first();
    }
    int candidate = next;
    while (candidate <= maxId && extraReserved.contains(candidate)) {
      candidate++;
    }
    if (candidate > maxId) {
      throw new ClassIdExhaustedException("all " + capacity() + " class ids (3.."
          + Integer.toHexString(maxId) + " hex) are in use; unplug an interface first");
    }
    return candidate;
  }

  /**
   * How many ids this allocator can hand out in total.
   *
   * @return the number of assignable ids: from 3 to the maximum, minus the extra reserved ones
   */
  public int capacity() {
    return maxId - FIRST_ASSIGNABLE + 1 - (int) extraReserved.stream()
        .filter(i -> i >= FIRST_ASSIGNABLE && i <= maxId).count();
  }

  /**
   * How many assignable ids are in use.
   *
   * @return the number of ids handed out, reserved ones not counted
   */
  public int usedCount() {
    return (next - FIRST_ASSIGNABLE) - free.size()
        - (int) extraReserved.stream().filter(i -> i >= FIRST_ASSIGNABLE && i < next).count();
  }

  /**
   * This allocator with {@code id} in use.
   *
   * @param id the id to take, free and not reserved
   * @return a new allocator; this one is unchanged
   * @throws InvalidValueException if {@code id} is reserved or already in use
   */
  public ClassIdAllocator withUsed(int id) {
    if (isReserved(id)) {
      throw new InvalidValueException("class id " + id + " (hex " + Integer.toHexString(id)
          + ") is reserved and cannot be assigned");
    }
    if (id < next) {
      if (!free.contains(id)) {
        throw new InvalidValueException("class id " + id + " (hex " + Integer.toHexString(id)
            + ") is already in use");
      }
      return new ClassIdAllocator(maxId, extraReserved, next, free.minus(id));
    }
    TreePSet<Integer> f = free;
    for (int i = next; i < id; i++) {
      if (!extraReserved.contains(i)) {
        f = f.plus(i);
      }
    }
    return new ClassIdAllocator(maxId, extraReserved, id + 1, f);
  }

  /**
   * This allocator with {@code id} free again.
   *
   * @param id the id to give back, in use and not reserved
   * @return a new allocator; this one is unchanged
   * @throws InvalidValueException if {@code id} is reserved or not in use
   */
  public ClassIdAllocator withReleased(int id) {
    if (isReserved(id)) {
      throw new InvalidValueException("class id " + id + " is reserved and cannot be released");
    }
    if (!isUsed(id)) {
      throw new InvalidValueException("class id " + id + " (hex " + Integer.toHexString(id)
          + ") is not in use");
    }
    if (id != next - 1) {
      return new ClassIdAllocator(maxId, extraReserved, next, free.plus(id));
    }
    // keep the canonical form: no free ids right below `next`
    int n = id;
    TreePSet<Integer> f = free;
    while (n > FIRST_ASSIGNABLE && (f.contains(n - 1) || extraReserved.contains(n - 1))) {
      n--;
      f = f.minus(n);
    }
    return new ClassIdAllocator(maxId, extraReserved, n, f);
  }

  /**
   * Every id in use, reserved ones below the highest used id included, ascending.
   *
   * @return an immutable ascending set; ids 0, 1 and 2 are always in it
   */
  public SortedSet<Integer> usedIds() {
    ImmutableSortedSet.Builder<Integer> b = ImmutableSortedSet.naturalOrder();
    for (int i = 0; i < next; i++) {
      if (isUsed(i)) {
        b.add(i);
      }
    }
    return b.build();
  }

  /**
   * The used ids in libvirt's bitmap syntax, e.g. {@code 0-4,7} ({@code 0-2} when none).
   *
   * @return the used ids as comma-separated ascending ranges, reserved ids below the highest used
   *     one included
   */
  public String toRanges() {
    StringBuilder sb = new StringBuilder();
    Iterator<Integer> it = usedIds().iterator();
    int start = -1;
    int prev = -2;
    while (it.hasNext()) {
      int i = it.next();
      if (i != prev + 1) {
        appendRange(sb, start, prev);
        start = i;
      }
      prev = i;
    }
    appendRange(sb, start, prev);
    return sb.toString();
  }

  private static void appendRange(StringBuilder sb, int start, int end) {
    if (start < 0) {
      return;
    }
    if (sb.length() > 0) {
      sb.append(',');
    }
    sb.append(start);
    if (end > start) {
      sb.append('-').append(end);
    }
  }

  /**
   * Reads libvirt's bitmap syntax ({@code 0-4,7}) into an allocator with the standard reservations of
   * {@code layout}. Reserved ids in the text are accepted and ignored (libvirt lists 0, 1 and 2;
   * {@link #toRanges()} lists a layout's extra reserved ids below the highest used one).
   *
   * @param ranges the bitmap text, e.g. {@code 0-4,7}; blank means nothing handed out
   * @param layout the network's filter layout, which decides the reserved ids and the maximum
   * @return an allocator with exactly the listed assignable ids in use
   * @throws InvalidValueException quoting the text when it is malformed or names an id this layout
   *     cannot hold
   */
  public static ClassIdAllocator fromRanges(String ranges, FilterLayout layout) {
    ClassIdAllocator a = forLayout(layout);
    if (ranges == null) {
      throw new InvalidValueException("class id bitmap is missing");
    }
    String s = ranges.strip();
    if (s.isEmpty()) {
      return a;
    }
    for (String part : s.split(",", -1)) {
      String p = part.strip();
      int dash = p.indexOf('-');
      int lo;
      int hi;
      try {
        lo = Integer.parseInt(dash < 0 ? p : p.substring(0, dash));
        hi = dash < 0 ? lo : Integer.parseInt(p.substring(dash + 1));
      } catch (NumberFormatException e) {
        throw new InvalidValueException("class id bitmap '" + ranges + "': '" + p
            + "' is not a number or a range like 3-7");
      }
      if (lo < 0 || hi < lo || hi > 0xffff) {
        throw new InvalidValueException("class id bitmap '" + ranges + "': range '" + p
            + "' is empty or outside 0..65535");
      }
      for (int i = lo; i <= hi; i++) {
        // a layout's extra reserved ids (0x800 for LIBVIRT_LINEAR) are listed by toRanges() once
        // the used range passes them, so they are accepted and ignored like 0, 1 and 2
        if (i >= FIRST_ASSIGNABLE && a.isReserved(i) && !a.extraReserved.contains(i)) {
          throw new InvalidValueException("class id bitmap '" + ranges + "': id " + i
              + " cannot be used with the " + layout + " filter layout");
        }
        if (!a.isReserved(i)) {
          if (a.isUsed(i)) {
            throw new InvalidValueException("class id bitmap '" + ranges + "': id " + i
                + " is listed twice");
          }
          a = a.withUsed(i);
        }
      }
    }
    return a;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof ClassIdAllocator a && a.maxId == maxId && a.next == next
        && a.extraReserved.equals(extraReserved) && a.free.equals(free);
  }

  @Override
  public int hashCode() {
    return Objects.hash(maxId, next, free);
  }

  @Override
  public String toString() {
    return "ClassIdAllocator{used=" + toRanges() + ", max=" + Integer.toHexString(maxId) + "}";
  }
}
