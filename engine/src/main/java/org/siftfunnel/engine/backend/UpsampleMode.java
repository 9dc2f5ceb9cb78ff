package org.siftfunnel.engine.backend;

/** Spatial upsampling modes; BILINEAR uses align_corners=false, as PyTorch's default. */
public enum UpsampleMode {
    NEAREST, BILINEAR
}
