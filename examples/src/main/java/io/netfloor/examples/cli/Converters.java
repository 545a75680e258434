// SPDX-License-Identifier: Apache-2.0
package io.netfloor.examples.cli;

import io.netfloor.InvalidValueException;
import io.netfloor.netlink.NetlinkTrafficControl;
import io.netfloor.units.ByteSize;
import io.netfloor.units.InterfaceName;
import io.netfloor.units.MacAddress;
import io.netfloor.units.Rate;
import picocli.CommandLine;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/** picocli converters for NetFloor's value types: a bad value is a usage error naming the rule. */
final class Converters {
  private Converters() {}

  static void register(CommandLine cl) {
    cl.registerConverter(Rate.class, wrap(Rate::parse));
    cl.registerConverter(ByteSize.class, wrap(ByteSize::parse));
    cl.registerConverter(MacAddress.class, wrap(MacAddress::parse));
    cl.registerConverter(io.netfloor.model.Priority.class,
        wrap(io.netfloor.model.Priority::parse));
    cl.registerConverter(InterfaceName.class, wrap(InterfaceName::of));
  }

  /**
   * {@code --netns}: a name {@code ip netns} accepts, checked when the command line is read, so a
   * bad one ({@code ../x}, an empty string) is a usage error before anything is opened or recorded.
   */
  static final class NamespaceName implements ITypeConverter<String> {
    @Override
    public String convert(String text) {
      try {
        return NetlinkTrafficControl.checkNamespaceName(text);
      } catch (InvalidValueException e) {
        throw new TypeConversionException(e.getMessage());
      }
    }
  }

  private static <T> ITypeConverter<T> wrap(java.util.function.Function<String, T> parse) {
    return new Parsing<>(parse);
  }

  /**
   * A value type's parser as a converter. A named class rather than a lambda: a lambda of a
   * picocli interface is spun at run time, it cannot come from the class-data sharing archive.
   */
  private static final class Parsing<T> implements ITypeConverter<T> {
    private final java.util.function.Function<String, T> parse;

    Parsing(java.util.function.Function<String, T> parse) {
      this.parse = parse;
    }

    @Override
    public T convert(String text) {
      try {
        return parse.apply(text);
      } catch (InvalidValueException e) {
        throw new TypeConversionException(e.getMessage());
      }
    }
  }
}
