package org.siftfunnel.model.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.siftfunnel.engine.io.Json;
import org.siftfunnel.engine.tensor.Tensor;

class ReconstructionReportTest {

    @Test
    void holdsEveryMetricUnderItsJsonKey() {
        Tensor x = Images.random(41, 9, 3, 12, 12);
        Tensor y = Images.random(42, 9, 3, 12, 12).mul(0.4f).add(x.mul(0.6f));
        ReconstructionReport r = ReconstructionReport.compute(x, y, 4);
        Map<String, Object> json = r.toJson();
        assertEquals(List.of("images", "mse", "mse_std", "psnr", "psnr_std", "psnr_infinite", "ssim", "ssim_std",
                "ssim_gaussian", "ssim_gaussian_std", "cosine", "cosine_std", "paper_mse", "paper_mse_std", "paper_psnr",
                "paper_psnr_std", "paper_psnr_infinite", "paper_ssim", "paper_ssim_std", "paper_batch_size",
                "paper_psnr_batches", "paper_ssim_batches"), List.copyOf(json.keySet()));
        assertEquals(9, json.get("images"));
        assertEquals(Summary.of(ImageMetrics.msePerImage(x, y)).mean(), (Double) json.get("mse"), 0);
        assertEquals(Summary.of(ImageMetrics.psnrPerImage(x, y)).std(), (Double) json.get("psnr_std"), 0);
        assertEquals(Summary.of(Ssim.perImage(x, y, SsimSettings.scikitDefaults())).mean(), (Double) json.get("ssim"), 0);
        assertEquals(Summary.of(Ssim.perImage(x, y, SsimSettings.gaussian())).mean(),
                (Double) json.get("ssim_gaussian"), 0);
        assertEquals(Summary.of(ImageMetrics.cosinePerImage(x, y)).mean(), (Double) json.get("cosine"), 0);
        assertEquals(PaperCompatibleMetrics.mse(x, y), (Double) json.get("paper_mse"), 1e-15);
        assertEquals(Summary.of(PaperCompatibleMetrics.psnrPerBatch(x, y, 4)).mean(), (Double) json.get("paper_psnr"), 0);
        // Batches of 4: 4 + 4 + 1, none deep enough for the 7-wide volume window.
        assertEquals(3, json.get("paper_psnr_batches"));
        assertEquals(0, json.get("paper_ssim_batches"));
        assertNull(json.get("paper_ssim"));
        assertNull(json.get("paper_ssim_std"));
        Json.parse(Json.write(json));
    }

    @Test
    void paperSsimAveragesTheBatches() {
        Tensor x = Images.random(43, 14, 1, 11, 11);
        Tensor y = Images.random(44, 14, 1, 11, 11).mul(0.5f).add(x.mul(0.5f));
        ReconstructionReport r = ReconstructionReport.compute(x, y, 7);
        Summary expected = Summary.of(PaperCompatibleMetrics.ssimPerBatch(x, y, 7));
        assertEquals(2, r.paperSsim().count());
        assertEquals(expected.mean(), r.paperSsim().mean(), 0);
        assertEquals(expected.std(), (Double) r.toJson().get("paper_ssim_std"), 0);
    }

    @Test
    void exactReconstructionsWritePsnrAsNullAndCountThem() {
        Tensor x = Images.random(45, 7, 1, 11, 11);
        Map<String, Object> json = ReconstructionReport.compute(x, x, 7).toJson();
        assertEquals(0.0, (Double) json.get("mse"), 0);
        assertNull(json.get("psnr"));
        assertNull(json.get("psnr_std"));
        assertEquals(7, json.get("psnr_infinite"));
        assertEquals(1, json.get("paper_psnr_infinite"));
        assertEquals(1.0, (Double) json.get("ssim"), 1e-12);
        assertEquals(1.0, (Double) json.get("paper_ssim"), 1e-12);
        assertEquals(1.0, (Double) json.get("cosine"), 1e-12);
    }

    @Test
    void rejectsMismatchedShapes() {
        assertThrows(IllegalArgumentException.class, () -> ReconstructionReport.compute(Images.random(46, 2, 1, 12, 12),
                Images.random(47, 3, 1, 12, 12), 2));
    }
}
