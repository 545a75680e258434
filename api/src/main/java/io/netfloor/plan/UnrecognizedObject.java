// SPDX-License-Identifier: Apache-2.0
package io.netfloor.plan;

import io.netfloor.units.ClassHandle;
import io.netfloor.units.InterfaceName;
import java.util.Objects;

/**
 * An object found inside a qdisc that is the network's own, which NetFloor cannot read back as one
 * it makes: a u32 node with other keys in NetFloor's hash table, a leaf qdisc of a kind it does not
 * make, a filter on its ingress qdisc that is not its match-all. It is described exactly as the
 * kernel reported it, and is only ever deleted (a plan never adds or changes one; the inverse of its
 * delete cannot be applied, so an undo that needs it leaves the kernel to the next reconcile).
 *
 * @param key its identity, as a delete names it
 * @param parent the qdisc (filters) or class (qdiscs) it hangs under
 * @param description what the kernel holds, tc-style
 */
public record UnrecognizedObject(ObjectKey key, ClassHandle parent, String description)
    implements TcObject {

  /**
   * Checks that the object is a filter or a qdisc.
   *
   * @param key its identity, as a delete names it
   * @param parent the qdisc (filters) or class (qdiscs) it hangs under
   * @param description what the kernel holds, tc-style
   * @throws NullPointerException if a component is null
   * @throws IllegalArgumentException if {@code key} names neither a filter nor a qdisc
   */
  public UnrecognizedObject {
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(parent, "parent");
    Objects.requireNonNull(description, "description");
    if (key.kind() != ObjectKey.Kind.FILTER && key.kind() != ObjectKey.Kind.QDISC) {
      throw new IllegalArgumentException("only filters and leaf qdiscs are read as unrecognized: "
          + key);
    }
  }

  @Override
  public InterfaceName device() {
    return key.device();
  }

  /**
   * True for a filter, false for a qdisc.
   *
   * @return true for a filter, false for a qdisc
   */
  public boolean isFilter() {
    return key.kind() == ObjectKey.Kind.FILTER;
  }

  @Override
  public Kind objectKind() {
    return Kind.UNRECOGNIZED;
  }

  @Override
  public String describe() {
    return description + " (not in a form NetFloor makes)";
  }
}
