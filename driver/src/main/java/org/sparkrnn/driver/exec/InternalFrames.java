package org.sparkrnn.driver.exec;

import org.apache.spark.rdd.RDD;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.execution.QueryExecution;
import org.apache.spark.sql.types.StructType;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;

/**
 * A batch DataFrame as Spark's internal rows and back, the way Spark's own ML and SQL code moves between them: the
 * rows of the executed plan ({@code queryExecution().toRdd()}, binary rows that a column is read from without
 * conversion) and a DataFrame over an {@code RDD<InternalRow>} with a schema ({@code internalCreateDataFrame}).
 * Both are public methods of Spark's classic {@code Dataset} and {@code SparkSession} on the 3.5 and 4.x lines, on
 * different classes (4.x moved them to {@code org.apache.spark.sql.classic}), hence found on the object at hand.
 * What batch scoring uses so that a features column is neither boxed on the way in nor re-encoded on the way out.
 */
public final class InternalFrames {

    private InternalFrames() {
    }

    /** Whether {@code frame} can be read as internal rows: a batch DataFrame of a classic session. */
    public static boolean available(Dataset<Row> frame) {
        return !frame.isStreaming() && method(frame.getClass(), "queryExecution") != null
                && method(frame.sparkSession().getClass(), "internalCreateDataFrame", RDD.class, StructType.class,
                boolean.class) != null;
    }

    /**
     * The rows of {@code frame}'s executed plan; a row may be reused by the next ({@code copy()} one that is kept).
     */
    public static RDD<InternalRow> rows(Dataset<Row> frame) {
        QueryExecution execution = (QueryExecution) invoke(method(frame.getClass(), "queryExecution"), frame);
        return execution.toRdd();
    }

    /**
     * Spark's estimate of {@code frame}'s size in bytes (its optimized plan's statistics: the files' sizes scaled to
     * the columns kept, a local relation's rows), or {@code Long.MAX_VALUE} when Spark does not know it or the
     * frame has no classic plan.
     */
    public static long estimatedBytes(Dataset<Row> frame) {
        Method queryExecution = method(frame.getClass(), "queryExecution");
        if (queryExecution == null || frame.isStreaming()) {
            return Long.MAX_VALUE;
        }
        scala.math.BigInt size = ((QueryExecution) invoke(queryExecution, frame)).optimizedPlan().stats()
                .sizeInBytes();
        return size.isValidLong() ? size.longValue() : Long.MAX_VALUE;
    }

    /** A batch DataFrame of {@code rows}, whose values are in Spark's internal form for {@code schema}. */
    @SuppressWarnings("unchecked")
    public static Dataset<Row> frame(SparkSession session, RDD<InternalRow> rows, StructType schema) {
        Method create = method(session.getClass(), "internalCreateDataFrame", RDD.class, StructType.class,
                boolean.class);
        return (Dataset<Row>) invoke(create, session, rows, schema, false);
    }

    private static Method method(Class<?> type, String name, Class<?>... parameters) {
        try {
            return type.getMethod(name, parameters);
        } catch (NoSuchMethodException e) {
            return null;
        }
    }

    private static Object invoke(Method method, Object target, Object... arguments) {
        if (method == null) {
            throw new IllegalStateException("this Spark has no classic Dataset API (a Spark Connect session?)");
        }
        try {
            return method.invoke(target, arguments);
        } catch (InvocationTargetException e) {
            Throwable cause = e.getCause();
            throw cause instanceof RuntimeException r ? r : new IllegalStateException(cause);
        } catch (IllegalAccessException e) {
            throw new IllegalStateException(e);
        }
    }
}
