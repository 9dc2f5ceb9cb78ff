/**
 * The OpenCL backend: every kernel of the {@link org.siftfunnel.engine.backend.Backend} contract
 * written in OpenCL C 1.2 (resources next to these classes) and driven through JOCL.
 *
 * <p>Tensors live in {@code cl_mem} buffers ({@link org.siftfunnel.kernels.opencl.ClBuffer}) whose
 * memory is recycled by size when they become unreachable; data crosses the bus only in upload,
 * download and write. One context and one in-order, profiling command queue per backend
 * (device time per op: {@link org.siftfunnel.engine.backend.timing.OpTimings}); programs are compiled
 * once per context. Select a device with
 * {@code --device opencl}, {@code opencl:N} (index over all platforms' devices) or
 * {@code opencl:NAME} (substring of the platform or device name).
 */
package org.siftfunnel.kernels.opencl;
