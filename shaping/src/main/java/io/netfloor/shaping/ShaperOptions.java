// SPDX-License-Identifier: Apache-2.0
package io.netfloor.shaping;

import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.Executor;
import java.util.function.LongSupplier;

/**
 * How a {@link NetworkShaper} runs, beyond its network's configuration: its parked-class pool,
 * the clock that pool reads and where its background work runs. {@link #DEFAULT} is what
 * {@link NetworkShaper#create(io.netfloor.model.NetworkConfig, io.netfloor.spi.TrafficControl,
 * io.netfloor.spi.StatusStore)} uses.
 */
public final class ShaperOptions {
  /** The pool on with {@link ParkedPoolPolicy#DEFAULT}, system clock, own background thread. */
  public static final ShaperOptions DEFAULT = builder().build();

  private final ParkedPoolPolicy parkedPool;
  private final LongSupplier nanoTicker;
  private final Executor poolExecutor;

  private ShaperOptions(Builder b) {
    this.parkedPool = b.parkedPool;
    this.nanoTicker = b.nanoTicker;
    this.poolExecutor = b.poolExecutor;
  }

  /**
   * A builder starting from {@link #DEFAULT}'s settings.
   *
   * @return a new builder
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * The parked-class pool's policy.
   *
   * @return the policy; {@link ParkedPoolPolicy#DEFAULT} unless set
   */
  public ParkedPoolPolicy parkedPool() {
    return parkedPool;
  }

  /**
   * Monotonic nanoseconds, as {@link System#nanoTime()}.
   *
   * @return the clock the pool's idle release reads
   */
  public LongSupplier nanoTicker() {
    return nanoTicker;
  }

  /**
   * Where pool top-ups run.
   *
   * @return the executor; empty: on a daemon thread the shaper owns and ends with it
   */
  public Optional<Executor> poolExecutor() {
    return Optional.ofNullable(poolExecutor);
  }

  /** Builder of {@link ShaperOptions}. */
  public static final class Builder {
    private ParkedPoolPolicy parkedPool = ParkedPoolPolicy.DEFAULT;
    private LongSupplier nanoTicker = System::nanoTime;
    private Executor poolExecutor;

    private Builder() {}

    /**
     * Sets the parked-class pool's policy ({@link ParkedPoolPolicy#OFF}: no pool).
     *
     * @param value the policy
     * @return this builder
     */
    public Builder parkedPool(ParkedPoolPolicy value) {
      this.parkedPool = Objects.requireNonNull(value, "parkedPool");
      return this;
    }

    /**
     * The clock the pool's idle release reads (tests give a fake one).
     *
     * @param value monotonic nanoseconds, as {@link System#nanoTime()}
     * @return this builder
     */
    public Builder nanoTicker(LongSupplier value) {
      this.nanoTicker = Objects.requireNonNull(value, "nanoTicker");
      return this;
    }

    /**
     * Runs pool top-ups on {@code value} instead of the shaper's own thread (tests give one that
     * runs tasks when told). Idle release then happens only through
     * {@link NetworkShaper#maintainPool()}.
     *
     * @param value the executor that runs top-ups
     * @return this builder
     */
    public Builder poolExecutor(Executor value) {
      this.poolExecutor = Objects.requireNonNull(value, "poolExecutor");
      return this;
    }

    /**
     * The options set so far.
     *
     * @return new options
     */
    public ShaperOptions build() {
      return new ShaperOptions(this);
    }
  }
}
