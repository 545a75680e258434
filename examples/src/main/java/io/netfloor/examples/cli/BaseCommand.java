// SPDX-License-Identifier: Apache-2.0
package io.netfloor.examples.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.netfloor.model.NetworkStatus;
import java.io.PrintWriter;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** What every network subcommand shares: the common options, output, the state directory. */
abstract class BaseCommand implements Callable<Integer>, NetFloorCli.Verbosity {

  @Spec
  CommandSpec spec;

  @Mixin
  CommonOptions common;

  PrintWriter out() {
    return spec.commandLine().getOut();
  }

  @Override
  public boolean verbose() {
    return common != null && common.verbose;
  }

  private StateDir state;

  /**
   * The state directory, checked (on first use, before anything is read or changed): an unsafe
   * one is refused naming the path.
   */
  StateDir state() {
    if (state == null) {
      StartupTrace.mark("picocli parse");
      state = new StateDir(common.stateDir).check();
    }
    return state;
  }

  /**
   * The network's stored definition, with {@code --netns} overriding the remembered namespace. A
   * network the store holds without a CLI record (managed through the library) is refused with
   * what to do.
   */
  NetworkDefinition definition() {
    Optional<NetworkDefinition> recorded = state().read(common.network);
    if (recorded.isEmpty()) {
      Optional<NetworkStatus> stored = Session.peekStatus(state(), common.network);
      if (stored.isPresent()) {
        throw LibraryNetwork.refusal(state(), stored.get(), common.netns, spec.name());
      }
    }
    return withNetnsOption(recorded.isPresent() ? recorded.get() : state().require(common.network));
  }

  /** {@code def} with {@code --netns}, when given, overriding the remembered namespace. */
  NetworkDefinition withNetnsOption(NetworkDefinition def) {
    return common.netns != null && !common.netns.equals(def.netns()) ? def.withNetns(common.netns)
        : def;
  }

  /**
   * A session on the recorded network, its stored status checked (see {@link Session}); the
   * kernel's capabilities as probed earlier in this boot.
   */
  Session openSession() {
    return Session.openRecorded(state(), definition(), false);
  }

  /**
   * Prints {@code body} as this command's JSON document: {@link CliJson#document schema, version
   * and command} first, then the body's fields.
   */
  void printJson(Map<String, Object> body) {
    Map<String, Object> doc = CliJson.document(spec.name());
    doc.putAll(body);
    try {
      out().println(CliJson.mapper().writeValueAsString(doc));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot write JSON: " + e.getMessage(), e);
    }
    out().flush();
  }
}
