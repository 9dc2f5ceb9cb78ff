/**
 * The paper's architectures as split models: the 4-block CNN, VGG16-BN and a CIFAR-style
 * ResNet-18, each undefended and with SiftFunnel's edge (attention, funnel, CBAM) and cloud
 * ({@code Up}, triplet attention, backbone), built by {@link org.siftfunnel.model.arch.Architectures}.
 * A {@link org.siftfunnel.model.arch.SplitModel}'s state dict uses the names of the paper's
 * PyTorch models (no edge/cloud prefix) and its edge stage can be exported on its own.
 * {@link org.siftfunnel.model.arch.ModelCost} counts an edge's multiply-accumulates and parameters.
 */
package org.siftfunnel.model.arch;
