// SPDX-License-Identifier: Apache-2.0
/**
 * {@link io.netfloor.spi.StatusStore} implementations: where a network's class ids and interface
 * assignments survive a restart or a crash of the host application.
 *
 * <ul>
 *   <li>{@link io.netfloor.persistence.FileStatusStore}: crash-safe files, a snapshot plus a
 *       journal per network, so that a plug costs the same with 10 interfaces as with 4,000; what
 *       cannot be read is an error naming the file, never an empty status. Production.
 *   <li>{@link io.netfloor.persistence.SafeDirectory}: the checks every state directory passes.
 *   <li>{@link io.netfloor.persistence.InMemoryStatusStore}: for tests and embedding.
 *   <li>{@link io.netfloor.persistence.LibvirtStatusImport}: reads libvirt's network and domain
 *       status files, to adopt a network libvirt shaped.
 * </ul>
 *
 * <p>Depends on the {@code api} module only. Example:
 *
 * <pre>{@code
 * try (StatusStore store = FileStatusStore.open(Path.of("/var/lib/netfloor"))) {
 *   store.save(NetworkStatus.empty("default", InterfaceName.of("virbr0")));
 *   store.record("default", new StatusChange.InterfaceSet(plugged));
 *   NetworkStatus status = store.load("default").orElseThrow();
 * }
 * }</pre>
 */
package io.netfloor.persistence;
