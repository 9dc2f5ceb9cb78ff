package org.siftfunnel.model.report;

/**
 * One of the paper's claims checked against this run.
 *
 * @param id        a short stable name (for tests and cross-references)
 * @param statement the claim as the paper makes it, made testable
 * @param verdict   PASS, FAIL, NOT MEASURED when a number it needs is absent, or INCONCLUSIVE when the
 *                  number to compare against is at the measurement's floor
 * @param evidence  the numbers the verdict was computed from, or what is missing
 */
public record Claim(String id, String statement, Verdict verdict, String evidence) {
}
