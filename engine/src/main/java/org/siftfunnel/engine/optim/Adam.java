package org.siftfunnel.engine.optim;

import java.util.List;
import java.util.Set;

import org.siftfunnel.engine.backend.AdamConfig;
import org.siftfunnel.engine.tensor.Tensor;

/**
 * Adam with PyTorch's {@code torch.optim.Adam} semantics: weight decay is an L2 term added to
 * the gradient, moments {@code m ← β1·m + (1−β1)g}, {@code v ← β2·v + (1−β2)g²}, and
 * {@code θ ← θ − lr/(1−β1^t) · m / (sqrt(v̄)/sqrt(1−β2^t) + ε)} where v̄ is v, or with AMSGrad
 * the running maximum of v (of the raw second moment, as PyTorch's implementation does). t
 * counts the updates of each parameter. {@link AdamW} decouples the weight decay instead.
 */
public class Adam extends Optimizer {
    private static final String EXP_AVG = "exp_avg";
    private static final String EXP_AVG_SQ = "exp_avg_sq";
    private static final String MAX_EXP_AVG_SQ = "max_exp_avg_sq";

    /** Hyper-parameters; {@link #of(float)} gives PyTorch's defaults, the {@code with…} methods change one field. */
    public record Settings(float lr, float beta1, float beta2, float eps, float weightDecay, boolean amsgrad) {
        /** β = (0.9, 0.999), ε = 1e-8, no weight decay, no AMSGrad. */
        public static Settings of(float lr) {
            return new Settings(lr, 0.9f, 0.999f, 1e-8f, 0f, false);
        }

        public Settings withBetas(float b1, float b2) {
            return new Settings(lr, b1, b2, eps, weightDecay, amsgrad);
        }

        public Settings withEps(float e) {
            return new Settings(lr, beta1, beta2, e, weightDecay, amsgrad);
        }

        public Settings withWeightDecay(float wd) {
            return new Settings(lr, beta1, beta2, eps, wd, amsgrad);
        }

        public Settings withAmsgrad(boolean a) {
            return new Settings(lr, beta1, beta2, eps, weightDecay, a);
        }
    }

    private final Settings settings;
    private final boolean decoupledWeightDecay;

    public Adam(List<Tensor> params, float lr) {
        this(params, Settings.of(lr));
    }

    public Adam(List<Tensor> params, Settings settings) {
        this("Adam", params, settings, false);
    }

    Adam(String name, List<Tensor> params, Settings settings, boolean decoupledWeightDecay) {
        super(name, params, settings.lr());
        checkBeta(name, "beta1", settings.beta1());
        checkBeta(name, "beta2", settings.beta2());
        if (!(settings.eps() >= 0f) || !Float.isFinite(settings.eps())) {
            throw new IllegalArgumentException(name + ": eps must be finite and ≥ 0, got " + settings.eps());
        }
        if (!(settings.weightDecay() >= 0f) || !Float.isFinite(settings.weightDecay())) {
            throw new IllegalArgumentException(name + ": weightDecay must be finite and ≥ 0, got " + settings.weightDecay());
        }
        this.settings = settings;
        this.decoupledWeightDecay = decoupledWeightDecay;
    }

    private static void checkBeta(String name, String which, float beta) {
        if (!(beta >= 0f && beta < 1f)) {
            throw new IllegalArgumentException(name + ": " + which + " must be in [0, 1), got " + beta);
        }
    }

    public Settings settings() {
        return settings;
    }

    @Override
    protected final void update(int index, Tensor param, Tensor grad) {
        Tensor m = slotOrZeros(index, EXP_AVG);
        Tensor v = slotOrZeros(index, EXP_AVG_SQ);
        Tensor vMax = settings.amsgrad() ? slotOrZeros(index, MAX_EXP_AVG_SQ) : null;
        AdamConfig config = new AdamConfig(lr(), settings.beta1(), settings.beta2(), settings.eps(), settings.weightDecay(),
                decoupledWeightDecay, settings.amsgrad(), parameterStep(index));
        param.backend().adamStep(param.buffer(), grad.buffer(), m.buffer(), v.buffer(), vMax == null ? null : vMax.buffer(),
                param.numel(), config);
    }

    @Override
    protected final Set<String> slotNames() {
        return settings.amsgrad() ? Set.of(EXP_AVG, EXP_AVG_SQ, MAX_EXP_AVG_SQ) : Set.of(EXP_AVG, EXP_AVG_SQ);
    }
}
