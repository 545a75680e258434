// SPDX-License-Identifier: Apache-2.0
/**
 * Network namespaces: {@link io.netfloor.netlink.netns.NamespaceThread} does the {@code setns} or
 * {@code unshare} on a dedicated platform thread, so the namespace of the rest of the JVM never
 * changes.
 */
package io.netfloor.netlink.netns;
