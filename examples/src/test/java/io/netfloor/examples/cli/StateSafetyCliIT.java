// SPDX-License-Identifier: Apache-2.0
package io.netfloor.examples.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.netfloor.testkit.kernel.TestNamespace;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The CLI on a damaged, lost or unsafe state directory, against a bridge in a throwaway namespace
 * with {@code tc} as the oracle: every such case exits 1 with one line naming the file or directory,
 * and changes neither the kernel nor a file; {@code status} and {@code tree} never change anything;
 * a refused or failed first {@code start} leaves no trace, so the name can be started again
 * anywhere.
 */
class StateSafetyCliIT {
  private static final String MAC1 = "52:54:00:00:00:01";
  private static final String MAC2 = "52:54:00:00:00:02";

  @TempDir
  Path tmp;

  private TestNamespace ns;
  private Path state;
  private Path status;
  private Path snapshot;
  private Path journal;

  @BeforeEach
  void setUp() {
    ns = TestNamespace.withBridge();
    ns.veth("br0", "vnet1", "vnet1p");
    state = tmp.resolve("state");
    status = state.resolve("status");
    snapshot = status.resolve("t.status");
    journal = status.resolve("t.journal");
  }

  @AfterEach
  void tearDown() {
    if (ns != null) {
      ns.close();
    }
  }

  private Run cli(String... args) {
    return Run.of(args);
  }

  /** A command on network 't' with the test's state directory. */
  private Run net(String... args) {
    List<String> all = new ArrayList<>(List.of(args));
    all.addAll(List.of("--network", "t", "--state-dir", state.toString()));
    return cli(all.toArray(String[]::new));
  }

  private Run start(String... extra) {
    List<String> args = new ArrayList<>(List.of("start", "--bridge", "br0", "--average", "100mbit",
        "--netns", ns.name()));
    args.addAll(List.of(extra));
    return net(args.toArray(String[]::new));
  }

  private static Run ok(Run r) {
    assertThat(r.exit()).as("exit code; stderr: %s", r.err()).isZero();
    return r;
  }

  /** Exit 1, one line on stderr naming every fragment. */
  private static void failsNaming(Run r, String... fragments) {
    assertThat(r.exit()).as("exit code; stderr: %s", r.err()).isEqualTo(ExitCodes.FAILED);
    assertThat(r.err().lines().toList()).as("one line: %s", r.err()).hasSize(1);
    assertThat(r.err()).startsWith("netfloor: ").doesNotContain("\tat ").contains(fragments);
  }

  private String bridgeState() {
    return ns.tc("-j", "qdisc", "show", "dev", "br0") + ns.tc("-j", "class", "show", "dev", "br0")
        + ns.tc("-j", "filter", "show", "dev", "br0");
  }

