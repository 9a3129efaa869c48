package org.sparkrnn.model;

import java.util.SplittableRandom;

/** Draws a fresh flat parameter array for a layout. Deterministic for a given seed on every JVM. */
public final class Initializer {

    private Initializer() {
    }

    public static double[] initialize(ParameterLayout layout, InitOptions options) {
        NetworkSpec spec = layout.spec();
        SplittableRandom random = new SplittableRandom(options.seed());
        double[] params = new double[layout.size()];
        for (int n = 0; n < layout.layerDirections().size(); n++) {
            int k = n / spec.directions();
            LayerSpec layer = spec.layer(k);
            ParameterLayout.LayerBlocks blocks = layout.layerDirections().get(n);
            int h = layer.hiddenSize();
            int g = layer.cell().gateCount();
            if (options.scheme() == InitScheme.PYTORCH_UNIFORM) {
                double bound = 1.0 / Math.sqrt(h);
                fillUniform(params, blocks.inputWeights(), bound, random);
                fillUniform(params, blocks.recurrentWeights(), bound, random);
                ParameterBlock bias = blocks.bias();
                if (blocks.recurrentBias() != null) {
                    // GRU keeps PyTorch's two biases
                    fillUniform(params, bias, bound, random);
                    fillUniform(params, blocks.recurrentBias(), bound, random);
                } else {
                    // PyTorch draws bias_ih and bias_hh separately; the sum we store has the same distribution.
                    for (int j = 0; j < bias.size(); j++) {
                        params[bias.offset() + j] = uniform(random, bound) + uniform(random, bound);
                    }
                }
            } else {
                int in = spec.layerInputSize(k);
                double xavier = Math.sqrt(6.0 / (in + h));
                fillUniform(params, blocks.inputWeights(), xavier, random);
                for (int gate = 0; gate < g; gate++) {
                    // Each H × H gate block of weight_hh (rows gate·H .. gate·H + H - 1) is its own orthogonal matrix.
                    double[] q = orthogonal(h, random);
                    System.arraycopy(q, 0, params, blocks.recurrentWeights().offset() + gate * h * h, h * h);
                }
                // biases stay 0
            }
            if (layer.cell() == CellType.LSTM && options.forgetGateBias() != null) {
                int forgetStart = blocks.bias().offset() + h; // gate order i, f, g, o
                for (int j = 0; j < h; j++) {
                    params[forgetStart + j] = options.forgetGateBias();
                }
            }
        }
        if (spec.hasDecoder()) {
            // the decoder's hidden layer like the head: nn.Linear's uniform or Xavier with zero bias
            fillLinear(params, options, layout.decoderWeight(), layout.decoderBias(), random);
        }
        fillLinear(params, options, layout.headWeight(), layout.headBias(), random);
        return params;
    }

    /** A dense layer (rows = outputs, cols = inputs): nn.Linear's U(±1/√in) for both, or Xavier and zero bias. */
    private static void fillLinear(double[] params, InitOptions options, ParameterBlock weight, ParameterBlock bias,
                                   SplittableRandom random) {
        int in = weight.cols();
        if (options.scheme() == InitScheme.PYTORCH_UNIFORM) {
            double bound = 1.0 / Math.sqrt(in);
            fillUniform(params, weight, bound, random);
            fillUniform(params, bias, bound, random);
        } else {
            fillUniform(params, weight, Math.sqrt(6.0 / (in + weight.rows())), random);
        }
    }

    private static void fillUniform(double[] params, ParameterBlock block, double bound, SplittableRandom random) {
        for (int j = block.offset(); j < block.end(); j++) {
            params[j] = uniform(random, bound);
        }
    }

    private static double uniform(SplittableRandom random, double bound) {
        return (2.0 * random.nextDouble() - 1.0) * bound;
    }

    /**
     * A Haar-random orthogonal n × n matrix, row-major: Q of the QR decomposition of a standard Gaussian matrix with
     * R's diagonal made positive. Gram-Schmidt with one re-orthogonalisation pass produces exactly that Q and stays
     * orthogonal to ~1e-15 for the sizes of a hidden layer.
     */
    static double[] orthogonal(int n, SplittableRandom random) {
        double[][] columns = new double[n][n];
        for (int c = 0; c < n; c++) {
            for (int r = 0; r < n; r++) {
                columns[c][r] = gaussian(random);
            }
        }
        for (int c = 0; c < n; c++) {
            double[] v = columns[c];
            for (int pass = 0; pass < 2; pass++) {
                for (int p = 0; p < c; p++) {
                    double[] q = columns[p];
                    double dot = 0;
                    for (int r = 0; r < n; r++) {
                        dot += q[r] * v[r];
                    }
                    for (int r = 0; r < n; r++) {
                        v[r] -= dot * q[r];
                    }
                }
            }
            double norm = 0;
            for (int r = 0; r < n; r++) {
                norm += v[r] * v[r];
            }
            norm = Math.sqrt(norm);
            for (int r = 0; r < n; r++) {
                v[r] /= norm;
            }
        }
        double[] q = new double[n * n];
        for (int r = 0; r < n; r++) {
            for (int c = 0; c < n; c++) {
                q[r * n + c] = columns[c][r];
            }
        }
        return q;
    }

    /** Box-Muller, so the stream of draws is the same on every JVM (unlike Random.nextGaussian's caching). */
    private static double gaussian(SplittableRandom random) {
        double u = 1.0 - random.nextDouble(); // (0, 1]
        double v = random.nextDouble();
        return Math.sqrt(-2.0 * Math.log(u)) * Math.cos(2.0 * Math.PI * v);
    }
}
