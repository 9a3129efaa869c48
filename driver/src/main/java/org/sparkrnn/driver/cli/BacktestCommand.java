package org.sparkrnn.driver.cli;

import org.sparkrnn.driver.Reporter;
import org.sparkrnn.driver.UserError;
import org.sparkrnn.driver.config.DataOptions;
import org.sparkrnn.driver.config.Defaults;
import org.sparkrnn.driver.config.KernelSettings;
import org.sparkrnn.driver.config.SettingError;
import org.sparkrnn.driver.config.TableLayout;
import org.sparkrnn.driver.config.TrainingConfig;
import org.sparkrnn.driver.data.DatasetLoader;
import org.sparkrnn.driver.data.records.SplitSide;
import org.sparkrnn.driver.model.FileStore;
import org.sparkrnn.driver.model.ForecastLevels;
import org.sparkrnn.driver.model.ModelDirectory;
import org.sparkrnn.driver.model.SavedModel;
import org.sparkrnn.driver.scoring.BacktestReport;
import org.sparkrnn.driver.scoring.ForecastCharts;
import org.sparkrnn.driver.scoring.ForecastReport;
import org.sparkrnn.driver.scoring.ModelScoring;
import org.sparkrnn.driver.train.Trainer;
import org.sparkrnn.kernel.Precision;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * {@code lstm-spark backtest}: rolling-origin evaluation of a model on a long table. Cutoffs c_1 < ... < c_N fall
 * {@code --step} rows apart, the last where the last window of the data begins to forecast; cutoff k scores the
 * windows whose first forecast time is at or after c_k and before c_{k+1} (the last: to the end), so that one cutoff
 * scores what {@code evaluate --validate-from c} holds out. Each cutoff's baseline is the seasonal naive forecast fitted
 * on the windows before it. With a trained model every cutoff is scored from the same weights; with {@code --refit} a
 * model is trained from scratch on the windows before each cutoff, with the run's settings, as {@code train
 * --validate-from c_k --validate-every 2147483647} trains it (the cutoff's windows are scored once at the end, never
 * chosen from), written under {@code --output}.
 */
@Command(name = "backtest", sortOptions = false, mixinStandardHelpOptions = true,
        description = "Rolling-origin evaluation of a model on a long table: its forecasting metrics at several"
                + " cutoffs beside the seasonal naive forecast's, per cutoff, per series and overall; with --refit, a"
                + " model trained from scratch on the data before each cutoff.")
public final class BacktestCommand implements Callable<Integer> {

    /** What a refit's validation schedule is: once, at the end of its run (the kept model is the last). */
    static final int VALIDATE_AT_THE_END = Integer.MAX_VALUE;

    @Mixin
    ModelMixin model;

    @Mixin
    DataMixin data;

    @Mixin
    SparkMixin sparkOptions;

    @Option(names = "--origins", defaultValue = Defaults.ORIGINS, paramLabel = "N",
            description = "How many cutoffs. Default: ${DEFAULT-VALUE}.")
    int origins;

    @Option(names = "--step", paramLabel = "S",
            description = "Rows of a series between cutoffs. Default: the horizon's last step (the forecasts of one"
                    + " cutoff end where the next cutoff's begin).")
    Integer step;

    @Option(names = "--refit", description = "Train a model from scratch on the data before each cutoff (the run's"
            + " settings), instead of scoring every cutoff with the trained model's weights.")
    boolean refit;

    @Option(names = "--season", defaultValue = Defaults.SEASON, paramLabel = "N",
            description = "The baseline: the seasonal naive forecast of season N (the value N steps back; 1: the last"
                    + " value) with its residual quantiles; MASE divides by its in-sample error. Default:"
                    + " ${DEFAULT-VALUE}.")
    int season;

    @Option(names = "--quantiles", paramLabel = "LEVELS",
            description = "A probabilistic model's quantile levels scored. Default: a quantile model's trained"
                    + " levels; for a distribution " + Defaults.QUANTILES + ".")
    String quantiles;

    @Option(names = "--output", paramLabel = "DIR",
            description = "Also write there (a new directory): backtest.csv (every cutoff's metrics, overall and per"
                    + " series), summary.txt, metric-by-cutoff.svg and, with --refit, each cutoff's model.")
    String output;

