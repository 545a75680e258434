// SPDX-License-Identifier: Apache-2.0
package io.netfloor.shaping;

import io.netfloor.NetFloorException;
import io.netfloor.model.Bandwidth;
import io.netfloor.model.ClassStrategy;
import io.netfloor.model.FilterLayout;
import io.netfloor.netlink.NetlinkTrafficControl;
import io.netfloor.persistence.FileStatusStore;
import io.netfloor.units.Rate;
import java.nio.file.Path;
import java.util.Random;

/**
 * The process {@link CrashTest} kills: opens the network in namespace {@code args[0]} with the file
 * store in {@code args[1]}, prints "ready", then plugs, unplugs and updates at random until killed.
 */
public final class CrashChild {
  private CrashChild() {}

  public static void main(String[] args) {
    String ns = args[0];
    Path state = Path.of(args[1]);
    Random random = new Random(Long.parseLong(args[2]));
    FilterLayout layout = FilterLayout.valueOf(args[3]);
    ClassStrategy strategy = ClassStrategy.valueOf(args[4]);
    try (NetlinkTrafficControl tc = NetlinkTrafficControl.openInNamespace(ns);
        FileStatusStore store = FileStatusStore.open(state)) {
      NetworkShaper shaper = NetworkShaper.create(CrashTest.config(layout, strategy), tc, store);
      shaper.start();
      System.out.println("ready");
      System.out.flush();
      for (long i = 0; ; i++) {
        int n = random.nextInt(40);
        String alias = "vm" + n;
        Bandwidth bw = random.nextInt(5) == 0 ? Bandwidth.NONE
            : Bandwidth.floor(Rate.ofMegabits(1 + random.nextInt(20)));
        try {
          switch (random.nextInt(3)) {
            case 0 -> shaper.plug(alias, NetworkShaperKernelTest.mac(n), bw);
            case 1 -> shaper.unplug(alias);
            default -> shaper.update(alias, bw);
          }
        } catch (NetFloorException refused) {
          // unknown alias, conflicts, admission: part of the random walk
        }
      }
    }
  }
}
