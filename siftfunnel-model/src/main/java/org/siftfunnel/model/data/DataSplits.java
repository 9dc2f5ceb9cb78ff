package org.siftfunnel.model.data;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The three disjoint parts the paper's threat model needs: the defender's private training
 * set, its private test set (the images attacks try to reconstruct), and the attacker's
 * auxiliary set (same distribution, disjoint from the private training set).
 */
public record DataSplits(Dataset train, Dataset test, Dataset auxiliary) {
    public DataSplits {
        if (train.channels() != test.channels() || train.channels() != auxiliary.channels()
                || train.height() != test.height() || train.height() != auxiliary.height()
                || train.width() != test.width() || train.width() != auxiliary.width()) {
            throw new IllegalArgumentException("data splits disagree on image shape: train " + train + ", test " + test
                    + ", auxiliary " + auxiliary);
        }
        if (!train.classNames().equals(test.classNames()) || !train.classNames().equals(auxiliary.classNames())) {
            throw new IllegalArgumentException("data splits disagree on classes: train " + train.classNames() + ", test "
                    + test.classNames() + ", auxiliary " + auxiliary.classNames());
        }
    }

    public int channels() {
        return train.channels();
    }

    public int numClasses() {
        return train.numClasses();
    }

    /** What a run records: each split's metadata (description, counts, file hashes). */
    public Map<String, Object> metadata() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("train", train.metadata());
        m.put("test", test.metadata());
        m.put("auxiliary", auxiliary.metadata());
        return m;
    }
}
