package org.siftfunnel.model.report;

import java.util.Map;
import java.util.Optional;

/**
 * One attack's numbers against one defense ({@code defenses.<name>.attacks.<attack>}).
 *
 * @param metrics every numeric key (mse, psnr, ssim, attack_accuracy, paper_* ...) with its std
 * @param recon   the reconstruction file relative to the evaluation folder, when recorded
 */
public record AttackEntry(String name, Map<String, Measure> metrics, Optional<String> recon) {

    public Optional<Measure> metric(String key) {
        return Optional.ofNullable(metrics.get(key));
    }
}