  /** Every path under {@code root} with its kind, length, modification time and bytes. */
  private static Map<String, String> files(Path root) {
    Map<String, String> out = new TreeMap<>();
    if (!Files.exists(root, LinkOption.NOFOLLOW_LINKS)) {
      return out;
    }
    try (Stream<Path> s = Files.walk(root)) {
      for (Path p : s.toList()) {
        String key = root.relativize(p).toString();
        if (Files.isSymbolicLink(p)) {
          out.put(key, "link to " + Files.readSymbolicLink(p));
        } else if (Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
          out.put(key, "dir " + Files.getLastModifiedTime(p, LinkOption.NOFOLLOW_LINKS) + " "
              + PosixFilePermissions.toString(Files.getPosixFilePermissions(p,
                  LinkOption.NOFOLLOW_LINKS)));
        } else {
          out.put(key, Files.size(p) + " " + Files.getLastModifiedTime(p, LinkOption.NOFOLLOW_LINKS)
              + " " + new String(Files.readAllBytes(p), StandardCharsets.ISO_8859_1));
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out;
  }

  /** Started with two floored interfaces (vm2's plug is the journal's last record). */
  private void startWithTwo() {
    ok(start());
    ok(net("plug", "vm1", "--mac", MAC1, "--floor", "10mbit"));
    ok(net("plug", "vm2", "--mac", MAC2, "--floor", "20mbit"));
    assertThat(ns.tc("class", "show", "dev", "br0")).contains("rate 10Mbit", "rate 20Mbit");
  }

  /** Every command on the network, each refused naming {@code fragments}, changing nothing. */
  private void everyCommandFails(String... fragments) {
    everyCommandFails(true, fragments);
  }

  private void everyCommandFails(boolean includingStart, String... fragments) {
    String kernel = bridgeState();
    Map<String, String> before = files(tmp);
    for (String[] cmd : List.of(
        new String[] {"plug", "vm3", "--mac", "52:54:00:00:00:03", "--floor", "5mbit"},
        new String[] {"unplug", "vm1"},
        new String[] {"update", "vm1", "--floor", "15mbit"},
        new String[] {"reconcile"},
        new String[] {"status"},
        new String[] {"tree", "--interval", "0"},
        new String[] {"stop"},
        new String[] {"start", "--bridge", "br0", "--average", "100mbit", "--netns", ns.name()})) {
      if (!includingStart && cmd[0].equals("start")) {
        continue; // refused for another reason: the record holds other values (exit 3)
      }
      Run r = net(cmd);
      failsNaming(r, fragments);
      assertThat(bridgeState()).as("kernel after %s", cmd[0]).isEqualTo(kernel);
      assertThat(files(tmp)).as("files after %s", cmd[0]).isEqualTo(before);
    }
  }

  // ---- lost status

  @Test
  void aLostSnapshotIsAnErrorNamingItAndChangesNothingUntilStopDiscardsIt() throws IOException {
    startWithTwo();
    Files.delete(snapshot);
    everyCommandFails(snapshot + " is missing", "--discard-status");
    Files.delete(journal); // both files lost
    everyCommandFails(snapshot + " is missing", journal.toString());

    Run stopped = ok(net("stop", "--discard-status"));
    assertThat(stopped.err()).contains("warning: discarding the status of network 't'");
    assertThat(ns.tc("qdisc", "show", "dev", "br0")).doesNotContain("htb");
    assertThat(files(status).keySet()).containsExactlyInAnyOrder("", ".lock");
    assertThat(state.resolve("networks/t.json")).doesNotExist();
    ok(start());
    ok(net("stop"));
  }

  @Test
  void aLostStatusDirectoryIsAnErrorNamingTheRecord() throws IOException {
    startWithTwo();
    TempDirsForCli.deleteRecursively(status);
    everyCommandFails("network 't' is recorded in " + state.resolve("networks/t.json"),
        "its status is missing");
    ok(net("stop", "--discard-status"));
    assertThat(ns.tc("qdisc", "show", "dev", "br0")).doesNotContain("htb");
  }

  // ---- damage

  @Test
  void aDamagedAcknowledgedRecordIsAnErrorNamingTheFileAndOffset() throws IOException {
    startWithTwo();
    byte[] bytes = Files.readAllBytes(journal);
    int end = recordsEnd(bytes);
    int lastStart = end - 2;
    while (bytes[lastStart] != '\n') {
      lastStart--;
    }
    lastStart++;
    bytes[lastStart + 10] ^= 0x01; // inside vm2's plug, a complete record
    Files.write(journal, bytes);
    everyCommandFails(journal.toString(), "byte " + lastStart, "checksum mismatch");
    assertThat(ns.tc("class", "show", "dev", "br0")).as("vm2's class is kept")
        .contains("rate 20Mbit");
    ok(net("stop", "--discard-status"));
  }

  @Test
  void aStatusOfAnotherBridgeOrAnInvalidRecordExitsOneNamingTheFiles() throws IOException {
    ns.ip("link", "add", "br1", "type", "bridge");
    startWithTwo();
    Path record = state.resolve("networks/t.json");
    String good = Files.readString(record);
    Files.writeString(record, good.replace("\"br0\"", "\"br1\""));
    everyCommandFails(false, snapshot.toString(), "on bridge br0", record.toString(),
        "says bridge br1");
    Files.writeString(record, good.replace("\"100mbit\"", "\"1mbit\""));
    everyCommandFails(false, snapshot.toString(), "does not fit", record.toString(), "30mbit");
    Files.writeString(record, good.replace("\"100mbit\"", "\"fast\""));
    everyCommandFails(record.toString(), "invalid record", "fast");
    Files.writeString(record, good);
    ok(net("stop"));
  }

  // ---- read-only commands

  @Test
  void statusAndTreeChangeNeitherAFileNorTheKernel() throws IOException {
    startWithTwo();
    // what a crash in the middle of a plug leaves: half a record after the last one
    byte[] bytes = Files.readAllBytes(journal);
    int end = recordsEnd(bytes);
    byte[] line = "3 remove vm1 crc=".getBytes(StandardCharsets.US_ASCII);
    System.arraycopy(line, 0, bytes, end, line.length);
    Files.write(journal, bytes);
    String kernel = bridgeState();
    Map<String, String> before = files(tmp);

    assertThat(ok(net("status")).out()).contains("vm1", "vm2");
    ok(net("status", "--json"));
    assertThat(ok(net("tree", "--interval", "0")).out()).contains("vm1", "vm2");
    ok(net("tree", "--interval", "0.1", "--json"));
    ok(net("tree", "--interval", "0.1", "--watch", "--count", "2"));
    assertThat(files(tmp)).isEqualTo(before);
    assertThat(bridgeState()).isEqualTo(kernel);

    // a command that changes things repairs the torn record (zeros it again)
    ok(net("reconcile"));
    byte[] after = Files.readAllBytes(journal);
    assertThat(Arrays.copyOfRange(after, end, end + line.length)).containsOnly(0);
    ok(net("stop"));
  }

  // ---- failed starts

  @Test
  void aRefusedStartLeavesNoTraceAndTheNameCanBeStartedElsewhere() {
    ns.ip("link", "add", "br1", "type", "bridge");
    String kernel = bridgeState();
    Run tooSlow = net("start", "--bridge", "br0", "--average", "1bit", "--netns", ns.name());
    assertThat(tooSlow.exit()).as(tooSlow.err()).isEqualTo(ExitCodes.USAGE);
    assertThat(state).doesNotExist();
    assertThat(bridgeState()).isEqualTo(kernel);

    ns.tc("qdisc", "add", "dev", "br0", "root", "handle", "5:", "tbf", "rate", "10mbit", "burst",
        "32kb", "latency", "50ms");
    String foreign = bridgeState();
    Run refused = start();
    assertThat(refused.exit()).as(refused.err()).isEqualTo(ExitCodes.REFUSED);
    assertThat(state).doesNotExist();
    assertThat(bridgeState()).isEqualTo(foreign);

    // the name is free: it starts on another bridge, and stops
    ok(net("start", "--bridge", "br1", "--average", "10mbit", "--netns", ns.name()));
    ok(net("stop"));
    assertThat(bridgeState()).isEqualTo(foreign);
  }

  @Test
  void aRefusedStartInAnExistingStateDirectoryChangesNoFile() {
    ns.ip("link", "add", "br1", "type", "bridge");
    ok(cli("start", "--network", "other", "--state-dir", state.toString(), "--bridge", "br1",
        "--average", "10mbit", "--netns", ns.name()));
    ns.tc("qdisc", "add", "dev", "br0", "root", "handle", "5:", "tbf", "rate", "10mbit", "burst",
        "32kb", "latency", "50ms");
    Map<String, String> before = files(tmp);
    assertThat(start().exit()).isEqualTo(ExitCodes.REFUSED);
    assertThat(net("start", "--bridge", "br0", "--average", "1bit", "--netns", ns.name()).exit())
        .isEqualTo(ExitCodes.USAGE);
    assertThat(files(tmp)).isEqualTo(before);
    ok(cli("stop", "--network", "other", "--state-dir", state.toString()));
  }

  /** The record cannot be written after the tree was built: the start is undone everywhere. */
  @Test
  void aStartThatFailsAfterBuildingTheTreeRollsBack() throws IOException {
    String kernel = bridgeState();
    Path blocker = state.resolve("networks/.t.json.tmp");
    Files.createDirectories(blocker.resolve("in-the-way"));
    Files.setPosixFilePermissions(state, PosixFilePermissions.fromString("rwx------"));
    Files.setPosixFilePermissions(state.resolve("networks"),
        PosixFilePermissions.fromString("rwx------"));

    Map<String, String> before = files(tmp);

    Run failed = start();
    failsNaming(failed, state.resolve("networks/t.json").toString());
    assertThat(bridgeState()).isEqualTo(kernel);
    // no record, no status files, not even the status directory this start created
    assertThat(files(tmp).keySet()).isEqualTo(before.keySet());
    Files.delete(blocker.resolve("in-the-way"));
    Files.delete(blocker);
    ok(start());
    ok(net("stop"));
  }

  // ---- unsafe directories

  @Test
  void unsafeStateDirectoriesAreRefusedBeforeAnythingChanges() throws IOException {
    startWithTwo();
    Path networks = state.resolve("networks");

    Files.setPosixFilePermissions(state, PosixFilePermissions.fromString("rwxrwxrwx"));
    everyCommandFails("state directory " + state + " has mode 0777");
    Files.setPosixFilePermissions(state, PosixFilePermissions.fromString("rwx------"));

    Files.setPosixFilePermissions(networks, PosixFilePermissions.fromString("rwxrwx---"));
    everyCommandFails("state directory " + networks + " has mode 0770");
    Files.setPosixFilePermissions(networks, PosixFilePermissions.fromString("rwx------"));

    // status/ swapped for a link to a look-alike elsewhere: neither followed nor written into
    Path elsewhere = tmp.resolve("elsewhere");
    Files.move(status, elsewhere);
    Files.createSymbolicLink(status, elsewhere);
    Map<String, String> target = files(elsewhere);
    everyCommandFails("state directory " + status + " is a symbolic link");
    assertThat(files(elsewhere)).isEqualTo(target);
    Files.delete(status);
    Files.move(elsewhere, status);

    // networks/ swapped for one whose record shapes another bridge
    Path forged = tmp.resolve("forged");
    Files.createDirectory(forged);
    Files.writeString(forged.resolve("t.json"), Files.readString(networks.resolve("t.json"))
        .replace("\"br0\"", "\"vnet1\""));
    Path real = tmp.resolve("real-networks");
    Files.move(networks, real);
    Files.createSymbolicLink(networks, forged);
    String vnet1 = ns.tc("-j", "qdisc", "show", "dev", "vnet1");
    everyCommandFails("state directory " + networks + " is a symbolic link");
    assertThat(ns.tc("-j", "qdisc", "show", "dev", "vnet1")).isEqualTo(vnet1);
    Files.delete(networks);
    Files.move(real, networks);

    // a record that is a link
    Path record = networks.resolve("t.json");
    Path aside = tmp.resolve("t.json");
    Files.move(record, aside);
    Files.createSymbolicLink(record, aside);
    everyCommandFails(record + " is not a regular file");
    Files.delete(record);
    Files.move(aside, record);

    // a state directory of another user
    Files.setAttribute(state, "unix:uid", 65534);
    everyCommandFails("state directory " + state + " belongs to uid 65534");
    Files.setAttribute(state, "unix:uid", 0);

    ok(net("status"));
    ok(net("stop"));
  }

  /** Where a journal's records end: its first zero byte (the room for records is zeros). */
  private static int recordsEnd(byte[] journal) {
    for (int i = 0; i < journal.length; i++) {
      if (journal[i] == 0) {
        return i;
      }
    }
    throw new AssertionError("a journal without room for records");
  }

  /** Recursive delete for a directory the test removes on purpose. */
  private static final class TempDirsForCli {
    static void deleteRecursively(Path dir) throws IOException {
      try (Stream<Path> s = Files.walk(dir)) {
        for (Path p : s.sorted(java.util.Comparator.reverseOrder()).toList()) {
          Files.delete(p);
        }
      }
    }
  }
}
