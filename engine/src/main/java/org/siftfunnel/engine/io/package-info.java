/**
 * Safetensors reading and writing (weights move to and from PyTorch through it), a small
 * strict JSON parser and writer, and {@link org.siftfunnel.engine.io.Snapshots}, where long
 * computations keep the state they resume from.
 */
package org.siftfunnel.engine.io;
