// SPDX-License-Identifier: Apache-2.0
/**
 * Machinery behind {@link io.netfloor.persistence.FileStatusStore}: the file readers' view of the
 * public {@link io.netfloor.spi.StatusRecordCodec} ({@link
 * io.netfloor.persistence.internal.StatusCodec}), checksummed lines
 * ({@link io.netfloor.persistence.internal.Checksums}), the snapshot, journal and index file
 * formats ({@link io.netfloor.persistence.internal.SnapshotFile}, {@link
 * io.netfloor.persistence.internal.JournalFile}, {@link
 * io.netfloor.persistence.internal.IndexFile}) and atomic file replacement
 * ({@link io.netfloor.persistence.internal.AtomicFiles}).
 *
 * <p>Not part of the public API: nothing here is stable, and only the {@code persistence} module
 * itself may depend on it.
 */
package io.netfloor.persistence.internal;
