package org.siftfunnel.model.objective;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.util.List;

import org.junit.jupiter.api.Test;
import org.siftfunnel.engine.backend.Backends;
import org.siftfunnel.engine.random.RandomSource;
import org.siftfunnel.engine.tensor.Tensor;

/** The undefended objective is the mean negative log-likelihood of the labels. */
class TaskObjectiveTest {
    @Test
    void isTheMeanNegativeLogLikelihood() {
        Tensor logProbs = Tensor.rand(Backends.getDefault(), new RandomSource(1), -3f, 3f, 4, 5).logSoftmax(1);
        Tensor labels = Tensor.of(Backends.getDefault(), new float[] {4, 0, 2, 2}, 4);
        LossTerms terms = new TaskObjective().evaluate(null, null, logProbs, labels);
        float[] lp = logProbs.toArray();
        double expected = -(lp[4] + lp[5] + lp[12] + lp[17]) / 4.0;
        assertEquals(expected, terms.totalValue(), 1e-6);
        assertSame(terms.total(), terms.term("task"));
        assertEquals(List.of("task", "total"), List.copyOf(terms.values().keySet()));
    }
}
