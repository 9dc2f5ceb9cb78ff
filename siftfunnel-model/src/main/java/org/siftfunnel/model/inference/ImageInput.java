package org.siftfunnel.model.inference;

import java.awt.color.ColorSpace;
import java.awt.image.BufferedImage;
import java.awt.image.ColorModel;
import java.awt.image.IndexColorModel;
import java.awt.image.Raster;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;

import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;

import org.siftfunnel.engine.backend.Backend;
import org.siftfunnel.engine.tensor.Tensor;
import org.siftfunnel.model.data.ColorMode;
import org.siftfunnel.model.data.Normalization;
import org.siftfunnel.model.data.Resize;

/**
 * One image file (PNG, JPEG, BMP, GIF; read with ImageIO) as model input: converted to the
 * model's channels (greyscale by BT.601 luma, or grey replicated to RGB; see {@link ColorMode}),
 * resized to the model's square size with {@link Resize} (bilinear, aspect ratio not kept, as
 * torchvision's {@code Resize((s, s))} on a tensor), scaled to [0, 1] and normalised: the
 * paper's preprocessing of a dataset image, for a batch of one.
 */
public final class ImageInput {
    /** Images with a side over this, or more pixels than {@link #MAX_PIXELS}, are refused before decoding. */
    static final int MAX_SIDE = 8192;
    static final long MAX_PIXELS = 1L << 26;

    private ImageInput() {
    }

    /** Pixels of a decoded image: {@code channels} (1 or 3) planes of height × width values in [0, 1]. */
    record Pixels(int channels, int height, int width, float[] values) {
    }

    /**
     * Reads {@code file} as a normalised [1, channels, size, size] tensor on {@code backend}.
     *
     * @throws IOException naming the file when it cannot be read or decoded
     */
    public static Tensor read(Path file, int channels, int size, Normalization normalization, Backend backend) throws IOException {
        if (normalization.channels() != channels) {
            throw new IllegalArgumentException("image input: normalization has " + normalization.channels()
                    + " channels but the model takes " + channels);
        }
        Pixels px = decode(file);
        int plane = px.height() * px.width();
        float[] converted = new float[channels * plane];
        (channels == 1 ? ColorMode.GREY : ColorMode.RGB).convert(px.values(), 0, px.channels(), plane, converted, 0);
        float[] resized = new float[channels * size * size];
        new Resize.Plan(px.height(), px.width(), size, size).apply(converted, 0, channels, resized, 0);
        normalization.apply(resized, 0, resized, 0, size * size);
        return Tensor.of(backend, resized, 1, channels, size, size);
    }

    /** Decodes an image, checking its declared size first so that a corrupt header cannot demand gigabytes. */
    static Pixels decode(Path file) throws IOException {
        ImageIO.setUseCache(false);
        try (InputStream raw = Files.newInputStream(file); ImageInputStream in = ImageIO.createImageInputStream(raw)) {
            Iterator<ImageReader> readers = in == null ? null : ImageIO.getImageReaders(in);
            if (readers == null || !readers.hasNext()) {
                throw new IOException(file + ": not an image this JVM can decode (PNG, JPEG, BMP or GIF expected)");
            }
            ImageReader reader = readers.next();
            try {
                reader.setInput(in, true, true);
                int w = reader.getWidth(0);
                int h = reader.getHeight(0);
                if (w <= 0 || h <= 0 || w > MAX_SIDE || h > MAX_SIDE || (long) w * h > MAX_PIXELS) {
                    throw new IOException(file + ": image size " + w + "×" + h + " is outside the accepted range (sides up to "
                            + MAX_SIDE + ", at most " + MAX_PIXELS + " pixels)");
                }
                return pixels(reader.read(0));
            } finally {
                reader.dispose();
            }
        } catch (RuntimeException e) {
            // Decoders report corrupt data through assorted runtime exceptions; all mean the same to a user.
            throw new IOException(file + ": unreadable image: " + e, e);
        }
    }

    private static Pixels pixels(BufferedImage img) {
        int w = img.getWidth();
        int h = img.getHeight();
        int plane = w * h;
        ColorModel cm = img.getColorModel();
        if (cm.getColorSpace().getType() == ColorSpace.TYPE_GRAY && !(cm instanceof IndexColorModel)) {
            // Grey samples are read as stored: getRGB would pass them through a
            // linear-to-sRGB conversion and change their values.
            Raster raster = img.getRaster();
            float max = (1 << cm.getComponentSize(0)) - 1;
            float[] grey = new float[plane];
            for (int y = 0; y < h; y++) {
                for (int x = 0; x < w; x++) {
                    grey[y * w + x] = raster.getSample(x, y, 0) / max;
                }
            }
            return new Pixels(1, h, w, grey);
        }
        float[] rgb = new float[3 * plane];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int argb = img.getRGB(x, y); // alpha is ignored: the paper's images are opaque
                rgb[y * w + x] = ((argb >> 16) & 0xFF) / 255f;
                rgb[plane + y * w + x] = ((argb >> 8) & 0xFF) / 255f;
                rgb[2 * plane + y * w + x] = (argb & 0xFF) / 255f;
            }
        }
        return new Pixels(3, h, w, rgb);
    }
}
