/**
 * The standalone edge client's entry point ({@link org.siftfunnel.edge.EdgeMain}): a small
 * command line over {@link org.siftfunnel.model.runtime.edge.EdgeClient}, with no CLI
 * framework, so that {@code edge-client.jar} holds only what an edge device needs.
 */
package org.siftfunnel.edge;
