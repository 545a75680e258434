// SPDX-License-Identifier: Apache-2.0
package io.netfloor.spi;

import io.netfloor.units.ClassHandle;
import io.netfloor.units.InterfaceName;
import java.util.List;
import java.util.Optional;

/**
 * What the kernel holds on one device: its qdiscs, classes (with statistics) and filters.
 *
 * @param device the device the dump is of
 * @param qdiscs its qdiscs, in dump order
 * @param classes its classes, in dump order
 * @param filters its filter nodes and tables, in dump order
 */
public record KernelSnapshot(InterfaceName device, List<QdiscInfo> qdiscs, List<ClassInfo> classes,
    List<FilterInfo> filters) {

  /**
   * Copies the lists.
   *
   * @param device the device the dump is of
   * @param qdiscs its qdiscs, in dump order
   * @param classes its classes, in dump order
   * @param filters its filter nodes and tables, in dump order
   * @throws NullPointerException if a list is null or holds null
   */
  public KernelSnapshot {
    qdiscs = List.copyOf(qdiscs);
    classes = List.copyOf(classes);
    filters = List.copyOf(filters);
  }

  /**
   * Finds a class by id.
   *
   * @param classId the class id
   * @return the class, or empty when the device has none with that id
   */
  public Optional<ClassInfo> findClass(ClassHandle classId) {
    return classes.stream().filter(c -> c.classId().equals(classId)).findFirst();
  }

  /**
   * Finds a qdisc by handle.
   *
   * @param handle the qdisc handle {@code N:}
   * @return the qdisc, or empty when the device has none with that handle
   */
  public Optional<QdiscInfo> findQdisc(ClassHandle handle) {
    return qdiscs.stream().filter(q -> q.handle().equals(handle)).findFirst();
  }
}
