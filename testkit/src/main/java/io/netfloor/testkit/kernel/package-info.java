// SPDX-License-Identifier: Apache-2.0
/**
 * Kernel tests in throwaway network namespaces, with {@code tc} and {@code ip} (iproute2, an
 * implementation independent of NetFloor) as the oracle of what the kernel holds:
 *
 * <ul>
 *   <li>{@link io.netfloor.testkit.kernel.TestNamespace}: a namespace {@code nf-<random>} made
 *       with {@code ip netns add} and removed on close, with bridges, veth ports and "VMs" inside
 *       it; every {@code ip}/{@code tc} it runs is confined to it;
 *   <li>{@link io.netfloor.testkit.kernel.TcOracle}: what {@code tc -j} and {@code ip -j} say a
 *       namespace holds (qdiscs, HTB classes, u32 filters, links), as records and plain maps;
 *   <li>{@link io.netfloor.testkit.kernel.Command}: a host command (mount, chmod) a kernel test
 *       needs besides {@code ip} and {@code tc}.
 * </ul>
 *
 * <p>Creating a namespace needs root (CAP_NET_ADMIN and CAP_SYS_ADMIN): without it
 * {@link io.netfloor.testkit.kernel.TestNamespace#create()} skips the calling test with the reason;
 * as root these tests always run.
 */
package io.netfloor.testkit.kernel;
