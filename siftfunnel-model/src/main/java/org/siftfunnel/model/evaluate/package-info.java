/**
 * The evaluation pipeline behind {@code ./siftfunnel evaluate} and {@code ./siftfunnel demo}:
 * the defenses × attacks × metrics matrix over seeds and strength sweeps
 * ({@link org.siftfunnel.model.evaluate.Evaluation}), its resumable per-stage state
 * ({@link org.siftfunnel.model.evaluate.StageStore}) and the snapshots from which a stopped
 * stage goes on ({@link org.siftfunnel.model.evaluate.StageSnapshots}), the evaluation classifier that scores
 * attack accuracy ({@link org.siftfunnel.model.evaluate.EvaluationClassifier}), edge cost
 * ({@link org.siftfunnel.model.evaluate.EdgeCost}), seed aggregation
 * ({@link org.siftfunnel.model.evaluate.SeedAggregation}) and the choice of a sweep's
 * representative setting ({@link org.siftfunnel.model.evaluate.SweepSelection}).
 * The results format is documented in docs/results-format.md.
 */
package org.siftfunnel.model.evaluate;
