// SPDX-License-Identifier: Apache-2.0
package io.netfloor.persistence.internal;

import io.netfloor.model.Limits;
import io.netfloor.model.PluggedInterface;
import io.netfloor.model.StatusChange;
import io.netfloor.spi.StatusRecordCodec;
import io.netfloor.spi.StatusStoreException;
import java.util.SortedSet;

/**
 * The lines of the snapshot and journal files: exactly those of the public
 * {@link StatusRecordCodec} (so a custom store and the file store share one format), with decoding
 * failures as the checked {@link FormatException} that the file readers turn into messages naming
 * the file and line.
 */
public final class StatusCodec {
  private StatusCodec() {}

  public static String encodeInterface(PluggedInterface p) {
    return StatusRecordCodec.encodeInterface(p);
  }

  public static PluggedInterface decodeInterface(String text) throws FormatException {
    try {
      return StatusRecordCodec.decodeInterface(text);
    } catch (StatusStoreException e) {
      throw new FormatException(e.getMessage(), e);
    }
  }

  public static String encodeLimits(Limits l) {
    return StatusRecordCodec.encodeLimits(l);
  }

  public static Limits decodeLimits(String text) throws FormatException {
    try {
      return StatusRecordCodec.decodeLimits(text);
    } catch (StatusStoreException e) {
      throw new FormatException(e.getMessage(), e);
    }
  }

  public static String encodeIds(SortedSet<Integer> ids) {
    return StatusRecordCodec.encodeClassIds(ids);
  }

  public static SortedSet<Integer> decodeIds(String text) throws FormatException {
    try {
      return StatusRecordCodec.decodeClassIds(text);
    } catch (StatusStoreException e) {
      throw new FormatException(e.getMessage(), e);
    }
  }

  public static String encodeChange(StatusChange change) {
    return StatusRecordCodec.encodeChangeLine(change);
  }

  public static StatusChange decodeChange(String text) throws FormatException {
    try {
      return StatusRecordCodec.decodeChangeLine(text);
    } catch (StatusStoreException e) {
      throw new FormatException(e.getMessage(), e);
    }
  }

  /** The value of {@code key=value}, insisting on the key. */
  static String field(String token, String key) {
    if (!token.startsWith(key + "=")) {
      throw new IllegalArgumentException("expected '" + key + "=…', found '" + token + "'");
    }
    return token.substring(key.length() + 1);
  }
}
