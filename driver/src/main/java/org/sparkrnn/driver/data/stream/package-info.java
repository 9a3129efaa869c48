/**
 * A stream of long-table rows made into per-series state: {@link org.sparkrnn.driver.data.stream.SeriesStream}
 * groups arriving rows by series, reads them as a batch table's are, orders them and drops late ones, and hands them
 * to the model's {@link org.sparkrnn.driver.data.stream.SeriesSteps}; the window each new row completes is kept by
 * {@link org.sparkrnn.driver.data.stream.WindowedSeries} (a forecast decoder's windows, which wait for their future
 * rows, by {@link org.sparkrnn.driver.data.stream.ForecastWindows}, made rows by
 * {@link org.sparkrnn.driver.data.stream.StreamingWindows}).
 */
package org.sparkrnn.driver.data.stream;
