/**
 * Docs that cannot drift from the code: the generated reference ({@code docs/reference.md}: every command-line
 * option and every Spark ML param with its default, read from the code of both front ends; {@code scripts/docs}
 * writes it, a test fails when it is stale), and the example outputs of the README and {@code docs/}
 * ({@link org.sparkrnn.driver.docs.DocExamples}: marked blocks run as shown and compared with what they print;
 * {@code scripts/docs --examples} writes them, {@code scripts/test} fails when one differs).
 */
package org.sparkrnn.driver.docs;
