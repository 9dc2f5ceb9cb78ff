/**
 * The binary format of the features an edge device sends to the cloud (see
 * {@code docs/wire-format.md}): {@link org.siftfunnel.model.runtime.wire.WireFormat} encodes and
 * decodes a {@link org.siftfunnel.model.runtime.wire.FeatureBatch} in one of the
 * {@link org.siftfunnel.model.runtime.wire.WireDType}s, validating every header field against
 * {@link org.siftfunnel.model.runtime.wire.WireLimits} before allocating anything, and reports
 * every malformed input as a {@link org.siftfunnel.model.runtime.wire.WireFormatException} with
 * a machine-readable code. Nothing here depends on the network or on a model.
 */
package org.siftfunnel.model.runtime.wire;
