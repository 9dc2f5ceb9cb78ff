/**
 * The cloud side: {@link org.siftfunnel.model.runtime.server.CloudServer} serves the cloud half
 * of an export over HTTP(S) on the JDK's own {@code com.sun.net.httpserver}, with the limits,
 * authentication and metrics of {@link org.siftfunnel.model.runtime.server.ServerConfig} and
 * {@link org.siftfunnel.model.runtime.server.ServerMetrics}. Endpoints, status codes and the
 * error JSON are described in {@code docs/deployment.md}.
 */
package org.siftfunnel.model.runtime.server;
