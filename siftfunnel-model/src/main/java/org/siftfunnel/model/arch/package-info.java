/**
 * The paper's architectures as split models: the 4-block CNN, VGG16-BN and a CIFAR-style
 * ResNet-18, each undefended and with SiftFunnel's edge (attention, funnel, CBAM) and cloud
 * ({@link org.siftfunnel.model.arch.Up}, triplet attention, backbone), built by
 * {@link org.siftfunnel.model.arch.Architectures#create}.
 *
 * <p><b>Split and names.</b> A {@link org.siftfunnel.model.arch.SplitModel} registers the blocks
 * of its edge and cloud {@link org.siftfunnel.model.arch.Stage}s directly on itself, so its
 * state dict uses the attribute names of the paper's PyTorch models with no edge/cloud prefix,
 * and the edge stage's own state dict (what an edge device receives) holds exactly the edge's
 * names. Where the spec gives PyTorch names (the SiftFunnel CNN, checked against the golden
 * file; {@code layer2_mix} of the ResNet) they are used; elsewhere the names follow the CNN's
 * convention for the SiftFunnel blocks and torchvision's for the backbones:
 *
 * <table>
 *   <caption>Edge | cloud blocks by model</caption>
 *   <tr><th>model</th><th>edge</th><th>cloud</th><th>Z at s×s</th></tr>
 *   <tr><td>cnn/none</td><td>block1, block2</td><td>block3, block4, fc</td><td>128 × s/4 × s/4</td></tr>
 *   <tr><td>cnn/siftfunnel</td><td>block1, se_block1, triplet, block2_mix, se_block2, cbam</td>
 *       <td>up, triplet_cloud, block3, block4, fc</td><td>12 × s/4 × s/4</td></tr>
 *   <tr><td>vgg16/none</td><td>block1, block2</td><td>block3, block4, block5, classifier</td><td>128 × s/4 × s/4</td></tr>
 *   <tr><td>vgg16/siftfunnel</td><td>block1, se_block1, triplet1, block2, se_block2, triplet2,
 *       block3_mix, se_block3, cbam</td><td>up, triplet_cloud, block3, block4, block5, classifier</td><td>4 × s/4 × s/4</td></tr>
 *   <tr><td>resnet18/none</td><td>conv1, bn1, layer1, layer2</td><td>layer3, layer4, fc</td><td>128 × s/2 × s/2</td></tr>
 *   <tr><td>resnet18/siftfunnel</td><td>conv1, bn1, se_block1, triplet1, layer2_mix, se_block2,
 *       triplet2, funnel, se_block3, cbam</td><td>up, triplet_cloud, layer3, layer4, fc</td><td>6 × s/2 × s/2</td></tr>
 * </table>
 *
 * <p>{@link org.siftfunnel.model.arch.ModelCost} counts an edge's multiply-accumulates and
 * parameters as in the spec's cost table (§7.2).
 */
package org.siftfunnel.model.arch;
