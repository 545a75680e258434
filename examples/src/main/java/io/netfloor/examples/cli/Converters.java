package io.netfloor.examples.cli;

import io.netfloor.InvalidValueException;
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
    cl.registerConverter(InterfaceName.class, wrap(InterfaceName::of));
  }

  private static <T> ITypeConverter<T> wrap(java.util.function.Function<String, T> parse) {
    return text -> {
      try {
        return parse.apply(text);
      } catch (InvalidValueException e) {
        throw new TypeConversionException(e.getMessage());
      }
    };
  }
}
