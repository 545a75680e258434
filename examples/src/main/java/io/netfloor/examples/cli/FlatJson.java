// SPDX-License-Identifier: Apache-2.0
package io.netfloor.examples.cli;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The state directory's small files (a network's record, the cached probe result) as flat JSON
 * objects of strings, booleans, whole numbers and lists of strings, read and written with Jackson's
 * streaming parser and generator: every command reads a record, and Jackson's object mapper costs a
 * short command more to start than the command's own work.
 */
final class FlatJson {
  private static final JsonFactory FACTORY = new JsonFactory();

  private FlatJson() {}

  /**
   * The fields of the object in {@code in}: String, Boolean, Long, List of String or null; nested
   * objects and other arrays are skipped (fields this version does not know).
   *
   * @throws IOException if {@code in} is not one JSON object
   */
  static Map<String, Object> read(InputStream in) throws IOException {
    try (JsonParser p = FACTORY.createParser(in)) {
      if (p.nextToken() != JsonToken.START_OBJECT) {
        throw new JsonParseException(p, "not a JSON object");
      }
      Map<String, Object> fields = new LinkedHashMap<>();
      for (JsonToken t = p.nextToken(); t != JsonToken.END_OBJECT; t = p.nextToken()) {
        if (t != JsonToken.FIELD_NAME) {
          throw new JsonParseException(p, "expected a field name");
        }
        String name = p.currentName();
        JsonToken v = p.nextToken();
        switch (v) {
          case VALUE_STRING -> fields.put(name, p.getText());
          case VALUE_TRUE, VALUE_FALSE -> fields.put(name, v == JsonToken.VALUE_TRUE);
          case VALUE_NUMBER_INT -> fields.put(name, p.getLongValue());
          case VALUE_NULL -> fields.put(name, null);
          case START_ARRAY -> fields.put(name, strings(p));
          default -> p.skipChildren();
        }
      }
      if (p.nextToken() != null) {
        throw new JsonParseException(p, "trailing content after the object");
      }
      return fields;
    }
  }

  private static List<String> strings(JsonParser p) throws IOException {
    List<String> out = new ArrayList<>();
    for (JsonToken t = p.nextToken(); t != JsonToken.END_ARRAY; t = p.nextToken()) {
      if (t != JsonToken.VALUE_STRING) {
        throw new JsonParseException(p, "expected a list of strings");
      }
      out.add(p.getText());
    }
    return out;
  }

  /** {@code fields} as an indented JSON object; null values are left out. */
  static byte[] write(Map<String, ?> fields) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (JsonGenerator g = FACTORY.createGenerator(bytes)) {
      g.useDefaultPrettyPrinter();
      g.writeStartObject();
      for (Map.Entry<String, ?> e : fields.entrySet()) {
        Object v = e.getValue();
        if (v == null) {
          continue;
        }
        g.writeFieldName(e.getKey());
        if (v instanceof String s) {
          g.writeString(s);
        } else if (v instanceof Boolean b) {
          g.writeBoolean(b);
        } else if (v instanceof Long || v instanceof Integer) {
          g.writeNumber(((Number) v).longValue());
        } else if (v instanceof List<?> list) {
          g.writeStartArray();
          for (Object o : list) {
            g.writeString(String.valueOf(o));
          }
          g.writeEndArray();
        } else {
          throw new IllegalArgumentException("not a flat JSON value: " + v.getClass());
        }
      }
      g.writeEndObject();
    }
    return bytes.toByteArray();
  }

  /** The string field {@code name}, or null; a field of another type is an error. */
  static String string(Map<String, Object> fields, String name) throws IOException {
    Object v = fields.get(name);
    if (v != null && !(v instanceof String)) {
      throw new IOException("field '" + name + "' is not a string");
    }
    return (String) v;
  }
}
