package org.sparkrnn.kernel;

/**
 * Whether the JDK's Vector API ({@code jdk.incubator.vector}) is in this JVM, which decides if the pointwise cell
 * loops run as SIMD code ({@link VectorLoopsFloat}, {@link VectorLoopsDouble}: exp and tanh through the JDK's vector
 * intrinsics, about 15× faster than scalar {@code Math.exp} here) or as the plain scalar loops. Spark's executors on a
 * standalone or YARN cluster get the module by default; the project's scripts add it with
 * {@code --add-modules=jdk.incubator.vector}. Setting {@code -Dsparkrnn.vector=false} forces the scalar loops.
 */
final class VectorSupport {

    static final boolean AVAILABLE = ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent()
            && !"false".equals(System.getProperty("sparkrnn.vector"));

    private VectorSupport() {
    }
}
