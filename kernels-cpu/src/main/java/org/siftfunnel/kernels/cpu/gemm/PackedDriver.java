package org.siftfunnel.kernels.cpu.gemm;

import java.util.concurrent.atomic.AtomicIntegerArray;

import org.siftfunnel.kernels.cpu.threads.WorkerTeam;

/**
 * The GotoBLAS/BLIS loop nest around the micro-kernel:
 * <pre>
 * for jc over n in steps of nc:            B block  kc×nc  (packed once per (jc, pc))
 *   for pc over k in steps of kc:
 *     for ic over m in steps of mc:        A block  mc×kc  (packed)
 *       for jr over nc in steps of nr:     B micro-panel reused for every A micro-panel
 *         for ir over mc in steps of mr:   A micro-panels stream from L2
 *           micro-kernel: tile (mr×nr) = A·B, then C tile = alpha·tile + beta'·C tile
 * </pre>
 * beta' is the caller's beta for the first k block and 1 afterwards. Edge tiles are computed
 * in full (the packed padding is zero) and only their valid part is written to C.
 *
 * <p>{@link #multiplyShared} runs the same nest on several threads the GotoBLAS way: the
 * threads pack each B block together into one shared buffer, then take A blocks (row
 * blocks of C) from a shared counter. Handing out blocks on demand, rather than a fixed half
 * each, keeps both threads busy when the machine is shared and one of them gets descheduled.
 */
final class PackedDriver {

    private PackedDriver() {
    }

    /** The whole product on the calling thread. */
    static void multiply(MicroKernel kernel, Blocking blocking, Product pr) {
        int mr = kernel.mr();
        int nr = kernel.nr();
        // Even block sizes: k = 600 becomes 2×300 rather than 512 + 88.
        int kc = evenSplit(pr.k(), blocking.kc(), 1);
        int mc = evenSplit(pr.m(), blocking.mc(), mr);
        int nc = evenSplit(pr.n(), blocking.nc(), nr);
        Workspace ws = Workspace.current();
        float[] packedA = ws.packedA(Blocking.roundUp(mc, mr) * kc);
        float[] packedB = ws.packedB(Blocking.roundUp(nc, nr) * kc);
        float[] tile = ws.tile(mr * nr);
        for (int jc = 0; jc < pr.n(); jc += nc) {
            int ncCur = Math.min(nc, pr.n() - jc);
            for (int pc = 0; pc < pr.k(); pc += kc) {
                int kcCur = Math.min(kc, pr.k() - pc);
                Packing.packB(pr.b(), pr.bOff(), pr.bRowStride(), pr.bColStride(), pc, kcCur, jc, ncCur, nr, packedB, 0);
                for (int ic = 0; ic < pr.m(); ic += mc) {
                    blockOfRows(kernel, pr, ic, Math.min(mc, pr.m() - ic), pc, kcCur, jc, ncCur, packedA, packedB, tile);
                }
            }
        }
    }

    /**
     * The whole product on all the team's threads (the caller and its workers) sharing each
     * packed B block. Every part must run at the same time (they meet at the team's barrier),
     * so this returns false, having done nothing, when the team is busy with another call.
     */
    static boolean multiplyShared(MicroKernel kernel, Blocking blocking, Product pr, WorkerTeam team, Workspace ws) {
        int threads = team.threads();
        int mr = kernel.mr();
        int nr = kernel.nr();
        int kc = evenSplit(pr.k(), blocking.kc(), 1);
        int nc = evenSplit(pr.n(), blocking.nc(), nr);
        // About four row blocks per thread, so that a thread that falls behind takes fewer.
        int mc = Math.min(blocking.mc(), Blocking.roundUp(Math.max(1, pr.m() / (4 * threads)), mr));
        int steps = ((pr.n() + nc - 1) / nc) * ((pr.k() + kc - 1) / kc);
        // The caller's buffer is free: the caller runs part 0 and only returns when all parts are done.
        float[] sharedB = ws.packedB(Blocking.roundUp(nc, nr) * kc);
        SharedJob job = ws.sharedJob.set(kernel, pr, team, mc, kc, nc, steps, sharedB);
        try {
            return team.runTogether(threads, threads, job);
        } finally {
            job.clear();
        }
    }

