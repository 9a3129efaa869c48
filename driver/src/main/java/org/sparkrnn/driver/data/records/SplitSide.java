package org.sparkrnn.driver.data.records;

/** Which windows of a split data set: the training side, the held-out side, or all of them. */
public enum SplitSide { TRAINING, VALIDATION, ALL }
