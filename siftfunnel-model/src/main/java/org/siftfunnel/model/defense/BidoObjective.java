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
 *   L = CE + λx·HSIC(x, z) − λy·HSIC(z, onehot(y))
 * </pre>
 *
 * HSIC is the biased estimator {@code tr(K H L H)/(n−1)²} of {@link Losses#hsicGaussian} with
 * Gaussian kernels on each flattened variable. <b>Kernel width:</b> as BiDO's code
 * ({@code hisc_kernelmat}), the kernel of a variable with d values per sample is
 * {@code exp(−|u−u'|²/(2σ²·d))}, i.e. {@link Losses#hsicGaussian} is given the bandwidth
 * σ·√d, for x, z and the one-hot labels alike. Without that scaling a fixed σ = 5 would make the
 * kernel of a 3,072-value image the identity (every pair of images is more than 50 apart), and
 * HSIC would be constant.
 *
 * <p>BiDO's released trainers compute a normalised variant ({@code hsic_normalized_cca}, which
 * needs a matrix inverse); this is the plain HSIC, so its values, and hence sensible weights,
 * are on a different scale (see docs/defenses.md). Terms: {@code task} (NLL),
 * {@code hsic_xz}, {@code hsic_zy}.
 *
 * @param lambdaX weight of HSIC(x, z), lowered
 * @param lambdaY weight of HSIC(z, y), raised (enters the loss with a minus sign)
 * @param sigma   kernel width before the √d scaling
 */
public record BidoObjective(float lambdaX, float lambdaY, float sigma) implements Objective {
    public static final String TASK = "task";
    public static final String HSIC_XZ = "hsic_xz";
    public static final String HSIC_ZY = "hsic_zy";

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
        Tensor hsicXz = Losses.hsicGaussian(input, features, bandwidth(input), bandwidth(features));
        Tensor hsicZy = Losses.hsicGaussian(features, oneHot, bandwidth(features), bandwidth(oneHot));
        Tensor total = task.add(hsicXz.mul(lambdaX)).sub(hsicZy.mul(lambdaY));
        Map<String, Tensor> terms = new LinkedHashMap<>();
        terms.put(TASK, task);
        terms.put(HSIC_XZ, hsicXz);
        terms.put(HSIC_ZY, hsicZy);
        return new LossTerms(total, terms);
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
        return String.format(Locale.ROOT, "BidoObjective(CE + %s·HSIC(x,z) − %s·HSIC(z,y), σ=%s·√d)", lambdaX, lambdaY, sigma);
    }
}
