// SPDX-License-Identifier: Apache-2.0
package io.netfloor.examples.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.networknt.schema.Error;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.List;

/** The CLI's published JSON Schema ({@code schema/netfloor-cli-1.schema.json}), as a checker. */
final class CliSchema {
  static final String RESOURCE = "/schema/netfloor-cli-1.schema.json";
  private static final Schema SCHEMA = load();

  private CliSchema() {}

  /** What is wrong with {@code document} by the schema; empty when it conforms. */
  static List<String> violations(JsonNode document) {
    return SCHEMA.validate(document).stream().map(Error::toString).toList();
  }

  /** Fails naming every violation and the document when it does not conform. */
  static JsonNode requireValid(JsonNode document) {
    List<String> problems = violations(document);
    if (!problems.isEmpty()) {
      throw new AssertionError("--json output does not conform to " + RESOURCE + ": " + problems
          + "\n" + document.toPrettyString());
    }
    return document;
  }

  private static Schema load() {
    try (InputStream in = CliSchema.class.getResourceAsStream(RESOURCE)) {
      if (in == null) {
        throw new IllegalStateException(RESOURCE + " is not on the class path");
      }
      return SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12).getSchema(in);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
