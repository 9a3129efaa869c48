package org.sparkrnn.driver.model;

import org.sparkrnn.optim.OptimizerState;

/**
 * Everything a resumed run needs to continue exactly where the checkpoint was taken: the number of iterations done
 * (which is also the data cursor and, with the seed, the random state: every batch is a pure function of seed and
 * iteration), the parameters, the optimizer's state, and the early-stopping bookkeeping with the best parameters.
 *
 * @param bestParams null until a validation result was recorded
 */
public record TrainingState(long iteration, double[] params, OptimizerState optimizer, double bestObjective,
                            long bestIteration, double[] bestParams, int evaluationsSinceBest, long seed,
                            long configFingerprint) {
}
