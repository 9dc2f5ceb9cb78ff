package org.siftfunnel.engine.optim;

import java.util.List;
import java.util.Set;

import org.siftfunnel.engine.backend.SgdConfig;
import org.siftfunnel.engine.tensor.Tensor;

/**
 * Stochastic gradient descent with PyTorch's {@code torch.optim.SGD} semantics:
 * {@code g ← g + λθ}; with momentum μ the buffer starts as g and then becomes
 * {@code b ← μb + (1−τ)g}; the step uses {@code g + μb} (Nesterov) or {@code b}; {@code θ ← θ − lr·step}.
 */
public final class SGD extends Optimizer {
    private static final String MOMENTUM_BUFFER = "momentum_buffer";

    /** Hyper-parameters; {@link #of(float)} gives plain SGD, the {@code with…} methods change one field. */
    public record Settings(float lr, float momentum, float dampening, float weightDecay, boolean nesterov) {
        public static Settings of(float lr) {
            return new Settings(lr, 0f, 0f, 0f, false);
        }

        public Settings withMomentum(float m) {
            return new Settings(lr, m, dampening, weightDecay, nesterov);
        }

        public Settings withDampening(float d) {
            return new Settings(lr, momentum, d, weightDecay, nesterov);
        }

        public Settings withWeightDecay(float wd) {
            return new Settings(lr, momentum, dampening, wd, nesterov);
        }

        public Settings withNesterov(boolean n) {
            return new Settings(lr, momentum, dampening, weightDecay, n);
        }
    }

    private final Settings settings;

    public SGD(List<Tensor> params, float lr) {
        this(params, Settings.of(lr));
    }

    public SGD(List<Tensor> params, Settings settings) {
        super("SGD", params, settings.lr());
        checkNonNegative("momentum", settings.momentum());
        checkNonNegative("dampening", settings.dampening());
        checkNonNegative("weightDecay", settings.weightDecay());
        if (settings.nesterov() && (settings.momentum() <= 0f || settings.dampening() != 0f)) {
            throw new IllegalArgumentException("SGD: Nesterov momentum requires momentum > 0 and zero dampening, got momentum "
                    + settings.momentum() + ", dampening " + settings.dampening());
        }
        this.settings = settings;
    }

    private static void checkNonNegative(String what, float v) {
        if (!(v >= 0f) || !Float.isFinite(v)) {
            throw new IllegalArgumentException("SGD: " + what + " must be finite and ≥ 0, got " + v);
        }
    }

    public Settings settings() {
        return settings;
    }

    @Override
    protected void update(int index, Tensor param, Tensor grad) {
        Tensor buffer = null;
        boolean firstStep = false;
        if (settings.momentum() != 0f) {
            firstStep = slot(index, MOMENTUM_BUFFER) == null;
            buffer = slotOrZeros(index, MOMENTUM_BUFFER);
        }
        SgdConfig config = new SgdConfig(lr(), settings.momentum(), settings.dampening(), settings.weightDecay(),
                settings.nesterov(), firstStep);
        param.backend().sgdStep(param.buffer(), grad.buffer(), buffer == null ? null : buffer.buffer(), param.numel(), config);
    }

    @Override
    protected Set<String> slotNames() {
        return Set.of(MOMENTUM_BUFFER);
    }
}
