package org.siftfunnel.model.runtime.bundle;

/** One side of the split. */
public enum Half {
    /** The layers before the cut, run on the device that holds the private input. */
    EDGE("edge"),
    /** The layers after the cut, run by the server. */
    CLOUD("cloud");

    private final String label;

    Half(String label) {
        this.label = label;
    }

    /** {@code edge} or {@code cloud}: the manifest key and the file name stem. */
    public String label() {
        return label;
    }

    /** {@code edge.safetensors} or {@code cloud.safetensors}. */
    public String fileName() {
        return label + ".safetensors";
    }
}
