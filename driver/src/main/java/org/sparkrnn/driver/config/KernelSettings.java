package org.sparkrnn.driver.config;

import org.sparkrnn.kernel.Precision;

import java.io.Serializable;

/** How executors run the kernel: compute precision and truncated-BPTT length (0 = full). */
public record KernelSettings(Precision precision, int bpttTruncation) implements Serializable {
}
