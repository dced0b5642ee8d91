package dev.openwork.host.launcher;

import dev.openwork.host.launcher.FeatureRepository.BundleSpec;
import dev.openwork.host.launcher.LaunchOptions.UsageException;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.OffsetDateTime;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.ServiceLoader;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleException;
import org.osgi.framework.Constants;
import org.osgi.framework.FrameworkEvent;
import org.osgi.framework.launch.Framework;
import org.osgi.framework.launch.FrameworkFactory;

/**
 * Starts Felix with the bundles of the boot features, hands the host its data directory and
 * version, and stops it cleanly on SIGTERM or Ctrl-C.
 */
public final class Launcher {

    /** The framework runs at this start level; the host's own bundles start last, at it. */
    static final int HOST_START_LEVEL = 5;
    /** SIGTERM must end the process within 2 s; leave headroom for the JVM's own exit. */
    static final long STOP_TIMEOUT_MILLIS = 1700;
    /** The Gogo shell that owns the terminal; started only when there is one. */
    static final String SHELL_BUNDLE = "org.apache.felix.gogo.jline";
    private static final long LOG_ROTATE_BYTES = 10L * 1024 * 1024;

    private final LaunchOptions options;
    private final AtomicBoolean stopping = new AtomicBoolean();
    private Framework framework;

    Launcher(LaunchOptions options) {
        this.options = options;
    }

    public static void main(String[] args) {
        long launchedAt = System.nanoTime();
        LaunchOptions options;
        try {
            options = LaunchOptions.parse(findHome(), args, System.getenv());
        } catch (UsageException e) {
            if (!e.getMessage().isEmpty()) {
                System.err.println("openwork-host: " + e.getMessage());
            }
            System.err.print(LaunchOptions.USAGE);
            System.exit(e.getMessage().isEmpty() ? 0 : 2);
            return;
        } catch (IOException e) {
            System.err.println("openwork-host: cannot read the settings: " + e.getMessage());
            System.exit(2);
            return;
        }
        Launcher launcher = new Launcher(options);
        int exitCode;
        try {
            launcher.start(launchedAt);
            exitCode = options.cdsTraining() ? launcher.trainAndStop() : launcher.awaitStop();
        } catch (IOException | BundleException | RuntimeException e) {
            System.out.println("openwork-host: failed to start: " + e.getMessage());
            e.printStackTrace();
            launcher.stop();
            exitCode = 1;
        }
        System.exit(exitCode);
    }

