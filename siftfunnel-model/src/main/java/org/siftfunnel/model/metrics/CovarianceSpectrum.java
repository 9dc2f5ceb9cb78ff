package org.siftfunnel.model.metrics;

import java.util.Arrays;

import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.CommonOps_DDRM;
import org.ejml.dense.row.factory.DecompositionFactory_DDRM;
import org.ejml.interfaces.decomposition.EigenDecomposition_F64;
import org.siftfunnel.engine.tensor.Tensor;

/**
 * The eigenvalues of the sample covariance of features z [N, ...] (each sample flattened to d
 * values; covariance d×d over the N samples, divided by N − 1 as {@code np.cov}), with the
 * effective rank and the number of principal components that explain a share of the variance.
 *
 * <p><b>Two routes to the same spectrum.</b> With Z the centred N×d data, the covariance is
 * ZᵀZ/(N−1) (d×d) and the Gram matrix ZZᵀ/(N−1) (N×N) has the same non-zero eigenvalues.
 * {@link #of} takes the smaller matrix: the covariance when d ≤ N, the Gram matrix when d > N.
 * Either way it costs about N·min(N,d)·max(N,d) for the product and min(N,d)³ for the
 * eigen-decomposition, so callers with large N and d should pass a random subset of samples.
 *
 * @param eigenvalues the eigenvalues in decreasing order, rounding negatives clipped to 0;
 *                    min(N, d) of them from {@link #of}
 * @param samples     N
 * @param dimension   d
 */
public record CovarianceSpectrum(double[] eigenvalues, int samples, int dimension) {

    public CovarianceSpectrum {
        eigenvalues = eigenvalues.clone();
    }

    @Override
    public double[] eigenvalues() {
        return eigenvalues.clone();
    }

    /** The spectrum by the cheaper route (covariance if d ≤ N, Gram matrix otherwise). */
    public static CovarianceSpectrum of(Tensor z) {
        DMatrixRMaj centred = centredSamples("covariance_spectrum", z);
        return centred.numCols <= centred.numRows ? fromCovariance(centred) : fromGram(centred);
    }

    /** The spectrum from the d×d covariance, whatever N. */
    public static CovarianceSpectrum ofCovariance(Tensor z) {
        return fromCovariance(centredSamples("covariance_spectrum", z));
    }

    /** The spectrum from the N×N Gram matrix, whatever d (N eigenvalues, at most N − 1 non-zero). */
    public static CovarianceSpectrum ofGram(Tensor z) {
        return fromGram(centredSamples("covariance_spectrum", z));
    }

    private static CovarianceSpectrum fromCovariance(DMatrixRMaj centred) {
        DMatrixRMaj cov = new DMatrixRMaj(centred.numCols, centred.numCols);
        CommonOps_DDRM.multInner(centred, cov);
        return new CovarianceSpectrum(symmetricEigenvalues(cov, centred.numRows - 1), centred.numRows, centred.numCols);
    }

    private static CovarianceSpectrum fromGram(DMatrixRMaj centred) {
        DMatrixRMaj gram = new DMatrixRMaj(centred.numRows, centred.numRows);
        CommonOps_DDRM.multOuter(centred, gram);
        return new CovarianceSpectrum(symmetricEigenvalues(gram, centred.numRows - 1), centred.numRows, centred.numCols);
    }

    /** The samples flattened to rows, minus their mean, in double. */
    private static DMatrixRMaj centredSamples(String op, Tensor z) {
        if (z == null) {
            throw new IllegalArgumentException(op + ": features are null");
        }
        int[] s = z.shape();
        if (s.length < 2 || s[0] < 2) {
            throw new IllegalArgumentException(op + ": features must be [N, ...] with N ≥ 2 samples and at least one"
                    + " feature axis, got shape " + Arrays.toString(s));
        }
        float[] v = z.toArray();
        int n = s[0];
        int d = v.length / n;
        if (d == 0) {
            throw new IllegalArgumentException(op + ": features have no elements per sample, shape " + Arrays.toString(s));
        }
        double[] mean = new double[d];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < d; j++) {
                mean[j] += v[i * d + j];
            }
        }
        for (int j = 0; j < d; j++) {
            mean[j] /= n;
        }
        DMatrixRMaj m = new DMatrixRMaj(n, d);
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < d; j++) {
                m.data[i * d + j] = v[i * d + j] - mean[j];
            }
        }
        return m;
    }

    /** Eigenvalues of the symmetric matrix {@code product/divisor}, decreasing, negatives clipped to 0. */
    private static double[] symmetricEigenvalues(DMatrixRMaj product, int divisor) {
        CommonOps_DDRM.scale(1.0 / divisor, product);
        EigenDecomposition_F64<DMatrixRMaj> eig = DecompositionFactory_DDRM.eig(product.numRows, false, true);
        if (!eig.decompose(product)) {
            throw new IllegalStateException("covariance_spectrum: the symmetric eigen-decomposition of a "
                    + product.numRows + "×" + product.numCols + " matrix did not converge");
        }
        int k = eig.getNumberOfEigenvalues();
        double[] values = new double[k];
        for (int i = 0; i < k; i++) {
            // A covariance is positive semi-definite; slightly negative values are rounding.
            values[i] = Math.max(0, eig.getEigenvalue(i).real);
        }
        Arrays.sort(values);
        for (int i = 0; i < k / 2; i++) {
            double t = values[i];
            values[i] = values[k - 1 - i];
            values[k - 1 - i] = t;
        }
        return values;
    }

    /** The total variance, the trace of the covariance (sum of the eigenvalues). */
    public double totalVariance() {
        double sum = 0;
        for (double v : eigenvalues) {
            sum += v;
        }
        return sum;
    }

    /**
     * The effective rank of Roy &amp; Vetterli (2007): exp(−Σ p_k log p_k) with p_k = λ_k / Σλ
     * (0·log 0 = 0). It is between 1 and the number of non-zero eigenvalues; d for an isotropic
     * spectrum, 1 for rank-one data. 0 when the features do not vary at all (no variance to
     * distribute).
     */
    public double effectiveRank() {
        double total = totalVariance();
        if (total <= 0) {
            return 0;
        }
        double entropy = 0;
        for (double v : eigenvalues) {
            if (v > 0) {
                double p = v / total;
                entropy -= p * Math.log(p);
            }
        }
        return Math.exp(entropy);
    }

    /**
     * The fewest leading principal components whose eigenvalues sum to at least
     * {@code share}·total variance (e.g. 0.9 or 0.99); 0 when the features do not vary.
     *
     * @param share in (0, 1]
     */
    public int componentsFor(double share) {
        if (!(share > 0 && share <= 1)) {
            throw new IllegalArgumentException("covariance_spectrum: variance share must be in (0, 1], got " + share);
        }
        double total = totalVariance();
        if (total <= 0) {
            return 0;
        }
        double target = share * total;
        double cumulative = 0;
        for (int k = 0; k < eigenvalues.length; k++) {
            cumulative += eigenvalues[k];
            if (cumulative >= target) {
                return k + 1;
            }
        }
        // Only reachable through rounding when share is 1: the sum in this order is the total.
        return eigenvalues.length;
    }
}
