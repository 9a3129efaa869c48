package org.sparkrnn.driver;

/**
 * A problem the user can fix (bad input, a wrong option, a missing file): the command line prints its message as
 * one line, without a stack trace unless {@code --verbose}, and exits non-zero.
 */
public class UserError extends RuntimeException {

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
        String marker = UserError.class.getName();
        if (text != null) {
            for (String prefix : new String[] {marker + ": ", DataFormatError.class.getName() + ": "}) {
                int at = text.indexOf(prefix);
                if (at >= 0) {
                    String rest = text.substring(at + prefix.length());
                    int end = rest.indexOf('\n');
                    return new UserError(end < 0 ? rest : rest.substring(0, end), failure);
                }
            }
        }
        return null;
    }
}
