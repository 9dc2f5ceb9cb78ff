/**
 * Per-operation timing of backends: {@link org.siftfunnel.engine.backend.timing.OpTimings}
 * collects calls and time per kernel, for the CLI's {@code --op-timings} and the benchmarks'
 * per-op profiles. Backends that can time themselves return one from
 * {@link org.siftfunnel.engine.backend.Backend#opTimings()}.
 */
package org.siftfunnel.engine.backend.timing;
