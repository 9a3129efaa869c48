/**
 * The Spark ML API: {@link org.sparkrnn.driver.ml.LstmRegressor} and {@link org.sparkrnn.driver.ml.LstmClassifier}
 * are {@code spark.ml} estimators over a DataFrame's sequence column, trained by the same loop as the command line;
 * their params are the training settings (named as the options in camelCase, with the same defaults) and are typed
 * into the configuration by {@code EstimatorConfig}, errors naming the params.
 * {@link org.sparkrnn.driver.ml.LstmModel} is the fitted {@code Transformer}, readable and writable on its own and
 * inside a saved {@code PipelineModel}. {@link org.sparkrnn.driver.ml.SequenceWindows} is the Pipeline stage before
 * them that turns a long table (one row per series and time) into windows, with the command line's table options as
 * params.
 */
package org.sparkrnn.driver.ml;
