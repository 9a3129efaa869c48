/**
 * The generated reference ({@code docs/reference.md}): every command-line option and every Spark ML param with its
 * default, read from the code of both front ends ({@code scripts/docs} writes it; a test fails when it is stale).
 */
package org.sparkrnn.driver.docs;
