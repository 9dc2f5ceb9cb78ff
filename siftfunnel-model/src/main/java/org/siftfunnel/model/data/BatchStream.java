package org.siftfunnel.model.data;

import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;

import org.siftfunnel.engine.backend.Backend;
import org.siftfunnel.engine.tensor.Tensor;

/**
 * One epoch of batches, prepared by a background thread into a bounded queue (so at most
 * {@code prefetch} batches wait in memory). Batches arrive in order. A failure on the worker
 * reaches the consumer as a {@link DataLoadingException} from {@link #next()}. Tensors are
 * created on the consumer's thread, so the backend is only ever used by the thread that
 * trains. {@link #close()} stops the worker and waits for it; always close the stream
 * (try-with-resources), also when leaving an epoch early. Iterate from one thread; close
 * may come from any thread.
 */
public final class BatchStream implements Iterator<Batch>, AutoCloseable {
    private static final long JOIN_TIMEOUT_MS = 10_000;
    /** Put in the queue by close(), so a consumer blocked in next() on another thread wakes up. */
    private static final Object CLOSED = new Object();

    private final BlockingQueue<Object> queue;
    private final Thread worker;
    private final Backend backend;
    private final int epoch;
    private final int total;
    private volatile boolean closed;
    private int delivered;

    /** A failure on the worker, with the batch it happened in. */
    private record Failure(int batch, Throwable error) {
    }

    BatchStream(BatchLoader loader, int epoch, int[] order, int prefetch, Backend backend) {
        this.queue = new ArrayBlockingQueue<>(prefetch);
        this.backend = backend;
        this.epoch = epoch;
        this.total = loader.batchesPerEpoch();
        this.worker = new Thread(() -> produce(loader, order), "siftfunnel-batch-loader-epoch-" + epoch);
        worker.setDaemon(true);
        worker.start();
    }

    private void produce(BatchLoader loader, int[] order) {
        int b = 0;
        try {
            Preprocessing.Pipeline pipeline = loader.newPipeline();
            for (; b < total && !closed; b++) {
                queue.put(loader.prepare(pipeline, epoch, order, b));
            }
        } catch (InterruptedException e) {
            // close() interrupted us: stop quietly.
        } catch (Throwable t) {
            try {
                if (!closed) {
                    queue.put(new Failure(b, t));
                }
            } catch (InterruptedException e) {
                // closing anyway
            }
        }
    }

    @Override
    public boolean hasNext() {
        return !closed && delivered < total;
    }

    /**
     * The next batch, waiting for the worker if needed.
     *
     * @throws DataLoadingException if preparing it failed
     * @throws NoSuchElementException after the last batch
     * @throws IllegalStateException after {@link #close()}
     */
    @Override
    public Batch next() {
        if (closed) {
            throw new IllegalStateException("batch stream of epoch " + epoch + " is closed");
        }
        if (delivered >= total) {
            throw new NoSuchElementException("epoch " + epoch + " has only " + total + " batches");
        }
        Object item;
        try {
            item = queue.take();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            close();
            throw new IllegalStateException("interrupted while waiting for batch " + delivered + " of epoch " + epoch, e);
        }
        if (item == CLOSED || closed) {
            throw new IllegalStateException("batch stream of epoch " + epoch + " was closed while waiting for a batch");
        }
        if (item instanceof Failure f) {
            close();
            throw new DataLoadingException("batch loader: preparing batch " + f.batch() + " of epoch " + epoch + " failed: "
                    + f.error(), f.error());
        }
        BatchLoader.HostBatch h = (BatchLoader.HostBatch) item;
        delivered++;
        int n = h.indices().length;
        return new Batch(Tensor.of(backend, h.images(), n, h.channels(), h.height(), h.width()),
                Tensor.of(backend, h.raw(), n, h.channels(), h.height(), h.width()),
                Tensor.of(backend, h.labels(), n), h.indices());
    }

    /** Number of batches in this epoch. */
    public int batches() {
        return total;
    }

    /** Whether the background thread is still running (for tests and diagnostics). */
    boolean workerAlive() {
        return worker.isAlive();
    }

    /** Stops the worker, drops prepared batches, and waits for the thread to end. Idempotent. */
    @Override
    public void close() {
        closed = true;
        worker.interrupt();
        queue.clear();
        queue.offer(CLOSED);
        try {
            worker.join(JOIN_TIMEOUT_MS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
