package org.siftfunnel.kernels.cpu.gemm;

import org.siftfunnel.kernels.cpu.threads.WorkerTeam;

/**
 * Single-precision batched GEMM on the CPU, row-major, following the engine's
 * {@code Backend.gemm} contract:
 * {@code C_b = alpha·op(A_b)·op(B_b) + beta·C_b} for {@code b < batch}, where op(A) is m×k
 * (A is stored k×m when {@code transA}) and op(B) is k×n (B is stored n×k when {@code transB}).
 * A batch stride of 0 broadcasts that operand. When {@code beta == 0} C is never read, and when
 * {@code alpha == 0} or {@code k == 0} A and B are not read (BLAS semantics).
 *
 * <p>Large products use the packed GotoBLAS/BLIS algorithm ({@link PackedDriver}); small or
 * skinny ones (few rows or columns) go straight through unpacked kernels. With several threads
 * (the shared {@link WorkerTeam}; the caller works too), a batch is split over its entries, and a
 * large product over row blocks of C that the threads take on demand while sharing each packed
 * block of B.
 *
 * <p>Instances are immutable and thread-safe; packing buffers are per thread. C must not
 * overlap A or B.
 */
public final class Sgemm {

    /** System property giving the default thread count (otherwise: the physical core count). */
    public static final String THREADS_PROPERTY = "siftfunnel.threads";

    /**
     * Below this many multiply-adds (summed over the batch), a second thread costs more than it
     * saves. Measured on the 2-core development machine: 128³ (2²¹) ran at 103 GFLOP/s on one
     * thread and 52 on two, i.e. handing half of a 40 µs product to a parked worker cost about
     * 60 µs; at that price a split only pays from about 6·10⁶ multiply-adds on.
     */
    static final long PARALLEL_MIN_MACS = 1L << 22;
    /** Up to this many multiply-adds, packing costs more than it saves (row-major A and B: about 100³). */
    static final long SMALL_MACS = 1L << 20;
    /** The same limit when A is transposed (its broadcasts then walk a column: about 80³). */
    static final long SMALL_MACS_TRANSPOSED_A = 1L << 19;
    /** Up to this many multiply-adds, dot products beat packing (B given column by column). */
    static final long TINY_MACS = 1L << 13;
    /** Products with fewer rows than this (or than MR) are skinny: packed tiles would be mostly padding. */
    static final int SKINNY_ROWS = 8;
    /** Products with fewer columns than this (or than NR/2) are skinny. */
    static final int SKINNY_COLUMNS = 8;

    private final int threads;
    private final VectorWidth requestedWidth;
    private final MicroKernel kernel;
    private final Blocking blocking;
    private final PathChoice paths;
    private final long parallelMinMacs;

    /** Thread count from {@value #THREADS_PROPERTY} (else physical cores), width from {@link VectorWidth#fromSystemProperty()}. */
    public Sgemm() {
        this(defaultThreads(), VectorWidth.fromSystemProperty());
    }

    /**
     * @param threads threads to use (≥ 1); 1 runs everything on the calling thread
     * @param width   SIMD width to use; {@link VectorWidth#AUTO} follows the hardware
     */
    public Sgemm(int threads, VectorWidth width) {
        this(threads, width, PathChoice.AUTO, null, PARALLEL_MIN_MACS);
    }

    /**
     * Test hook: {@code paths} restricts the algorithm choice, {@code blocking} (when not null)
     * replaces the tuned block sizes (its mc and nc are rounded up to the kernel's tile), and
     * products of at least {@code parallelMinMacs} multiply-adds are split over the threads.
     */
    Sgemm(int threads, VectorWidth width, PathChoice paths, Blocking blocking, long parallelMinMacs) {
        if (threads < 1) {
            throw new IllegalArgumentException("Sgemm: threads must be >= 1, got " + threads);
        }
        if (width == null) {
            throw new IllegalArgumentException("Sgemm: vector width must not be null (use VectorWidth.AUTO)");
        }
        this.threads = threads;
        this.requestedWidth = width;
        this.kernel = Kernels.forWidth(width);
        this.blocking = blocking == null ? Blocking.forKernel(kernel)
                : new Blocking(Blocking.roundUp(blocking.mc(), kernel.mr()), blocking.kc(),
                        Blocking.roundUp(blocking.nc(), kernel.nr()));
        this.paths = paths;
        this.parallelMinMacs = parallelMinMacs;
    }

    /** {@value #THREADS_PROPERTY} when set, else the number of physical cores. */
    public static int defaultThreads() {
        String v = System.getProperty(THREADS_PROPERTY);
        if (v == null || v.isBlank()) {
            return CpuTopology.physicalCores();
        }
        try {
            int t = Integer.parseInt(v.trim());
            if (t >= 1) {
                return t;
            }
        } catch (NumberFormatException ignored) {
            // fall through to the error below
        }
        throw new IllegalArgumentException("Sgemm: system property " + THREADS_PROPERTY
                + " must be a positive integer, got '" + v + "'");
    }

