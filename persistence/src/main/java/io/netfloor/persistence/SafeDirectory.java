// SPDX-License-Identifier: Apache-2.0
package io.netfloor.persistence;

import io.netfloor.spi.StatusStoreException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Checks that a directory NetFloor keeps state in can be changed by nobody but the current user.
 * Whoever can write a state directory, or replace it, can make NetFloor shape another bridge or
 * forget a floor; so NetFloor refuses such a directory before it reads or changes anything in it.
 *
 * <p>A safe directory is a real directory (not a symbolic link to one), belongs to the current user
 * and is writable neither by its group nor by others. Each directory above it (after resolving
 * links) belongs to root or the current user and, if group or others may write it, has the sticky
 * bit (as {@code /tmp}), so that nobody else can rename or replace what is below it.
 */
public final class SafeDirectory {
  private static final int STICKY = 01000;
  private static final int GROUP_OR_OTHER_WRITE = 0022;

  private SafeDirectory() {}

  /**
   * Whether {@code path} exists, a symbolic link counting as existing (it is not followed).
   *
   * @param path the path to look at
   * @return true when something (a file, a directory or a link, even a dangling one) is at
   *     {@code path}
   */
  public static boolean exists(Path path) {
    return Files.exists(path, LinkOption.NOFOLLOW_LINKS);
  }

  /**
   * Refuses {@code dir} unless it is safe (see the class documentation).
   *
   * @param dir the directory to check
   * @param what what the directory is, for the message ("status directory")
   * @return its real path
   * @throws StatusStoreException naming the path and what is wrong with it
   */
  public static Path check(Path dir, String what) {
    Objects.requireNonNull(dir, "dir");
    try {
      if (!exists(dir)) {
        throw new StatusStoreException(what + " " + dir + " does not exist");
      }
      if (Files.isSymbolicLink(dir)) {
        throw new StatusStoreException(what + " " + dir + " is a symbolic link (to "
            + Files.readSymbolicLink(dir) + "); refusing it: whoever can replace the link can"
            + " redirect NetFloor's state (use a real directory there, not a link to one)");
      }
      if (!Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
        throw new StatusStoreException(what + " " + dir + " is not a directory");
      }
      Path real = dir.toRealPath();
      checkOwnerAndMode(real, what, dir);
      checkAncestors(dir.toAbsolutePath().normalize().getParent(), what, dir);
      checkAncestors(real.getParent(), what, dir);
      return real;
    } catch (IOException | UnsupportedOperationException e) {
      throw new StatusStoreException("cannot check " + what + " " + dir + ": " + e, e);
    }
  }

  /**
   * Creates {@code dir} and its missing parents, mode {@code 0700}, after checking the directories
   * above it, then checks it (an existing one is only checked).
   *
   * @param dir the directory to create or check
   * @param what what the directory is, for the message ("status directory")
   * @return the directories created, top-most first (empty when {@code dir} existed)
   * @throws StatusStoreException naming the path when a directory is unsafe or cannot be created
   */
  public static List<Path> createOrCheck(Path dir, String what) {
    Objects.requireNonNull(dir, "dir");
    List<Path> missing = new ArrayList<>();
    Path p = dir.toAbsolutePath().normalize();
    while (p != null && !exists(p)) {
      missing.add(0, p);
      p = p.getParent();
    }
    List<Path> created = new ArrayList<>();
    try {
      if (!missing.isEmpty() && p != null) {
        checkAncestors(p, what, dir);
        checkAncestors(p.toRealPath(), what, dir);
      }
      for (Path m : missing) {
        Files.createDirectory(m, PosixFilePermissions.asFileAttribute(
            PosixFilePermissions.fromString("rwx------")));
        created.add(m);
        // the umask may have taken bits away, never added any; be exact anyway
        Files.setPosixFilePermissions(m, PosixFilePermissions.fromString("rwx------"));
      }
    } catch (IOException | UnsupportedOperationException e) {
      throw new StatusStoreException("cannot create " + what + " " + dir + ": " + e, e);
    }
    check(dir, what);
    return created;
  }

  private static void checkOwnerAndMode(Path real, String what, Path given) throws IOException {
    int owner = (Integer) Files.getAttribute(real, "unix:uid", LinkOption.NOFOLLOW_LINKS);
    int me = currentUid();
    if (owner != me) {
      throw new StatusStoreException(what + " " + given + " belongs to uid " + owner + ", not to the"
          + " current user (uid " + me + "); refusing it: whoever owns it could rewrite NetFloor's"
          + " state (chown it, or use a fresh directory: it is created 0700)");
    }
    int mode = (Integer) Files.getAttribute(real, "unix:mode", LinkOption.NOFOLLOW_LINKS);
    if ((mode & GROUP_OR_OTHER_WRITE) != 0) {
      throw new StatusStoreException(what + " " + given + " has mode "
          + String.format("%04o", mode & 07777) + ", writable by group or others; refusing it:"
          + " they could replace what NetFloor reads there (chmod go-w, or use a fresh directory:"
          + " it is created 0700)");
    }
  }

  /**
   * Every directory from {@code top} up to the root: owned by root or us, and sticky if group or
   * others may write it. A symbolic link on the way is not itself checked (its mode means nothing;
   * only who may write the directory holding it can replace it), but that directory is, and the
   * callers check the resolved path too.
   */
  private static void checkAncestors(Path top, String what, Path given) throws IOException {
    int me = currentUid();
    for (Path a = top; a != null; a = a.getParent()) {
      if (Files.isSymbolicLink(a)) {
        continue;
      }
      int owner = (Integer) Files.getAttribute(a, "unix:uid", LinkOption.NOFOLLOW_LINKS);
      int mode = (Integer) Files.getAttribute(a, "unix:mode", LinkOption.NOFOLLOW_LINKS);
      if (owner != 0 && owner != me) {
        throw new StatusStoreException("refusing " + what + " " + given + ": the directory " + a
            + " above it belongs to uid " + owner + ", who could replace it; keep NetFloor's state"
            + " in directories that only root and uid " + me + " own");
      }
      if ((mode & GROUP_OR_OTHER_WRITE) != 0 && (mode & STICKY) == 0) {
        throw new StatusStoreException("refusing " + what + " " + given + ": the directory " + a
            + " above it has mode " + String.format("%04o", mode & 07777) + ", so group or others"
            + " could rename or replace what is in it (chmod go-w, or +t as /tmp has)");
      }
    }
  }

  private static int currentUid() throws IOException {
    return (Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid");
  }
}
