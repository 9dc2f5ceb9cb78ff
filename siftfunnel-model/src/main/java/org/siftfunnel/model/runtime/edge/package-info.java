/**
 * The edge side: {@link org.siftfunnel.model.runtime.edge.EdgeClient} runs the edge half of an
 * export on local inputs ({@link org.siftfunnel.model.runtime.edge.EdgeInputs}), sends only the
 * features to a {@code CloudServer} and returns its predictions with a timing breakdown
 * ({@link org.siftfunnel.model.runtime.edge.EdgeResult}). Depends on the engine, the
 * architectures, the bundle and the wire format only, so that it ships in the standalone
 * {@code edge-client} jar.
 */
package org.siftfunnel.model.runtime.edge;
