package org.siftfunnel.kernels.cpu.gemm;

import java.util.concurrent.BrokenBarrierException;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.atomic.AtomicInteger;

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
     * The whole product on {@code threads} threads (the caller and pool workers) sharing each
     * packed B block. Every part must run at the same time (they meet at barriers). Concurrent
     * callers share the pool, so its threads can all be waiting at barriers while parts are
     * still queued; the barrier waits on a lock condition, which the JDK runs as a managed block
     * in a fork-join worker, so the pool adds a spare thread and the queued parts run
     * ({@code ConcurrentCallersTest}).
     */
    static void multiplyShared(MicroKernel kernel, Blocking blocking, Product pr, int threads) {
        int mr = kernel.mr();
        int nr = kernel.nr();
        int kc = evenSplit(pr.k(), blocking.kc(), 1);
        int nc = evenSplit(pr.n(), blocking.nc(), nr);
        // About four row blocks per thread, so that a thread that falls behind takes fewer.
        int mc = Math.min(blocking.mc(), Blocking.roundUp(Math.max(1, pr.m() / (4 * threads)), mr));
        int steps = ((pr.n() + nc - 1) / nc) * ((pr.k() + kc - 1) / kc);
        AtomicInteger[] nextPanel = new AtomicInteger[steps];
        AtomicInteger[] nextRow = new AtomicInteger[steps];
        for (int s = 0; s < steps; s++) {
            nextPanel[s] = new AtomicInteger();
            nextRow[s] = new AtomicInteger();
        }
        // The caller's buffer is free: the caller runs part 0 and only returns when all parts are done.
        float[] sharedB = Workspace.current().packedB(Blocking.roundUp(nc, nr) * kc);
        CyclicBarrier barrier = new CyclicBarrier(threads);
        WorkerPool.run(threads, threads, part -> {
            Workspace ws = Workspace.current();
            float[] packedA = ws.packedA(Blocking.roundUp(mc, mr) * kc);
            float[] tile = ws.tile(mr * nr);
            int step = 0;
            try {
                for (int jc = 0; jc < pr.n(); jc += nc) {
                    int ncCur = Math.min(nc, pr.n() - jc);
                    int panels = (ncCur + nr - 1) / nr;
                    for (int pc = 0; pc < pr.k(); pc += kc) {
                        int kcCur = Math.min(kc, pr.k() - pc);
                        for (int q = nextPanel[step].getAndIncrement(); q < panels; q = nextPanel[step].getAndIncrement()) {
                            Packing.packB(pr.b(), pr.bOff(), pr.bRowStride(), pr.bColStride(), pc, kcCur,
                                    jc + q * nr, Math.min(nr, ncCur - q * nr), nr, sharedB, q * nr * kcCur);
                        }
                        barrier.await(); // B block complete
                        for (int ic = nextRow[step].getAndAdd(mc); ic < pr.m(); ic = nextRow[step].getAndAdd(mc)) {
                            blockOfRows(kernel, pr, ic, Math.min(mc, pr.m() - ic), pc, kcCur, jc, ncCur, packedA, sharedB, tile);
                        }
                        barrier.await(); // everyone is done with this B block before it is overwritten
                        step++;
                    }
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                barrier.reset();
                throw new IllegalStateException("gemm: interrupted while waiting for the other threads", e);
            } catch (BrokenBarrierException e) {
                throw new IllegalStateException("gemm: another thread of this product failed", e);
            } catch (RuntimeException | Error e) {
                barrier.reset(); // releases the parts waiting for this one
                throw e;
            }
        });
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
