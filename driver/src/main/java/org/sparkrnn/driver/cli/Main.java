package org.sparkrnn.driver.cli;

import org.sparkrnn.driver.UserError;
import picocli.CommandLine;
import picocli.CommandLine.Command;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * {@code lstm-spark train|evaluate|predict|export|sample [options]}: the command-line entry point. A problem the user can
 * fix ends the command with one line on stderr and exit code 2 (a stack trace only with --verbose); an unexpected
 * failure exits 1.
 */
@Command(name = "lstm-spark", mixinStandardHelpOptions = true, version = "lstm-spark 0.1.0",
        subcommands = {TrainCommand.class, EvaluateCommand.class, BacktestCommand.class, PredictCommand.class,
            StreamCommand.class, ExportCommand.class, SampleCommand.class},
        description = "Train and use recurrent networks (LSTM, GRU, RNN) on Apache Spark.")
public final class Main implements Runnable {

    /**
     * netlib reports which BLAS it picked through java.util.logging at INFO; kept here (loggers are held weakly) at
     * WARNING so that a command prints only what the user asked for. --verbose shows it again.
     */
    private static final java.util.logging.Logger NETLIB = java.util.logging.Logger.getLogger("dev.ludovic.netlib");

    /** Exit code of a user error (bad input, bad option). */
    public static final int USER_ERROR = 2;

    /** Exit code of a run stopped by Ctrl-C or SIGTERM (128 + SIGINT's number, as shells report it). */
    public static final int INTERRUPTED = Interrupts.EXIT_CODE;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "name a command: train, evaluate, backtest,"
                + " predict, stream, export or sample");
    }

    public static void main(String[] args) {
        int exit = run(args);
        if (insideYarnApplicationMaster()) {
            // YARN's application master runs this main in a thread and reports the application's final status when
            // it returns or throws; System.exit would end it before it can (a failure, and a second attempt)
            if (exit != 0) {
                throw new IllegalStateException("lstm-spark " + (args.length > 0 ? args[0] : "") + " exited "
                        + exit + " (its error is in the driver's output above)");
            }
            return;
        }
        System.exit(exit);
    }

    /** Whether this is the driver of a YARN cluster-mode application (it runs inside the application master). */
    private static boolean insideYarnApplicationMaster() {
        return "cluster".equals(System.getProperty("spark.submit.deployMode"))
                && String.valueOf(System.getProperty("spark.master")).startsWith("yarn");
    }

    /** Runs a command line and returns its exit code (for tests and scripts). */
    public static int run(String... args) {
        boolean verbose = Arrays.asList(args).contains("--verbose");
        NETLIB.setLevel(verbose ? java.util.logging.Level.INFO : java.util.logging.Level.WARNING);
        // An option given twice: the last one wins, for every option (--spark, a map, collects one entry per use).
        CommandLine cli = new CommandLine(new Main()).setOverwrittenOptionsAllowed(true);
        RunDefaultsHelp.apply(cli);
        cli.setExecutionExceptionHandler((failure, line, parsed) -> report(failure, verbose, line.getErr()));
        cli.setParameterExceptionHandler((failure, arguments) -> {
            PrintWriter err = failure.getCommandLine().getErr();
            String message = failure.getMessage();
            if (failure instanceof CommandLine.UnmatchedArgumentException unmatched
                    && !unmatched.getUnmatched().isEmpty()) {
                String first = unmatched.getUnmatched().get(0);
                message = (first.startsWith("-") ? "unknown option '" : "unexpected argument '") + first + "'";
                if (!unmatched.getSuggestions().isEmpty()) {
                    message += " (did you mean " + String.join(" or ", unmatched.getSuggestions()) + "?)";
                }
            }
            err.println("error: " + message + "; see " + failure.getCommandLine().getCommandSpec().qualifiedName()
                    + " --help");
            err.flush();
            return USER_ERROR;
        });
        try {
            ConfDefaults defaults = new ConfDefaults();
            String subcommand = Arrays.stream(args).filter(a -> !a.startsWith("-")).findFirst().orElse("");
            String modelDir = valueOf(args, "--model-dir");
            // evaluate, predict, ... read the run's settings; so does a resumed train, which needs nothing else
            boolean resume = Arrays.asList(args).contains("--resume");
            if (modelDir != null && (!subcommand.equals("train") || resume)) {
                loadModelConfig(defaults, modelDir);
            }
            if (subcommand.equals("export")) {
                defaults.notFromRun(ExportCommand.NOT_THE_RUNS);
            }
            String conf = valueOf(args, "--conf");
            if (conf != null) {
                defaults.addFile(conf);
                CommandLine sub = cli.getSubcommands().get(subcommand);
                if (sub != null) {
                    defaults.checkKnown(sub.getCommandSpec(), conf);
                }
            }
            cli.setDefaultValueProvider(defaults);
        } catch (UserError e) {
            return report(e, verbose, cli.getErr());
        }
        return cli.execute(args);
    }

    private static void loadModelConfig(ConfDefaults defaults, String modelDir) {
        String file = modelDir + "/config.properties";
        try {
            org.apache.hadoop.fs.Path path = new org.apache.hadoop.fs.Path(file);
            var fs = path.getFileSystem(new org.apache.hadoop.conf.Configuration());
            if (fs.exists(path)) {
                try (var in = fs.open(path)) {
                    defaults.addRun(new String(in.readAllBytes(), StandardCharsets.UTF_8), file);
                }
            }
        } catch (IOException e) {
            throw new UserError(file + ": cannot read (" + e.getMessage() + ")");
        }
    }

    /** The value of the last {@code option} on the command line (the one that wins), or null. */
    private static String valueOf(String[] args, String option) {
        String value = null;
        for (int i = 0; i < args.length; i++) {
            if (args[i].equals(option) && i + 1 < args.length) {
                value = args[i + 1];
            } else if (args[i].startsWith(option + "=")) {
                value = args[i].substring(option.length() + 1);
            }
        }
        return value;
    }

    private static int report(Exception failure, boolean verbose, PrintWriter err) {
        UserError user = UserError.findIn(failure);
        if (verbose) {
            failure.printStackTrace(err);
        }
        if (user != null) {
            err.println("error: " + user.getMessage());
            err.flush();
            return USER_ERROR;
        }
        // not the user's to fix, but still told without Java's class names
        String message = failure.getMessage() != null ? failure.getMessage().lines().findFirst().orElse("")
                : "an unexpected failure";
        err.println("error: " + message + (verbose ? "" : " (run with --verbose for the stack trace)"));
        err.flush();
        return 1;
    }
}
