// SPDX-License-Identifier: Apache-2.0
package io.netfloor.shaping;

import io.netfloor.model.Bandwidth;
import io.netfloor.model.Limits;
import io.netfloor.model.NetworkConfig;
import io.netfloor.netlink.NetlinkTrafficControl;
import io.netfloor.persistence.FileStatusStore;
import io.netfloor.units.MacAddress;
import io.netfloor.units.Rate;
import java.nio.file.Path;

/**
 * The library as an unprivileged user holding only {@code CAP_NET_ADMIN} would run it, on bridge
 * {@code br0} of the namespace it was started in: start, two plugs, a reconcile, an unplug, a
 * stop. Prints one {@code OK} line with what it saw, or the failure, and exits non-zero on failure.
 * Run by {@link UnprivilegedKernelTest} under {@code setpriv}.
 */
public final class UnprivilegedChild {
  private UnprivilegedChild() {}

  public static void main(String[] args) {
    NetworkConfig config = NetworkConfig.builder("unpriv", "br0")
        .inbound(Limits.averageOnly(Rate.parse("100mbit"))).build();
    try (NetlinkTrafficControl tc = NetlinkTrafficControl.open();
        FileStatusStore store = FileStatusStore.open(Path.of(args[0]))) {
      NetworkShaper shaper = NetworkShaper.create(config, tc, store);
      ReconcileReport started = shaper.start();
      shaper.plug("vm1", MacAddress.parse("52:54:00:00:00:01"),
          Bandwidth.floor(Rate.parse("20mbit")));
      shaper.plug("vm2", MacAddress.parse("52:54:00:00:00:02"),
          Bandwidth.floor(Rate.parse("30mbit")));
      ReconcileReport again = shaper.reconcile();
      String leaf = shaper.config().leafQdisc().kernelName();
      System.out.println("plugged leaf=" + leaf + " built=" + started.built().size()
          + " repairs=" + again.repairs().size());
      System.out.flush();
      if (args.length > 1) {
        // the parent inspects the kernel here, then lets the child go on
        new java.io.BufferedReader(new java.io.InputStreamReader(System.in)).readLine();
      }
      shaper.unplug("vm1");
      shaper.stop();
      System.out.println("OK");
    } catch (Exception e) {
      System.out.println("FAILED " + e);
      e.printStackTrace(System.out);
      System.exit(1);
    }
  }
}
