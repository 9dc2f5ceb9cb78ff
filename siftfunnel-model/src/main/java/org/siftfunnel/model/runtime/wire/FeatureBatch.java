package org.siftfunnel.model.runtime.wire;

import java.util.Arrays;
import java.util.HexFormat;

/**
 * One decoded wire message: the model it was computed for, the dtype it travelled in, its shape
 * (for features, [N, C, H, W]) and its values as float32 (an int8 payload already mapped back
 * through its scale and zero point).
 *
 * @param modelId the 32-byte SHA-256 of the export's manifest.json
 * @param dtype   how the values were stored on the wire
 * @param shape   the dimensions, each at least 1
 * @param values  row-major values, as many as the shape's product
 */
public record FeatureBatch(byte[] modelId, WireDType dtype, int[] shape, float[] values) {
    public FeatureBatch {
        modelId = modelId.clone();
        shape = shape.clone();
    }

    @Override
    public byte[] modelId() {
        return modelId.clone();
    }

    @Override
    public int[] shape() {
        return shape.clone();
    }

    /** The model id in lower-case hex. */
    public String modelIdHex() {
        return HexFormat.of().formatHex(modelId);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof FeatureBatch b && Arrays.equals(modelId, b.modelId) && dtype == b.dtype
                && Arrays.equals(shape, b.shape) && Arrays.equals(values, b.values);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(modelId) * 31 + Arrays.hashCode(shape);
    }

    @Override
    public String toString() {
        return "FeatureBatch[" + dtype.label() + " " + Arrays.toString(shape) + ", model " + modelIdHex().substring(0, 12) + "…]";
    }
}