    void start(long launchedAt) throws IOException, BundleException {
        Path data = options.dataDirectory();
        Path logFile = data.resolve("log").resolve("host.log");
        Files.createDirectories(logFile.getParent());
        Files.createDirectories(data.resolve("cache"));
        redirectDiagnostics(logFile);

        String version = readVersion();
        boolean interactive = options.interactive(System.console() != null);
        FeatureRepository features = FeatureRepository.read(options.home().resolve("system").resolve("features.xml"));
        List<BundleSpec> bundles = features.bundlesFor(options.bootFeatures());

        FrameworkFactory factory = ServiceLoader.load(FrameworkFactory.class).findFirst()
                .orElseThrow(() -> new IllegalStateException("No OSGi framework on the class path (lib/ is incomplete)."));
        @SuppressWarnings({"unchecked", "rawtypes"})
        Map<String, String> frameworkConfig = (Map) frameworkProperties(version, interactive);
        framework = factory.newFramework(frameworkConfig);
        framework.init();
        List<Bundle> toStart = new BundleReconciler(framework.getBundleContext(), options.home().resolve("system"))
                .reconcile(bundles);
        for (Bundle bundle : toStart) {
            if (interactive || !SHELL_BUNDLE.equals(bundle.getSymbolicName())) {
                bundle.start(Bundle.START_ACTIVATION_POLICY);
            } else {
                // Headless: no shell reads stdin, so end of input can never stop the framework.
                bundle.stop();
            }
        }
        installSignalHandlers();
        if (Boolean.getBoolean("openwork.launcher.trace")) {
            traceBundleStarts(launchedAt);
        }
        framework.start();
        long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - launchedAt);
        System.out.printf("OpenWork Host %s started in %d ms: http://%s:%d/v1/health%n  data: %s%n  log:  %s%n%s",
                version, millis, options.httpHost(), options.httpPort(), data, logFile,
                interactive ? "Type 'help' for commands, 'host:info' for an overview; Ctrl-D or Ctrl-C stops the host.\n"
                        : "No console (headless). Stop with Ctrl-C or SIGTERM.\n");
        System.out.flush();
    }

    private Map<String, Object> frameworkProperties(String version, boolean interactive) {
        Map<String, Object> props = new HashMap<>();
        Path data = options.dataDirectory();
        Path home = options.home();
        props.put(Constants.FRAMEWORK_STORAGE, data.resolve("cache").resolve("felix").toString());
        props.put(Constants.FRAMEWORK_BEGINNING_STARTLEVEL, Integer.toString(HOST_START_LEVEL));
        props.put("felix.startlevel.bundle", Integer.toString(HOST_START_LEVEL));
        props.put("openwork.host.home", home.toString());
        props.put("openwork.host.data", data.toString());
        props.put("openwork.host.version", version);
        // Jetty: loopback only until the TLS LAN listener exists; etc/org.apache.felix.http.cfg may override.
        props.put("org.apache.felix.http.host", options.httpHost());
        props.put("org.osgi.service.http.port", Integer.toString(options.httpPort()));
        props.put("org.apache.felix.http.enable", "true");
        props.put("org.apache.felix.https.enable", "false");
        // defaults for the TLS listener (dev.openwork.host.transport.tls), before etc/ is read
        if (options.lanAddresses() != null) {
            props.put("openwork.lan.addresses", options.lanAddresses());
        }
        if (options.lanPort() != null) {
            props.put("openwork.lan.port", options.lanPort());
        }
        if (options.discovery() != null) {
            props.put("openwork.discovery.mode", options.discovery()); // etc/dev.openwork.host.discovery.cfg wins
        }
        // FileInstall: etc/ holds configuration, and a factory configuration there adds deploy/.
        props.put("felix.fileinstall.dir", home.resolve("etc").toString());
        props.put("felix.fileinstall.filter", ".*\\.(cfg|config)");
        props.put("felix.fileinstall.poll", "1000");
        props.put("felix.fileinstall.noInitialDelay", "true");
        props.put("felix.fileinstall.log.level", "2");
        props.put("felix.fileinstall.tmpdir", data.resolve("cache").resolve("fileinstall").toString());
        props.put("openwork.host.deploy", home.resolve("deploy").toString());
        // Gogo: should an admin start the shell by hand in a headless host, it must not stop the framework at end of input.
        if (!interactive) {
            props.put("gosh.args", "--nointeractive --noshutdown");
        }
        // EventAdmin's default pool keeps up to 20 asynchronous delivery threads (10 were alive when
        // idle); ordering per sender does not need them, and each costs resident memory.
        props.put("org.apache.felix.eventadmin.ThreadPoolSize", "4");
        props.put("felix.log.level", "2");
        props.put("felix.log.logger", new FrameworkLog());
        for (String name : options.settings().stringPropertyNames()) {
            if (name.startsWith("framework.")) {
                props.put(name.substring("framework.".length()), options.settings().getProperty(name));
            }
        }
        return props;
    }

    /** For start-up tuning: when each bundle finished starting, in ms since launch, in the host log. */
    private void traceBundleStarts(long launchedAt) {
        framework.getBundleContext().addBundleListener((org.osgi.framework.SynchronousBundleListener) event -> {
            if (event.getType() == org.osgi.framework.BundleEvent.STARTED) {
                System.err.printf("trace %5d ms started %s%n",
                        TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - launchedAt), event.getBundle().getSymbolicName());
            }
        });
    }

    /** Everything the host logs (SLF4J, java.util.logging, the framework) goes to data/log/host.log. */
    private void redirectDiagnostics(Path logFile) throws IOException {
        if (Files.exists(logFile) && Files.size(logFile) > LOG_ROTATE_BYTES) {
            Files.move(logFile, logFile.resolveSibling("host.log.1"), StandardCopyOption.REPLACE_EXISTING);
        }
        PrintStream log = new PrintStream(new FileOutputStream(logFile.toFile(), true), true, StandardCharsets.UTF_8);
        log.println(OffsetDateTime.now() + " ==== OpenWork Host starting (home " + options.home() + ")");
        System.setErr(log);
        setDefault("org.slf4j.simpleLogger.showDateTime", "true");
        setDefault("org.slf4j.simpleLogger.dateTimeFormat", "yyyy-MM-dd'T'HH:mm:ss.SSSZ");
        setDefault("org.slf4j.simpleLogger.defaultLogLevel", "info");
        setDefault("org.slf4j.simpleLogger.log.org.eclipse.jetty", "warn");
        for (String name : options.settings().stringPropertyNames()) {
            if (name.startsWith("org.slf4j.simpleLogger.")) {
                System.setProperty(name, options.settings().getProperty(name));
            }
        }
    }

    private static void setDefault(String name, String value) {
        if (System.getProperty(name) == null) {
            System.setProperty(name, value);
        }
    }

    @SuppressWarnings("restriction")
    private void installSignalHandlers() {
        sun.misc.SignalHandler handler = signal -> {
            Thread stopper = new Thread(() -> {
                System.err.println(OffsetDateTime.now() + " ==== SIG" + signal.getName() + " received, stopping");
                System.exit(stop() ? 0 : 1);
            }, "openwork-host-stop");
            stopper.start();
        };
        sun.misc.Signal.handle(new sun.misc.Signal("TERM"), handler);
        sun.misc.Signal.handle(new sun.misc.Signal("INT"), handler);
        Runtime.getRuntime().addShutdownHook(new Thread(this::stop, "openwork-host-shutdown"));
    }

    /** Stops the framework once; true when it stopped within the deadline. */
    boolean stop() {
        Framework running = framework;
        if (running == null || !stopping.compareAndSet(false, true)) {
            return true;
        }
        try {
            running.stop();
            FrameworkEvent event = running.waitForStop(STOP_TIMEOUT_MILLIS);
            boolean clean = event.getType() != FrameworkEvent.WAIT_TIMEDOUT;
            System.err.println(OffsetDateTime.now() + " ==== OpenWork Host " + (clean ? "stopped" : "did not stop in time"));
            return clean;
        } catch (BundleException | InterruptedException e) {
            System.err.println(OffsetDateTime.now() + " ==== stop failed: " + e);
            return false;
        }
    }

    /**
     * The build runs the host once with -XX:ArchiveClassesAtExit: wait until it answers a healthy
     * /v1/health (so the classes of a real start are loaded), then stop; the JVM writes the archive
     * as it exits.
     */
    int trainAndStop() {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        boolean healthy = false;
        while (!healthy && System.nanoTime() < deadline) {
            healthy = HealthProbe.isHealthy(framework.getBundleContext(), options.dataDirectory());
            if (!healthy) {
                try {
                    Thread.sleep(50);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    break;
                }
            }
        }
        boolean stopped = stop();
        System.out.println(healthy ? "Training run healthy; stopping." : "Training run never became healthy.");
        return healthy && stopped ? 0 : 1;
    }

    /** Waits until the framework stops (console {@code stop 0}, Ctrl-D, or a signal). */
    int awaitStop() {
        try {
            FrameworkEvent event = framework.waitForStop(0);
            return event.getType() == FrameworkEvent.ERROR ? 1 : 0;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 1;
        }
    }

    private static String readVersion() throws IOException {
        Properties props = new Properties();
        try (InputStream in = Launcher.class.getResourceAsStream("version.properties")) {
            if (in != null) {
                props.load(in);
            }
        }
        return props.getProperty("version", "unknown");
    }

    private static Path findHome() {
        String configured = System.getProperty("openwork.host.home");
        if (configured != null && !configured.isBlank()) {
            return Path.of(configured);
        }
        try {
            // lib/openwork-host-launcher.jar -> the distribution's top folder
            Path jar = Path.of(Launcher.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            return jar.getParent().getParent();
        } catch (URISyntaxException e) {
            return Path.of(".");
        }
    }
}