    /**
     * The parts of {@link #multiplyShared}: for each (jc, pc) step the threads pack the B block
     * together, panel by panel from a shared counter, meet, take row blocks of C from a second
     * counter, and meet again before the block is overwritten. One per thread, in its
     * {@link Workspace}, refilled by each call; its counters grow with the largest call.
     */
    static final class SharedJob implements WorkerTeam.Job {
        private MicroKernel kernel;
        private Product pr;
        private WorkerTeam team;
        private int mc;
        private int kc;
        private int nc;
        private float[] sharedB;
        private AtomicIntegerArray nextPanel = new AtomicIntegerArray(0);
        private AtomicIntegerArray nextRow = new AtomicIntegerArray(0);

        SharedJob set(MicroKernel kernel, Product pr, WorkerTeam team, int mc, int kc, int nc, int steps, float[] sharedB) {
            this.kernel = kernel;
            this.pr = pr;
            this.team = team;
            this.mc = mc;
            this.kc = kc;
            this.nc = nc;
            this.sharedB = sharedB;
            if (nextPanel.length() < steps) {
                nextPanel = new AtomicIntegerArray(steps);
                nextRow = new AtomicIntegerArray(steps);
            } else {
                for (int s = 0; s < steps; s++) {
                    nextPanel.set(s, 0);
                    nextRow.set(s, 0);
                }
            }
            return this;
        }

        void clear() {
            pr = null;
            team = null;
            sharedB = null;
        }

        @Override
        public void run(int part, int from, int to) {
            int mr = kernel.mr();
            int nr = kernel.nr();
            Workspace ws = Workspace.current();
            float[] packedA = ws.packedA(Blocking.roundUp(mc, mr) * kc);
            float[] tile = ws.tile(mr * nr);
            int step = 0;
            for (int jc = 0; jc < pr.n(); jc += nc) {
                int ncCur = Math.min(nc, pr.n() - jc);
                int panels = (ncCur + nr - 1) / nr;
                for (int pc = 0; pc < pr.k(); pc += kc) {
                    int kcCur = Math.min(kc, pr.k() - pc);
                    for (int q = nextPanel.getAndIncrement(step); q < panels; q = nextPanel.getAndIncrement(step)) {
                        Packing.packB(pr.b(), pr.bOff(), pr.bRowStride(), pr.bColStride(), pc, kcCur,
                                jc + q * nr, Math.min(nr, ncCur - q * nr), nr, sharedB, q * nr * kcCur);
                    }
                    team.awaitAllParts(); // B block complete
                    for (int ic = nextRow.getAndAdd(step, mc); ic < pr.m(); ic = nextRow.getAndAdd(step, mc)) {
                        blockOfRows(kernel, pr, ic, Math.min(mc, pr.m() - ic), pc, kcCur, jc, ncCur, packedA, sharedB, tile);
                    }
                    team.awaitAllParts(); // everyone is done with this B block before it is overwritten
                    step++;
                }
            }
        }
    }

    /**
     * Rows {@code [ic, ic+mcCur)} of C against one packed B block (columns {@code [jc, jc+ncCur)},
     * k range {@code [pc, pc+kcCur)}): packs that A block, then runs the micro-kernel over it.
     */
    private static void blockOfRows(MicroKernel kernel, Product pr, int ic, int mcCur, int pc, int kcCur,
                                    int jc, int ncCur, float[] packedA, float[] packedB, float[] tile) {
        int mr = kernel.mr();
        int nr = kernel.nr();
        float beta = pc == 0 ? pr.beta() : 1f;
        float[] c = pr.c();
        int ldc = pr.ldc();
        Packing.packA(pr.a(), pr.aOff(), pr.aRowStride(), pr.aColStride(), ic, mcCur, pc, kcCur, mr, packedA);
        for (int jr = 0; jr < ncCur; jr += nr) {
            int cols = Math.min(nr, ncCur - jr);
            int bPanel = jr * kcCur;
            for (int ir = 0; ir < mcCur; ir += mr) {
                int rows = Math.min(mr, mcCur - ir);
                int ci = pr.cOff() + (ic + ir) * ldc + jc + jr;
                kernel.multiplyPacked(kcCur, packedA, ir * kcCur, packedB, bPanel, tile);
                kernel.update(tile, nr, rows, cols, pr.alpha(), beta, c, ci, ldc);
            }
        }
    }

    /**
     * The block size for splitting {@code total} into pieces of at most {@code max}, made as even
     * as possible and rounded up to {@code multiple}.
     */
    static int evenSplit(int total, int max, int multiple) {
        if (total <= max) {
            return Math.max(total, 1);
        }
        int pieces = (total + max - 1) / max;
        int size = (total + pieces - 1) / pieces;
        return Math.min(max, Blocking.roundUp(size, multiple));
    }
}
