package org.sparkrnn.driver.cli;

import org.sparkrnn.driver.Reporter;
import org.sparkrnn.driver.UserError;
import org.sparkrnn.driver.config.Choices;
import org.sparkrnn.driver.config.DataOptions;
import org.sparkrnn.driver.config.Defaults;
import org.sparkrnn.driver.config.KernelSettings;
import org.sparkrnn.driver.config.SettingError;
import org.sparkrnn.driver.config.Split;
import org.sparkrnn.driver.data.DatasetLoader;
import org.sparkrnn.driver.data.LoadedData;
import org.sparkrnn.driver.data.records.ReadContext;
import org.sparkrnn.driver.data.records.SplitSide;
import org.sparkrnn.driver.model.FileStore;
import org.sparkrnn.driver.model.ModelDirectory;
import org.sparkrnn.driver.model.SavedModel;
import org.sparkrnn.driver.scoring.ForecastCharts;
import org.sparkrnn.driver.scoring.ForecastReport;
import org.sparkrnn.driver.scoring.ForecastTable;
import org.sparkrnn.driver.scoring.ModelScoring;
import org.sparkrnn.driver.scoring.PerSeriesReport;
import org.sparkrnn.evaluate.Baseline;
import org.sparkrnn.evaluate.Metrics;
import org.sparkrnn.kernel.Precision;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.util.List;
import java.util.concurrent.Callable;

/**
 * {@code lstm-spark evaluate}: metrics of a trained model on labelled data, by default on the training and the
 * validation side of the run's own split, each reported; the options the model fixes are refused when they differ.
 */
@Command(name = "evaluate", sortOptions = false, mixinStandardHelpOptions = true,
        description = "Print loss, RMSE/MAE (regression) or accuracy/perplexity (classification) of a model on data.")
public final class EvaluateCommand implements Callable<Integer> {

    @Mixin
    ModelMixin model;

    @Mixin
    DataMixin data;

    @Option(names = "--seed", defaultValue = Defaults.SEED, paramLabel = "S",
            description = "Seed of a random hold-out (--validation-fraction with --split random). Default: the run's.")
    long seed;

    @Mixin
    SparkMixin sparkOptions;

    @Option(names = "--part", defaultValue = "both", paramLabel = "both|training|validation|all",
            description = "Which sequences: the run's training and validation sides, each reported (both), one of"
                    + " them, or all of them together. The split is the run's (its --validation-fraction, --split,"
                    + " --validate-from or --validation), unless given here. Default: ${DEFAULT-VALUE}.")
    String part;

    @Option(names = "--baseline", paramLabel = "last|lag:N",
            description = "Also score a simple forecast on the same sequences: the last value, or the value N"
                    + " steps back (seasonal naive), and say whether the model beats it.")
    String baseline;

    @Option(names = "--per-series", arity = "0..1", fallbackValue = "", paramLabel = "FILE.csv",
            description = "Long tables: also the metrics of each series (beside the --baseline's), worst first;"
                    + " with FILE.csv, every series' line is also written there, and with the forecasting metrics"
                    + " (--season, --quantiles, a probabilistic model) each series' in FILE.forecast.csv.")
    String perSeries;

    @Option(names = "--quantiles", paramLabel = "LEVELS",
            description = "Long tables, probabilistic models: the quantile levels scored (weighted quantile loss, the"
                    + " coverage of each central interval among them), e.g. 0.1,0.5,0.9. Default: a quantile"
                    + " model's trained levels; for a distribution " + Defaults.QUANTILES + ".")
    String quantiles;

    @Option(names = "--season", paramLabel = "N",
            description = "Long tables: the forecasting metrics (wQL, interval coverage, sMAPE, MASE) beside the"
                    + " seasonal naive forecast of season N (the value N steps back; 1: the last value) with its"
                    + " residual quantiles; MASE divides by its in-sample error. Given by default (N = 1) for a"
                    + " probabilistic model.")
    Integer season;

    @Option(names = "--plot", defaultValue = "0", paramLabel = "N",
            description = "Long tables: fan charts (SVG) of the N worst and the N best series of each side scored"
                    + " (history, actuals, the forecast and its central intervals, the cutoff marked), in --plot-dir."
                    + " Default: ${DEFAULT-VALUE}.")
    int plot;

