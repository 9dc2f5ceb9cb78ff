package org.siftfunnel.model.arch;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Objects;

import org.siftfunnel.engine.backend.Backend;
import org.siftfunnel.engine.nn.Module;
import org.siftfunnel.engine.tensor.Tensor;

/**
 * A classifier cut into an edge part, run on the device that holds the private input, and a
 * cloud part that receives the edge's output Z (the transmitted feature) and returns
 * log-probabilities: {@code forward(x) = cloud(edge(x))}.
 *
 * <p><b>Names.</b> The paper's released PyTorch models are single modules whose blocks are
 * attributes ({@code block1}, {@code se_block1}, ..., {@code up}, ..., {@code fc}); their
 * state dicts have no edge or cloud prefix. This class reproduces that: every block of both
 * stages is registered directly on the split model under its released name, so
 * {@link #stateDict()} yields e.g. {@code block1.0.weight} and {@code fc.2.bias}. The
 * {@link #edge()} and {@link #cloud()} stages are views over the same block objects, not
 * children of this module: they share parameters with it, and each stage's own state dict holds
 * exactly its own blocks' names (the edge's is what an edge device is given). Edge and cloud
 * names must therefore be disjoint.
 *
 * <p>Mode changes and {@link #to(Backend)} on the split model apply to both stages. Moving or
 * switching only one stage is allowed (an edge runtime does that) and leaves the other alone.
 */
public class SplitModel extends Module {
    private final String name;
    private final ArchConfig config;
    private final Stage edge;
    private final Stage cloud;
    private final int[] featureShape;

    /**
     * @param name         a short description such as {@code "cnn/siftfunnel"}
     * @param config       the settings the model was built for (input shape, classes)
     * @param edge         the blocks before the cut, in order
     * @param cloud        the blocks after the cut, ending with a log-softmax
     * @param featureShape the per-sample shape of Z, {@code [C, H, W]}
     */
    public SplitModel(String name, ArchConfig config, Stage edge, Stage cloud, int[] featureShape) {
        this.name = Objects.requireNonNull(name, "SplitModel: name");
        this.config = Objects.requireNonNull(config, "SplitModel: config");
        this.edge = Objects.requireNonNull(edge, "SplitModel: edge");
        this.cloud = Objects.requireNonNull(cloud, "SplitModel: cloud");
        if (featureShape == null || featureShape.length != 3) {
            throw new IllegalArgumentException("SplitModel " + name + ": featureShape must be [C, H, W], got "
                    + Arrays.toString(featureShape));
        }
        this.featureShape = featureShape.clone();
        // Released order: the edge's blocks, then the cloud's. A name used by both stages is
        // rejected by registerModule, which keeps the two state dicts disjoint.
        edge.namedChildren().forEach(this::registerModule);
        cloud.namedChildren().forEach(this::registerModule);
    }

    /** A short description such as {@code "cnn/siftfunnel"}. */
    public final String name() {
        return name;
    }

    public final ArchConfig config() {
        return config;
    }

    /** The edge stage (the modules before the cut); its state dict has only edge names. */
    public final Stage edge() {
        return edge;
    }

    /** The cloud stage: Z in, log-probabilities out. */
    public final Stage cloud() {
        return cloud;
    }

    /** The per-sample shape {@code [C, H, W]} of the transmitted feature Z. */
    public final int[] featureShape() {
        return featureShape.clone();
    }

    /** Number of values transmitted per sample (the product of {@link #featureShape()}). */
    public final int featureSize() {
        return featureShape[0] * featureShape[1] * featureShape[2];
    }

    /** Log-probabilities [N, classes] for inputs [N, C, H, W] of the configured shape. */
    @Override
    public Tensor forward(Tensor x) {
        return cloud.forward(features(x));
    }

    /** The edge's output Z [N, C, H, W] (what is sent to the cloud). */
    public Tensor features(Tensor x) {
        checkInput(x);
        return edge.forward(x);
    }

    /** The edge's parameters and buffers by released name (what an edge device is given). */
    public final LinkedHashMap<String, Tensor> edgeStateDict() {
        return edge.stateDict();
    }

    private void checkInput(Tensor x) {
        int[] s = x.shape();
        if (s.length != 4 || s[1] != config.channels() || s[2] != config.imageSize() || s[3] != config.imageSize()) {
            throw new IllegalArgumentException(name + ": expected input [N, " + config.channels() + ", " + config.imageSize()
                    + ", " + config.imageSize() + "], got shape " + Arrays.toString(s));
        }
    }

    @Override
    public SplitModel train(boolean mode) {
        super.train(mode);
        // The stages are views, not children: keep their own flags in step.
        edge.train(mode);
        cloud.train(mode);
        return this;
    }

    @Override
    public SplitModel train() {
        return train(true);
    }

    @Override
    public SplitModel eval() {
        return train(false);
    }

    @Override
    public SplitModel to(Backend backend) {
        // The blocks are shared with the stages, so moving them here moves the stages too.
        super.to(backend);
        return this;
    }

    @Override
    protected String extraRepr() {
        return name + ", input " + Arrays.toString(config.inputShape()) + ", Z " + Arrays.toString(featureShape);
    }
}
