// SPDX-License-Identifier: Apache-2.0
/**
 * The pure model of floor shaping. {@link io.netfloor.model.NetworkConfig} describes a network (its
 * bridge, its {@link io.netfloor.model.Bandwidth}, the filter layout and other options);
 * {@link io.netfloor.model.HtbTree} is the immutable model of its HTB tree, whose operations
 * ({@code plug}, {@code unplug}, {@code update}, {@code changeMac}, {@code park}) check admission
 * and conflicts and return a {@link io.netfloor.model.TreeChange}: the new tree, the plan of kernel
 * operations and its undo. {@link io.netfloor.model.ClassIdAllocator} hands out class ids as
 * libvirt does (lowest free first, 0–2 reserved); {@link io.netfloor.model.DeviceShaping} builds an
 * interface's own limits on its device; {@link io.netfloor.model.LibvirtBandwidthXml} reads and
 * writes libvirt's {@code <bandwidth>}. {@link io.netfloor.model.NetworkStatus} is what a store
 * keeps of a tree, and {@link io.netfloor.model.StatusChange} one change of it, as a transition
 * writes it into its {@code TreeChange}; {@link io.netfloor.model.NetworkName} and
 * {@link io.netfloor.model.InterfaceAlias} are the checked names of a network and of an interface.
 * The SPI ({@code io.netfloor.spi}) depends on this package, never the reverse.
 *
 * <pre>{@code
 * TreeChange c = HtbTree.start(config).tree()
 *     .plug("vm1", MacAddress.parse("52:54:00:12:34:56"), Bandwidth.floor(Rate.parse("20mbit")));
 * c.plan();  // what to send to the kernel
 * }</pre>
 *
 * <p>No kernel access and no I/O: the model is tested with properties against the simulated kernel
 * in {@code io.netfloor.spi}.
 */
package io.netfloor.model;
