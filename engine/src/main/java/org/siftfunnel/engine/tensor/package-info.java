/**
 * Tensors and the differentiable operations on them. Each op class (Elementwise, Reductions,
 * Layout, LinearAlgebra, Convolutions, Pooling, Normalization, Indexing) computes its forward pass with backend
 * kernels and records a backward rule with {@link org.siftfunnel.engine.tensor.Tensor#record}.
 */
package org.siftfunnel.engine.tensor;