    public int threads() {
        return threads;
    }

    /** The width asked for (which may be {@link VectorWidth#AUTO}). */
    public VectorWidth requestedWidth() {
        return requestedWidth;
    }

    /** Kernel, tile, blocking and threads in one line, e.g. {@code "512-bit 12x32, kc=256 ..., 2 threads"}. */
    public String description() {
        return kernel.describe() + " tile, mc=" + blocking.mc() + " kc=" + blocking.kc() + " nc=" + blocking.nc()
                + ", " + threads + (threads == 1 ? " thread" : " threads");
    }

    @Override
    public String toString() {
        return "Sgemm[" + description() + "]";
    }

    /** Convenience for one product with contiguous operands at offset 0. */
    public void gemm(boolean transA, boolean transB, int m, int n, int k, float alpha,
                     float[] a, float[] b, float beta, float[] c) {
        gemm(transA, transB, 1, m, n, k, alpha, a, 0, 0, b, 0, 0, beta, c, 0, 0);
    }

    /**
     * Batched GEMM (see the class comment). Each operand of entry {@code t} starts at
     * {@code off + t·batchStride} and is stored contiguously, row-major.
     *
     * @throws IllegalArgumentException on negative sizes, offsets or strides, or arrays too short
     */
    public void gemm(boolean transA, boolean transB, int batch, int m, int n, int k, float alpha,
                     float[] a, int aOff, int aBatchStride,
                     float[] b, int bOff, int bBatchStride,
                     float beta, float[] c, int cOff, int cBatchStride) {
        validate(transA, transB, batch, m, n, k, a, aOff, aBatchStride, b, bOff, bBatchStride, c, cOff, cBatchStride);
        if (batch == 0 || m == 0 || n == 0) {
            return;
        }
        if (k == 0 || alpha == 0f) {
            for (int t = 0; t < batch; t++) {
                scale(c, cOff + t * cBatchStride, m * n, beta);
            }
            return;
        }
        long macs = (long) m * n * k;
        Workspace ws = Workspace.current();
        Batch call = ws.batch.set(transA, transB, m, n, k, alpha, a, aOff, aBatchStride, b, bOff, bBatchStride,
                beta, c, cOff, cBatchStride);
        try {
            if (threads == 1 || macs * batch < parallelMinMacs) {
                for (int t = 0; t < batch; t++) {
                    multiply(call.entry(ws.whole, t));
                }
                return;
            }
            // Entries write disjoint parts of C unless the C stride makes them overlap (e.g. 0 to sum a batch).
            boolean disjointC = cBatchStride >= m * n;
            if (batch > 1 && disjointC && (batch % threads == 0 || macs < parallelMinMacs)) {
                int parts = Math.min(threads, batch);
                BatchJob job = ws.batchJob.set(this, call, batch, parts);
                try {
                    WorkerTeam.of(threads).run(parts, parts, job);
                } finally {
                    job.clear();
                }
                return;
            }
            // The caller's own descriptor for the split product: the caller only waits for the
            // team (it never runs another call meanwhile), and its parts use the threads' "part"
            // descriptors, so nothing else refills this one during the call.
            Product p = ws.split;
            try {
                for (int t = 0; t < batch; t++) {
                    call.entry(p, t);
                    if (macs >= parallelMinMacs) {
                        multiplySplit(p, ws);
                    } else {
                        multiply(p);
                    }
                }
            } finally {
                p.clear();
            }
        } finally {
            call.clear();
        }
    }

    /**
     * One batched call's operands: entry {@code t} is {@link #first} with each operand moved on
     * {@code t} of its batch strides. Kept in the calling thread's {@link Workspace} and refilled
     * by each call; the parts of a split batch only read it while the caller waits for them.
     */
    static final class Batch {
        private final Product first = new Product();
        private int aStride;
        private int bStride;
        private int cStride;

        Batch set(boolean transA, boolean transB, int m, int n, int k, float alpha,
                  float[] a, int aOff, int aStride, float[] b, int bOff, int bStride,
                  float beta, float[] c, int cOff, int cStride) {
            first.set(m, n, k, alpha,
                    a, aOff, transA ? 1 : k, transA ? m : 1,
                    b, bOff, transB ? 1 : n, transB ? k : 1,
                    beta, c, cOff, n);
            this.aStride = aStride;
            this.bStride = bStride;
            this.cStride = cStride;
            return this;
        }

