package org.siftfunnel.model.defense;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

import org.siftfunnel.engine.autograd.GradMode;
import org.siftfunnel.engine.loss.Losses;
import org.siftfunnel.engine.tensor.Tensor;
import org.siftfunnel.model.objective.LossTerms;
import org.siftfunnel.model.objective.Objective;

/**
 * BiDO (bilateral dependency optimisation, Peng et al., KDD'22), applied to the transmitted
 * feature z: lower the dependence between the input and z, raise that between z and the label,
 *
 * <pre>
 *   L = CE + λx·D(x, z) − λy·D(z, onehot(y))
 * </pre>
 *
 * where D is a Gaussian-kernel HSIC measure on each flattened variable:
 * <ul>
 *   <li>{@code normalized = true} (the default): the normalised HSIC
 *       {@code HSIC(a,b)/sqrt(HSIC(a,a)·HSIC(b,b))} (centred kernel alignment, in [0, 1]);</li>
 *   <li>{@code normalized = false}: the biased HSIC {@code tr(K H L H)/(n−1)²} itself
 *       ({@link Losses#hsicGaussian}).</li>
 * </ul>
 * Why normalised by default: BiDO's weights (0.05, 0.5) were tuned for its code's normalised
 * measure ({@code hsic_normalized_cca}, which needs a matrix inverse the engine lacks); the plain
 * HSIC with σ = 5 is about 2e-5 for our CNN's features, so with those weights the penalty
 * would be about 1e-6 against a cross-entropy of about 1, a defense in name only. The normalised
 * HSIC is scale-free like NoPeek's dCor (about 0.94 for x–z and 0.44 for z–y on the untrained
 * CNN), so the published weights act.
 *
 * <p><b>Kernel width:</b> as BiDO's code ({@code hisc_kernelmat}), the kernel of a variable with d
 * values per sample is {@code exp(−|u−u'|²/(2σ²·d))}, i.e. {@link Losses#hsicGaussian} is given
 * the bandwidth σ·√d, for x, z and the one-hot labels alike. Without that scaling a fixed σ = 5
 * would make the kernel of a 3,072-value image the identity (every pair of images is more than
 * 50 apart), and the measure constant. Terms: {@code task} (NLL), {@code hsic_xz},
 * {@code hsic_zy} (normalised or not, as configured).
 *
 * @param lambdaX    weight of D(x, z), lowered
 * @param lambdaY    weight of D(z, y), raised (enters the loss with a minus sign)
 * @param sigma      kernel width before the √d scaling
 * @param normalized whether D is the normalised HSIC
 */
public record BidoObjective(float lambdaX, float lambdaY, float sigma, boolean normalized) implements Objective {
    public static final String TASK = "task";
    public static final String HSIC_XZ = "hsic_xz";
    public static final String HSIC_ZY = "hsic_zy";

    /**
     * A product HSIC(a,a)·HSIC(b,b) at or below this is treated as zero (a variable constant over
     * the batch, e.g. a batch of one class for the labels): the normalised HSIC is then 0.
     */
    static final double DEGENERATE = 1e-30;

    public BidoObjective {
        Weights.check("BidoObjective", "lambdaX", lambdaX);
        Weights.check("BidoObjective", "lambdaY", lambdaY);
        if (!(sigma > 0f) || !Float.isFinite(sigma)) {
            throw new IllegalArgumentException("BidoObjective: sigma must be a positive finite kernel width, got " + sigma);
        }
    }

    @Override
    public LossTerms evaluate(Tensor input, Tensor features, Tensor logProbs, Tensor labels) {
        int n = input.size(0);
        if (features.size(0) != n || logProbs.size(0) != n || labels.size(0) != n) {
            throw new IllegalArgumentException("BidoObjective: batch sizes differ: input " + n + ", features " + features.size(0)
                    + ", log-probabilities " + logProbs.size(0) + ", labels " + labels.size(0));
        }
        Tensor task = Losses.nll(logProbs, labels);
        Tensor oneHot = oneHot(labels, logProbs.size(1));
        Tensor hsicXz = dependence(input, features);
        Tensor hsicZy = dependence(features, oneHot);
        Tensor total = task.add(hsicXz.mul(lambdaX)).sub(hsicZy.mul(lambdaY));
        Map<String, Tensor> terms = new LinkedHashMap<>();
        terms.put(TASK, task);
        terms.put(HSIC_XZ, hsicXz);
        terms.put(HSIC_ZY, hsicZy);
        return new LossTerms(total, terms);
    }

    /** D(a, b): the HSIC, divided by sqrt(HSIC(a,a)·HSIC(b,b)) when normalised. */
    Tensor dependence(Tensor a, Tensor b) {
        float sa = bandwidth(a);
        float sb = bandwidth(b);
        Tensor hsic = Losses.hsicGaussian(a, b, sa, sb);
        if (!normalized) {
            return hsic;
        }
        Tensor aa = Losses.hsicGaussian(a, a, sa, sa);
        Tensor bb = Losses.hsicGaussian(b, b, sb, sb);
        if ((double) aa.item() * bb.item() <= DEGENERATE) {
            // Still connected to the graph, with exactly zero gradient (as the distance correlation does).
            return hsic.mul(0f);
        }
        return hsic.div(aa.mul(bb).sqrt());
    }

    /** σ·√d for a batch whose samples hold d values each. */
    float bandwidth(Tensor batch) {
        long d = batch.numel() / batch.size(0);
        return (float) (sigma * Math.sqrt(d));
    }

    /** [N, classes] with 1 at each sample's label, on the labels' backend (no gradient). */
    static Tensor oneHot(Tensor labels, int classes) {
        try (GradMode.Scope s = GradMode.noGrad()) {
            Tensor classIndex = Tensor.arange(labels.backend(), classes).reshape(1, classes);
            return labels.reshape(labels.size(0), 1).eq(classIndex);
        }
    }

    @Override
    public String toString() {
        String d = normalized ? "nHSIC" : "HSIC";
        return String.format(Locale.ROOT, "BidoObjective(CE + %s·%s(x,z) − %s·%s(z,y), σ=%s·√d)", lambdaX, d, lambdaY, d, sigma);
    }
}
