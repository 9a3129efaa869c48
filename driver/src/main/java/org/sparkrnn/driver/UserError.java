package org.sparkrnn.driver;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A problem the user can fix (bad input, a wrong option, a missing file): the command line prints its message as
 * one line, without a stack trace unless {@code --verbose}, and exits non-zero.
 */
public class UserError extends RuntimeException {

    /** A user error (this class or a subclass in the driver) as a remote failure's text shows it: name, message. */
    private static final Pattern IN_TEXT = Pattern.compile(
            Pattern.quote(UserError.class.getPackageName() + ".") + "(?:\\w+\\.)*\\w*Error: ([^\n]*)");

    public UserError(String message) {
        super(message);
    }

    public UserError(String message, Throwable cause) {
        super(message, cause);
    }

    /**
     * The user error inside a Spark job failure, if any: executors throw it, Spark wraps it (in local mode the
     * cause chain keeps it; on a cluster only its text survives in the message).
     */
    public static UserError findIn(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof UserError user) {
                return user;
            }
        }
        String text = failure.getMessage();
        if (text != null) {
            Matcher m = IN_TEXT.matcher(text);
            if (m.find()) {
                return new UserError(m.group(1), failure);
            }
        }
        return null;
    }
}
