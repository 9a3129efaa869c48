/**
 * Forward-only evaluation: {@link org.sparkrnn.evaluate.Evaluator} adds {@link org.sparkrnn.evaluate.EvaluationSums}
 * per batch, {@link org.sparkrnn.evaluate.Metrics} forms loss, RMSE, MAE, accuracy and perplexity once merged.
 */
package org.sparkrnn.evaluate;
