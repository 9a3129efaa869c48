package org.sparkrnn.driver.config;

import org.sparkrnn.driver.UserError;

import java.util.function.UnaryOperator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A setting that cannot be used, with a message that names settings in the spelling of the front end the user typed
 * them in. The message is a template: {@code {--key}} stands for the setting as an option ({@code --weight-decay} on
 * the command line) and {@code {key}} for its bare name ({@code weight-decay}); the Spark ML estimators render both as
 * their param ({@code weightDecay}). {@link #getMessage()} is the command line's rendering.
 */
public final class SettingError extends UserError {

    private static final Pattern NAME = Pattern.compile("\\{(--)?([a-z][a-z0-9-]*)}");

    private final String template;

    public SettingError(String template) {
        super(render(template, (dashes, key) -> dashes ? "--" + key : key));
        this.template = template;
    }

    /** The message as a template, settings not yet named. */
    public String template() {
        return template;
    }

    /** What a setting is called by a front end: whether the template asked for its option form, and its key. */
    @FunctionalInterface
    public interface Naming {
        String name(boolean optionForm, String key);
    }

    /** The message with every setting named by {@code naming}. */
    public String render(Naming naming) {
        return render(template, naming);
    }

    /** The message with every setting named by {@code naming} applied to its key (both forms alike). */
    public String renderKeys(UnaryOperator<String> naming) {
        return render(template, (dashes, key) -> naming.apply(key));
    }

    private static String render(String template, Naming naming) {
        Matcher m = NAME.matcher(template);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            m.appendReplacement(out, Matcher.quoteReplacement(naming.name(m.group(1) != null, m.group(2))));
        }
        m.appendTail(out);
        return out.toString();
    }
}
