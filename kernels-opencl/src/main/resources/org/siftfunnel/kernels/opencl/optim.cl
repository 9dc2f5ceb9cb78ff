// Fused optimiser steps with OptimizerMath's semantics and operation order (PyTorch's Adam,
// AdamW, SGD). Host-side scalars that the reference computes in double arrive as hp_float.

kernel void adam_step(global float* param, global const float* grad, global float* m, global float* v,
                      global float* v_max, int amsgrad, int n, float lr, float beta1, float beta2, float eps,
                      float weight_decay, int decoupled, float step_size, hp_float sqrt_bc2) {
    int i = get_global_id(0);
    if (i >= n) {
        return;
    }
    float p = param[i];
    float g = grad[i];
    if (weight_decay != 0.0f) {
        if (decoupled) {
            p *= 1.0f - lr * weight_decay;
        } else {
            g += weight_decay * p;
        }
    }
    float mi = beta1 * m[i] + (1.0f - beta1) * g;
    float vi = beta2 * v[i] + (1.0f - beta2) * g * g;
    m[i] = mi;
    v[i] = vi;
    float v_use = vi;
    if (amsgrad) {
        float prev = v_max[i];
        v_use = isnan(prev) || isnan(vi) ? NAN : (prev > vi ? prev : vi);
        v_max[i] = v_use;
    }
    float denom = (float) (sqrt((hp_float) v_use) / sqrt_bc2) + eps;
    param[i] = p - step_size * mi / denom;
}

kernel void sgd_step(global float* param, global const float* grad, global float* buf, int n, float lr, float momentum,
                     float dampening, float weight_decay, int nesterov, int first_step) {
    int i = get_global_id(0);
    if (i >= n) {
        return;
    }
    float p = param[i];
    float g = grad[i];
    if (weight_decay != 0.0f) {
        g += weight_decay * p;
    }
    if (momentum != 0.0f) {
        float b = first_step ? g : momentum * buf[i] + (1.0f - dampening) * g;
        buf[i] = b;
        g = nesterov ? g + momentum * b : b;
    }
    param[i] = p - lr * g;
}
