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
   * Short tc-like description, e.g. {@code class 1:a on br0 rate 10mbit ceil 100mbit}.
   *
   * @return a human-readable line for logs and dry runs
   */
  String describe();
}
