/**
 * Forward-only evaluation: {@link org.sparkrnn.evaluate.Evaluator} adds {@link org.sparkrnn.evaluate.EvaluationSums}
 * per batch, {@link org.sparkrnn.evaluate.Metrics} forms loss, RMSE, MAE, accuracy and perplexity once merged;
 * {@link org.sparkrnn.evaluate.Baseline} scores the simple forecasts a model should beat into the same sums.
 */
package org.sparkrnn.evaluate;
