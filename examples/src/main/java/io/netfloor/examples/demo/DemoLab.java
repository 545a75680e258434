// SPDX-License-Identifier: Apache-2.0
package io.netfloor.examples.demo;

import java.net.InetSocketAddress;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The demo's throwaway world: a "host" network namespace holding bridge {@code br0} with address
 * 10.213.0.1/24, and one namespace per "VM" whose {@code eth0} is the far end of a veth pair whose
 * host end ({@code vnetN}) is a port of the bridge, and an "outside" namespace behind a third kind
 * of port, the uplink {@code uplink0} (10.213.0.254). All namespaces are named
 * {@code nf-demo-<random>-…}; the addresses exist only inside them.
 *
 * <p>Static neighbour and bridge forwarding entries are installed for every VM so that no frame is
 * flooded and no ARP round trip delays the first packets. {@link #close()} deletes every namespace
 * this lab created (which removes the bridge, veths and qdiscs with them); it is idempotent and safe
 * to call from a shutdown hook.
 */
public final class DemoLab implements AutoCloseable {
  /** The bridge's name inside the host namespace. */
  public static final String BRIDGE = "br0";
  /** UDP port the VMs' receivers listen on. */
  public static final int PORT = 5201;
  private static final String SUBNET = "10.213.0.";
  /** The uplink's port on the bridge (its far end is the "outside" namespace's eth0). */
  public static final String UPLINK = "uplink0";
  private static final String OUTSIDE_MAC = "02:4e:46:00:00:fe";
  private static final String BRIDGE_MAC = "02:4e:46:00:00:fd";

  /** One VM of the lab. */
  public record Vm(String name, String namespace, String hostDevice, String mac, String address) {
    public InetSocketAddress socketAddress() {
      return new InetSocketAddress(address, PORT);
    }
  }

  private final String prefix;
  private final String hostNamespace;
  private final String outsideNamespace;
  private final List<Vm> vms = new ArrayList<>();
  private final List<String> created = new ArrayList<>();
  private final AtomicBoolean closed = new AtomicBoolean();

  private DemoLab(String prefix) {
    this.prefix = prefix;
    this.hostNamespace = prefix + "-host";
    this.outsideNamespace = prefix + "-out";
  }

  /**
   * Creates the namespaces, the bridge and {@code vmNames.size()} VMs. On failure deletes whatever it
   * had created and rethrows.
   */
  public static DemoLab create(List<String> vmNames) {
    Objects.requireNonNull(vmNames, "vmNames");
    if (vmNames.isEmpty() || vmNames.size() > 200) {
      throw new IllegalArgumentException("a lab has 1-200 VMs, got " + vmNames.size());
    }
    byte[] random = new byte[3];
    new SecureRandom().nextBytes(random);
    DemoLab lab = new DemoLab("nf-demo-" + HexFormat.of().formatHex(random));
    try {
      lab.build(vmNames);
    } catch (RuntimeException e) {
      try {
        lab.close();
      } catch (RuntimeException again) {
        e.addSuppressed(again);
      }
      throw e;
    }
    return lab;
  }

  private void build(List<String> vmNames) {
    addNamespace(hostNamespace);
    Ip.in(hostNamespace, "link", "set", "lo", "up");
    // a fixed address: a bridge without one takes its lowest port's, which moves as ports join,
    // and the VMs' static neighbour entries for the bridge's address must stay right
    Ip.in(hostNamespace, "link", "add", BRIDGE, "address", BRIDGE_MAC, "type", "bridge");
    Ip.in(hostNamespace, "link", "set", BRIDGE, "txqueuelen", "1000");
    Ip.in(hostNamespace, "addr", "add", bridgeAddress() + "/24", "dev", BRIDGE);
    Ip.in(hostNamespace, "link", "set", BRIDGE, "up");
    for (int i = 0; i < vmNames.size(); i++) {
      int n = i + 1;
      String ns = prefix + "-" + vmNames.get(i);
      String hostDev = "vnet" + n;
      String mac = String.format("02:4e:46:00:00:%02x", n);
      String address = SUBNET + (10 + n);
      addNamespace(ns);
      Ip.in(ns, "link", "set", "lo", "up");
      Ip.in(hostNamespace, "link", "add", hostDev, "type", "veth", "peer", "name", "eth0",
          "netns", ns);
      Ip.in(ns, "link", "set", "eth0", "address", mac);
      Ip.in(ns, "addr", "add", address + "/24", "dev", "eth0");
      Ip.in(ns, "link", "set", "eth0", "up");
      Ip.in(ns, "neigh", "replace", bridgeAddress(), "lladdr", bridgeMac(), "dev", "eth0",
          "nud", "permanent");
      Ip.in(hostNamespace, "link", "set", hostDev, "master", BRIDGE);
      Ip.in(hostNamespace, "link", "set", hostDev, "up");
      Ip.in(hostNamespace, "neigh", "replace", address, "lladdr", mac, "dev", BRIDGE, "nud",
          "permanent");
      Ip.run("bridge", "-n", hostNamespace, "fdb", "replace", mac, "dev", hostDev, "master",
          "static");
      Ip.in(ns, "neigh", "replace", outsideAddress(), "lladdr", OUTSIDE_MAC, "dev", "eth0",
          "nud", "permanent");
      vms.add(new Vm(vmNames.get(i), ns, hostDev, mac, address));
    }
    // the "outside": a namespace behind the bridge's uplink port, as a bridged network's LAN
    addNamespace(outsideNamespace);
    Ip.in(outsideNamespace, "link", "set", "lo", "up");
    Ip.in(hostNamespace, "link", "add", UPLINK, "type", "veth", "peer", "name", "eth0", "netns",
        outsideNamespace);
    Ip.in(outsideNamespace, "link", "set", "eth0", "address", OUTSIDE_MAC);
    Ip.in(outsideNamespace, "addr", "add", outsideAddress() + "/24", "dev", "eth0");
    Ip.in(outsideNamespace, "link", "set", "eth0", "up");
    Ip.in(hostNamespace, "link", "set", UPLINK, "master", BRIDGE);
    Ip.in(hostNamespace, "link", "set", UPLINK, "up");
    Ip.run("bridge", "-n", hostNamespace, "fdb", "replace", OUTSIDE_MAC, "dev", UPLINK, "master",
        "static");
  }

  /** The namespace behind the uplink port {@link #UPLINK}: where bridged guests' uploads go. */
  public String outsideNamespace() {
    return outsideNamespace;
  }

  /** The address of the outside namespace, behind the uplink. */
  public String outsideAddress() {
    return SUBNET + "254";
  }

  private String bridgeMac() {
    String out = Ip.in(hostNamespace, "-br", "link", "show", "dev", BRIDGE);
    String[] fields = out.strip().split("\\s+");
    if (fields.length < 3) {
      throw new IllegalStateException("cannot read the MAC of " + BRIDGE + " from: " + out);
    }
    return fields[2];
  }

  private void addNamespace(String name) {
    Ip.run("ip", "netns", "add", name);
    created.add(name);
  }

  /** {@code nf-demo-<random>}: every namespace of this lab starts with it. */
  public String prefix() {
    return prefix;
  }

  /** The namespace holding the bridge. */
  public String hostNamespace() {
    return hostNamespace;
  }

  /** The bridge's own address, the source of the demo's traffic. */
  public String bridgeAddress() {
    return SUBNET + "1";
  }

  public List<Vm> vms() {
    return List.copyOf(vms);
  }

  /** The namespaces this lab created and has not deleted yet. */
  public synchronized List<String> namespaces() {
    return List.copyOf(created);
  }

  /** Deletes every namespace of the lab (VMs first, then the host). Idempotent. */
  @Override
  public synchronized void close() {
    if (!closed.compareAndSet(false, true) && created.isEmpty()) {
      return;
    }
    RuntimeException first = null;
    for (int i = created.size() - 1; i >= 0; i--) {
      try {
        Ip.run("ip", "netns", "del", created.get(i));
        created.remove(i);
      } catch (RuntimeException e) {
        if (first == null) {
          first = e;
        } else {
          first.addSuppressed(e);
        }
      }
    }
    if (first != null) {
      throw first;
    }
  }
}
