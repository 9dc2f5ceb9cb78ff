/**
 * The evaluation report: turns an evaluation folder (results.json, reconstruction tensors,
 * training metrics, as {@code ./siftfunnel evaluate} writes them) into report.md, a
 * self-contained report.html and PNG figures. Entry point: {@link org.siftfunnel.model.report.Reports#write}.
 *
 * <ul>
 *   <li>Reading: {@link org.siftfunnel.model.report.ResultsReader} checks results.json and gives
 *       {@link org.siftfunnel.model.report.EvaluationResults} (defenses, attacks, sweeps, each
 *       number a {@link org.siftfunnel.model.report.Measure} with its spread);
 *       {@link org.siftfunnel.model.report.EpochCurve} reads a run's metrics.jsonl; bad input is a
 *       one-line {@link org.siftfunnel.model.report.ReportInputException} naming the file.</li>
 *   <li>Judging: {@link org.siftfunnel.model.report.Claims} checks the paper's claims from the
 *       numbers (PASS / FAIL / NOT MEASURED, with the numbers used).</li>
 *   <li>Drawing: JFreeChart for the privacy–utility planes, bar charts and training curves,
 *       plain Java2D for the grid of reconstructions; all headless, written as PNG.</li>
 *   <li>Writing: the content is built once as {@link org.siftfunnel.model.report.Block}s and
 *       rendered by {@link org.siftfunnel.model.report.MarkdownRenderer} and
 *       {@link org.siftfunnel.model.report.HtmlRenderer}, so both files say the same.</li>
 * </ul>
 * See docs/report.md for the sections and figures.
 */
package org.siftfunnel.model.report;
