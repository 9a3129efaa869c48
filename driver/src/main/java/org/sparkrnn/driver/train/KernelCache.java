package org.sparkrnn.driver.train;

import org.sparkrnn.kernel.NetworkKernel;
import org.sparkrnn.model.NetworkSpec;

/**
 * One kernel per executor thread, kept across tasks so its workspace is allocated once per model rather than once
 * per iteration. A kernel is not thread-safe; a thread only ever uses its own.
 */
final class KernelCache {

    private static final ThreadLocal<NetworkKernel> KERNELS = new ThreadLocal<>();

    private KernelCache() {
    }

    static NetworkKernel get(NetworkSpec spec, KernelSettings settings) {
        NetworkKernel kernel = KERNELS.get();
        if (kernel == null || !kernel.spec().equals(spec) || kernel.precision() != settings.precision()
                || kernel.bpttTruncation() != settings.bpttTruncation()) {
            kernel = NetworkKernel.create(spec, settings.precision(), settings.bpttTruncation());
            KERNELS.set(kernel);
        }
        return kernel;
    }
}
