package org.siftfunnel.model.mine;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.siftfunnel.engine.estimate.MineResult;

/**
 * Both MINE estimates of I(X;Z) for one model and one perturbation of its features, with
 * what they were computed on.
 *
 * @param model        the split model's name (e.g. {@code cnn/siftfunnel})
 * @param perturbation a label for the transformation applied to z (e.g. {@code none}, {@code noise σ=0.8})
 * @param imageShape   [C, H, W] of x
 * @param featureShape [C, H, W] of z
 * @param trainImages  images the critics were trained on (the target's training split)
 * @param evalImages   images they were evaluated on (the auxiliary split)
 * @param settings     epochs, batch size, learning rates, betas, seed
 * @param paper        the released code's estimate (sigmoid critic, plain DV, maximum over epochs)
 * @param corrected    the corrected estimate (unbounded critic, bias-corrected gradient, held-out value after training)
 */
public record MineReport(String model, String perturbation, int[] imageShape, int[] featureShape, int trainImages,
                         int evalImages, MineRunSettings settings, MineResult paper, MineResult corrected) {
    public MineReport {
        imageShape = imageShape.clone();
        featureShape = featureShape.clone();
    }

    @Override
    public int[] imageShape() {
        return imageShape.clone();
    }

    @Override
    public int[] featureShape() {
        return featureShape.clone();
    }

    /** Caveats a reader of the numbers must see. */
    public List<String> notes() {
        List<String> notes = new java.util.ArrayList<>();
        notes.add("paper: the released code's estimator; its sigmoid critic bounds the estimate by 1 nat and the maximum over"
                + " epochs biases it upwards, so compare its values only with each other");
        notes.add("corrected: unbounded critic with the moving-average bias-corrected gradient, reported once on held-out data;"
                + " a lower bound of I(X;Z) up to estimation noise");
        if (settings.fewerEpochsThanPaper()) {
            notes.add("only " + settings.epochs() + " epochs per estimator (the paper trains " + MineRunSettings.PAPER_EPOCHS
                    + "), so the critics may be under-trained and both values are likely lower than with full training");
        }
        return notes;
    }

    /** A JSON-ready map with both results (each labelled) and the notes. */
    public Map<String, Object> toJson() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("model", model);
        m.put("perturbation", perturbation);
        m.put("image_shape", Arrays.stream(imageShape).boxed().toList());
        m.put("feature_shape", Arrays.stream(featureShape).boxed().toList());
        m.put("train_images", trainImages);
        m.put("eval_images", evalImages);
        Map<String, Object> s = new LinkedHashMap<>();
        s.put("epochs", settings.epochs());
        s.put("batch_size", settings.batchSize());
        s.put("seed", settings.seed());
        m.put("run", s);
        Map<String, Object> estimates = new LinkedHashMap<>();
        estimates.put("paper", paper.toJson());
        estimates.put("corrected", corrected.toJson());
        m.put("estimates", estimates);
        m.put("notes", notes());
        return m;
    }
}
