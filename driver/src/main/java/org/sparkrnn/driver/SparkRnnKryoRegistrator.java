package org.sparkrnn.driver;

import com.esotericsoftware.kryo.Kryo;
import org.apache.spark.serializer.KryoRegistrator;
import org.sparkrnn.evaluate.EvaluationSums;
import org.sparkrnn.wire.WireTypes;

import java.util.List;

/**
 * What {@code spark.kryo.registrator} names: registers every wire type of the project (see {@link WireTypes}), so
 * Spark can run with {@code spark.kryo.registrationRequired=true}; and the aggregation buffers of the Spark ML
 * stages a Pipeline around our estimators commonly uses (evaluators, summarizers), which Spark itself does not
 * register, so that such a Pipeline runs under the same setting; and the schema types Spark SQL sends back from tasks
 * (e.g. JSON schema inference).
 */
public final class SparkRnnKryoRegistrator implements KryoRegistrator {

    /** Spark ML classes that travel between tasks and the driver during evaluation and cross-validation. */
    static final List<String> SPARK_ML_CLASSES = List.of(
            "org.apache.spark.ml.stat.SummarizerBuffer",
            "org.apache.spark.ml.stat.SummaryBuilderImpl$ComputeL1$",
            "org.apache.spark.ml.stat.SummaryBuilderImpl$ComputeM2$",
            "org.apache.spark.ml.stat.SummaryBuilderImpl$ComputeM2n$",
            "org.apache.spark.ml.stat.SummaryBuilderImpl$ComputeMax$",
            "org.apache.spark.ml.stat.SummaryBuilderImpl$ComputeMean$",
            "org.apache.spark.ml.stat.SummaryBuilderImpl$ComputeMin$",
            "org.apache.spark.ml.stat.SummaryBuilderImpl$ComputeNNZ$",
            "org.apache.spark.ml.stat.SummaryBuilderImpl$ComputeWeightSum$",
            "org.apache.spark.ml.stat.SummaryBuilderImpl$Count$",
            "org.apache.spark.ml.stat.SummaryBuilderImpl$Max$",
            "org.apache.spark.ml.stat.SummaryBuilderImpl$Mean$",
            "org.apache.spark.ml.stat.SummaryBuilderImpl$Min$",
            "org.apache.spark.ml.stat.SummaryBuilderImpl$NormL1$",
            "org.apache.spark.ml.stat.SummaryBuilderImpl$NormL2$",
            "org.apache.spark.ml.stat.SummaryBuilderImpl$NumNonZeros$",
            "org.apache.spark.ml.stat.SummaryBuilderImpl$Std$",
            "org.apache.spark.ml.stat.SummaryBuilderImpl$Sum$",
            "org.apache.spark.ml.stat.SummaryBuilderImpl$Variance$",
            "[Lorg.apache.spark.ml.stat.SummaryBuilderImpl$ComputeMetric;",
            "[Lorg.apache.spark.ml.stat.SummaryBuilderImpl$Metric;",
            "org.apache.spark.mllib.stat.MultivariateOnlineSummarizer",
            "org.apache.spark.ml.linalg.DenseVector",
            "org.apache.spark.ml.linalg.SparseVector",
            "org.apache.spark.ml.linalg.DenseMatrix",
            "org.apache.spark.mllib.linalg.DenseVector",
            "org.apache.spark.mllib.linalg.SparseVector",
            "org.apache.spark.mllib.evaluation.binary.BinaryLabelCounter",
            "org.apache.spark.sql.types.StructType",
            "org.apache.spark.sql.types.StructField",
            "[Lorg.apache.spark.sql.types.StructField;",
            "org.apache.spark.sql.types.ArrayType",
            "org.apache.spark.sql.types.MapType",
            "org.apache.spark.sql.types.DecimalType",
            "org.apache.spark.sql.types.Metadata",
            "org.apache.spark.sql.types.DoubleType$",
            "org.apache.spark.sql.types.FloatType$",
            "org.apache.spark.sql.types.LongType$",
            "org.apache.spark.sql.types.IntegerType$",
            "org.apache.spark.sql.types.ShortType$",
            "org.apache.spark.sql.types.ByteType$",
            "org.apache.spark.sql.types.BooleanType$",
            "org.apache.spark.sql.types.StringType",
            "org.apache.spark.sql.types.StringType$",
            "org.apache.spark.sql.types.NullType$",
            "org.apache.spark.sql.types.BinaryType$",
            "org.apache.spark.sql.types.DateType$",
            "org.apache.spark.sql.types.TimestampType$",
            "org.apache.spark.sql.types.TimestampNTZType$",
            "org.apache.spark.sql.catalyst.expressions.GenericRow",
            "org.apache.spark.sql.catalyst.expressions.GenericRowWithSchema",
            // what a streaming query's memory sink sends back from each task (model.transform(stream) into memory)
            "org.apache.spark.sql.execution.streaming.sources.MemoryWriterCommitMessage",
            // what a streaming query's file sink sends back from each task (lstm-spark stream, forecasts to files):
            // the files it wrote (the class moved package in Spark 4)
            "org.apache.spark.sql.execution.streaming.SinkFileStatus",
            "[Lorg.apache.spark.sql.execution.streaming.SinkFileStatus;",
            "org.apache.spark.sql.execution.streaming.sinks.SinkFileStatus",
            "[Lorg.apache.spark.sql.execution.streaming.sinks.SinkFileStatus;",
            // ... and the console sink's (lstm-spark stream --output console): the rows to print
            "org.apache.spark.sql.execution.streaming.sources.PackedRowCommitMessage",
            "[Lorg.apache.spark.sql.catalyst.InternalRow;",
            "org.apache.spark.sql.catalyst.expressions.UnsafeRow",
            "org.apache.spark.sql.catalyst.expressions.GenericInternalRow",
            // ... and the Kafka sink's (lstm-spark stream --output kafka; an object with nothing in it)
            "org.apache.spark.sql.kafka010.KafkaDataWriterCommitMessage$",
            // ... holding rows whose arrays are Scala sequences (2.13 and 2.12 names)
            "scala.collection.mutable.ArraySeq", "scala.collection.mutable.ArraySeq$ofRef",
            "scala.collection.mutable.WrappedArray$ofRef", "scala.collection.mutable.ArrayBuffer",
            "[Lscala.collection.mutable.ArraySeq;", "[Lscala.collection.mutable.WrappedArray;",
            "[Lorg.apache.spark.sql.Row;", "[Ljava.lang.Double;", "[Ljava.lang.Long;", "[Ljava.lang.Integer;",
            "[Ljava.lang.String;",
            // Spark's parallel listing of many files (over spark.sql.sources.parallelPartitionDiscovery.threshold
            // paths, e.g. a streaming file source's batch of files) sends Hadoop's file statuses back
            "org.apache.hadoop.fs.Path", "[Lorg.apache.hadoop.fs.Path;", "org.apache.hadoop.fs.FileStatus",
            "[Lorg.apache.hadoop.fs.FileStatus;", "org.apache.hadoop.fs.LocatedFileStatus",
            "[Lorg.apache.hadoop.fs.LocatedFileStatus;", "org.apache.hadoop.fs.BlockLocation",
            "[Lorg.apache.hadoop.fs.BlockLocation;", "org.apache.hadoop.fs.permission.FsPermission",
            "org.apache.hadoop.fs.permission.FsAction", "java.net.URI",
            "scala.collection.immutable.$colon$colon", "scala.collection.immutable.Nil$",
            "scala.collection.immutable.ArraySeq$ofRef", "[Lscala.Tuple2;",
            "org.apache.hadoop.fs.StorageType",
            "[Lorg.apache.hadoop.fs.StorageType;",
            "java.util.Collections$EmptySet",
            // CSV schema inference (spark.read().option("inferSchema", true)) sends each partition's column types
            "[Lorg.apache.spark.sql.types.DataType;",
            // rows of sequences built on the driver for prediction (data.files.CsvWindowSource: CSV windows)
            "[Ljava.lang.Object;", "[[D");

