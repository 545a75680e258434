package io.netfloor.persistence;

import com.google.common.collect.ImmutableSortedSet;
import io.netfloor.model.NetworkConfig;
import io.netfloor.persistence.internal.AtomicFiles;
import io.netfloor.persistence.internal.FormatException;
import io.netfloor.persistence.internal.JournalFile;
import io.netfloor.persistence.internal.MutableStatus;
import io.netfloor.persistence.internal.SnapshotFile;
import io.netfloor.spi.NetworkStatus;
import io.netfloor.spi.StatusChange;
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
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link StatusStore} in a directory of text files: per network, a snapshot of the whole status
 * ({@code <network>.status}) and an append-only journal of the changes since
 * ({@code <network>.journal}). Open it with {@link #open(Path)}.
 *
 * <h2>Cost</h2>
 *
 * {@link #record} appends one line (a few hundred bytes at most, whatever the number of
 * interfaces) to the journal and fsyncs it. When the journal outgrows the snapshot (see
 * {@link Compaction}), a new snapshot is written and the journal restarted, so the amortised cost
 * of a record stays constant. {@link #save} rewrites the snapshot.
 *
 * <h2>Crash safety</h2>
 *
 * <ul>
 *   <li>Snapshots and fresh journals are written to a temporary file, fsync'ed, renamed over the
 *       old file and the directory fsync'ed: a crash leaves the old or the new file, never a mix.
 *   <li>Every snapshot carries a CRC32C over its content, every journal line its own; a format
 *       version heads every file. A damaged file, a newer version, a gap in the journal's record
 *       numbers: {@link StatusStoreException} naming the file and the fault; nothing is reset.
 *   <li>A torn last journal record (a crash in the middle of an append, which therefore never
 *       returned) is dropped, and the file truncated to the last whole record, with a warning. Only
 *       the last record can be dropped this way; see {@link JournalFile}.
 *   <li>Compaction writes the snapshot first, carrying the number of the last record it includes
 *       ({@code seq}), then restarts the journal. A crash in between leaves a journal whose records
 *       the snapshot already includes: replay skips them by number, and the next open finishes the
 *       compaction.
 *   <li>{@link #save} starts a new <em>generation</em>: the snapshot names its generation and the
 *       one it replaced, the journal header its generation. A crash between the snapshot's and the
 *       journal's rename leaves a journal of the replaced generation, which is recognised as stale.
 *       A journal of any other generation is an error.
 * </ul>
 *
 * <p>The commit point of {@link #save} is the snapshot's rename, of {@link #record} the fsync of the
 * appended line. If fsync'ing the directory after the snapshot's rename fails, the outcome is
 * unknown, and save throws saying so.
 *
 * <h2>Security</h2>
 *
 * The directory is created {@code 0700} when missing; an existing one must belong to the current
 * user and not be writable by group or others, else {@link #open} refuses it. Files are created
 * {@code 0600} and never opened through symbolic links. Network names are checked with
 * {@link NetworkConfig#checkName}, so they cannot name a path outside the directory.
 *
 * <h2>Concurrency</h2>
 *
 * Thread-safe; each network has its own lock, so networks do not wait for each other's fsyncs. One
 * store per directory: {@link #open} takes an exclusive lock on {@code .lock} in the directory,
 * released by {@link #close} (or by the process's death).
 */
public final class FileStatusStore implements StatusStore {
  private static final Logger LOG = LoggerFactory.getLogger(FileStatusStore.class);
  private static final String SNAPSHOT_SUFFIX = ".status";
  private static final String JOURNAL_SUFFIX = ".journal";
  private static final Set<PosixFilePermission> DIR_MODE = PosixFilePermissions.fromString("rwx------");
  private static final SecureRandom RANDOM = new SecureRandom();

  /**
   * When to compact a network's journal into a new snapshot: once its size exceeds both
   * {@code minJournalBytes} and {@code journalToSnapshotRatio} times the snapshot's size. With a
   * ratio of 1 a compaction writes at most as many bytes as the records since the last one did,
   * so the amortised bytes written per record stay constant.
   */
  public record Compaction(long minJournalBytes, double journalToSnapshotRatio) {
    /** 64 KiB, or the snapshot's size if larger. */
    public static final Compaction DEFAULT = new Compaction(64 * 1024, 1.0);

    public Compaction {
      if (minJournalBytes < 0 || !(journalToSnapshotRatio > 0)) {
        throw new IllegalArgumentException("compaction needs minJournalBytes >= 0 and a positive"
            + " ratio, got " + minJournalBytes + " and " + journalToSnapshotRatio);
      }
    }

    boolean due(long journalBytes, long snapshotBytes) {
      return journalBytes > minJournalBytes && journalBytes > journalToSnapshotRatio * snapshotBytes;
    }
  }

  private final Path dir;
  private final Compaction compaction;
  private final FileChannel lockChannel;
  private final FileLock lock;
  private final ConcurrentHashMap<String, Slot> slots = new ConcurrentHashMap<>();
  private volatile boolean closed;

  /** Per network: its lock and, once read, its open state. */
  private static final class Slot {
    final ReentrantLock lock = new ReentrantLock();
    Open open; // null: not read yet, or dropped after an error (read again from disk)
  }

  /** A network read from disk, with its journal open for appending. */
  private static final class Open {
    final MutableStatus status;
    final long generation;
    final OptionalLong previous;
    long lastSeq;
    long snapshotBytes;
    long journalBytes;
    FileChannel journal;

    Open(NetworkStatus status, long generation, OptionalLong previous, long lastSeq) {
      this.status = new MutableStatus(status);
      this.generation = generation;
      this.previous = previous;
      this.lastSeq = lastSeq;
    }
  }

  private FileStatusStore(Path dir, Compaction compaction, FileChannel lockChannel, FileLock lock) {
    this.dir = dir;
    this.compaction = compaction;
    this.lockChannel = lockChannel;
    this.lock = lock;
  }

  /** Opens (creating it {@code 0700} if missing) the store in {@code dir}. */
  public static FileStatusStore open(Path dir) {
    return open(dir, Compaction.DEFAULT);
  }

  /**
   * Opens (creating it {@code 0700} if missing) the store in {@code dir}.
   *
   * @throws StatusStoreException when the directory is unsafe (not a directory, not owned by the
   *     current user, writable by group or others), or another store has it open
   */
  public static FileStatusStore open(Path dir, Compaction compaction) {
    Objects.requireNonNull(compaction, "compaction");
    Path real = prepareDirectory(dir);
    Path lockFile = real.resolve(".lock");
    FileChannel ch = null;
    try {
      ch = FileChannel.open(lockFile, Set.of(StandardOpenOption.CREATE, StandardOpenOption.WRITE,
          LinkOption.NOFOLLOW_LINKS), AtomicFiles.FILE_ATTR);
      FileLock lock;
      try {
        lock = ch.tryLock();
      } catch (OverlappingFileLockException e) {
        lock = null;
      }
      if (lock == null) {
        throw new StatusStoreException("status directory " + real + " is in use by another"
            + " FileStatusStore (" + lockFile + " is locked); close it first");
      }
      removeLeftoverTemporaries(real);
      return new FileStatusStore(real, compaction, ch, lock);
    } catch (IOException e) {
      closeQuietly(ch);
      throw new StatusStoreException("cannot open status directory " + real + ": " + e, e);
    } catch (RuntimeException e) {
      closeQuietly(ch);
      throw e;
    }
  }

  private static Path prepareDirectory(Path dir) {
    Objects.requireNonNull(dir, "dir");
    try {
      if (!Files.exists(dir, LinkOption.NOFOLLOW_LINKS) && !Files.isSymbolicLink(dir)) {
        Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(DIR_MODE));
        Files.setPosixFilePermissions(dir, DIR_MODE); // the umask may have taken bits away; fine, but be exact
      }
      Path real = dir.toRealPath();
      if (!Files.isDirectory(real, LinkOption.NOFOLLOW_LINKS)) {
        throw new StatusStoreException("status directory " + real + " is not a directory");
      }
      int owner = (Integer) Files.getAttribute(real, "unix:uid", LinkOption.NOFOLLOW_LINKS);
      int me = (Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid");
      if (owner != me) {
        throw new StatusStoreException("status directory " + real + " belongs to uid " + owner
            + ", not to the current user (uid " + me + "); refusing it: whoever owns it could"
            + " rewrite the status");
      }
      Set<PosixFilePermission> perms = Files.getPosixFilePermissions(real, LinkOption.NOFOLLOW_LINKS);
      if (perms.contains(PosixFilePermission.GROUP_WRITE)
          || perms.contains(PosixFilePermission.OTHERS_WRITE)) {
        throw new StatusStoreException("status directory " + real + " has mode "
            + PosixFilePermissions.toString(perms) + ", writable by group or others; refusing it"
            + " (chmod go-w, or use a fresh directory: it is created 0700)");
      }
      return real;
    } catch (IOException | UnsupportedOperationException e) {
      throw new StatusStoreException("cannot prepare status directory " + dir + ": " + e, e);
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

  /** The directory this store keeps its files in (its real path). */
  public Path directory() {
    return dir;
  }

  @Override
  public Optional<NetworkStatus> load(String network) {
    Slot slot = lockSlot(network);
    try {
      Open o = openNetwork(network, slot);
      return o == null ? Optional.empty() : Optional.of(o.status.toStatus());
    } finally {
      slot.lock.unlock();
    }
  }

  @Override
  public void save(NetworkStatus status) {
    String network = status.network();
    Slot slot = lockSlot(network);
    try {
      Path snapshot = snapshotPath(network);
      Path journal = journalPath(network);
      OptionalLong previous = currentGeneration(slot, journal);
      dropOpen(slot);
      long generation;
      do {
        generation = RANDOM.nextLong();
      } while (previous.isPresent() && previous.getAsLong() == generation);
      byte[] snap = new SnapshotFile(status, generation, previous, 0).encode();
      byte[] header = JournalFile.header(network, generation, 0);
      boolean journalFresh = true;
      if (Files.exists(snapshot, LinkOption.NOFOLLOW_LINKS)) {
        // The snapshot's rename commits; the old journal is then stale and recognised as such.
        commitSnapshot(snapshot, snap, "save");
        try {
          AtomicFiles.replace(journal, header);
        } catch (IOException e) {
          journalFresh = false;
          LOG.warn("saved {} but could not restart its journal {} ({}); the next load will", snapshot,
              journal, e.toString());
        }
      } else {
        // A new network: the journal goes first, so that a snapshot never exists without one. A
        // journal without a snapshot (a crash before the snapshot's rename) counts as absent.
        try {
          AtomicFiles.replace(journal, header);
        } catch (IOException e) {
          throw new StatusStoreException("cannot save status of network '" + network + "': writing "
              + journal + " failed: " + e, e);
        }
        commitSnapshot(snapshot, snap, "save");
      }
      if (journalFresh) {
        Open o = new Open(status, generation, previous, 0);
        o.snapshotBytes = snap.length;
        try {
          o.journal = openJournal(journal);
          o.journalBytes = o.journal.size();
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
    Slot slot = lockSlot(status.network());
    try {
      Open o = openNetwork(status.network(), slot);
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
    Objects.requireNonNull(change, "change");
    Slot slot = lockSlot(network);
    try {
      Open o = openNetwork(network, slot);
      if (o == null) {
        throw new StatusStoreException("no status of network '" + network + "' in " + dir
            + " to record a change into; save one first");
      }
      long seq = o.lastSeq + 1;
      byte[] line = JournalFile.record(seq, change);
      long at = o.journalBytes;
      try {
        AtomicFiles.writeFully(o.journal, line, at);
        o.journal.force(false); // fdatasync: data and the new file size
      } catch (IOException e) {
        undoAppend(o, at);
        dropOpen(slot);
        throw new StatusStoreException("cannot record a change of network '" + network + "' in "
            + journalPath(network) + ": " + e, e);
      }
      o.status.apply(change);
      o.lastSeq = seq;
      o.journalBytes = at + line.length;
      if (compaction.due(o.journalBytes, o.snapshotBytes)) {
        compact(network, slot, o);
      }
    } finally {
      slot.lock.unlock();
    }
  }

  @Override
  public void delete(String network) {
    Slot slot = lockSlot(network);
    try {
      dropOpen(slot);
      // Snapshot first: a journal left alone by a crash here counts as absent; a snapshot left
      // without its journal would be an error.
      Files.deleteIfExists(snapshotPath(network));
      AtomicFiles.syncDirectory(dir);
      Files.deleteIfExists(journalPath(network));
      AtomicFiles.syncDirectory(dir);
    } catch (IOException e) {
      throw new StatusStoreException("cannot delete the status of network '" + network + "' in "
          + dir + ": " + e, e);
    } finally {
      slot.lock.unlock();
    }
  }

  @Override
  public Set<String> networks() {
    checkOpen();
    SortedSet<String> names = new TreeSet<>();
    try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir, "*" + SNAPSHOT_SUFFIX)) {
      for (Path p : ds) {
        String file = p.getFileName().toString();
        String name = file.substring(0, file.length() - SNAPSHOT_SUFFIX.length());
        try {
          NetworkConfig.checkName(name);
          names.add(name);
        } catch (RuntimeException e) {
          LOG.debug("ignoring {}: not a network's snapshot", p);
        }
      }
    } catch (IOException e) {
      throw new StatusStoreException("cannot list status directory " + dir + ": " + e, e);
    }
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
    try {
      lock.release();
    } catch (IOException e) {
      LOG.warn("cannot release {}: {}", dir.resolve(".lock"), e.toString());
    }
    closeQuietly(lockChannel);
  }

  @Override
  public String toString() {
    return "FileStatusStore[" + dir + "]";
  }

  // ---- internals

  private Slot lockSlot(String network) {
    NetworkConfig.checkName(network);
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

  private Path snapshotPath(String network) {
    return dir.resolve(network + SNAPSHOT_SUFFIX);
  }

  private Path journalPath(String network) {
    return dir.resolve(network + JOURNAL_SUFFIX);
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

  private void commitSnapshot(Path snapshot, byte[] bytes, String what) {
    try {
      AtomicFiles.replace(snapshot, bytes);
    } catch (IOException e) {
      throw new StatusStoreException(what + " of " + snapshot + " failed (" + e + "); if the"
          + " failure was in fsync'ing the directory after the rename, the new status may or may not"
          + " survive a power loss", e);
    }
  }

  /** The network's open state, reading and repairing it from disk if needed; null if absent. */
  private Open openNetwork(String network, Slot slot) {
    if (slot.open != null) {
      return slot.open;
    }
    Path snapshotFile = snapshotPath(network);
    Path journalFile = journalPath(network);
    try {
      Optional<byte[]> snapBytes = AtomicFiles.readIfExists(snapshotFile);
      if (snapBytes.isEmpty()) {
        return null; // a journal alone is a delete or a first save that did not finish
      }
      SnapshotFile snap = decode(snapshotFile, () -> SnapshotFile.decode(snapBytes.get()));
      if (!snap.status().network().equals(network)) {
        throw new StatusStoreException(snapshotFile + " holds the status of network '"
            + snap.status().network() + "', not of '" + network + "' (renamed by hand?)");
      }
      Optional<byte[]> journalBytes = AtomicFiles.readIfExists(journalFile);
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
      if (journal.tornBytes() > 0) {
        LOG.warn("{}: dropping a torn last record ({} bytes after byte {}): an append that a crash"
            + " interrupted, which therefore never returned", journalFile, journal.tornBytes(),
            journal.validLength());
      }
      Open o = new Open(snap.status(), snap.generation(), snap.previous(), snap.seq());
      o.snapshotBytes = snapBytes.get().length;
      boolean restartJournal;
      if (journal.generation() == snap.generation()) {
        if (journal.base() > snap.seq()) {
          throw new StatusStoreException(journalFile + " continues from record " + journal.base()
              + " but " + snapshotFile + " ends at record " + snap.seq() + "; records "
              + (snap.seq() + 1) + ".." + journal.base() + " are missing (an older snapshot was"
              + " restored?)");
        }
        for (JournalFile.Entry e : journal.entries()) {
          if (e.seq() > snap.seq()) {
            o.status.apply(e.change());
            o.lastSeq = e.seq();
          }
        }
        // base < seq: a compaction renamed its snapshot but did not restart the journal.
        restartJournal = journal.base() < snap.seq();
      } else if (snap.previous().isPresent() && snap.previous().getAsLong() == journal.generation()) {
        // A save renamed its snapshot but did not restart the journal: the journal is stale.
        restartJournal = true;
        LOG.info("{} belongs to the status replaced by the last save; restarting it", journalFile);
      } else {
        throw new StatusStoreException(journalFile + " belongs to generation "
            + String.format("%016x", journal.generation()) + ", but " + snapshotFile + " is generation "
            + String.format("%016x", snap.generation()) + " and replaced "
            + (snap.previous().isPresent() ? String.format("%016x", snap.previous().getAsLong())
                : "nothing") + "; the files do not belong together");
      }
      if (restartJournal) {
        slot.open = o;
        compact(network, slot, o);
        if (slot.open == null) {
          throw new StatusStoreException("cannot finish an interrupted compaction of " + snapshotFile
              + " and " + journalFile + " (see the log)");
        }
        return o;
      }
      o.journal = openJournal(journalFile);
      if (journal.tornBytes() > 0) {
        o.journal.truncate(journal.validLength());
        o.journal.force(true);
      }
      o.journalBytes = journal.validLength();
      slot.open = o;
      return o;
    } catch (IOException e) {
      throw new StatusStoreException("cannot read the status of network '" + network + "' from "
          + dir + ": " + e, e);
    }
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

  /**
   * Writes a snapshot holding everything up to {@code o.lastSeq}, then restarts the journal. A
   * failure is logged, not thrown (the records are already durable in the old journal), and drops
   * the open state so the next call reads the files again.
   */
  private void compact(String network, Slot slot, Open o) {
    Path snapshotFile = snapshotPath(network);
    Path journalFile = journalPath(network);
    try {
      byte[] snap = new SnapshotFile(o.status.toStatus(), o.generation, o.previous, o.lastSeq).encode();
      AtomicFiles.replace(snapshotFile, snap);
      closeQuietly(o.journal);
      o.journal = null;
      AtomicFiles.replace(journalFile, JournalFile.header(network, o.generation, o.lastSeq));
      o.journal = openJournal(journalFile);
      o.journalBytes = o.journal.size();
      o.snapshotBytes = snap.length;
      LOG.debug("compacted {} at record {} ({} bytes)", snapshotFile, o.lastSeq, snap.length);
    } catch (IOException | RuntimeException e) {
      LOG.warn("compaction of {} failed ({}); the journal still holds every record", journalFile,
          e.toString());
      dropOpen(slot);
    }
  }

  private static FileChannel openJournal(Path journal) throws IOException {
    return FileChannel.open(journal, Set.of(StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS));
  }

  /** Takes a failed append back out, so the file holds exactly what it held before the call. */
  private void undoAppend(Open o, long length) {
    try {
      o.journal.truncate(length);
      o.journal.force(true);
    } catch (IOException e) {
      // The partial line, if any, is a torn record: never acknowledged, so the next load drops it.
      LOG.warn("cannot take back a failed append to a journal in {}: {}", dir, e.toString());
    }
  }

  private static void dropOpen(Slot slot) {
    if (slot.open != null) {
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
