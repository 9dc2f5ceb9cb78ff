/**
 * An exported model as edge and cloud see it: a folder with {@code edge.safetensors},
 * {@code cloud.safetensors} and {@code manifest.json}
 * ({@link org.siftfunnel.model.runtime.bundle.ExportManifest}).
 * {@link org.siftfunnel.model.runtime.bundle.ModelBundle} opens such a folder, derives the model
 * id (the SHA-256 of the manifest's bytes, the id on the wire) and loads one half after checking
 * its file against the hash the manifest records. An edge device needs only the manifest and
 * the edge file; this package depends on the engine and the architectures only, so that it can
 * ship in the standalone edge client.
 */
package org.siftfunnel.model.runtime.bundle;
