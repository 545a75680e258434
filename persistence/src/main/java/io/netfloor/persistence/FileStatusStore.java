// SPDX-License-Identifier: Apache-2.0
package io.netfloor.persistence;

import com.google.common.collect.ImmutableSortedSet;
import io.netfloor.model.NetworkConfig;
import io.netfloor.model.NetworkName;
import io.netfloor.model.NetworkStatus;
import io.netfloor.model.StatusChange;
import io.netfloor.persistence.internal.AtomicFiles;
import io.netfloor.persistence.internal.FormatException;
import io.netfloor.persistence.internal.IndexFile;
import io.netfloor.persistence.internal.JournalChannel;
import io.netfloor.persistence.internal.JournalFile;
import io.netfloor.persistence.internal.MutableStatus;
import io.netfloor.persistence.internal.SnapshotFile;
import io.netfloor.spi.StatusStore;
import io.netfloor.spi.StatusStoreException;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.SecureRandom;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link StatusStore} in a directory of text files: per network, a snapshot of the whole status
 * ({@code <network>.status}) and a journal of the changes since ({@code <network>.journal}); for the
 * store, the list of its networks ({@code networks.index}). Open it with {@link #open(Path)}, or
 * with {@link #openReadOnly(Path)} to look without changing anything.
 *
 * <h2>Cost</h2>
 *
 * {@link #record} writes one line (a few hundred bytes at most, whatever the number of interfaces)
 * into the journal's preallocated space and fdatasyncs it. When the journal outgrows the snapshot
 * (see {@link Compaction}), or is full, a new snapshot is written and the journal restarted, so the
 * amortised cost of a record stays constant. {@link #save} rewrites the snapshot. Records of one
 * network from concurrent callers share fdatasyncs (group commit, see {@link #append}); each
 * {@link #record} still returns only once its record is durable.
 *
 * <h2>What is an error</h2>
 *
 * A change that {@link #save} or {@link #record} acknowledged is never silently lost: what cannot be
 * read is a {@link StatusStoreException} naming the file (and, in a journal, the byte offset).
 * <ul>
 *   <li>Every file carries a format version and CRC32C checksums (a snapshot and the index over
 *       their whole content, a journal per line). A damaged file, a newer version, a gap in the
 *       journal's record numbers: an error; nothing is reset.
 *   <li>A journal has a fixed length, declared in its header: a journal cut short is an error, also
 *       at a record boundary (see {@link JournalFile}).
 *   <li>The index lists every network saved and not deleted since. A network it lists whose snapshot
 *       is gone is an error; one it does not list and without a snapshot was never saved (or was
 *       deleted) and loads as empty. A store written before the index existed gets one, from its
 *       snapshots, the first time it is opened for writing; a missing index is rebuilt the same way.
 *   <li>Only a torn record may be dropped: the one a crash interrupted while {@link #record} wrote
 *       it, which therefore never returned. It is recognised by its shape (a line cut short, followed
 *       only by the zeros that were there), never by a bad checksum.
 * </ul>
 *
 * <h2>Crash safety</h2>
 *
 * <ul>
 *   <li>Snapshots, fresh journals and the index are written to a temporary file, fsync'ed, renamed
 *       over the old file and the directory fsync'ed: a crash leaves the old or the new file.
 *   <li>Compaction writes the snapshot first, carrying the number of the last record it includes
 *       ({@code seq}), then restarts the journal. A crash in between leaves a journal whose records
 *       the snapshot already includes: replay skips them by number, and the next open for writing
 *       finishes the compaction.
 *   <li>{@link #save} starts a new <em>generation</em>: the snapshot names its generation and the
 *       one it replaced, the journal header its generation. A crash between the snapshot's and the
 *       journal's rename leaves a journal of the replaced generation, which is recognised as stale.
 *       A journal of any other generation is an error.
 *   <li>A network's first save writes its journal, then its snapshot (the commit point), then adds
 *       it to the index; {@link #delete} takes it out of the index first, then deletes the files. A
 *       crash in between leaves either a snapshot the index does not list (the network exists, and
 *       the index is completed at the next open for writing) or a journal without snapshot nor
 *       index entry (no network).
 * </ul>
 *
 * <p>The commit point of {@link #save} is the snapshot's rename, of {@link #record} the fdatasync of
 * the written line. If fsync'ing the directory after the snapshot's rename fails, the outcome is
 * unknown, and save throws saying so.
 *
 * <h2>Read-only</h2>
 *
 * A store opened with {@link #openReadOnly} never writes, creates, truncates or repairs a file: it
 * reads what a crash left as a store opened for writing would, leaving the repairs to that store.
 * {@link #save}, {@link #record} and {@link #delete} throw.
 *
 * <h2>Security</h2>
 *
 * The directory is created {@code 0700} when missing; an existing one must pass
 * {@link SafeDirectory#check} (a real directory, not a symbolic link, of the current user, not
 * writable by group or others, in directories only root or the current user can change), else the
 * store refuses to open. Files are created {@code 0600} and never opened through symbolic links.
 * Network names are checked with {@link NetworkName}, so they cannot name a path outside
 * the directory.
 *
 * <h2>Concurrency</h2>
 *
 * Thread-safe; each network has its own lock, so networks do not wait for each other's fsyncs. One
 * writing store per directory: {@link #open} takes an exclusive lock on {@code .lock} in the
 * directory, {@link #openReadOnly} a shared one (so it never sees a write half done), released by
 * {@link #close} (or by the process's death).
 */
public final class FileStatusStore implements StatusStore {
  private static final Logger LOG = LoggerFactory.getLogger(FileStatusStore.class);
  private static final String SNAPSHOT_SUFFIX = ".status";
  private static final String JOURNAL_SUFFIX = ".journal";
  private static final String INDEX_FILE = "networks.index";
  private static final String LOCK_FILE = ".lock";
  private static final String WHAT = "status directory";
  private static final SecureRandom RANDOM = new SecureRandom();

  /**
   * When to compact a network's journal into a new snapshot: once the bytes it holds exceed both
   * {@code minJournalBytes} and {@code journalToSnapshotRatio} times the snapshot's size. With a
   * ratio of 1 a compaction writes at most as many bytes as the records since the last one did,
   * so the amortised bytes written per record stay constant.
   *
   * <p>A journal is created with room for that many bytes of records plus {@value #RECORD_ROOM}
   * (at most {@value #MAX_JOURNAL_ROOM} bytes in all; a full journal is compacted whatever the
   * policy says). Its unused room is a hole in the file, which costs no disk space.
   *
   * @param minJournalBytes the journal size in bytes below which it is never compacted, 0 or more
   * @param journalToSnapshotRatio how many times the snapshot's size the journal must exceed before
   *     it is compacted, positive
   */
  public record Compaction(long minJournalBytes, double journalToSnapshotRatio) {
    /** 64 KiB, or the snapshot's size if larger. */
    public static final Compaction DEFAULT = new Compaction(64 * 1024, 1.0);
    /** Room for records beyond the threshold: more than any one record needs. */
    public static final long RECORD_ROOM = 4096;
    /** The most room a journal is created with. */
    public static final long MAX_JOURNAL_ROOM = 4 * 1024 * 1024;

    /**
     * Checks the bounds.
     *
     * @param minJournalBytes the journal size in bytes below which it is never compacted, 0 or more
     * @param journalToSnapshotRatio how many times the snapshot's size the journal must exceed
     *     before it is compacted, positive
     * @throws IllegalArgumentException if {@code minJournalBytes} is negative or the ratio is not
     *     positive
     */
    public Compaction {
      if (minJournalBytes < 0 || !(journalToSnapshotRatio > 0)) {
        throw new IllegalArgumentException("compaction needs minJournalBytes >= 0 and a positive"
            + " ratio, got " + minJournalBytes + " and " + journalToSnapshotRatio);
      }
    }

    boolean due(long journalBytes, long snapshotBytes) {
      return journalBytes > minJournalBytes && journalBytes > journalToSnapshotRatio * snapshotBytes;
    }

    /** The room for records of a journal started after a snapshot of {@code snapshotBytes}. */
    long room(long snapshotBytes) {
      double threshold = Math.max(minJournalBytes, journalToSnapshotRatio * snapshotBytes);
      return (long) Math.min(threshold, MAX_JOURNAL_ROOM - RECORD_ROOM) + RECORD_ROOM;
    }
  }

  private final Path dir;
  private final Compaction compaction;
  private final boolean readOnly;
  private final FileChannel lockChannel;
  private final FileLock lock;
  private final ConcurrentHashMap<String, Slot> slots = new ConcurrentHashMap<>();
  /** Serialises changes of the index; taken after a network's lock, never before. */
  private final ReentrantLock indexLock = new ReentrantLock();
  private volatile boolean closed;
  private final AtomicLong journalSyncs = new AtomicLong();

  /** Per network: its lock and, once read, its open state. */
  private static final class Slot {
    final ReentrantLock lock = new ReentrantLock();
    Open open; // null: not read yet, or dropped after an error (read again from disk)
    /**
     * Group commit: records written to the journal but not yet synced are numbered by tickets;
     * one caller syncs for all written so far while the others wait. Guarded by {@code sync}, which
     * is taken after {@code lock} (never before) or alone.
     */
    final ReentrantLock sync = new ReentrantLock();
    final Condition changed = sync.newCondition();
    long written;
    long synced;
    /** Ranges of tickets (after, through] whose sync failed, with why; rare, so a list. */
    final List<FailedSync> failed = new ArrayList<>();
    boolean syncing;
    /** The journal the unsynced records are in, and where each starts (ticket synced + 1 first). */
    JournalChannel unsyncedIn;
    final ArrayDeque<Long> unsyncedAt = new ArrayDeque<>();
  }

  private record FailedSync(long after, long through, IOException cause) {}

  /** A network read from disk, with its journal open for writing. */
  private static final class Open {
    final MutableStatus status;
    final long generation;
    final OptionalLong previous;
    long lastSeq;
    long snapshotBytes;
    /** Where the next record goes (the bytes before it: header and records). */
    long journalBytes;
    /** The journal's fixed length. */
    long capacity;
    JournalChannel journal;

    Open(NetworkStatus status, long generation, OptionalLong previous, long lastSeq) {
      this.status = new MutableStatus(status);
      this.generation = generation;
      this.previous = previous;
      this.lastSeq = lastSeq;
    }
  }

  /** What a network's files say, read without changing them. */
  private record OnDisk(SnapshotFile snapshot, long snapshotBytes, JournalFile.Contents journal,
      MutableStatus status, long lastSeq, Optional<String> restartJournal) {}

  private FileStatusStore(Path dir, Compaction compaction, boolean readOnly, FileChannel lockChannel,
      FileLock lock) {
    this.dir = dir;
    this.compaction = compaction;
    this.readOnly = readOnly;
    this.lockChannel = lockChannel;
    this.lock = lock;
  }

  /**
   * Opens (creating it {@code 0700} if missing) the store in {@code dir} for reading and writing.
   *
   * @param dir the status directory; created with mode {@code 0700} (and missing parents) if absent
   * @return the open store, holding the directory's lock until {@link #close()}
   * @throws StatusStoreException when the directory is unsafe (see {@link SafeDirectory}), or
   *     another store has it open
   */
  public static FileStatusStore open(Path dir) {
    return open(dir, Compaction.DEFAULT);
  }

  /**
   * Opens (creating it {@code 0700} if missing) the store in {@code dir} for reading and writing.
   *
   * @param dir the status directory; created with mode {@code 0700} if absent
   * @param compaction when journals are compacted into snapshots
   * @return the open store, holding the directory's lock until {@link #close()}
   * @throws StatusStoreException when the directory is unsafe (see {@link SafeDirectory}), or
   *     another store has it open
   */
  public static FileStatusStore open(Path dir, Compaction compaction) {
    Objects.requireNonNull(compaction, "compaction");
    Objects.requireNonNull(dir, "dir");
    SafeDirectory.createOrCheck(dir, WHAT);
    Path real = SafeDirectory.check(dir, WHAT);
    Path lockFile = real.resolve(LOCK_FILE);
    FileChannel ch = null;
    try {
      ch = FileChannel.open(lockFile, Set.of(StandardOpenOption.CREATE, StandardOpenOption.WRITE,
          LinkOption.NOFOLLOW_LINKS), AtomicFiles.FILE_ATTR);
      FileLock lock = tryLock(ch, false);
      if (lock == null) {
        throw new StatusStoreException("status directory " + real + " is in use by another"
            + " FileStatusStore (" + lockFile + " is locked); close it first");
      }
      removeLeftoverTemporaries(real);
      FileStatusStore store = new FileStatusStore(real, compaction, false, ch, lock);
      store.completeIndex();
      return store;
    } catch (IOException e) {
      closeQuietly(ch);
      throw new StatusStoreException("cannot open status directory " + real + " (" + lockFile
          + "): " + e, e);
    } catch (RuntimeException e) {
      closeQuietly(ch);
      throw e;
    }
  }

  /**
   * Opens the existing store in {@code dir} for reading only: nothing in the directory is created,
   * written, truncated or repaired (see the class documentation). Waits for no one: while a store
   * opened for writing holds the directory, this fails saying it is in use.
   *
   * @param dir the status directory, which must exist
   * @return the store; every write method throws {@link StatusStoreException}
   * @throws StatusStoreException when the directory does not exist or is unsafe, or is in use
   */
  public static FileStatusStore openReadOnly(Path dir) {
    Objects.requireNonNull(dir, "dir");
    Path real = SafeDirectory.check(dir, WHAT);
    Path lockFile = real.resolve(LOCK_FILE);
    FileChannel ch = null;
    try {
      FileLock lock = null;
      if (SafeDirectory.exists(lockFile)) {
        ch = FileChannel.open(lockFile, Set.of(StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS));
        lock = tryLock(ch, true);
        if (lock == null) {
          throw new StatusStoreException("status directory " + real + " is in use by another"
              + " FileStatusStore (" + lockFile + " is locked); close it first");
        }
      } // else no store ever wrote here: there is nothing to be consistent with
      return new FileStatusStore(real, Compaction.DEFAULT, true, ch, lock);
    } catch (IOException e) {
      closeQuietly(ch);
      throw new StatusStoreException("cannot open status directory " + real + " (" + lockFile
          + "): " + e, e);
    } catch (RuntimeException e) {
      closeQuietly(ch);
      throw e;
    }
  }

  private static FileLock tryLock(FileChannel ch, boolean shared) throws IOException {
    try {
      return ch.tryLock(0, Long.MAX_VALUE, shared);
    } catch (OverlappingFileLockException e) {
      return null; // this JVM holds it
    }
  }

  private static void removeLeftoverTemporaries(Path dir) throws IOException {
    try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir, ".*.tmp")) {
      for (Path p : ds) {
        LOG.info("removing {}, left over by an interrupted write", p);
        Files.deleteIfExists(p);
      }
    }
  }

  /**
   * The directory this store keeps its files in (its real path).
   *
   * @return the directory's real path, symbolic links resolved
   */
  public Path directory() {
    return dir;
  }

  /**
   * Whether this store was opened with {@link #openReadOnly}.
   *
   * @return true when the store never writes
   */
  public boolean isReadOnly() {
    return readOnly;
  }

  /**
   * The snapshot file of {@code network} (which may not exist).
   *
   * @param network the network's name
   * @return the path of {@code <network>.status} in the directory
   * @throws io.netfloor.InvalidValueException if the name is not a valid network name
   */
  public Path statusFile(String network) {
    return dir.resolve(NetworkName.of(network).value() + SNAPSHOT_SUFFIX);
  }

  /**
   * The journal file of {@code network} (which may not exist).
   *
   * @param network the network's name
   * @return the path of {@code <network>.journal} in the directory
   * @throws io.netfloor.InvalidValueException if the name is not a valid network name
   */
  public Path journalFile(String network) {
    return dir.resolve(NetworkName.of(network).value() + JOURNAL_SUFFIX);
  }

  /**
   * The file listing the networks saved and not deleted (which may not exist).
   *
   * @return the path of {@code networks.index} in the directory
   */
  public Path indexFile() {
    return dir.resolve(INDEX_FILE);
  }

  /**
   * {@inheritDoc}
   *
   * <p>Opened for writing, this also finishes what a crash interrupted (a compaction, a save) and
   * zeros a torn record; read-only, it changes nothing.
   *
   * @throws StatusStoreException when a file is damaged, of a newer format, or missing (a network
   *     the index lists without its snapshot; a snapshot without its journal), naming the file
   */
  @Override
  public Optional<NetworkStatus> load(String network) {
    Slot slot = lockSlot(network);
    try {
      if (readOnly) {
        OnDisk d = read(network);
        return d == null ? Optional.empty() : Optional.of(d.status().toStatus());
      }
      Open o = openNetwork(network, slot);
      return o == null ? Optional.empty() : Optional.of(o.status.toStatus());
    } finally {
      slot.lock.unlock();
    }
  }

  /**
   * Where the stored status of {@code network} stands: the snapshot's generation (new at every
   * {@link #save}) and the number of the last record. Every save and every record changes it; a
   * compaction does not (same content). A caller that remembered it can tell, without comparing
   * statuses, whether anything changed the network's status since.
   *
   * @param network the network's name
   * @return the revision ({@code generation:record}, hexadecimal), or empty when the store holds no
   *     status of the network
   * @throws StatusStoreException as {@link #load} does
   */
  public Optional<String> revision(String network) {
    Slot slot = lockSlot(network);
    try {
      if (readOnly) {
        OnDisk d = read(network);
        return d == null ? Optional.empty()
            : Optional.of(revision(d.snapshot().generation(), d.lastSeq()));
      }
      Open o = openNetwork(network, slot);
      return o == null ? Optional.empty() : Optional.of(revision(o.generation, o.lastSeq));
    } finally {
      slot.lock.unlock();
    }
  }

  private static String revision(long generation, long lastSeq) {
    return String.format("%016x:%x", generation, lastSeq);
  }

  @Override
  public void save(NetworkStatus status) {
    String network = status.network().value();
    requireWritable("save the status of network '" + network + "'");
    Slot slot = lockSlot(network);
    try {
      Path snapshot = statusFile(network);
      Path journal = journalFile(network);
      OptionalLong previous = currentGeneration(slot, journal);
      dropOpen(slot);
      long generation;
      do {
        generation = RANDOM.nextLong();
      } while (previous.isPresent() && previous.getAsLong() == generation);
      byte[] snap = new SnapshotFile(status, generation, previous, 0).encode();
      long size = JournalFile.sizeFor(network, generation, 0, compaction.room(snap.length));
      byte[] header = JournalFile.header(network, generation, 0, size);
      boolean journalFresh = true;
      if (Files.exists(snapshot, LinkOption.NOFOLLOW_LINKS)) {
        // The snapshot's rename commits; the old journal is then stale and recognised as such.
        commitSnapshot(snapshot, snap, "save");
        try {
          AtomicFiles.replace(journal, header, size);
        } catch (IOException e) {
          journalFresh = false;
          LOG.warn("saved {} but could not restart its journal {} ({}); the next load will", snapshot,
              journal, e.toString());
        }
      } else {
        // A new network (or one whose snapshot was lost: this replaces it). Refuse before anything
        // changes when the index cannot be updated afterwards.
        readIndex();
        // The journal goes first, so that a snapshot never exists without one. A journal without a
        // snapshot and not in the index (a crash before the snapshot's rename) counts as absent.
        try {
          AtomicFiles.replace(journal, header, size);
        } catch (IOException e) {
          throw new StatusStoreException("cannot save status of network '" + network + "': writing "
              + journal + " failed: " + e, e);
        }
        commitSnapshot(snapshot, snap, "save");
      }
      addToIndexAfterCommit(network);
      if (journalFresh) {
        Open o = new Open(status, generation, previous, 0);
        o.snapshotBytes = snap.length;
        try {
          o.journal = openJournal(journal);
          o.journalBytes = header.length;
          o.capacity = size;
          slot.open = o;
        } catch (IOException e) {
          LOG.warn("saved {} but cannot reopen {} ({}); it will be read again", snapshot, journal,
              e.toString());
        }
      }
    } finally {
      slot.lock.unlock();
    }
  }

  /**
   * Skips the save when the loaded status (snapshot plus journal) already equals {@code status} and
   * the journal is not due for compaction: rewriting an identical snapshot costs two fsyncs, a
   * rename and a directory fsync for nothing. A journal that is due is compacted here, as a
   * {@link #record} would; one that is not stays bounded by the same {@link Compaction} policy.
   */
  @Override
  public void saveIfChanged(NetworkStatus status) {
    requireWritable("save the status of network '" + status.network() + "'");
    Slot slot = lockSlot(status.network().value());
    try {
      Open o = openNetwork(status.network().value(), slot);
      if (o != null && o.journal != null && !compaction.due(o.journalBytes, o.snapshotBytes)
          && o.status.toStatus().equals(status)) {
        return;
      }
      save(status);
    } finally {
      slot.lock.unlock();
    }
  }

  @Override
  public void record(String network, StatusChange change) {
    append(network, change).awaitDurable();
  }

  /**
   * {@inheritDoc}
   *
   * <p>Writes the record into the journal (no sync); {@link Pending#awaitDurable()} then either
   * fdatasyncs the journal for every record written so far, or waits for the caller already doing
   * so and, if that sync did not cover its record, does the next one. So N callers recording
   * concurrently pay about one fdatasync each round instead of N.
   */
  @Override
  public Pending append(String network, StatusChange change) {
    Objects.requireNonNull(change, "change");
    requireWritable("record a change of network '" + network + "'");
    Slot slot = lockSlot(network);
    long ticket;
    try {
      Open o = openNetwork(network, slot);
      if (o == null) {
        throw new StatusStoreException("no status of network '" + network + "' in " + dir
            + " to record a change into; save one first");
      }
      long seq = o.lastSeq + 1;
      byte[] line = JournalFile.record(seq, change);
      if (o.journalBytes + line.length > o.capacity) {
        compact(network, slot, o, line.length);
        o = slot.open;
        if (o == null) {
          throw new StatusStoreException("cannot record a change of network '" + network + "': "
              + journalFile(network) + " is full and compacting it into " + statusFile(network)
              + " failed (see the log); nothing was recorded");
        }
        if (o.journalBytes + line.length > o.capacity) {
          throw new StatusStoreException("cannot record a change of network '" + network + "': its"
              + " record of " + line.length + " bytes does not fit a fresh journal of "
              + o.capacity + " bytes; nothing was recorded");
        }
      }
      long at = o.journalBytes;
      try {
        o.journal.write(line, at);
      } catch (IOException e) {
        undoWrite(o, at, line.length, journalFile(network));
        dropOpen(slot);
        throw new StatusStoreException("cannot record a change of network '" + network + "' in "
            + journalFile(network) + ": " + e, e);
      }
      o.status.apply(change);
      o.lastSeq = seq;
      o.journalBytes = at + line.length;
      ticket = written(slot, o.journal, at);
      if (compaction.due(o.journalBytes, o.snapshotBytes)) {
        compact(network, slot, o);
      }
    } finally {
      slot.lock.unlock();
    }
    return () -> awaitDurable(network, slot, ticket);
  }

  /**
   * How many times a journal was fdatasync'ed for {@link #record}/{@link #append} since the store
   * was opened (with group commit, fewer than the records when callers record concurrently).
   *
   * @return the number of journal fdatasyncs so far
   */
  public long journalSyncs() {
    return journalSyncs.get();
  }

  /** Numbers a record just written at {@code at} of {@code journal}; under the slot's lock. */
  private static long written(Slot slot, JournalChannel journal, long at) {
    slot.sync.lock();
    try {
      slot.unsyncedAt.addLast(at);
      slot.unsyncedIn = journal;
      return ++slot.written;
    } finally {
      slot.sync.unlock();
    }
  }

  private void awaitDurable(String network, Slot slot, long ticket) {
    slot.sync.lock();
    try {
      while (true) {
        for (FailedSync f : slot.failed) {
          if (ticket > f.after() && ticket <= f.through()) {
            throw new StatusStoreException("a change of network '" + network + "' could not be"
                + " made durable in " + journalFile(network) + " (fdatasync failed: " + f.cause()
                + "); it is not recorded", f.cause());
          }
        }
        if (slot.synced >= ticket) {
          return;
        }
        if (slot.syncing) {
          slot.changed.awaitUninterruptibly();
          continue;
        }
        // lead: sync everything written so far, outside the lock so others keep writing
        slot.syncing = true;
        long target = slot.written;
        JournalChannel journal = slot.unsyncedIn;
        IOException failed = null;
        slot.sync.unlock();
        try {
          journal.force(); // not closed by an interrupt of this thread: others wait for it
          journalSyncs.incrementAndGet();
        } catch (IOException e) {
          failed = e;
        } finally {
          slot.sync.lock();
        }
        slot.syncing = false;
        if (failed == null) {
          advanceSynced(slot, target);
        } else if (slot.synced < target) {
          // a compaction may have made them durable meanwhile (and closed this journal)
          slot.sync.unlock();
          try {
            failSync(network, slot, journal, failed);
          } finally {
            slot.sync.lock();
          }
        }
        slot.changed.signalAll();
      }
    } finally {
      slot.sync.unlock();
    }
  }

  /** Under {@code slot.sync}. */
  private static void advanceSynced(Slot slot, long through) {
    for (long t = slot.synced; t < through && !slot.unsyncedAt.isEmpty(); t++) {
      slot.unsyncedAt.removeFirst();
    }
    if (through > slot.synced) {
      slot.synced = through;
    }
    if (slot.synced >= slot.written) {
      slot.unsyncedIn = null;
    }
  }

  /**
   * A sync of the records written so far failed: they are taken back (zeroed, as a failed write
   * is) and the network is read from disk again before its next change.
   */
  private void failSync(String network, Slot slot, JournalChannel journal, IOException failure) {
    slot.lock.lock();
    try {
      slot.sync.lock();
      try {
        if (slot.synced >= slot.written || slot.unsyncedIn != journal) {
          return; // made durable (or superseded) while this thread waited for the lock
        }
        Open o = slot.open;
        if (o != null && o.journal == journal) {
          long from = slot.unsyncedAt.getFirst();
          undoWrite(o, from, (int) (o.journalBytes - from), journalFile(network));
          closeQuietly(o.journal);
          slot.open = null;
        }
        failPending(slot, failure);
      } finally {
        slot.sync.unlock();
      }
    } finally {
      slot.lock.unlock();
    }
  }

  /** Under {@code slot.sync}: every unsynced record failed; nothing is left to sync. */
  private static void failPending(Slot slot, IOException cause) {
    slot.failed.add(new FailedSync(slot.synced, slot.written, cause));
    slot.synced = slot.written;
    slot.unsyncedIn = null;
    slot.unsyncedAt.clear();
    slot.changed.signalAll();
  }

  /**
   * Under the slot's lock, before {@code journal} is closed: its unsynced records are synced now
   * (or fail), so that no waiter is left with a record in a closed file.
   */
  private void settleUnsynced(Slot slot, JournalChannel journal) {
    slot.sync.lock();
    try {
      if (journal == null || slot.synced >= slot.written || slot.unsyncedIn != journal) {
        return;
      }
      long target = slot.written;
      try {
        journal.force();
        journalSyncs.incrementAndGet();
        advanceSynced(slot, target);
        slot.changed.signalAll();
      } catch (IOException e) {
        failPending(slot, e);
      }
    } finally {
      slot.sync.unlock();
    }
  }

  /**
   * Under the slot's lock: the unsynced records became durable another way (a snapshot that holds
   * them, fsync'ed), or were superseded by a save or delete.
   */
  private static void allDurable(Slot slot) {
    slot.sync.lock();
    try {
      advanceSynced(slot, slot.written);
      slot.changed.signalAll();
    } finally {
      slot.sync.unlock();
    }
  }

  /**
   * {@inheritDoc}
   *
   * <p>Does not read the network's files, so it also forgets a status that cannot be read.
   *
   * @throws StatusStoreException also when the index cannot be read (nothing is deleted then)
   */
  @Override
  public void delete(String network) {
    requireWritable("delete the status of network '" + network + "'");
    Slot slot = lockSlot(network);
    try {
      dropOpen(slot);
      // The index first: a crash after it leaves files that still load (the delete never returned)
      // or a journal alone, which is no network.
      removeFromIndex(network);
      // Snapshot before journal: a journal left alone by a crash here counts as absent; a snapshot
      // left without its journal would be an error.
      Files.deleteIfExists(statusFile(network));
      AtomicFiles.syncDirectory(dir);
      Files.deleteIfExists(journalFile(network));
      AtomicFiles.syncDirectory(dir);
    } catch (IOException e) {
      throw new StatusStoreException("cannot delete the status of network '" + network + "' in "
          + dir + ": " + e, e);
    } finally {
      slot.lock.unlock();
    }
  }

  /**
   * {@inheritDoc}
   *
   * <p>The networks with a snapshot and those the index lists (a listed network whose files are
   * lost is still a network: its {@link #load} says what is missing).
   *
   * @throws StatusStoreException when the index cannot be read
   */
  @Override
  public Set<String> networks() {
    checkOpen();
    SortedSet<String> names = new TreeSet<>(snapshotsOnDisk());
    readIndex().ifPresent(names::addAll);
    return ImmutableSortedSet.copyOf(names);
  }

  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    for (Slot slot : slots.values()) {
      slot.lock.lock();
      try {
        dropOpen(slot);
      } finally {
        slot.lock.unlock();
      }
    }
    if (lock != null) {
      try {
        lock.release();
      } catch (IOException e) {
        LOG.warn("cannot release {}: {}", dir.resolve(LOCK_FILE), e.toString());
      }
    }
    closeQuietly(lockChannel);
  }

  @Override
  public String toString() {
    return "FileStatusStore[" + dir + (readOnly ? ", read-only]" : "]");
  }

  // ---- internals

  private Slot lockSlot(String network) {
    NetworkName.of(network).value();
    checkOpen();
    Slot slot = slots.computeIfAbsent(network, n -> new Slot());
    slot.lock.lock();
    if (closed) {
      slot.lock.unlock();
      checkOpen();
    }
    return slot;
  }

  private void checkOpen() {
    if (closed) {
      throw new StatusStoreException("status store " + dir + " is closed");
    }
  }

  private void requireWritable(String what) {
    checkOpen();
    if (readOnly) {
      throw new StatusStoreException("cannot " + what + ": status store " + dir + " is opened"
          + " read-only");
    }
  }

  // ---- the index

  /**
   * The networks the index lists; empty when it does not exist (a store written before the index
   * existed, or whose index was deleted: then the snapshots are all there is to go by).
   */
  private Optional<SortedSet<String>> readIndex() {
    Path file = indexFile();
    Optional<byte[]> bytes = readFile(file);
    if (bytes.isEmpty()) {
      return Optional.empty();
    }
    try {
      return Optional.of(IndexFile.decode(bytes.get()));
    } catch (FormatException e) {
      throw new StatusStoreException(file + ": " + e.getMessage() + ". It lists the networks whose"
          + " status was saved; if none of their files is missing, delete it: it is rebuilt from"
          + " the snapshots in " + dir + " when the store is next opened for writing", e);
    }
  }

  private void writeIndex(SortedSet<String> names) throws IOException {
    if (names.isEmpty()) {
      // no network: no index, as in a fresh directory
      if (Files.deleteIfExists(indexFile())) {
        AtomicFiles.syncDirectory(dir);
      }
    } else {
      AtomicFiles.replace(indexFile(), IndexFile.encode(names));
    }
  }

  private SortedSet<String> snapshotsOnDisk() {
    SortedSet<String> names = new TreeSet<>();
    try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir, "*" + SNAPSHOT_SUFFIX)) {
      for (Path p : ds) {
        String file = p.getFileName().toString();
        String name = file.substring(0, file.length() - SNAPSHOT_SUFFIX.length());
        try {
          NetworkName.of(name).value();
          names.add(name);
        } catch (RuntimeException e) {
          LOG.debug("ignoring {}: not a network's snapshot", p);
        }
      }
    } catch (IOException e) {
      throw new StatusStoreException("cannot list status directory " + dir + ": " + e, e);
    }
    return names;
  }

  /**
   * At an open for writing: lists every network with a snapshot in the index (creating it for a
   * store written before it existed). A network's first save that crashed after its snapshot's
   * rename left one unlisted. An unreadable index is left for the calls that need it to report.
   */
  private void completeIndex() {
    indexLock.lock();
    try {
      Optional<SortedSet<String>> listed;
      try {
        listed = readIndex();
      } catch (StatusStoreException e) {
        LOG.warn("{}", e.getMessage());
        return;
      }
      SortedSet<String> snapshots = snapshotsOnDisk();
      SortedSet<String> all = new TreeSet<>(snapshots);
      listed.ifPresent(all::addAll);
      SortedSet<String> unlisted = new TreeSet<>(snapshots);
      listed.ifPresent(unlisted::removeAll);
      if (!unlisted.isEmpty()) {
        LOG.info("{}: listing network(s) {}, which have a snapshot in {}", indexFile(), unlisted,
            dir);
        writeIndex(all);
      }
    } catch (IOException e) {
      LOG.warn("cannot complete {}: {}", indexFile(), e.toString());
    } finally {
      indexLock.unlock();
    }
  }

  /**
   * Lists {@code network} after its snapshot was committed: a failure now cannot undo the save, so
   * it is logged; the next open for writing lists every snapshot.
   */
  private void addToIndexAfterCommit(String network) {
    indexLock.lock();
    try {
      Optional<SortedSet<String>> listed = readIndex();
      if (listed.isPresent() && listed.get().contains(network)) {
        return;
      }
      SortedSet<String> all = new TreeSet<>(listed.orElseGet(this::snapshotsOnDisk));
      all.add(network);
      writeIndex(all);
    } catch (IOException | RuntimeException e) {
      LOG.warn("saved network '{}' but could not list it in {} ({}); the store lists it when next"
          + " opened for writing", network, indexFile(), e.toString());
    } finally {
      indexLock.unlock();
    }
  }

  private void removeFromIndex(String network) throws IOException {
    indexLock.lock();
    try {
      Optional<SortedSet<String>> listed = readIndex();
      if (listed.isPresent() && listed.get().contains(network)) {
        SortedSet<String> rest = new TreeSet<>(listed.get());
        rest.remove(network);
        writeIndex(rest);
      }
    } finally {
      indexLock.unlock();
    }
  }

  // ---- reading

  private Optional<byte[]> readFile(Path file) {
    try {
      return AtomicFiles.readIfExists(file);
    } catch (IOException e) {
      throw new StatusStoreException("cannot read " + file + ": " + e, e);
    }
  }

  /** The generation of the journal on disk, which a new save must name as the one it replaces. */
  private OptionalLong currentGeneration(Slot slot, Path journal) {
    if (slot.open != null) {
      return OptionalLong.of(slot.open.generation);
    }
    try {
      Optional<byte[]> bytes = AtomicFiles.readIfExists(journal);
      if (bytes.isPresent()) {
        return OptionalLong.of(JournalFile.decode(bytes.get()).generation());
      }
    } catch (IOException | FormatException e) {
      LOG.warn("replacing the status in {} whose journal cannot be read ({})", journal, e.getMessage());
    }
    return OptionalLong.empty();
  }

  /**
   * Reads a network's files without changing them: null when it has none and the index does not
   * list it; what the files hold otherwise, with what an open for writing must finish.
   */
  private OnDisk read(String network) {
    Path snapshotFile = statusFile(network);
    Path journalFile = journalFile(network);
    Optional<byte[]> snapBytes = readFile(snapshotFile);
    if (snapBytes.isEmpty()) {
      boolean listed = readIndex().map(s -> s.contains(network)).orElse(false);
      if (!listed) {
        return null; // never saved or deleted; a journal alone is a first save or delete that did not finish
      }
      boolean journalLeft = Files.exists(journalFile, LinkOption.NOFOLLOW_LINKS);
      throw new StatusStoreException(snapshotFile + " is missing, but " + indexFile() + " lists"
          + " network '" + network + "' as saved and not deleted: its status is lost. Restore "
          + (journalLeft ? snapshotFile + " from a backup (" + journalFile + " only holds the"
              + " changes since it)" : snapshotFile + " and " + journalFile + " from a backup")
          + ", or forget the network (delete its status) to start over");
    }
    SnapshotFile snap = decode(snapshotFile, () -> SnapshotFile.decode(snapBytes.get()));
    if (!snap.status().network().value().equals(network)) {
      throw new StatusStoreException(snapshotFile + " holds the status of network '"
          + snap.status().network() + "', not of '" + network + "' (renamed by hand?)");
    }
    Optional<byte[]> journalBytes = readFile(journalFile);
    if (journalBytes.isEmpty()) {
      throw new StatusStoreException(journalFile + " is missing, though " + snapshotFile
          + " exists; the changes recorded since that snapshot are lost. Restore it, or save a"
          + " status reconciled with the kernel to start over");
    }
    JournalFile.Contents journal = decode(journalFile, () -> JournalFile.decode(journalBytes.get()));
    if (!journal.network().equals(network)) {
      throw new StatusStoreException(journalFile + " is the journal of network '"
          + journal.network() + "', not of '" + network + "'");
    }
    MutableStatus status = new MutableStatus(snap.status());
    long lastSeq = snap.seq();
    Optional<String> restart = Optional.empty();
    if (journal.generation() == snap.generation()) {
      if (journal.base() > snap.seq()) {
        throw new StatusStoreException(journalFile + " continues from record " + journal.base()
            + " but " + snapshotFile + " ends at record " + snap.seq() + "; records "
            + (snap.seq() + 1) + ".." + journal.base() + " are missing (an older snapshot was"
            + " restored?)");
      }
      for (JournalFile.Entry e : journal.entries()) {
        if (e.seq() > snap.seq()) {
          status.apply(e.change());
          lastSeq = e.seq();
        }
      }
      if (journal.base() < snap.seq()) {
        restart = Optional.of("finishing a compaction a crash interrupted: " + snapshotFile
            + " already includes the records of " + journalFile);
      } else if (journal.version() < JournalFile.VERSION) {
        restart = Optional.of("rewriting " + journalFile + " (format version " + journal.version()
            + ") as format version " + JournalFile.VERSION);
      }
    } else if (snap.previous().isPresent() && snap.previous().getAsLong() == journal.generation()) {
      // A save renamed its snapshot but did not restart the journal: the journal is stale.
      restart = Optional.of(journalFile + " belongs to the status replaced by the last save;"
          + " restarting it");
    } else {
      throw new StatusStoreException(journalFile + " belongs to generation "
          + String.format("%016x", journal.generation()) + ", but " + snapshotFile + " is generation "
          + String.format("%016x", snap.generation()) + " and replaced "
          + (snap.previous().isPresent() ? String.format("%016x", snap.previous().getAsLong())
              : "nothing") + "; the files do not belong together");
    }
    return new OnDisk(snap, snapBytes.get().length, journal, status, lastSeq, restart);
  }

  /** The network's open state, reading and repairing it from disk if needed; null if absent. */
  private Open openNetwork(String network, Slot slot) {
    if (slot.open != null) {
      return slot.open;
    }
    OnDisk d = read(network);
    if (d == null) {
      return null;
    }
    SnapshotFile snap = d.snapshot();
    Open o = new Open(d.status().toStatus(), snap.generation(), snap.previous(), d.lastSeq());
    o.snapshotBytes = d.snapshotBytes();
    if (d.restartJournal().isPresent()) {
      LOG.info("{}", d.restartJournal().get());
      slot.open = o;
      compact(network, slot, o);
      if (slot.open == null) {
        throw new StatusStoreException("cannot finish " + d.restartJournal().get() + " (see the"
            + " log)");
      }
      return o;
    }
    Path journalFile = journalFile(network);
    JournalFile.Contents journal = d.journal();
    try {
      o.journal = openJournal(journalFile);
      o.capacity = journal.size();
      o.journalBytes = journal.end();
      if (journal.needsRepair()) {
        LOG.warn("{}: {}; rewriting those bytes", journalFile, journal.note());
        o.journal.write(journal.repair(), journal.repairAt());
        o.journal.force();
      }
    } catch (IOException e) {
      closeQuietly(o.journal);
      throw new StatusStoreException("cannot open " + journalFile + " for writing: " + e, e);
    }
    slot.open = o;
    return o;
  }

  private interface Decoder<T> {
    T decode() throws FormatException;
  }

  private static <T> T decode(Path file, Decoder<T> decoder) {
    try {
      return decoder.decode();
    } catch (FormatException e) {
      throw new StatusStoreException(file + ": " + e.getMessage(), e);
    }
  }

  // ---- writing

  private void commitSnapshot(Path snapshot, byte[] bytes, String what) {
    try {
      AtomicFiles.replace(snapshot, bytes);
    } catch (IOException e) {
      throw new StatusStoreException(what + " of " + snapshot + " failed (" + e + "); if the"
          + " failure was in fsync'ing the directory after the rename, the new status may or may not"
          + " survive a power loss", e);
    }
  }

  /**
   * Writes a snapshot holding everything up to {@code o.lastSeq}, then restarts the journal. A
   * failure is logged, not thrown (the records are already durable in the old journal), and drops
   * the open state so the next call reads the files again.
   */
  private void compact(String network, Slot slot, Open o) {
    compact(network, slot, o, 0);
  }

  /** Compacts, with a fresh journal that has room for a record of {@code recordBytes} at least. */
  private void compact(String network, Slot slot, Open o, int recordBytes) {
    Path snapshotFile = statusFile(network);
    Path journalFile = journalFile(network);
    try {
      byte[] snap = new SnapshotFile(o.status.toStatus(), o.generation, o.previous, o.lastSeq).encode();
      AtomicFiles.replace(snapshotFile, snap);
      allDurable(slot); // the fsync'ed snapshot holds every record written so far
      closeQuietly(o.journal);
      o.journal = null;
      long room = Math.max(compaction.room(snap.length), recordBytes + Compaction.RECORD_ROOM);
      long size = JournalFile.sizeFor(network, o.generation, o.lastSeq, room);
      byte[] header = JournalFile.header(network, o.generation, o.lastSeq, size);
      AtomicFiles.replace(journalFile, header, size);
      o.journal = openJournal(journalFile);
      o.journalBytes = header.length;
      o.capacity = size;
      o.snapshotBytes = snap.length;
      LOG.debug("compacted {} at record {} ({} bytes)", snapshotFile, o.lastSeq, snap.length);
    } catch (IOException | RuntimeException e) {
      LOG.warn("compaction of {} failed ({}); the journal still holds every record", journalFile,
          e.toString());
      dropOpen(slot);
    }
  }

  private static JournalChannel openJournal(Path journal) throws IOException {
    return JournalChannel.open(journal);
  }

  /** Zeros a failed write, so the file holds exactly what it held before the call. */
  private static void undoWrite(Open o, long at, int length, Path journal) {
    try {
      o.journal.write(new byte[length], at);
      o.journal.force();
    } catch (IOException e) {
      // What was written, if anything, is a record whose call failed: at worst it reads as torn
      // (and is dropped), or whole (the change was made after all; the caller was told it failed).
      LOG.warn("cannot take back a failed write to {}: {}", journal, e.toString());
    }
  }

  private void dropOpen(Slot slot) {
    if (slot.open != null) {
      settleUnsynced(slot, slot.open.journal);
      closeQuietly(slot.open.journal);
      slot.open = null;
    }
  }

  private static void closeQuietly(AutoCloseable c) {
    if (c != null) {
      try {
        c.close();
      } catch (Exception e) {
        LOG.debug("close failed: {}", e.toString());
      }
    }
  }
}
