/**
 * The model directory: settings, the kept model in safetensors with PyTorch names
 * ({@link org.sparkrnn.driver.model.ModelFile}: what the driver adds to the Spark-free predictor's model file, the
 * record shape, vocabulary and time step), metrics, and checkpoints written atomically with a checksum
 * ({@link org.sparkrnn.driver.model.CheckpointStore}); files on any Hadoop file system
 * ({@link org.sparkrnn.driver.model.FileStore}).
 */
package org.sparkrnn.driver.model;
