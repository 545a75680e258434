// SPDX-License-Identifier: Apache-2.0
package io.netfloor.plan;

import io.netfloor.units.InterfaceName;

/**
 * One object the kernel holds for NetFloor: a qdisc, an HTB class, a u32 filter or an ifb device.
 * Plans add, change and delete these. Each object knows its {@link #key() identity} in the kernel;
 * two objects with the same key and different fields differ only in parameters that a change (or a
 * delete and re-add) can fix.
 */
public sealed interface TcObject permits HtbQdisc, LeafQdisc, IngressQdisc, HtbClass,
    U32HashTable, U32HashLink, U32MacFilter, U32MatchAllPolice, U32MatchAllRedirect, U32OwnerMark, U32Instance, UnrecognizedObject, IfbDevice {

  /**
   * The device the object lives on.
   *
   * @return the device's interface name
   */
  InterfaceName device();

  /**
   * Identity of the object in the kernel.
   *
   * @return the key that names the object in the kernel; equal keys mean the same kernel object
   */
  ObjectKey key();

  /**
   * Which of the object kinds this is: the one way code outside the object chooses what to do
   * with it, in a {@code switch} expression over {@link Kind} with a case for every kind and no
   * {@code default}, so that the compiler refuses such a switch when a kind is added and not
   * handled there. After its case the object is cast to {@link Kind#type() the kind's type}.
   *
   * @return the object's kind; {@code objectKind().type()} is the object's class
   */
  Kind objectKind();

  /**
   * Short tc-like description, e.g. {@code class 1:a on br0 rate 10mbit ceil 100mbit}.
   *
   * @return a human-readable line for logs and dry runs
   */
  String describe();

  /**
   * The kinds of kernel object, one per record type that implements {@link TcObject}.
   *
   * <p>Code that treats kinds differently switches over this enum in {@code switch} expressions,
   * which the compiler checks for exhaustiveness: adding a kind (a new record and its constant here)
   * makes every such switch that does not handle it a compile error. Java 17 has no pattern
   * matching in {@code switch}, and a visitor would need one method per kind at every place that
   * treats most kinds alike; a switch expression groups them ({@code case A, B -> ...}).
   */
  enum Kind {
    /** {@link HtbQdisc}. */
    HTB_QDISC(HtbQdisc.class),
    /** {@link LeafQdisc}. */
    LEAF_QDISC(LeafQdisc.class),
    /** {@link IngressQdisc}. */
    INGRESS_QDISC(IngressQdisc.class),
    /** {@link HtbClass}. */
    HTB_CLASS(HtbClass.class),
    /** {@link U32HashTable}. */
    U32_HASH_TABLE(U32HashTable.class),
    /** {@link U32HashLink}. */
    U32_HASH_LINK(U32HashLink.class),
    /** {@link U32MacFilter}. */
    U32_MAC_FILTER(U32MacFilter.class),
    /** {@link U32MatchAllPolice}. */
    U32_MATCH_ALL_POLICE(U32MatchAllPolice.class),
    /** {@link U32MatchAllRedirect}. */
    U32_MATCH_ALL_REDIRECT(U32MatchAllRedirect.class),
    /** {@link U32OwnerMark}. */
    U32_OWNER_MARK(U32OwnerMark.class),
    /** {@link U32Instance}. */
    U32_INSTANCE(U32Instance.class),
    /** {@link UnrecognizedObject}. */
    UNRECOGNIZED(UnrecognizedObject.class),
    /** {@link IfbDevice}. */
    IFB_DEVICE(IfbDevice.class);

    private final Class<? extends TcObject> type;

    Kind(Class<? extends TcObject> type) {
      this.type = type;
    }

    /**
     * The record type of the objects of this kind.
     *
     * @return the class every object of this kind is an instance of
     */
    public Class<? extends TcObject> type() {
      return type;
    }
  }
}