    @Option(names = "--plot-dir", paramLabel = "DIR",
            description = "Where --plot writes its charts (a new directory). Default: plots in the model directory.")
    String plotDir;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        picocli.CommandLine.ParseResult given = spec.commandLine().getParseResult();
        data.splitGivenReplacesTheRuns(given);
        FileChecks checks = new FileChecks(sparkOptions);
        checks.modelBeforeData(data, model.modelDir);
        DataOptions asGiven = data.toOptions(seed);
        if (given.hasMatchedOption("--seed") && (asGiven.validationFraction() == 0 || asGiven.split() == Split.TAIL)) {
            throw new SettingError("{--seed} chooses a random hold-out (--validation-fraction with --split random);"
                    + " there is none here");
        }
        Precision precision = parsePrecision(model.precision);
        if (!List.of("both", "training", "validation", "all").contains(part)) {
            throw new SettingError("unknown {part} '" + part + "', expected one of both, training, validation, all");
        }
        Baseline compareWith = parseBaseline(baseline, asGiven.horizons());
        PerSeriesReport.Request perSeriesReport = PerSeriesReport.Request.of(perSeries);
        if (perSeriesReport != null && asGiven.table() == null) {
            throw new SettingError("{--per-series} reads a long table: give --time-column and --target-column (the"
                    + " model's run gives them when it was trained on one)");
        }
        // what the options and the files alone refuse, before Spark starts
        ModelDirectory dir = new ModelDirectory(checks.files(), model.modelDir);
        SavedModel saved = dir.readModel();
        DataOptions options = ModelFixedOptions.forModel(asGiven, saved);
        ModelFixedOptions.check(spec, data, saved);
        checkBaseline(compareWith, saved);
        double[] levels = org.sparkrnn.driver.model.ForecastLevels.of(saved, quantiles);
        boolean forecast = season != null || quantiles != null || plot > 0
                || org.sparkrnn.distribution.ForecastHead.of(saved.spec()) != null;
        if (forecast && options.table() == null && (season != null || quantiles != null)) {
            throw new SettingError("{--season} and {--quantiles} score forecasts of a long table's series: give"
                    + " {--id-column}, {--time-column} and {--target-column} (or a model trained on one)");
        }
        int seasonLength = season == null ? Integer.parseInt(Defaults.SEASON) : season;
        if (plot < 0) {
            throw new SettingError("{--plot} must be >= 0, got " + plot);
        }
        if (plot > 0 && options.table() == null) {
            throw new SettingError("{--plot} draws a long table's series: give {--id-column}, {--time-column} and"
                    + " {--target-column} (or a model trained on one)");
        }
        if (plotDir != null && plot == 0) {
            throw new SettingError("{--plot-dir} is where {--plot} N writes its charts: give {--plot}");
        }
        String charts = plot == 0 ? null : plotDir != null ? plotDir : dir.path("plots");
        if (charts != null) {
            checks.isNew(charts, plotDir != null ? "--plot-dir" : "the model directory's plots (--plot-dir)");
        }
        if (forecast && options.table() != null) {
            ForecastReport.seasonalNaive(seasonLength, options.horizons()); // checked before Spark starts
        }
        checks.dataExists(options);
        return SparkRun.with("lstm-spark evaluate", sparkOptions, sc -> {
            DatasetLoader loader = new DatasetLoader(sc, Reporter.to(System.out));
            ReadContext context = new ReadContext(saved.shape(), saved.vocabulary(),
                    saved.standardization(), false, saved.seriesScaling(), saved.frequency());
            ModelScoring scoring = new ModelScoring(sc, saved, new KernelSettings(precision, 0));
            Scorer scorer = new Scorer(scoring, dir.path(ModelDirectory.MODEL) + " on " + options.path(), compareWith,
                    options.horizons());
            String what = dir.path(ModelDirectory.MODEL) + " on " + options.path();
            // with --per-series FILE.csv, each side's forecasting metrics per series go to FILE.forecast.csv
            StringBuilder forecastCsv = new StringBuilder(ForecastTable.header("side", levels));
            java.util.function.Consumer<SplitSide> perSeriesOf = side -> {
                if (perSeriesReport != null) {
                    PerSeriesReport.run(perSeriesReport, loader, scoring, options, compareWith, side, System.out);
                }
                if (forecast && options.table() != null) {
                    ForecastReport.Result result = ForecastReport.run(loader, scoring, options, levels, seasonLength,
                            side);
                    ForecastReport.print(result, what, side.name().toLowerCase(java.util.Locale.ROOT),
                            options.horizons(), System.out);
                    ForecastTable.rows(forecastCsv, side.name().toLowerCase(java.util.Locale.ROOT), result, levels);
                    if (charts != null) {
                        drawCharts(loader, saved, options, side, result, charts, precision, levels,
                                new FileStore(sc.hadoopConfiguration()));
                    }
                }
            };
            FileStore files = new FileStore(sc.hadoopConfiguration());
            if (part.equals("all")) {
                LoadedData loaded = loader.loadForModel(options, options.path(), context, true);
                scorer.report("all", loaded.train(), loaded.trainSequences());
                perSeriesOf.accept(SplitSide.ALL);
                writeReport(perSeriesReport, files, forecast && options.table() != null ? forecastCsv : null);
                return 0;
            }
            LoadedData loaded = loader.loadForEvaluation(options, context);
            if (loaded.validation() == null && !part.equals("training")) {
                if (part.equals("validation")) {
                    throw new UserError("--part validation: the run held nothing out and no split is given"
                            + " (--validation, --validation-fraction or --validate-from)");
                }
                scorer.report("all (the run held nothing out)", loaded.train(), loaded.trainSequences());
                perSeriesOf.accept(SplitSide.ALL);
                writeReport(perSeriesReport, files, forecast && options.table() != null ? forecastCsv : null);
                return 0;
            }
            if (!part.equals("validation")) {
                scorer.report("training", loaded.train(), loaded.trainSequences());
                perSeriesOf.accept(SplitSide.TRAINING);
            }
            if (!part.equals("training")) {
                scorer.report("validation", loaded.validation(), loaded.validationSequences());
                perSeriesOf.accept(SplitSide.VALIDATION);
            }
            writeReport(perSeriesReport, files, forecast && options.table() != null ? forecastCsv : null);
            return 0;
        });
    }

    /**
     * The per-series report of {@code train --per-series}: the model the run wrote to {@code modelDir}, on the
     * {@code side} windows of the table the run read.
     */
    static void perSeries(org.apache.spark.api.java.JavaSparkContext sc, PerSeriesReport.Request request,
                          DataOptions options, String modelDir, Precision precision, String baselineText,
                          SplitSide side) throws java.io.IOException {
        FileStore files = new FileStore(sc.hadoopConfiguration());
        SavedModel saved = new ModelDirectory(files, modelDir).readModel();
        DatasetLoader loader = new DatasetLoader(sc, Reporter.to(System.out));
        Baseline compareWith = parseBaseline(baselineText, options.horizons());
        if (compareWith != null && compareWith.needsClassCounts()) {
            compareWith = null; // class frequencies: not a forecast of a series' values
        }
        PerSeriesReport.run(request, loader, new ModelScoring(sc, saved, new KernelSettings(precision, 0)), options,
                compareWith, side, System.out);
        writeReport(request, files);
    }

    /** The side's fan charts, in {@code dir}/{@code side}: its worst and best series from the side's first time. */
    private void drawCharts(DatasetLoader loader, SavedModel saved, DataOptions options, SplitSide side,
                            ForecastReport.Result result, String dir, Precision precision, double[] levels,
                            FileStore files) {
        String from = options.table().validateFrom();
        if (side != SplitSide.VALIDATION || from == null) {
            System.out.println("--plot draws a hold-out by time (--validate-from): " + side.name()
                    .toLowerCase(java.util.Locale.ROOT) + " side not drawn");
            return;
        }
        try {
            int drawn = new ForecastCharts(loader, saved, options, plot, precision, levels).write(files, dir, result,
                    from, levels.length > 0 ? "wql" : "smape");
            System.out.printf("%d fan chart(s) written to %s%n", drawn, dir);
        } catch (java.io.IOException e) {
            throw new UserError("cannot write the charts to " + dir + ": " + e.getMessage(), e);
        }
    }

    private static void writeReport(PerSeriesReport.Request request, FileStore files, StringBuilder forecastCsv) {
        writeReport(request, files);
        if (request == null || request.csvPath() == null || forecastCsv == null) {
            return;
        }
        String path = request.csvPath().endsWith(".csv")
                ? request.csvPath().substring(0, request.csvPath().length() - 4) + ".forecast.csv"
                : request.csvPath() + ".forecast.csv";
        try {
            files.writeAtomically(path, forecastCsv.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8));
            System.out.println("per-series forecasting metrics written to " + path);
        } catch (java.io.IOException e) {
            throw new UserError("cannot write " + path + ": " + e.getMessage(), e);
        }
    }

    private static void writeReport(PerSeriesReport.Request request, FileStore files) {
        if (request == null) {
            return;
        }
        try {
            request.write(files, System.out);
        } catch (java.io.IOException e) {
            throw new UserError("cannot write " + request.csvPath() + ": " + e.getMessage(), e);
        }
    }

    private static Baseline parseBaseline(String text, int[] horizons) {
        if (text == null) {
            return null;
        }
        try {
            return Baseline.parse(text).withHorizons(horizons);
        } catch (IllegalArgumentException e) {
            throw new SettingError("{--baseline}: " + e.getMessage());
        }
    }

    private static void checkBaseline(Baseline baseline, SavedModel saved) {
        if (baseline == null) {
            return;
        }
        if (baseline.needsClassCounts()) {
            throw new UserError("--baseline " + baseline.describe() + " needs the training class counts; evaluate"
                    + " compares with last or lag:N");
        }
        String mismatch = baseline.mismatch(saved.shape().labelKind(), saved.shape().labelShape(),
                saved.shape().labelWidth());
        if (mismatch != null) {
            throw new UserError("--baseline: " + mismatch + "; these data have " + saved.shape().describeLabels());
        }
    }

    /** Scores a side of the data and prints its line (and the baseline's, when there is one). */
    private record Scorer(ModelScoring scoring, String what, Baseline baseline, int[] horizons) {
        void report(String side, org.apache.spark.api.java.JavaRDD<org.sparkrnn.data.SequenceBlock> data,
                    long sequences) {
            if (sequences == 0) {
                System.out.printf("%s, %s: no sequence%n", what, side);
                return;
            }
            SavedModel saved = scoring.saved();
            ModelScoring.Scores ours = scoring.model(data, "evaluate: " + side);
            Metrics metrics = ours.metrics();
            org.sparkrnn.driver.data.records.RecordShape shape = saved.shape();
            // a label of several values (horizons × targets) per sequence: say how many values were scored
            String counted = shape.labelShape() == org.sparkrnn.data.LabelShape.PER_SEQUENCE
                    && shape.labelKind() == org.sparkrnn.data.LabelKind.VALUES && shape.labelWidth() > 1
                    ? (metrics.labelledSteps() * shape.labelWidth()) + " values (" + shape.labelWidth() + " each)"
                    : metrics.labelledSteps() + " labelled steps";
            System.out.printf("%s, %s (%d sequences, %s, %d partitions, %s): %s%n", what, side, sequences, counted,
                    data.getNumPartitions(), scoring.kernel().precision().cliName(), metrics.describe());
            printSteps(side, "", ours.sums(), shape);
            if (baseline != null) {
                ModelScoring.Scores baselineScores = scoring.baseline(data, baseline, "evaluate: baseline, " + side);
                Metrics theirs = baselineScores.metrics();
                String key = Metrics.comparedBy(saved.spec().loss());
                System.out.printf(java.util.Locale.ROOT, "%s, %s, baseline %s: %s%n", what, side,
                        baseline.describe(), theirs.describe());
                printSteps(side, ", baseline " + baseline.describe(), baselineScores.sums(), shape);
                System.out.println("=> " + side + ", " + Metrics.versus(key, metrics.asMap().get(key),
                        theirs.asMap().get(key)));
            }
        }

        /** With several horizons: rmse and mae at each, on a line of their own. */
        private void printSteps(String side, String whose, org.sparkrnn.evaluate.EvaluationSums sums,
                                org.sparkrnn.driver.data.records.RecordShape shape) {
            String steps = org.sparkrnn.evaluate.StepMetrics.line(sums, shape.labelWidth(), horizons);
            if (steps != null) {
                System.out.printf("%s, %s%s, %s%n", what, side, whose, steps);
            }
        }
    }

    static Precision parsePrecision(String name) {
        return Choices.parse("precision", name, Precision.class);
    }
}
