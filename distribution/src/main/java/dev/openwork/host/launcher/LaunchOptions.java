package dev.openwork.host.launcher;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Properties;

/**
 * What the launcher was asked to do, from (in rising precedence) etc/openwork-host.properties,
 * environment variables and command-line options. Parsed once, immutable.
 */
record LaunchOptions(Path home, Path dataDirectory, String httpHost, int httpPort, List<String> bootFeatures,
        Console console, Properties settings, boolean cdsTraining, String lanAddresses, String lanPort, String discovery) {

    /** Whether to offer the interactive Gogo console. */
    enum Console { AUTO, INTERACTIVE, HEADLESS }

    static final String USAGE = """
            Usage: openwork-host [options]
              --data DIR        directory for all state and logs (env OPENWORK_HOST_DATA; default <home>/data)
              --port N          HTTP port on 127.0.0.1 (env OPENWORK_HOST_PORT; default from etc/openwork-host.properties)
              --headless        no interactive console, even in a terminal
              --interactive     interactive console even when no terminal is detected
              --lan-address A   serve the TLS listener on these comma-separated addresses only
                                (env OPENWORK_HOST_LAN_ADDRESSES; default: every LAN interface)
              --lan-port N      port of the TLS listener (env OPENWORK_HOST_LAN_PORT; default 4748, 0 = any free)
              --discovery M     how clients find the host until etc/dev.openwork.host.discovery.cfg names a mode:
                                mdns (default) or manual (env OPENWORK_HOST_DISCOVERY)
              --cds-training    build step: start on a free port, wait until healthy, stop (for a class-data archive)
              --help            this text
            """;

    /** A mistake in the options, explained for the person who typed them. */
    static final class UsageException extends Exception {
        private static final long serialVersionUID = 1L;

        UsageException(String message) {
            super(message);
        }
    }

    static LaunchOptions parse(Path home, String[] args, Map<String, String> env) throws UsageException, IOException {
        Properties settings = new Properties();
        Path settingsFile = home.resolve("etc").resolve("openwork-host.properties");
        if (Files.isRegularFile(settingsFile)) {
            try (InputStream in = Files.newInputStream(settingsFile)) {
                settings.load(in);
            }
        }
        String data = env.get("OPENWORK_HOST_DATA");
        String port = blankToNull(env.get("OPENWORK_HOST_PORT"));
        if (port == null) {
            port = settings.getProperty("http.port", "4747");
        }
        Console console = Console.AUTO;
        boolean cdsTraining = false;
        String lanAddresses = firstNonBlank(env.get("OPENWORK_HOST_LAN_ADDRESSES"), settings.getProperty("lan.addresses"));
        String lanPort = firstNonBlank(env.get("OPENWORK_HOST_LAN_PORT"), settings.getProperty("lan.port"));
        String discovery = firstNonBlank(env.get("OPENWORK_HOST_DISCOVERY"), settings.getProperty("discovery.mode"));
        List<String> rest = new ArrayList<>(Arrays.asList(args));
        while (!rest.isEmpty()) {
            String arg = rest.remove(0);
            switch (arg) {
                case "--data" -> data = value(arg, rest);
                case "--port" -> port = value(arg, rest);
                case "--headless" -> console = Console.HEADLESS;
                case "--interactive" -> console = Console.INTERACTIVE;
                case "--lan-address" -> lanAddresses = value(arg, rest);
                case "--lan-port" -> lanPort = value(arg, rest);
                case "--discovery" -> discovery = value(arg, rest);
                case "--cds-training" -> {
                    cdsTraining = true;
                    console = Console.HEADLESS;
                    port = "0";
                    // a build step must not open a listener on the machine's network
                    lanAddresses = "127.0.0.1";
                    lanPort = "0";
                    discovery = "manual";
                }
                case "--help", "-h" -> throw new UsageException("");
                default -> throw new UsageException("Unknown option '" + arg + "'.");
            }
        }
        Path dataDirectory = data == null || data.isBlank() ? home.resolve("data") : Path.of(data);
        int httpPort;
        try {
            httpPort = Integer.parseInt(port.trim());
            if (httpPort < 0 || httpPort > 65535) {
                throw new NumberFormatException();
            }
        } catch (NumberFormatException e) {
            throw new UsageException("The port '" + port + "' is not a number from 0 to 65535.");
        }
        List<String> boot = Arrays.stream(settings.getProperty("features.boot", "core, rest, console").split(","))
                .map(String::trim).filter(s -> !s.isEmpty()).toList();
        return new LaunchOptions(home.toAbsolutePath().normalize(), dataDirectory.toAbsolutePath().normalize(),
                settings.getProperty("http.host", "127.0.0.1").trim(), httpPort, boot, console, settings, cdsTraining,
                lanAddresses == null ? null : lanAddresses.trim(), checkedLanPort(lanPort), checkedDiscovery(discovery));
    }

    private static String checkedDiscovery(String discovery) throws UsageException {
        if (discovery == null) {
            return null;
        }
        String mode = discovery.trim().toLowerCase(java.util.Locale.ROOT);
        if (!mode.equals("mdns") && !mode.equals("manual")) {
            throw new UsageException("The discovery mode '" + discovery + "' is not mdns or manual.");
        }
        return mode;
    }

    private static String checkedLanPort(String lanPort) throws UsageException {
        if (lanPort == null) {
            return null;
        }
        try {
            int value = Integer.parseInt(lanPort.trim());
            if (value < 0 || value > 65535) {
                throw new NumberFormatException();
            }
            return Integer.toString(value);
        } catch (NumberFormatException e) {
            throw new UsageException("The LAN port '" + lanPort + "' is not a number from 0 to 65535.");
        }
    }

    private static String firstNonBlank(String first, String second) {
        return blankToNull(first) != null ? first : blankToNull(second);
    }

    private static String blankToNull(String value) {
        return value == null || value.isBlank() ? null : value;
    }

    private static String value(String option, List<String> rest) throws UsageException {
        if (rest.isEmpty() || rest.get(0).startsWith("--")) {
            throw new UsageException("The option " + option + " needs a value.");
        }
        return rest.remove(0);
    }

    boolean interactive(boolean terminalAttached) {
        return switch (console) {
            case INTERACTIVE -> true;
            case HEADLESS -> false;
            case AUTO -> terminalAttached;
        };
    }
}
