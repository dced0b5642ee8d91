package dev.openwork.host.launcher;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.OffsetDateTime;
import org.apache.felix.framework.Logger;
import org.osgi.framework.Bundle;
import org.osgi.framework.ServiceReference;

/**
 * Writes the framework's own log (given to Felix as {@code felix.log.logger}) to the host log
 * instead of standard output, where the admin's console is.
 */
final class FrameworkLog extends Logger {

    private static final String[] LEVELS = {"", "ERROR", "WARN", "INFO", "DEBUG"};

    @Override
    @SuppressWarnings("rawtypes")
    protected void doLog(Bundle bundle, ServiceReference service, int level, String message, Throwable failure) {
        StringBuilder line = new StringBuilder();
        line.append(OffsetDateTime.now()).append(" [felix] ")
                .append(level >= 1 && level < LEVELS.length ? LEVELS[level] : "LOG").append(' ');
        if (bundle != null) {
            line.append(bundle.getSymbolicName()).append(": ");
        }
        line.append(message);
        if (failure != null) {
            StringWriter trace = new StringWriter();
            failure.printStackTrace(new PrintWriter(trace));
            line.append(System.lineSeparator()).append(trace);
        }
        System.err.println(line);
    }
}
