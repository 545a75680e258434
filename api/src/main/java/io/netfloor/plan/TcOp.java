// SPDX-License-Identifier: Apache-2.0
package io.netfloor.plan;

/**
 * One kernel operation of a {@link Plan}: add, change or delete one {@link TcObject}. A change carries
 * the object before and after, so every operation has an exact {@link #inverse()}.
 */
public sealed interface TcOp permits TcOp.Add, TcOp.Change, TcOp.Delete {

  /**
   * The object as it is after the operation (for a delete: the object removed).
   *
   * @return the object added or changed to, or the object deleted
   */
  TcObject object();

  /**
   * The operation that undoes this one.
   *
   * @return the exact inverse: a delete for an add, an add for a delete, the reverse change for a
   *     change
   */
  TcOp inverse();

  /**
   * tc-like one-line description, e.g. {@code add class htb 1:3 on br0 …}.
   *
   * @return the operation followed by the object's description
   */
  default String describe() {
    if (this instanceof Add) {
      return "add " + object().describe();
    }
    return (this instanceof Change ? "change " : "delete ") + object().describe();
  }

  /**
   * Create {@code object} (tc {@code add}: the kernel refuses if it exists).
   *
   * @param object the object to create
   */
  record Add(TcObject object) implements TcOp {
    @Override
    public TcOp inverse() {
      return new Delete(object);
    }

    @Override
    public String toString() {
      return describe();
    }
  }

  /**
   * Change an existing object's parameters (tc {@code change}); identity stays the same.
   *
   * @param before the object as the kernel holds it before the change
   * @param after the object as the kernel holds it after the change
   */
  record Change(TcObject before, TcObject after) implements TcOp {
    /**
     * Checks that both sides are the same kernel object.
     *
     * @param before the object before the change
     * @param after the object after the change
     * @throws IllegalArgumentException if the two objects' {@link TcObject#key() keys} differ
     */
    public Change {
      if (!before.key().equals(after.key())) {
        throw new IllegalArgumentException("a change keeps the object's identity: " + before.key()
            + " vs " + after.key());
      }
    }

    @Override
    public TcObject object() {
      return after;
    }

    @Override
    public TcOp inverse() {
      return new Change(after, before);
    }

    @Override
    public String toString() {
      return describe();
    }
  }

  /**
   * Remove {@code object} (tc {@code del}).
   *
   * @param object the object to remove
   */
  record Delete(TcObject object) implements TcOp {
    @Override
    public TcOp inverse() {
      return new Add(object);
    }

    @Override
    public String toString() {
      return describe();
    }
  }
}
