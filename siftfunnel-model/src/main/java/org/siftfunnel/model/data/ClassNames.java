package org.siftfunnel.model.data;

import java.util.ArrayList;
import java.util.List;

/** Class names of the datasets this project knows, in label order. */
public final class ClassNames {
    /** Fashion-MNIST (Xiao et al. 2017), labels 0–9. */
    public static final List<String> FASHION_MNIST = List.of("T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
            "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot");
    /** MNIST digits. */
    public static final List<String> MNIST = numbered(10);
    /** CIFAR-10, labels 0–9 as in batches.meta.txt. */
    public static final List<String> CIFAR10 = List.of("airplane", "automobile", "bird", "cat", "deer", "dog", "frog",
            "horse", "ship", "truck");

    private ClassNames() {
    }

    /** "0", "1", ..., for datasets whose classes have no names. */
    public static List<String> numbered(int n) {
        List<String> names = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            names.add(Integer.toString(i));
        }
        return List.copyOf(names);
    }
}
