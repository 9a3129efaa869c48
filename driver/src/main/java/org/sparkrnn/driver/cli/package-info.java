/**
 * The command line {@code lstm-spark train|evaluate|predict|export|sample}: picocli commands, every default in
 * {@link org.sparkrnn.driver.cli.Defaults}, settings files ({@code --conf}), one-line errors with exit code 2, and the
 * Spark context every command runs in ({@link org.sparkrnn.driver.cli.Main#run}).
 */
package org.sparkrnn.driver.cli;
