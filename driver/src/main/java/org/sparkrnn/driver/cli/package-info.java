/**
 * The command line {@code lstm-spark train|evaluate|predict|export|sample}: picocli commands whose options are typed
 * once into the configuration ({@code toConfig}), settings files ({@code --conf}), one rule for an option given twice
 * (the last wins), one-line errors with exit code 2, and the Spark context every command runs in
 * ({@link org.sparkrnn.driver.cli.Main#run}).
 */
package org.sparkrnn.driver.cli;