        /** Fills {@code into} with entry {@code t}; returns it. */
        Product entry(Product into, int t) {
            Product p = first.shiftedInto(into, t * aStride, t * bStride, t * cStride);
            // A single column of C is also a single row of Cᵀ = op(B)ᵀ·op(A)ᵀ, which the
            // row-oriented kernels handle far better (vectors along m instead of one padded lane).
            return p.n() == 1 && p.m() > 1 ? p.transposeColumn() : p;
        }

        /** Drops the references to the call's arrays, which the thread's workspace would otherwise keep alive. */
        void clear() {
            first.clear();
        }
    }

    private void multiply(Product p) {
        Path path = choosePath(p);
        switch (path) {
            case DIRECT_ROW_MAJOR_B -> kernel.directRowMajorB(p.m(), p.n(), p.k(), p.alpha(),
                    p.a(), p.aOff(), p.aRowStride(), p.aColStride(), p.b(), p.bOff(), p.bRowStride(),
                    p.beta(), p.c(), p.cOff(), p.ldc(), Workspace.current().tile(kernel.mr() * kernel.nr()));
            case DIRECT_DOT -> kernel.directDot(p.m(), p.n(), p.k(), p.alpha(),
                    p.a(), p.aOff(), p.aRowStride(), p.b(), p.bOff(), p.bColStride(),
                    p.beta(), p.c(), p.cOff(), p.ldc());
            case PACKED -> PackedDriver.multiply(kernel, blocking, p);
        }
    }

    /**
     * One product on all threads: the packed algorithm with a shared B when there are enough
     * row blocks, otherwise fixed blocks of rows or columns of C, one per thread. When the
     * team is busy (a concurrent caller, or a call from inside one of its parts) the shared-B
     * algorithm, whose parts must run at the same time, gives way to the caller's own thread.
     */
    private void multiplySplit(Product p, Workspace ws) {
        boolean packed = choosePath(p) == Path.PACKED;
        WorkerTeam team = WorkerTeam.of(threads);
        if (packed && p.m() >= 2 * threads * kernel.mr()) {
            // Enough row blocks to hand out on demand: threads share the packed B.
            if (!PackedDriver.multiplyShared(kernel, blocking, p, team, ws)) {
                PackedDriver.multiply(kernel, blocking, p);
            }
            return;
        }
        boolean byColumns = p.n() >= p.m();
        int extent = byColumns ? p.n() : p.m();
        // Block edges on tile boundaries, so that no thread gets extra padded tiles.
        int align = byColumns ? 32 : (packed ? kernel.mr() : 4);
        int units = (extent + align - 1) / align;
        int parts = Math.min(threads, units);
        BlockJob job = ws.blockJob.set(this, p, byColumns, extent, align, units, parts);
        try {
            team.run(parts, parts, job);
        } finally {
            job.clear();
        }
    }

    /**
     * The parts of a batch split over its entries: part q multiplies entries
     * {@code [q·batch/parts, (q+1)·batch/parts)}. One per thread, in its {@link Workspace}, refilled
     * by each call (a lambda would be an object per call).
     */
    static final class BatchJob implements WorkerTeam.Job {
        private Sgemm owner;
        private Batch call;
        private int batch;
        private int parts;

        BatchJob set(Sgemm owner, Batch call, int batch, int parts) {
            this.owner = owner;
            this.call = call;
            this.batch = batch;
            this.parts = parts;
            return this;
        }

        /** Drops the references the thread's workspace would otherwise keep alive. */
        void clear() {
            owner = null;
            call = null;
        }

        @Override
        public void run(int q, int from, int to) {
            Product p = Workspace.current().whole;
            for (int t = q * batch / parts; t < (q + 1) * batch / parts; t++) {
                owner.multiply(call.entry(p, t));
            }
        }
    }

    /** The parts of one product split into fixed blocks of rows or columns of C (see {@link #multiplySplit}). */
    static final class BlockJob implements WorkerTeam.Job {
        private Sgemm owner;
        private Product p;
        private boolean byColumns;
        private int extent;
        private int align;
        private int units;
        private int parts;

        BlockJob set(Sgemm owner, Product p, boolean byColumns, int extent, int align, int units, int parts) {
            this.owner = owner;
            this.p = p;
            this.byColumns = byColumns;
            this.extent = extent;
            this.align = align;
            this.units = units;
            this.parts = parts;
            return this;
        }

        void clear() {
            owner = null;
            p = null;
        }

        @Override
        public void run(int q, int from, int to) {
            int lo = Math.min(extent, (int) ((long) q * units / parts) * align);
            int hi = Math.min(extent, (int) ((long) (q + 1) * units / parts) * align);
            if (lo < hi) {
                Product part = Workspace.current().part;
                owner.multiply(byColumns ? p.columnsInto(part, lo, hi) : p.rowsInto(part, lo, hi));
            }
        }
    }