    /**
     * The project's own classes that travel, named here because they live in layers above this class (which Spark
     * configurations name as it is, so it stays at the top of the driver): a long table's rows between the pass
     * that reads them and the pass that cuts them ({@code data.table.LongTableSource}). Unlike the names above, each
     * must exist: a rename fails registration (and {@code SparkKryoRoundTripTest}), never silently drops it.
     */
    static final List<String> PROJECT_CLASSES = List.of("org.sparkrnn.driver.data.table.TableRows",
            "org.sparkrnn.driver.data.table.TimeFormat", "org.sparkrnn.driver.data.table.TableEdges$Summary");

    @Override
    public void registerClasses(Kryo kryo) {
        WireTypes.registerAll(kryo);
        for (String name : SPARK_ML_CLASSES) {
            try {
                kryo.register(Class.forName(name, false, Thread.currentThread().getContextClassLoader()));
            } catch (ClassNotFoundException e) {
                // not on this Spark line's classpath: nothing of it can travel either
            }
        }
        for (String name : PROJECT_CLASSES) {
            try {
                kryo.register(Class.forName(name, false, SparkRnnKryoRegistrator.class.getClassLoader()));
            } catch (ClassNotFoundException e) {
                throw new IllegalStateException("Kryo registration: no class " + name + " (renamed? update "
                        + SparkRnnKryoRegistrator.class.getSimpleName() + ".PROJECT_CLASSES)", e);
            }
        }
        // per-series evaluation (exec.DistributedSums#evaluateByKey): the model's and the baseline's sums
        kryo.register(EvaluationSums[].class);
        // a training set's and its validation set's counts, taken in one job (exec.DistributedSums#counts)
        kryo.register(org.sparkrnn.data.DataStatistics[].class);
    }
}
