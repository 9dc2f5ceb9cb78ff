/**
 * Writing an export: {@link org.siftfunnel.model.runtime.export.ModelExporter} splits a trained
 * split model (from a run folder, a checkpoint or a state dict) into the edge's and the cloud's
 * weights files and writes the manifest that binds them (see
 * {@link org.siftfunnel.model.runtime.bundle}).
 */
package org.siftfunnel.model.runtime.export;
