// SPDX-License-Identifier: Apache-2.0
package io.netfloor.examples.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.netfloor.plan.HtbClass;
import io.netfloor.plan.HtbQdisc;
import io.netfloor.plan.LeafQdisc;
import io.netfloor.plan.ObjectKey;
import io.netfloor.plan.Plan;
import io.netfloor.plan.TcObject;
import io.netfloor.plan.TcOp;
import io.netfloor.plan.U32Handle;
import io.netfloor.units.ClassHandle;
import io.netfloor.units.Rate;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The {@code --json} output format: every document is one object that starts with
 * {@code "schema": "netfloor-cli/1"}, the NetFloor {@code "version"} and the {@code "command"},
 * and is described by {@code schema/netfloor-cli-1.schema.json} (docs/CLI.md). Fields hold data:
 * rates as bit/s numbers ({@code …BitsPerSecond}) with the tc spelling beside them
 * ({@code …Tc}), handles as tc writes them ({@code "1:3"}), kernel operations and other tools'
 * objects as objects. A change that renames, removes or retypes a field bumps the schema's number;
 * new fields do not.
 */
final class CliJson {
  /** The name and major version of the output format. */
  static final String SCHEMA = "netfloor-cli/1";

  /** The mapper for {@code --json} output, made on first use (it costs a short command). */
  static ObjectMapper mapper() {
    return MapperHolder.MAPPER;
  }

  private static final class MapperHolder {
    static final ObjectMapper MAPPER = new ObjectMapper()
        .enable(SerializationFeature.INDENT_OUTPUT);
  }

  private CliJson() {}

  /** A new document of {@code command}: schema, version and command first. */
  static Map<String, Object> document(String command) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("schema", SCHEMA);
    m.put("version", CliVersion.version());
    m.put("command", command);
    return m;
  }

  /** Puts {@code NAMEBitsPerSecond} and {@code NAMETc} (both null for a null rate). */
  static void putRate(Map<String, Object> m, String name, Rate rate) {
    m.put(name + "BitsPerSecond", rate == null ? null : rate.bitsPerSecond());
    m.put(name + "Tc", rate == null ? null : rate.toString());
  }

  /** Each operation of {@code plan} as an object (see {@link #op}). */
  static List<Map<String, Object>> ops(Plan plan) {
    return plan.ops().stream().map(CliJson::op).toList();
  }

  /**
   * One kernel operation: {@code action} (add, change, delete), the object's {@code kind}
   * (device, qdisc, class, filter) and {@code type}, its device, handles and rates, and {@code tc}:
   * the operation in tc's words.
   */
  static Map<String, Object> op(TcOp op) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("action", op instanceof TcOp.Add ? "add" : op instanceof TcOp.Change ? "change"
        : "delete");
    TcObject o = op.object();
    ObjectKey key = o.key();
    m.put("kind", key.kind().name().toLowerCase(Locale.ROOT));
    m.put("type", typeOf(o));
    m.put("device", o.device().toString());
    String handle = null;
    String parent = null;
    Integer prio = null;
    switch (key.kind()) {
      case QDISC, CLASS -> handle = ClassHandle.fromBits(key.handle()).toString();
      case FILTER -> {
        parent = ClassHandle.fromBits(key.parent()).toString();
        prio = key.prio();
        handle = U32Handle.fromBits(key.handle()).toString();
      }
      case DEVICE -> { }
      default -> throw new IllegalStateException("unknown kind " + key.kind());
    }
    if (o instanceof HtbClass c) {
      parent = c.parent().toString();
    } else if (o instanceof HtbQdisc q) {
      parent = q.parent().toString();
    } else if (o instanceof LeafQdisc q) {
      parent = q.parent().toString();
    }
    m.put("handle", handle);
    m.put("parent", parent);
    m.put("prio", prio);
    if (o instanceof HtbClass c) {
      putRate(m, "rate", c.rate());
      putRate(m, "ceil", c.ceil());
    }
    m.put("tc", op.describe());
    return m;
  }

  /** {@code HtbClass} → {@code htb-class}, {@code U32MacFilter} → {@code u32-mac-filter}. */
  static String typeOf(TcObject o) {
    String simple = o.getClass().getSimpleName();
    return simple.replaceAll("(?<=[a-z0-9])(?=[A-Z])", "-").toLowerCase(Locale.ROOT);
  }

  private static final Pattern FOREIGN_QDISC = Pattern.compile(
      "(root )?qdisc (\\S+) (\\S+)(?: \\(default ([0-9a-f]+)\\))? on (\\S+)(.*)");
  private static final Pattern OWNER = Pattern.compile("NetFloor network '([^']+)'");

  /**
   * Another owner's object the command left alone: {@code text} as the engine reports it, and for
   * a qdisc its {@code kind}, {@code handle}, {@code device}, whether it is the {@code root}, and the
   * NetFloor network that {@code owner}s it, if one does (null otherwise, and for objects the
   * engine reports in other words).
   */
  static Map<String, Object> foreign(String text) {
    Map<String, Object> m = new LinkedHashMap<>();
    Matcher q = FOREIGN_QDISC.matcher(text);
    boolean qdisc = q.matches();
    m.put("object", qdisc ? "qdisc" : "other");
    m.put("root", qdisc ? q.group(1) != null : null);
    m.put("kind", qdisc ? q.group(2) : null);
    m.put("handle", qdisc ? q.group(3) : null);
    m.put("device", qdisc ? q.group(5) : null);
    Matcher owner = OWNER.matcher(text);
    m.put("owner", owner.find() ? owner.group(1) : null);
    m.put("text", text);
    return m;
  }

  static List<Map<String, Object>> foreign(List<String> texts) {
    return texts.stream().map(CliJson::foreign).toList();
  }

  /** The type an exit code stands for in an error document. */
  static String errorType(int exitCode) {
    return switch (exitCode) {
      case ExitCodes.USAGE -> "usage";
      case ExitCodes.REFUSED -> "refused";
      default -> "failed";
    };
  }

  /** The document a failed command prints under {@code --json}. */
  static Map<String, Object> error(String command, int exitCode, String exception,
      String message) {
    Map<String, Object> doc = document(command);
    Map<String, Object> e = new LinkedHashMap<>();
    e.put("code", exitCode);
    e.put("type", errorType(exitCode));
    e.put("exception", exception);
    e.put("message", message);
    doc.put("error", e);
    return doc;
  }
}