    @Option(names = "--plot", defaultValue = "0", paramLabel = "N",
            description = "With --output: fan charts (SVG) of the N worst and the N best series at the last cutoff."
                    + " Default: ${DEFAULT-VALUE}.")
    int plot;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        picocli.CommandLine.ParseResult given = spec.commandLine().getParseResult();
        for (String option : new String[] {"--validation", "--validation-fraction", "--split", "--validate-from"}) {
            if (given.hasMatchedOption(option)) {
                throw new SettingError("{" + option + "}: a backtest holds out the windows after each of its cutoffs"
                        + " ({--origins}, {--step}); it takes no other split");
            }
        }
        if (origins < 1) {
            throw new SettingError("{--origins} must be >= 1, got " + origins);
        }
        if (step != null && step < 1) {
            throw new SettingError("{--step} must be >= 1, got " + step);
        }
        if (plot < 0) {
            throw new SettingError("{--plot} must be >= 0, got " + plot);
        }
        if (refit && output == null) {
            throw new SettingError("{--refit} trains a model per cutoff and writes it: give {--output} DIR");
        }
        if (plot > 0 && output == null) {
            throw new SettingError("{--plot} writes its charts with the rest: give {--output} DIR");
        }
        Precision precision = EvaluateCommand.parsePrecision(model.precision);
        FileChecks checks = new FileChecks(sparkOptions);
        checks.modelBeforeData(data, model.modelDir);
        DataOptions asGiven = data.toOptions(Long.parseLong(Defaults.SEED));
        if (output != null) {
            checks.isNew(output, "--output");
        }
        ModelDirectory dir = new ModelDirectory(checks.files(), model.modelDir);
        SavedModel saved = dir.readModel();
        DataOptions options = ModelFixedOptions.forModel(asGiven, saved);
        ModelFixedOptions.check(spec, data, saved);
        if (options.table() == null || options.table().timeColumn() == null) {
            throw new SettingError("a backtest's cutoffs are times of a long table: give {--id-column},"
                    + " {--time-column} and {--target-column} (or a model trained on one)");
        }
        double[] levels = ForecastLevels.of(saved, quantiles);
        int[] horizons = options.horizons();
        ForecastReport.seasonalNaive(season, horizons); // checked before Spark starts
        int stepRows = step != null ? step : horizons[horizons.length - 1];
        String runConfig = refit ? new String(checks.files().read(dir.path(ModelDirectory.CONFIG)),
                StandardCharsets.UTF_8) : null;
        checks.dataExists(options);
        SparkRun.SparkWork work = sc -> {
            DatasetLoader loader = new DatasetLoader(sc, Reporter.to(System.out));
            // the last cutoff: where the last window's forecasts begin; the others step rows back from it
            int span = horizons[horizons.length - 1] - horizons[0];
            int needed = span + (origins - 1) * stepRows + 1;
            List<String> latest = loader.latestTableTimes(options, needed);
            if (latest.size() < needed) {
                throw new UserError(options.path() + ": " + origins + " cutoffs " + stepRows + " rows apart need "
                        + needed + " distinct times with a target; the table has " + latest.size());
            }
            List<String> cutoffs = new ArrayList<>();
            for (int k = origins - 1; k >= 0; k--) {
                cutoffs.add(latest.get(span + k * stepRows));
            }
            System.out.printf("backtest of %s on %s: %d cutoff(s) %s, %d rows apart, %s%s%n",
                    dir.path(ModelDirectory.MODEL), options.path(), origins, String.join(", ", cutoffs), stepRows,
                    refit ? "each with a model trained from scratch on the data before it" : "one model",
                    options.partitions() > 0 ? "; the table sorted into " + options.partitions() + " partitions" : "");
            FileStore files = new FileStore(sc.hadoopConfiguration());
            BacktestReport report = new BacktestReport(levels, season, horizons);
            ForecastCharts charts = null;
            for (int k = 0; k < cutoffs.size(); k++) {
                String cutoff = cutoffs.get(k);
                String until = k + 1 < cutoffs.size() ? cutoffs.get(k + 1) : null;
                TableLayout layout = options.table().withHoldOut(cutoff, until);
                DataOptions atCutoff = options.withTable(layout);
                SavedModel scored = saved;
                if (refit) {
                    String refitDir = output + "/refits/cutoff-" + (k + 1);
                    TrainingConfig config = TrainCommand.fromRun(runConfig, dir.path(ModelDirectory.CONFIG),
                            "--validate-from", cutoff, "--validate-every", String.valueOf(VALIDATE_AT_THE_END),
                            "--model-dir", refitDir);
                    System.out.printf("cutoff %s: training a model on the windows before it (%s)%n", cutoff,
                            refitDir);
                    Trainer.Result result = new Trainer(sc, config, System.out).run(); // its progress, as train's
                    if (result.interrupted()) {
                        throw new UserError("the refit at cutoff " + cutoff + " was interrupted");
                    }
                    scored = new ModelDirectory(files, refitDir).readModel();
                }
                ModelScoring scoring = new ModelScoring(sc, scored, new KernelSettings(precision, 0));
                ForecastReport.Result result = ForecastReport.run(loader, scoring, atCutoff, levels, season,
                        SplitSide.VALIDATION);
                report.add(cutoff, result);
                System.out.println(report.cutoffLine(k));
                if (plot > 0 && k == cutoffs.size() - 1) { // the last cutoff's series, by the model scored there
                    charts = new ForecastCharts(loader, scored, atCutoff, plot, precision, levels);
                }
            }
            report.printSummary(System.out);
            if (output != null) {
                report.write(files, output, charts, System.out);
            }
            return 0;
        };
        // a failed backtest leaves nothing at --output, so that it can run again
        return SparkRun.with("lstm-spark backtest", sparkOptions, output == null ? work
                : checks.removingOnFailure(output, work));
    }
}
