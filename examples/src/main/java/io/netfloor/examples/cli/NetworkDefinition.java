package io.netfloor.examples.cli;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.netfloor.model.FilterLayout;
import io.netfloor.model.Limits;
import io.netfloor.model.NetworkConfig;
import io.netfloor.units.ByteSize;
import io.netfloor.units.Rate;

/**
 * What {@code netfloor start} was told about a network, kept in the state directory so that later
 * commands need only {@code --network}: its bridge, the namespace the bridge lives in, its inbound
 * limits (tc syntax, e.g. {@code 100mbit}) and the filter layout.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record NetworkDefinition(String name, String bridge, String netns, String average,
    String peak, String burst, String layout) {

  /** The library's configuration of this network (validating every value). */
  public NetworkConfig toConfig() {
    Limits.Builder in = Limits.builder().average(Rate.parse(average));
    if (peak != null) {
      in.peak(Rate.parse(peak));
    }
    if (burst != null) {
      in.burst(ByteSize.parse(burst));
    }
    return NetworkConfig.builder(name, bridge).inbound(in.build())
        .filterLayout(layoutOf(layout)).build();
  }

  /** {@code hashed} or {@code libvirt} (the linear list libvirt builds). */
  public static FilterLayout layoutOf(String text) {
    if (text == null || text.equals("hashed")) {
      return FilterLayout.HASHED;
    }
    if (text.equals("libvirt")) {
      return FilterLayout.LIBVIRT_LINEAR;
    }
    throw new CliException(ExitCodes.USAGE, "layout '" + text + "' must be 'hashed' or 'libvirt'");
  }

  /** The CLI's name of a layout. */
  public static String nameOf(FilterLayout layout) {
    return io.netfloor.examples.Units.layout(layout);
  }

  /** "100mbit inbound (peak 200mbit, burst 64kb), layout hashed, bridge br0 in netns X". */
  public String describe() {
    StringBuilder sb = new StringBuilder("bridge ").append(bridge);
    if (netns != null) {
      sb.append(" in netns ").append(netns);
    }
    sb.append(", inbound ").append(average);
    if (peak != null) {
      sb.append(" peak ").append(peak);
    }
    if (burst != null) {
      sb.append(" burst ").append(burst);
    }
    return sb.append(", layout ").append(layout == null ? "hashed" : layout).toString();
  }
}
