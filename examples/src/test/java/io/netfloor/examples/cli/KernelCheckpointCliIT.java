// SPDX-License-Identifier: Apache-2.0
package io.netfloor.examples.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.netfloor.persistence.FileStatusStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * A changing CLI command skips the reconcile only while the last command's checkpoint proves the
 * kernel and the store unchanged; anything else (a hand edit of the tree, a change of the status
 * by another program, another boot, a failed command) makes it reconcile, which repairs the tree.
 */
class KernelCheckpointCliIT extends CliOnBridge {
  private static final String MAC1 = "52:54:00:00:00:01";

  private Run net(String... args) {
    return cli("t", "state", args);
  }

  private Run ok(Run r) {
    assertThat(r.exit()).as("exit code; stderr: %s", r.err()).isZero();
    return r;
  }

  private StateDir state() {
    return new StateDir(tmp.resolve("state")).check();
  }

  private Path checkpoint() {
    return state().checkpointFile("t");
  }

  /** Whether a session like the next changing command's would skip the reconcile. */
  private boolean nextCommandResumes() {
    StateDir st = state();
    try (Session s = Session.openRecorded(st, st.require("t"), false)) {
      s.started();
      s.succeeded(); // leaves a checkpoint again, as a command that succeeds does
      return s.resumed();
    }
  }

  /** The rate of class {@code classId} as tc prints it ("20Mbit"), or null when absent. */
  private String tcClassRate(String classId) {
    Matcher m = Pattern.compile("class htb " + Pattern.quote(classId) + " .*?rate (\\S+)")
        .matcher(ns.tc("class", "show", "dev", "br0"));
    return m.find() ? m.group(1) : null;
  }

  /** Class {@code classId}'s line in {@code tc class show} (no counters), or null. */
  private String tcClassLine(String classId) {
    for (String line : ns.tc("class", "show", "dev", "br0").split("\n")) {
      if (line.startsWith("class htb " + classId + " ")) {
        return line;
      }
    }
    return null;
  }

  @Test
  void commandsResumeWhileNothingChangedAndReconcileAfterAHandEdit() {
    ok(net("start", "--bridge", "br0", "--average", "100mbit", "--netns", ns.name()));
    assertThat(checkpoint()).exists();
    ok(net("plug", "vm1", "--mac", MAC1, "--floor", "40mbit"));
    assertThat(checkpoint()).exists();
    assertThat(nextCommandResumes()).isTrue();
    assertThat(nextCommandResumes()).isTrue();

    // a change behind NetFloor's back: the next plug reconciles and puts the floor back
    ns.tc("class", "change", "dev", "br0", "parent", "1:1", "classid", "1:3", "htb", "rate",
        "7mbit", "ceil", "100mbit");
    ok(net("plug", "vm2", "--mac", "52:54:00:00:00:02", "--floor", "10mbit"));
    assertThat(tcClassRate("1:3")).isEqualTo("40Mbit");
    assertThat(nextCommandResumes()).isTrue(); // the plug left a fresh checkpoint

    // vm2's ceiling changed by hand: the next unplug reconciles first and restores it
    String vm2Before = tcClassLine("1:4");
    assertThat(vm2Before).isNotNull();
    ns.tc("class", "change", "dev", "br0", "parent", "1:1", "classid", "1:4", "htb", "rate",
        "10mbit", "ceil", "90mbit");
    assertThat(tcClassLine("1:4")).isNotEqualTo(vm2Before);
    ok(net("unplug", "vm1"));
    assertThat(tcClassRate("1:3")).isNull();
    assertThat(tcClassLine("1:4")).isEqualTo(vm2Before);

    ok(net("stop"));
    assertThat(checkpoint()).doesNotExist();
  }

  @Test
  void aChangeOfTheStoredStatusAnotherBootOrAFailedCommandMakeTheNextReconcile()
      throws Exception {
    ok(net("start", "--bridge", "br0", "--average", "100mbit", "--netns", ns.name()));
    ok(net("plug", "vm1", "--mac", MAC1, "--floor", "40mbit"));
    assertThat(nextCommandResumes()).isTrue();

    // another program saved the status (same content, new revision)
    try (FileStatusStore store = FileStatusStore.open(state().statusDirectory())) {
      store.save(store.load("t").orElseThrow());
    }
    assertThat(nextCommandResumes()).isFalse();
    assertThat(nextCommandResumes()).isTrue();

    // another boot
    Path file = checkpoint();
    Files.writeString(file, Files.readString(file).replace(ProbeCache.bootId(), "another-boot"));
    assertThat(nextCommandResumes()).isFalse();

    // a refused command leaves no checkpoint: the next reconciles
    assertThat(net("plug", "vm9", "--mac", MAC1, "--floor", "1mbit").exit())
        .isEqualTo(ExitCodes.REFUSED); // the MAC belongs to vm1
    assertThat(checkpoint()).doesNotExist();
    assertThat(nextCommandResumes()).isFalse();

    // a damaged checkpoint is no proof, and no error
    Files.writeString(checkpoint(), "{\"bootId\": [1");
    assertThat(nextCommandResumes()).isFalse();
    ok(net("unplug", "vm1"));
  }
}
