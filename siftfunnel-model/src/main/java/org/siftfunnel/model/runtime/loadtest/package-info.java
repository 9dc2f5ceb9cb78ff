/**
 * A bounded load generator for a cloud server: {@link org.siftfunnel.model.runtime.loadtest.LoadTest}
 * sends prepared feature messages from several client threads, with a request count and a time
 * limit, checks every answer against the local full model's prediction, and reports throughput
 * and latency percentiles ({@link org.siftfunnel.model.runtime.loadtest.LoadReport}).
 */
package org.siftfunnel.model.runtime.loadtest;
