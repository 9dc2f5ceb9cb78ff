/**
 * Datasets, their loaders, and the input pipeline.
 *
 * <h2>Data</h2>
 * A {@link org.siftfunnel.model.data.Dataset} is a set of labelled images with raw pixels in
 * [0, 1], [N, C, H, W], plus provenance (description, class names, source indices, SHA-256 of
 * every file read). {@link org.siftfunnel.model.data.DataSplits} holds the three disjoint parts
 * of the paper's threat model: private training set, private test set, and the attacker's
 * auxiliary set. {@link org.siftfunnel.model.data.DataSources#load(String)} reads them from
 * {@code bundled} (a class-balanced Fashion-MNIST subset shipped in the jar:
 * {@link org.siftfunnel.model.data.BundledFashionMnist}, rebuilt by
 * {@link org.siftfunnel.model.data.BundleBuilder}), an IDX directory, a CIFAR-10 binary
 * directory, an NPZ archive in the paper's layout, or a folder of class subfolders. Sources
 * without an auxiliary split get one carved out of the training split by
 * {@link org.siftfunnel.model.data.StratifiedSplit} (seeded, class-stratified).
 *
 * <h2>Robustness</h2>
 * Every parser checks declared sizes against the bytes actually available before allocating,
 * caps dimensions, and reports problems as a {@link org.siftfunnel.model.data.DataFileException}
 * whose message starts with the file's name.
 *
 * <h2>Input pipeline</h2>
 * {@link org.siftfunnel.model.data.Preprocessing} (colour mode, bilinear
 * {@link org.siftfunnel.model.data.Resize}, {@link org.siftfunnel.model.data.Normalization}),
 * the paper's {@link org.siftfunnel.model.data.Augmentation}, and the
 * {@link org.siftfunnel.model.data.BatchLoader}, which prepares seeded, reproducible batches on a
 * background thread.
 */
package org.siftfunnel.model.data;