    /** Which algorithms may be used; anything but {@link #AUTO} is for tests. */
    enum PathChoice {
        /** Unpacked kernels for small or skinny products, packing otherwise. */
        AUTO,
        /** Always the packed algorithm. */
        PACKED,
        /** Unpacked kernels wherever the operand layout allows. */
        DIRECT
    }

    private enum Path { DIRECT_ROW_MAJOR_B, DIRECT_DOT, PACKED }

    private Path choosePath(Product p) {
        boolean rowMajorB = p.bColStride() == 1;
        boolean dotLayout = p.aColStride() == 1 && p.bRowStride() == 1;
        switch (paths) {
            case PACKED -> {
                return Path.PACKED;
            }
            case DIRECT -> {
                if (dotLayout && (!rowMajorB || p.n() < 16)) {
                    return Path.DIRECT_DOT;
                }
                return rowMajorB ? Path.DIRECT_ROW_MAJOR_B : Path.PACKED;
            }
            default -> {
                // Thresholds measured on AVX-512: the unpacked row-major-B kernel wins up to
                // about 100³ (80³ with a transposed A) and whenever m or n is below the skinny
                // limit (the packed tiles would be mostly padding); the dot-product kernel is
                // slower and only wins on tiny or skinny products.
                boolean skinny = p.m() < Math.max(SKINNY_ROWS, kernel.mr())
                        || p.n() < Math.max(SKINNY_COLUMNS, kernel.nr() / 2);
                long smallLimit = p.aColStride() == 1 ? SMALL_MACS : SMALL_MACS_TRANSPOSED_A;
                if (rowMajorB && (skinny || p.macs() <= smallLimit)) {
                    return Path.DIRECT_ROW_MAJOR_B;
                }
                if (dotLayout && (skinny || p.macs() <= TINY_MACS)) {
                    return Path.DIRECT_DOT;
                }
                return Path.PACKED;
            }
        }
    }

    private static void scale(float[] c, int off, int count, float beta) {
        if (beta == 1f) {
            return;
        }
        for (int i = off; i < off + count; i++) {
            c[i] = beta == 0f ? 0f : beta * c[i];
        }
    }

    private static void validate(boolean transA, boolean transB, int batch, int m, int n, int k,
                                 float[] a, int aOff, int aBatchStride,
                                 float[] b, int bOff, int bBatchStride,
                                 float[] c, int cOff, int cBatchStride) {
        if (batch < 0 || m < 0 || n < 0 || k < 0) {
            throw new IllegalArgumentException("gemm: sizes must be non-negative, got batch=" + batch
                    + " m=" + m + " n=" + n + " k=" + k);
        }
        checkOperand(transA, transB, batch, m, n, k, "A", a, aOff, aBatchStride, (long) m * k);
        checkOperand(transA, transB, batch, m, n, k, "B", b, bOff, bBatchStride, (long) k * n);
        checkOperand(transA, transB, batch, m, n, k, "C", c, cOff, cBatchStride, (long) m * n);
    }

    /** The call's shapes for an error message (built only when there is an error: a GEMM call allocates nothing). */
    private static String shapes(boolean transA, boolean transB, int batch, int m, int n, int k) {
        return "gemm(batch=" + batch + ", m=" + m + ", n=" + n + ", k=" + k + ", transA=" + transA + ", transB=" + transB + ")";
    }

    private static String stored(boolean transA, boolean transB, int m, int n, int k, String name) {
        return switch (name) {
            case "A" -> transA ? k + "x" + m : m + "x" + k;
            case "B" -> transB ? n + "x" + k : k + "x" + n;
            default -> m + "x" + n;
        };
    }

    private static void checkOperand(boolean transA, boolean transB, int batch, int m, int n, int k, String name,
                                     float[] array, int off, int batchStride, long size) {
        if (array == null) {
            throw new IllegalArgumentException(shapes(transA, transB, batch, m, n, k) + ": " + name + " must not be null");
        }
        if (off < 0 || batchStride < 0) {
            throw new IllegalArgumentException(shapes(transA, transB, batch, m, n, k) + ": " + name
                    + " offset and batch stride must be non-negative, got offset=" + off + " stride=" + batchStride);
        }
        if (batch == 0 || size == 0) {
            return;
        }
        long end = off + (long) (batch - 1) * batchStride + size;
        if (end > array.length) {
            throw new IllegalArgumentException(shapes(transA, transB, batch, m, n, k) + ": " + name + " (" + batch + " x "
                    + stored(transA, transB, m, n, k, name) + ", offset " + off + ", batch stride " + batchStride + ") needs "
                    + end + " floats but its array has " + array.length);
        }
    }
}
