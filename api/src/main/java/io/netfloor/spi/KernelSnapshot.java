// SPDX-License-Identifier: Apache-2.0
package io.netfloor.spi;

import io.netfloor.units.ClassHandle;
import io.netfloor.units.InterfaceName;
import java.util.List;
import java.util.Optional;

/** What the kernel holds on one device: its qdiscs, classes (with statistics) and filters. */
public record KernelSnapshot(InterfaceName device, List<QdiscInfo> qdiscs, List<ClassInfo> classes,
    List<FilterInfo> filters) {

  public KernelSnapshot {
    qdiscs = List.copyOf(qdiscs);
    classes = List.copyOf(classes);
    filters = List.copyOf(filters);
  }

  public Optional<ClassInfo> findClass(ClassHandle classId) {
    return classes.stream().filter(c -> c.classId().equals(classId)).findFirst();
  }

  public Optional<QdiscInfo> findQdisc(ClassHandle handle) {
    return qdiscs.stream().filter(q -> q.handle().equals(handle)).findFirst();
  }
}
