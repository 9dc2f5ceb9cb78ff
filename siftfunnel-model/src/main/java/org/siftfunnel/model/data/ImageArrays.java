package org.siftfunnel.model.data;

import java.util.Arrays;
import java.util.List;

/**
 * Turns an image array of unknown layout into a {@link Dataset}. The layout rule:
 * <ul>
 *   <li>rank 3 {@code [N, H, W]}: greyscale;</li>
 *   <li>rank 4: channels-last {@code [N, H, W, C]} when the last axis is 1 or 3 (this wins
 *       when both axes 1 and 3 are 1 or 3, since NumPy/PIL arrays are channels-last);
 *       channels-first {@code [N, C, H, W]} when axis 1 is 1 or 3 and the last axis is not;
 *       anything else is an error.</li>
 * </ul>
 * The value rule: {@code uint8} arrays are 0..255; float (and other integer) arrays must be
 * finite and non-negative, and are taken as [0, 1] when their maximum is at most 1, as
 * 0..255 (divided by 255) when it is at most 255, and rejected otherwise (normalised data,
 * with negative values, is rejected too: the loaders need raw pixels).
 */
final class ImageArrays {
    private ImageArrays() {
    }

    /** Geometry found by the layout rule. */
    record Layout(int n, int c, int h, int w, boolean channelsLast) {
    }

    static Layout layout(String file, int[] shape) throws DataFileException {
        Layout l;
        if (shape.length == 3) {
            l = new Layout(shape[0], 1, shape[1], shape[2], true);
        } else if (shape.length == 4) {
            boolean lastIsChannel = shape[3] == 1 || shape[3] == 3;
            boolean firstIsChannel = shape[1] == 1 || shape[1] == 3;
            if (lastIsChannel) {
                l = new Layout(shape[0], shape[3], shape[1], shape[2], true);
            } else if (firstIsChannel) {
                l = new Layout(shape[0], shape[1], shape[2], shape[3], false);
            } else {
                throw new DataFileException(file, "cannot find the channel axis of image array shape "
                        + Arrays.toString(shape) + ": expected [N, H, W], [N, H, W, C] or [N, C, H, W] with C = 1 or 3");
            }
        } else {
            throw new DataFileException(file, "image array has shape " + Arrays.toString(shape)
                    + ": expected [N, H, W], [N, H, W, C] or [N, C, H, W]");
        }
        if (l.n() == 0 || l.h() == 0 || l.w() == 0) {
            throw new DataFileException(file, "image array of shape " + Arrays.toString(shape) + " is empty");
        }
        if (l.h() > IdxFormat.MAX_SIDE || l.w() > IdxFormat.MAX_SIDE) {
            throw new DataFileException(file, "image side over the limit of " + IdxFormat.MAX_SIDE + " in shape "
                    + Arrays.toString(shape));
        }
        return l;
    }

    /** Builds a dataset from an image array and its labels, converting to [N, C, H, W] in [0, 1]. */
    static Dataset toDataset(String datasetName, NpyFormat.NpyArray images, int[] labels, List<String> classNames)
            throws DataFileException {
        Layout l = layout(images.name(), images.shape());
        if (labels.length != l.n()) {
            throw new DataFileException(images.name(), "has " + l.n() + " images but its labels array has " + labels.length
                    + " entries");
        }
        if (images.isUint8()) {
            byte[] data = l.channelsLast() && l.c() > 1 ? toChannelsFirst(images.bytes(), l) : images.bytes();
            return Dataset.fromBytes(datasetName, data, l.n(), l.c(), l.h(), l.w(), labels, classNames);
        }
        float[] v = images.floats();
        float min = Float.POSITIVE_INFINITY;
        float max = Float.NEGATIVE_INFINITY;
        for (int i = 0; i < v.length; i++) {
            float x = v[i];
            if (!Float.isFinite(x)) {
                throw new DataFileException(images.name(), "element " + i + " is " + x + "; pixels must be finite");
            }
            min = Math.min(min, x);
            max = Math.max(max, x);
        }
        if (min < 0) {
            throw new DataFileException(images.name(), "has negative values (minimum " + min
                    + "); expected raw pixels in [0, 1] or 0..255, not normalised data");
        }
        if (max > 255) {
            throw new DataFileException(images.name(), "has values up to " + max + "; expected raw pixels in [0, 1] or 0..255");
        }
        float divisor = max <= 1f ? 1f : 255f;
        float[] src = l.channelsLast() && l.c() > 1 ? toChannelsFirst(v, l) : v;
        // Scaled in place: the parsed array is not used after this, and a copy would double the peak memory.
        float[] out = src;
        for (int i = 0; i < out.length; i++) {
            out[i] = src[i] / divisor;
        }
        return Dataset.fromFloats(datasetName, out, l.n(), l.c(), l.h(), l.w(), labels, classNames);
    }

    private static byte[] toChannelsFirst(byte[] src, Layout l) {
        byte[] dst = new byte[src.length];
        int hw = l.h() * l.w();
        int c = l.c();
        for (int n = 0; n < l.n(); n++) {
            int base = n * hw * c;
            for (int p = 0; p < hw; p++) {
                for (int ch = 0; ch < c; ch++) {
                    dst[base + ch * hw + p] = src[base + p * c + ch];
                }
            }
        }
        return dst;
    }

    private static float[] toChannelsFirst(float[] src, Layout l) {
        float[] dst = new float[src.length];
        int hw = l.h() * l.w();
        int c = l.c();
        for (int n = 0; n < l.n(); n++) {
            int base = n * hw * c;
            for (int p = 0; p < hw; p++) {
                for (int ch = 0; ch < c; ch++) {
                    dst[base + ch * hw + p] = src[base + p * c + ch];
                }
            }
        }
        return dst;
    }

    /**
     * Class indices from a label array: rank 1 (or [N, 1]) of whole numbers in [0, 100000).
     */
    static int[] labels(NpyFormat.NpyArray array) throws DataFileException {
        int[] s = array.shape();
        if (!(s.length == 1 || (s.length == 2 && s[1] == 1))) {
            throw new DataFileException(array.name(), "label array has shape " + Arrays.toString(s)
                    + ": expected [N] (or [N, 1]) class indices; one-hot labels are not supported");
        }
        int[] out = new int[s[0]];
        for (int i = 0; i < out.length; i++) {
            float v = array.get(i);
            if (!(v >= 0 && v < 100_000) || v != Math.rint(v)) {
                throw new DataFileException(array.name(), "label " + i + " is " + v
                        + "; labels must be whole numbers in [0, 100000)");
            }
            out[i] = (int) v;
        }
        return out;
    }
}
