package org.siftfunnel.model.metrics;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;
import org.siftfunnel.engine.backend.Backends;
import org.siftfunnel.engine.random.RandomSource;
import org.siftfunnel.engine.tensor.Tensor;

class CovarianceSpectrumTest {

    private static Tensor normal(long seed, int... shape) {
        return Tensor.randn(Backends.reference(), new RandomSource(seed), 0f, 1f, shape);
    }

    @Test
    void handMadeSpectrum() {
        // Points (±1, 0) and (0, ±2): mean 0, ZᵀZ = diag(2, 8), covariance diag(2, 8)/3.
        CovarianceSpectrum s = CovarianceSpectrum.of(Images.of(new float[] {1, 0, -1, 0, 0, 2, 0, -2}, 4, 2));
        assertArrayEquals(new double[] {8.0 / 3, 2.0 / 3}, s.eigenvalues(), 1e-12);
        assertEquals(10.0 / 3, s.totalVariance(), 1e-12);
        assertEquals(Math.exp(-(0.8 * Math.log(0.8) + 0.2 * Math.log(0.2))), s.effectiveRank(), 1e-12);
        assertEquals(1, s.componentsFor(0.8));
        assertEquals(2, s.componentsFor(0.9));
        assertEquals(2, s.componentsFor(0.99));
        assertEquals(2, s.componentsFor(1.0));
    }

    @Test
    void isotropicGaussianHasEffectiveRankNearItsDimension() {
        CovarianceSpectrum s = CovarianceSpectrum.of(normal(61, 4000, 2, 2, 2));
        assertEquals(8, s.dimension());
        assertEquals(8, s.eigenvalues().length);
        assertEquals(8, s.effectiveRank(), 0.05);
        assertEquals(8, s.componentsFor(0.99));
        assertEquals(8, s.totalVariance(), 0.5);
    }

    @Test
    void rankOneDataHasEffectiveRankOne() {
        // z_i = a_i·v: all the variance lies along v.
        int n = 50;
        int d = 12;
        float[] a = normal(62, n).toArray();
        float[] v = normal(63, d).toArray();
        float[] z = new float[n * d];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < d; j++) {
                z[i * d + j] = a[i] * v[j];
            }
        }
        CovarianceSpectrum s = CovarianceSpectrum.of(Images.of(z, n, d));
        assertEquals(1, s.effectiveRank(), 1e-5);
        assertEquals(1, s.componentsFor(0.9));
        assertEquals(1, s.componentsFor(0.99));
    }

    @Test
    void gramRouteGivesTheCovarianceEigenvalues() {
        // d > N: the covariance has d − (N − 1) zero eigenvalues the Gram matrix does not list.
        Tensor wide = normal(64, 6, 10).mul(normal(65, 1, 10));
        assertSameNonZeroSpectrum(CovarianceSpectrum.ofCovariance(wide), CovarianceSpectrum.ofGram(wide), 5);
        assertEquals(6, CovarianceSpectrum.of(wide).eigenvalues().length, "d > N uses the N×N Gram matrix");
        // d ≤ N: the Gram matrix has the extra zeros.
        Tensor tall = normal(66, 10, 4);
        assertSameNonZeroSpectrum(CovarianceSpectrum.ofCovariance(tall), CovarianceSpectrum.ofGram(tall), 4);
        assertEquals(4, CovarianceSpectrum.of(tall).eigenvalues().length, "d ≤ N uses the d×d covariance");
        assertEquals(CovarianceSpectrum.ofCovariance(wide).effectiveRank(), CovarianceSpectrum.ofGram(wide).effectiveRank(),
                1e-9);
    }

    private static void assertSameNonZeroSpectrum(CovarianceSpectrum a, CovarianceSpectrum b, int nonZero) {
        double[] ea = a.eigenvalues();
        double[] eb = b.eigenvalues();
        double scale = ea[0];
        for (int k = 0; k < nonZero; k++) {
            assertEquals(ea[k], eb[k], 1e-10 * scale, "eigenvalue " + k);
        }
        for (int k = nonZero; k < ea.length; k++) {
            assertEquals(0, ea[k], 1e-10 * scale, "covariance eigenvalue " + k);
        }
        for (int k = nonZero; k < eb.length; k++) {
            assertEquals(0, eb[k], 1e-10 * scale, "Gram eigenvalue " + k);
        }
    }

    @Test
    void constantFeaturesHaveNoVarianceAndRankZero() {
        CovarianceSpectrum s = CovarianceSpectrum.of(Images.constant(0.3f, 5, 2, 2, 2));
        assertEquals(0, s.totalVariance(), 1e-12);
        assertEquals(0, s.effectiveRank(), 0);
        assertEquals(0, s.componentsFor(0.9));
    }

    @Test
    void rejectsSingleSamplesAndBadShares() {
        assertThrows(IllegalArgumentException.class, () -> CovarianceSpectrum.of(normal(67, 1, 5)));
        assertThrows(IllegalArgumentException.class, () -> CovarianceSpectrum.of(normal(68, 5)));
        CovarianceSpectrum s = CovarianceSpectrum.of(normal(69, 5, 3));
        assertThrows(IllegalArgumentException.class, () -> s.componentsFor(0));
        assertThrows(IllegalArgumentException.class, () -> s.componentsFor(1.5));
    }
}
