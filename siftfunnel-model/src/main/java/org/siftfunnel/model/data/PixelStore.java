package org.siftfunnel.model.data;

/**
 * The pixels of a dataset, [N, C, H, W] row-major. 8-bit sources stay bytes (a quarter of
 * the memory of floats, which matters for CIFAR-sized sets); other sources keep floats.
 */
sealed interface PixelStore {
    /** Copies image {@code index} of {@code imageSize} values, as floats in [0, 1]. */
    void copy(int index, int imageSize, float[] dst, int offset);

    /** A new store holding the given images, in the given order. */
    PixelStore gather(int[] indices, int imageSize);

    long length();

    /** Unsigned bytes; value {@code b} stands for {@code b / 255}. */
    record Bytes(byte[] data) implements PixelStore {
        /** b / 255 in float, by division as torchvision's ToTensor does (a multiply by 1/255 differs in the last bit). */
        private static final float[] VALUES = new float[256];

        static {
            for (int b = 0; b < 256; b++) {
                VALUES[b] = b / 255f;
            }
        }

        @Override
        public void copy(int index, int imageSize, float[] dst, int offset) {
            int base = index * imageSize;
            for (int i = 0; i < imageSize; i++) {
                dst[offset + i] = VALUES[data[base + i] & 0xFF];
            }
        }

        @Override
        public PixelStore gather(int[] indices, int imageSize) {
            byte[] out = new byte[Math.multiplyExact(indices.length, imageSize)];
            for (int i = 0; i < indices.length; i++) {
                System.arraycopy(data, indices[i] * imageSize, out, i * imageSize, imageSize);
            }
            return new Bytes(out);
        }

        @Override
        public long length() {
            return data.length;
        }
    }

    /** Floats already in [0, 1]. */
    record Floats(float[] data) implements PixelStore {
        @Override
        public void copy(int index, int imageSize, float[] dst, int offset) {
            System.arraycopy(data, index * imageSize, dst, offset, imageSize);
        }

        @Override
        public PixelStore gather(int[] indices, int imageSize) {
            float[] out = new float[Math.multiplyExact(indices.length, imageSize)];
            for (int i = 0; i < indices.length; i++) {
                System.arraycopy(data, indices[i] * imageSize, out, i * imageSize, imageSize);
            }
            return new Floats(out);
        }

        @Override
        public long length() {
            return data.length;
        }
    }
}
