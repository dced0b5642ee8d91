package dev.openwork.host.devices.internal;

import dev.openwork.host.api.auth.AdminAccess;
import java.time.Duration;
import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/**
 * {@code host:login}: prints a one-time login link for a browser on this machine. The code rides
 * in the URL fragment, which browsers never send to a server, so it cannot end up in a request
 * log; the page reads it and redeems it.
 */
@Component(service = LoginCommand.class, property = {
        "osgi.command.scope=host",
        "osgi.command.function=login"})
public final class LoginCommand {

    static final String PORT_PROPERTY = "org.osgi.service.http.port";
    static final int DEFAULT_PORT = 4747;
    static final Duration VALIDITY = Duration.ofMinutes(2);

    private final AdminAccess adminAccess;
    private final int port;

    @Activate
    public LoginCommand(BundleContext context, @Reference AdminAccess adminAccess) {
        this(adminAccess, port(context.getProperty(PORT_PROPERTY)));
    }

    LoginCommand(AdminAccess adminAccess, int port) {
        this.adminAccess = adminAccess;
        this.port = port;
    }

    /** {@code host:login}. */
    public String login() {
        String code = adminAccess.issueLoginCode(VALIDITY);
        return "Open this link in a browser on this machine within " + VALIDITY.toMinutes()
                + " minutes; it works once:\n"
                + "  " + link(port, code) + "\n"
                + "Tools on this machine can use the admin credential in " + adminAccess.credentialFile()
                + " (readable by this user only).\n";
    }

    static String link(int port, String code) {
        return "http://127.0.0.1:" + port + "/#login=" + code;
    }

    /** The configured HTTP port, or {@link #DEFAULT_PORT} when it is missing or not a port. */
    static int port(String configured) {
        if (configured == null) {
            return DEFAULT_PORT;
        }
        try {
            int value = Integer.parseInt(configured.strip());
            return value >= 1 && value <= 65535 ? value : DEFAULT_PORT;
        } catch (NumberFormatException e) {
            return DEFAULT_PORT;
        }
    }
}
