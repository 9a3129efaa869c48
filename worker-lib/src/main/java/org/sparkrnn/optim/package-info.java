/**
 * Driver-side update math with {@code torch.optim} semantics: {@link org.sparkrnn.optim.Optimizer} (SGD with
 * momentum/Nesterov, Adam, RMSprop, Adagrad) over explicit {@link org.sparkrnn.optim.OptimizerState}, gradient
 * clipping and learning-rate schedules.
 */
package org.sparkrnn.optim;
