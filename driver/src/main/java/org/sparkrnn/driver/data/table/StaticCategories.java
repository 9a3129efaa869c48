package org.sparkrnn.driver.data.table;

import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StringType;
import org.sparkrnn.driver.Reporter;
import org.sparkrnn.driver.config.SettingError;
import org.sparkrnn.driver.config.TableLayout;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.when;

/**
 * What a long table's static columns are ({@code --static-columns}): a column of numbers (or of text that reads as
 * numbers everywhere) is one input; a column of other text is one input per category, one-hot, the categories
 * (sorted) learned from the training table and kept in the model, so that every later table is read with the same
 * inputs. A category the model never saw has all its inputs 0, and is counted.
 */
final class StaticCategories {

    /** At most this many categories per text static (each is an input of every step). */
    static final int MAX_CATEGORIES = 1000;

    private StaticCategories() {
    }

    /** {@code layout} with every static column's categories known: the model's, or learned from {@code table}. */
    static TableLayout resolve(Dataset<Row> table, String source, TableLayout layout) {
        if (layout.categoriesResolved()) {
            return layout;
        }
        Map<String, List<String>> categories = new TreeMap<>(layout.categories());
        for (String column : layout.staticColumns()) {
            if (categories.containsKey(column) || !java.util.Arrays.asList(table.columns()).contains(column)) {
                continue; // a missing column is the projection's to report, with the others
            }
            categories.put(column, learn(table, source, column));
        }
        return layout.withCategories(categories);
    }

    /** A text column's sorted distinct values, or none when it is numbers (as a type, or every value as text). */
    private static List<String> learn(Dataset<Row> table, String source, String column) {
        if (!(table.schema().apply(column).dataType() instanceof StringType)) {
            return List.of(); // numbers (any other type is the projection's to refuse)
        }
        table.sparkSession().sparkContext().setJobDescription("load: the categories of " + column + " in " + source);
        List<Row> distinct = table.select(col(column)).where(col(column).isNotNull()).distinct()
                .limit(MAX_CATEGORIES + 1).collectAsList();
        List<String> values = new ArrayList<>();
        boolean numbers = true;
        for (Row row : distinct) {
            String value = row.getString(0);
            values.add(value);
            numbers &= isNumber(value);
        }
        if (numbers) {
            return List.of();
        }
        if (values.size() > MAX_CATEGORIES) {
            throw new SettingError(source + ": {--static-columns} " + column + " has more than " + MAX_CATEGORIES
                    + " distinct values; a text static is one input per value (give a number, or fewer kinds)");
        }
        values.sort(null);
        return List.copyOf(values);
    }

    private static boolean isNumber(String text) {
        String trimmed = text.trim();
        if (trimmed.isEmpty()) {
            return true; // empty is missing, as the reader reads it
        }
        try {
            Double.parseDouble(trimmed);
            return true;
        } catch (NumberFormatException e) {
            return false;
        }
    }

    /**
     * The one-hot inputs of the layout's text statics by input name ({@link TableLayout#categoryInput}): 1 for the
     * row's category, 0 for the others (all 0 for a category the model never saw), null where the row has none (the
     * series' value fills it).
     */
    static Map<String, Column> inputs(TableLayout layout) {
        Map<String, Column> inputs = new java.util.HashMap<>();
        layout.categories().forEach((column, values) -> {
            Column text = col(column).cast(DataTypes.StringType);
            for (int k = 0; k < values.size(); k++) {
                inputs.put(TableLayout.categoryInput(column, values.get(k)), when(col(column).isNull(),
                        lit(null).cast(DataTypes.DoubleType)).when(text.equalTo(values.get(k)), lit(1.0))
                        .otherwise(lit(0.0)).as("__sparkrnn_category_" + column + "_" + k));
            }
        });
        return inputs;
    }

    /**
     * Warns, per text static, how many series of {@code table} have a value that is not one of the model's
     * categories (their inputs are all 0): one small job per text static, only for a model that has them.
     */
    static void countUnknown(Dataset<Row> table, String source, TableLayout layout, Reporter reporter) {
        layout.categories().forEach((column, values) -> {
            if (values.isEmpty() || !java.util.Arrays.asList(table.columns()).contains(column)) {
                return;
            }
            table.sparkSession().sparkContext().setJobDescription("load: unknown categories of " + column + " in "
                    + source);
            Column id = layout.idColumn() == null ? lit(0) : col(layout.idColumn());
            Dataset<Row> unknown = table.where(col(column).isNotNull()
                    .and(lit(false).equalTo(col(column).cast(DataTypes.StringType).isin(values.toArray()))));
            List<Row> examples = unknown.select(col(column).cast(DataTypes.StringType)).distinct().limit(3)
                    .collectAsList();
            if (examples.isEmpty()) {
                return;
            }
            long series = unknown.select(id).distinct().count();
            List<String> shown = examples.stream().map(r -> "'" + r.getString(0) + "'").toList();
            reporter.warning(source + ": " + series + " series have a --static-columns " + column + " value the"
                    + " model never saw (" + String.join(", ", shown) + (examples.size() == 3 ? ", ..." : "")
                    + "): its one-hot inputs are all 0 there");
        });
    }
}
