package org.siftfunnel.model.arch;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.siftfunnel.engine.random.RandomSource;

/**
 * Built models shared by the read-only architecture tests (VGG16-BN alone has 40 M parameters,
 * so building each model once keeps the tests fast). Tests that change a model's state must
 * build their own.
 */
final class Models {
    private static final Map<String, SplitModel> CACHE = new ConcurrentHashMap<>();

    private Models() {
    }

    /** An eval-mode model for read-only use, built once per argument combination. */
    static SplitModel shared(String backbone, String variant, int channels, int imageSize) {
        return CACHE.computeIfAbsent(backbone + "/" + variant + "/" + channels + "/" + imageSize,
                k -> Architectures.create(backbone, variant, channels, imageSize, 10, new RandomSource(42)).eval());
    }
}
