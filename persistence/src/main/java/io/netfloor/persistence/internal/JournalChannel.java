// SPDX-License-Identifier: Apache-2.0
package io.netfloor.persistence.internal;

import java.io.IOException;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.FileChannel;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * A journal file open for writing that a thread's interrupt does not close.
 *
 * <p>A {@link FileChannel} closes itself, for every thread using it, when a thread blocked in it is
 * interrupted: a group-commit leader interrupted during its fdatasync would fail the records of
 * every caller waiting for that sync, and every write after it. Here each write and sync runs with
 * the caller's interrupt status cleared (and restored afterwards, so the caller still sees it); a
 * channel that an interrupt arriving during the call closed anyway is replaced and the call
 * repeated (a positional write and a sync can be repeated: same bytes, same place).
 *
 * <p>The replacement is a second descriptor opened together with the first and never used until
 * then: the kernel reports a write-back error to every descriptor opened before it happened, so a
 * sync through a descriptor opened only after the failure could miss an error the closed one would
 * have reported.
 */
public final class JournalChannel implements AutoCloseable {
  /** Interrupts arriving during each of this many attempts in a row fail the call. */
  private static final int ATTEMPTS = 16;

  private final Path path;
  private FileChannel channel; // guarded by this, as are the two below
  private FileChannel spare;
  private boolean closed;

  private JournalChannel(Path path, FileChannel channel, FileChannel spare) {
    this.path = path;
    this.channel = channel;
    this.spare = spare;
  }

  /**
   * Opens {@code path} (which must exist; never through a symbolic link) for writing.
   *
   * @param path the journal file
   * @return the open journal
   * @throws IOException if it cannot be opened
   */
  public static JournalChannel open(Path path) throws IOException {
    FileChannel first = openChannel(path);
    try {
      return new JournalChannel(path, first, openChannel(path));
    } catch (IOException | RuntimeException e) {
      first.close();
      throw e;
    }
  }

  private static FileChannel openChannel(Path path) throws IOException {
    return FileChannel.open(path, StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS);
  }

  /**
   * Writes all of {@code bytes} at {@code position}, whatever interrupts the calling thread gets.
   *
   * @param bytes what to write
   * @param position where in the file
   * @throws IOException if the write fails, or the journal was closed
   */
  public void write(byte[] bytes, long position) throws IOException {
    run(ch -> AtomicFiles.writeFully(ch, bytes, position));
  }

  /**
   * fdatasync: makes what was written durable (the file's length never changes), whatever
   * interrupts the calling thread gets.
   *
   * @throws IOException if the sync fails, or the journal was closed
   */
  public void force() throws IOException {
    run(ch -> ch.force(false));
  }

  private interface Op {
    void run(FileChannel ch) throws IOException;
  }

  private void run(Op op) throws IOException {
    boolean interrupted = Thread.interrupted();
    try {
      for (int attempt = 1; ; attempt++) {
        FileChannel ch = current();
        try {
          op.run(ch);
          return;
        } catch (ClosedChannelException e) { // includes ClosedByInterrupt, AsynchronousClose
          interrupted |= Thread.interrupted();
          if (attempt >= ATTEMPTS || !replaceClosed(ch)) {
            throw e;
          }
        }
      }
    } finally {
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
    }
  }

  /** The descriptor in use (tests close it as an interrupt in another thread would). */
  synchronized FileChannel descriptor() {
    return channel;
  }

  private synchronized FileChannel current() throws ClosedChannelException {
    if (closed) {
      throw new ClosedChannelException();
    }
    return channel;
  }

  /**
   * Puts the spare in place of {@code failed} when an interrupt closed it (another thread may have
   * done so already); false when the journal itself was closed.
   */
  private synchronized boolean replaceClosed(FileChannel failed) throws IOException {
    if (closed) {
      return false;
    }
    if (channel == failed && !failed.isOpen()) {
      channel = spare;
      spare = openChannel(path);
    }
    return true;
  }

  /**
   * Closes the journal: later calls fail with {@link ClosedChannelException}.
   *
   * @throws IOException if closing a descriptor fails
   */
  @Override
  public synchronized void close() throws IOException {
    if (closed) {
      return;
    }
    closed = true;
    try {
      channel.close();
    } finally {
      spare.close();
    }
  }
}
