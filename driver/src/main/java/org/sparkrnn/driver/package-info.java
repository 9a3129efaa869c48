/**
 * The Spark application. This package is its ground floor: {@link org.sparkrnn.driver.UserError} (a problem the user
 * can fix, told in one line) and {@link org.sparkrnn.driver.DataFormatError}, the
 * {@link org.sparkrnn.driver.Reporter} progress and warnings go through, and the Kryo registrator. The packages above
 * it and their layers are drawn in docs/architecture.md (checked by {@code ArchitectureTest}).
 */
package org.sparkrnn.driver;
