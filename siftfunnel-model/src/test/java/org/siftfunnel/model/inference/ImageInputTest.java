package org.siftfunnel.model.inference;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.awt.image.IndexColorModel;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import javax.imageio.ImageIO;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.siftfunnel.engine.backend.Backends;
import org.siftfunnel.engine.tensor.Tensor;
import org.siftfunnel.model.data.Normalization;

class ImageInputTest {
    @TempDir
    Path dir;

    private Path png(String name, BufferedImage img) throws IOException {
        Path p = dir.resolve(name);
        assertTrue(ImageIO.write(img, "png", p.toFile()));
        return p;
    }

    @Test
    void greyPixelsAreReadAsStoredAndReplicatedForAnRgbModel() throws IOException {
        BufferedImage img = new BufferedImage(16, 16, BufferedImage.TYPE_BYTE_GRAY);
        float[] grey = new float[256];
        for (int i = 0; i < 256; i++) {
            img.getRaster().setSample(i % 16, i / 16, 0, i);
            grey[i] = i / 255f;
        }
        Tensor x = ImageInput.read(png("grey.png", img), 3, 16, Normalization.identity(3), Backends.reference());
        assertArrayEquals(new int[] {1, 3, 16, 16}, x.shape());
        float[] v = x.toArray();
        for (int c = 0; c < 3; c++) {
            for (int i = 0; i < 256; i++) {
                assertEquals(grey[i], v[c * 256 + i], "channel " + c + " pixel " + i);
            }
        }
    }

    @Test
    void sixteenBitGreyIsScaledByItsOwnRange() throws IOException {
        BufferedImage img = new BufferedImage(16, 16, BufferedImage.TYPE_USHORT_GRAY);
        img.getRaster().setSample(3, 2, 0, 65535);
        img.getRaster().setSample(4, 2, 0, 32768);
        float[] v = ImageInput.read(png("grey16.png", img), 1, 16, Normalization.identity(1), Backends.reference()).toArray();
        assertEquals(1f, v[2 * 16 + 3]);
        assertEquals(32768f / 65535f, v[2 * 16 + 4]);
        assertEquals(0f, v[0]);
    }

    @Test
    void rgbPixelsBecomeLumaForAGreyModelAndAreNormalised() throws IOException {
        BufferedImage img = new BufferedImage(16, 16, BufferedImage.TYPE_INT_RGB);
        float[] expected = new float[256];
        Normalization norm = new Normalization(new float[] {0.5f}, new float[] {0.25f});
        for (int i = 0; i < 256; i++) {
            int r = i;
            int g = (i * 7) % 256;
            int b = 255 - i;
            img.setRGB(i % 16, i / 16, (r << 16) | (g << 8) | b);
            float luma = 0.299f * (r / 255f) + 0.587f * (g / 255f) + 0.114f * (b / 255f);
            expected[i] = (luma - 0.5f) / 0.25f;
        }
        float[] v = ImageInput.read(png("rgb.png", img), 1, 16, norm, Backends.reference()).toArray();
        for (int i = 0; i < 256; i++) {
            assertEquals(expected[i], v[i], 1e-5f, "pixel " + i);
        }
    }

    @Test
    void paletteImagesAreReadThroughTheirColours() throws IOException {
        byte[] r = {0, (byte) 255};
        byte[] g = {0, (byte) 128};
        byte[] b = {0, 0};
        BufferedImage img = new BufferedImage(16, 16, BufferedImage.TYPE_BYTE_INDEXED, new IndexColorModel(1, 2, r, g, b));
        img.getRaster().setSample(0, 0, 0, 1);
        float[] v = ImageInput.read(png("palette.png", img), 3, 16, Normalization.identity(3), Backends.reference()).toArray();
        assertEquals(1f, v[0]);
        assertEquals(128 / 255f, v[256]);
        assertEquals(0f, v[512]);
        assertEquals(0f, v[1]);
    }

    @Test
    void imagesAreResizedBilinearlyToTheModelSize() throws IOException {
        // Two columns, black and white, widened to 16: PyTorch's bilinear (align_corners=False)
        // keeps the outer quarter of each side flat and ramps linearly in between.
        BufferedImage img = new BufferedImage(2, 1, BufferedImage.TYPE_BYTE_GRAY);
        img.getRaster().setSample(1, 0, 0, 255);
        float[] v = ImageInput.read(png("two.png", img), 1, 16, Normalization.identity(1), Backends.reference()).toArray();
        for (int row = 0; row < 16; row++) {
            for (int x = 0; x < 16; x++) {
                float src = Math.max(0f, (x + 0.5f) / 8f - 0.5f);
                float expected = Math.min(src, 1f);
                assertEquals(expected, v[row * 16 + x], 1e-6f, "row " + row + " x " + x);
            }
        }
    }

    @Test
    void unreadableFilesAreNamed() throws IOException {
        Path fake = Files.writeString(dir.resolve("fake.png"), "this is text");
        IOException e = assertThrows(IOException.class, () -> ImageInput.read(fake, 1, 16, Normalization.GREY, Backends.reference()));
        assertTrue(e.getMessage().startsWith(fake + ": not an image"), e.getMessage());

        // A PNG whose header declares a 100000-pixel-wide image is refused before decoding.
        BufferedImage img = new BufferedImage(4, 4, BufferedImage.TYPE_BYTE_GRAY);
        Path huge = png("huge.png", img);
        byte[] bytes = Files.readAllBytes(huge);
        // IHDR data starts at byte 16: width (4 bytes, big-endian), then height.
        bytes[17] = 0x01;
        bytes[18] = (byte) 0x86;
        bytes[19] = (byte) 0xA0;
        Files.write(huge, bytes);
        e = assertThrows(IOException.class, () -> ImageInput.read(huge, 1, 16, Normalization.GREY, Backends.reference()));
        assertTrue(e.getMessage().startsWith(huge + ": image size 100000×4 is outside the accepted range"), e.getMessage());
    }
}
