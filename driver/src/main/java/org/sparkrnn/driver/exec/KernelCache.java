package org.sparkrnn.driver.exec;

import org.sparkrnn.driver.config.KernelSettings;
import org.sparkrnn.kernel.NetworkKernel;
import org.sparkrnn.model.NetworkSpec;

import java.util.concurrent.ConcurrentLinkedDeque;

/**
 * Kernels kept across tasks in an executor JVM, so a kernel's workspace (the batch's activations) is allocated once
 * per model rather than once per iteration. A task borrows a kernel for its duration and returns it; there are never
 * more kernels than tasks that ran at the same time, whichever threads Spark runs them on (a per-thread cache would
 * keep one workspace per pool thread ever used).
 */
public final class KernelCache {

    private static final ConcurrentLinkedDeque<NetworkKernel> IDLE = new ConcurrentLinkedDeque<>();

    private KernelCache() {
    }

    /** An idle kernel for this model and settings, or a new one. */
    public static NetworkKernel borrow(NetworkSpec spec, KernelSettings settings) {
        for (NetworkKernel kernel; (kernel = IDLE.pollFirst()) != null; ) {
            if (kernel.spec().equals(spec) && kernel.precision() == settings.precision()
                    && kernel.bpttTruncation() == settings.bpttTruncation()) {
                return kernel;
            }
            // a kernel of another model: let it go (its workspace with it)
        }
        return NetworkKernel.create(spec, settings.precision(), settings.bpttTruncation());
    }

    /** Gives a kernel back for the next task (most recently used first, its workspace is warm). */
    public static void release(NetworkKernel kernel) {
        IDLE.offerFirst(kernel);
    }
}
