package org.siftfunnel.model.attack;

import java.util.ArrayList;
import java.util.List;

import org.siftfunnel.engine.tensor.Tensor;
import org.siftfunnel.model.data.Batch;
import org.siftfunnel.model.data.BatchStream;
import org.siftfunnel.model.data.Dataset;

/**
 * Runs a prepared attack on victim images: each image goes through the edge and the defense's
 * perturbation (what is transmitted), and the attack reconstructs it from that alone.
 */
public final class VictimReconstruction {
    private static final long SALT = 0x76696374696DL;

    private VictimReconstruction() {
    }

    /**
     * @param name      the attack's name, for the result
     * @param victims   the images to attack (the victim's test split), in order
     * @param batchSize how many images are transmitted and reconstructed per call
     */
    public static AttackResult run(String name, PreparedAttack prepared, AttackContext ctx, Dataset victims, int batchSize) {
        List<Tensor> xhat = new ArrayList<>();
        List<Tensor> raw = new ArrayList<>();
        List<Tensor> labels = new ArrayList<>();
        try (BatchStream batches = ctx.loader(victims, batchSize, false, SALT).epoch(0)) {
            while (batches.hasNext()) {
                Batch b = batches.next();
                xhat.add(prepared.reconstruct(ctx.observe(b.images())));
                raw.add(b.raw());
                labels.add(b.labels());
            }
        }
        return new AttackResult(name, cat(xhat), cat(raw), cat(labels), prepared.metadata());
    }

    private static Tensor cat(List<Tensor> parts) {
        return parts.size() == 1 ? parts.get(0) : Tensor.concat(0, parts.toArray(Tensor[]::new));
    }
}
