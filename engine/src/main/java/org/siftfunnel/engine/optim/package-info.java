/**
 * Optimisers and learning-rate schedules with PyTorch's semantics: {@link
 * org.siftfunnel.engine.optim.SGD} (momentum, dampening, Nesterov, weight decay), {@link
 * org.siftfunnel.engine.optim.Adam} (L2 weight decay added to the gradient) and {@link
 * org.siftfunnel.engine.optim.AdamW} (decoupled weight decay), both with AMSGrad; {@link
 * org.siftfunnel.engine.optim.StepLR}, {@link org.siftfunnel.engine.optim.ReduceLROnPlateau} and
 * a linear {@link org.siftfunnel.engine.optim.Warmup}.
 *
 * <p>Updates run as the backend's fused kernels ({@code Backend.adamStep/sgdStep}), so the
 * parameters and their state never leave the device. Optimiser state exports to a
 * {@code Map<String, Tensor>} for checkpoints; scheduler state to a {@code Map<String, Double>}.
 */
package org.siftfunnel.engine.optim;
