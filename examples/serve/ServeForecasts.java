// A plain Java program that forecasts from a trained model without Spark: only sparkrnn-predictor on the class path.
// Usage: java -cp <the predictor and its dependencies> ServeForecasts.java MODEL_DIR DATA.csv WINDOW
import org.sparkrnn.kernel.Precision;
import org.sparkrnn.serve.Forecaster;
import org.sparkrnn.serve.Forecasts;
import org.sparkrnn.serve.ModelReader;
import org.sparkrnn.serve.ServedModel;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

public class ServeForecasts {
    public static void main(String[] args) throws Exception {
        ServedModel model = ModelReader.read(Path.of(args[0]));        // the model directory train wrote
        Forecaster forecaster = new Forecaster(model, new double[0], Precision.FLOAT64);
        List<String> lines = Files.readAllLines(Path.of(args[1]));     // time,value rows after a header
        int window = Integer.parseInt(args[2]);
        List<String> last = lines.subList(lines.size() - window, lines.size());
        double[][] rows = new double[window][];
        for (int t = 0; t < window; t++) {
            rows[t] = new double[] {Double.parseDouble(last.get(t).split(",")[1])};
        }
        Forecasts forecasts = forecaster.forecast(rows);               // any number of windows in one call
        String time = last.get(window - 1).split(",")[0];
        System.out.printf("%s: the next value after %s: %.2f%n", model.spec().describe(), time,
                forecasts.point(0)[0]);
    }
}
