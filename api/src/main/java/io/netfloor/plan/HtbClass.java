// SPDX-License-Identifier: Apache-2.0
package io.netfloor.plan;

import io.netfloor.InvalidValueException;
import io.netfloor.units.ByteSize;
import io.netfloor.units.ClassHandle;
import io.netfloor.units.InterfaceName;
import io.netfloor.units.Rate;
import java.util.Objects;
import java.util.Optional;

/**
 * An HTB class. tc equivalent: {@code tc class add dev DEV parent P classid C htb rate R ceil C
 * [burst B] [cburst CB] quantum Q prio P}.
 *
 * <p>The kernel needs {@code rate} and {@code ceil} of at least 1 byte/s, and a class id with the same
 * major as its qdisc. An empty {@code burst}/{@code cburst} means "as tc computes it by default"
 * ({@code rate / HZ + 1600} bytes); the backend computes the buffer in ticks.
 *
 * @param device the device the object lives on
 * @param classId the class id {@code major:minor}, minor non-zero, major that of its qdisc
 * @param parent the parent: the HTB qdisc itself or a class of it
 * @param rate the rate guaranteed to the class, at least 8 bit/s
 * @param ceil the rate the class may reach by borrowing, at least {@code rate}
 * @param burst bytes the class may send at up to {@code ceil} speed in excess of {@code rate};
 *     empty for tc's default
 * @param cburst bytes the class may send at link speed in excess of {@code ceil}; empty for
 *     tc's default
 * @param quantumBytes bytes served per round when classes share spare bandwidth; always explicit, so
 *     the kernel never warns that a quantum "is big" or "is small"
 * @param prio HTB priority, 0 (highest) to 7
 */
public record HtbClass(InterfaceName device, ClassHandle classId, ClassHandle parent, Rate rate,
    Rate ceil, Optional<ByteSize> burst, Optional<ByteSize> cburst, long quantumBytes, int prio)
    implements TcObject {

  /**
   * Checks the kernel's rules listed above.
   *
   * @param device the device the object lives on
   * @param classId the class id {@code major:minor}, minor non-zero, major that of its qdisc
   * @param parent the parent: the HTB qdisc itself or a class of it
   * @param rate the rate guaranteed to the class, at least 8 bit/s
   * @param ceil the rate the class may reach by borrowing, at least {@code rate}
   * @param burst bytes the class may send at up to {@code ceil} speed in excess of {@code rate};
 *     empty for tc's default
   * @param cburst bytes the class may send at link speed in excess of {@code ceil}; empty for
 *     tc's default
   * @param quantumBytes bytes served per round when classes share spare bandwidth; always explicit,
   *     so the kernel never warns that a quantum "is big" or "is small"
   * @param prio HTB priority, 0 (highest) to 7
   * @throws InvalidValueException if the class id has minor 0 or another major than its parent, a
   *     rate is below 1 byte/s, {@code ceil} is below {@code rate}, the quantum is outside
   *     1..4294967295 or {@code prio} outside 0..7
   */
  public HtbClass {
    if (classId.isQdisc()) {
      throw new InvalidValueException("an HTB class id needs a non-zero minor, got " + classId);
    }
    if (classId.major() != parent.major()) {
      throw new InvalidValueException("class " + classId + " and its parent " + parent
          + " must share the qdisc's major number");
    }
    if (rate.bytesPerSecond() < 1 || ceil.bytesPerSecond() < 1) {
      throw new InvalidValueException("class " + classId + ": rate " + rate + " and ceil " + ceil
          + " must be at least 8bit (1 byte/s); the kernel rejects 0");
    }
    if (ceil.compareTo(rate) < 0) {
      throw new InvalidValueException("class " + classId + ": ceil " + ceil + " is below rate " + rate);
    }
    if (quantumBytes < 1 || quantumBytes > 0xFFFF_FFFFL) {
      throw new InvalidValueException("class " + classId + ": quantum " + quantumBytes
          + " must be in 1..4294967295 bytes");
    }
    if (prio < 0 || prio > 7) {
      throw new InvalidValueException("class " + classId + ": prio " + prio + " not in 0..7");
    }
  }

  /**
   * A copy with another rate and ceiling (and everything else equal).
   *
   * @param newRate the new guaranteed rate
   * @param newCeil the new ceiling, at least {@code newRate}
   * @param newQuantumBytes the new quantum in bytes
   * @return the changed copy; this class is unchanged
   * @throws InvalidValueException as the canonical constructor
   */
  public HtbClass withRates(Rate newRate, Rate newCeil, long newQuantumBytes) {
    return new HtbClass(device, classId, parent, newRate, newCeil, burst, cburst, newQuantumBytes, prio);
  }

  @Override
  public ObjectKey key() {
    return new ObjectKey(ObjectKey.Kind.CLASS, device, 0, 0, classId.toBits());
  }

  @Override
  public Kind objectKind() {
    return Kind.HTB_CLASS;
  }

  @Override
  public String describe() {
    return "class htb " + classId + " on " + device + " parent " + parent + " rate " + rate
        + " ceil " + ceil + burst.map(b -> " burst " + b).orElse("")
        + cburst.map(b -> " cburst " + b).orElse("") + " quantum " + quantumBytes
        + (prio != 0 ? " prio " + prio : "");
  }

  // equals and hashCode written out, computing what the record's own would: those are linked
  // through method handles on first use, which a short-lived JVM (each CLI command) pays anew
  @Override
  public boolean equals(Object o) {
    return o instanceof HtbClass c && Objects.equals(c.device, device)
        && Objects.equals(c.classId, classId) && Objects.equals(c.parent, parent)
        && Objects.equals(c.rate, rate) && Objects.equals(c.ceil, ceil)
        && Objects.equals(c.burst, burst) && Objects.equals(c.cburst, cburst)
        && c.quantumBytes == quantumBytes && c.prio == prio;
  }

  @Override
  public int hashCode() {
    int h = Objects.hashCode(device);
    h = 31 * h + Objects.hashCode(classId);
    h = 31 * h + Objects.hashCode(parent);
    h = 31 * h + Objects.hashCode(rate);
    h = 31 * h + Objects.hashCode(ceil);
    h = 31 * h + Objects.hashCode(burst);
    h = 31 * h + Objects.hashCode(cburst);
    h = 31 * h + Long.hashCode(quantumBytes);
    return 31 * h + Integer.hashCode(prio);
  }
}
