/**
 * The Backend contract: the kernels a device supplies (elementwise, reductions, GEMM,
 * convolution, pooling, resampling, softmax, batch norm, indexing, random fills, fused optimiser steps), the
 * ServiceLoader registry that finds backends by name, and scalar definitions of each function's semantics.
 */
package org.siftfunnel.engine.backend;
