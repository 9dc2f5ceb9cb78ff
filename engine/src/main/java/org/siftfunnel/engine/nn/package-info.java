/**
 * Layers and models: {@link org.siftfunnel.engine.nn.Module} (named parameters, buffers and
 * children with PyTorch-style state-dict names, train/eval mode, device moves, safetensors
 * save/load), {@link org.siftfunnel.engine.nn.Sequential}, convolution, linear,
 * normalisation, pooling, resampling and activation layers, and
 * {@link org.siftfunnel.engine.nn.Init} for PyTorch-like initialisation from a seeded
 * {@link org.siftfunnel.engine.random.RandomSource}.
 *
 * <p>Every layer is a thin wrapper over tensor ops, so autograd differentiates it and any
 * backend runs it. Layers keep no per-call state, so one model can serve several threads in
 * eval mode under {@code GradMode.noGrad()}.
 */
package org.siftfunnel.engine.nn;
