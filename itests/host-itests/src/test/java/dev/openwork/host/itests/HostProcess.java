package dev.openwork.host.itests;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The assembled distribution run as a user runs it: {@code bin/openwork-host} on 127.0.0.1 with the
 * TLS listener on 127.0.0.1 too, and {@code bin/owctl} against it.
 */
final class HostProcess implements AutoCloseable {

    final Path data;
    final int httpPort;
    final int lanPort;
    private Path home;
    private Process process;
    private final Map<String, String> environment = new java.util.LinkedHashMap<>();

    HostProcess(Path data) throws IOException {
        this(data, HostDistribution.distributionDir());
    }

    /**
     * A host run from the distribution in {@code home}: a test that changes {@code etc/} (or makes
     * the host change it, as switching discovery does) runs a private copy, never the build's.
     */
    HostProcess(Path data, Path home) throws IOException {
        this.data = data;
        this.home = home;
        this.httpPort = HostDistribution.freePort();
        this.lanPort = HostDistribution.freePort();
    }

    /**
     * Runs from a home of its own beside the data directory: the distribution's bin/, lib/ and
     * system/ linked, etc/ copied with {@code etcFiles} (name -> content) added or replaced, and an
     * empty deploy/. Configuration the host writes back (a discovery switch) then stays with this
     * host, and a test may set limits without touching the shared distribution.
     */
    HostProcess withOwnHome(Map<String, String> etcFiles) throws IOException {
        Path dist = HostDistribution.distributionDir();
        Path own = Files.createDirectories(data.resolveSibling(data.getFileName() + "-home"));
        for (String linked : List.of("bin", "lib", "system")) {
            Files.createSymbolicLink(own.resolve(linked), dist.resolve(linked));
        }
        Path etc = Files.createDirectories(own.resolve("etc"));
        try (var files = Files.list(dist.resolve("etc"))) {
            for (Path file : files.toList()) {
                Files.copy(file, etc.resolve(file.getFileName()));
            }
        }
        for (Map.Entry<String, String> file : etcFiles.entrySet()) {
            Files.writeString(etc.resolve(file.getKey()), file.getValue());
        }
        Files.createDirectories(own.resolve("deploy"));
        this.home = own;
        return this;
    }

    /** The home the host runs from (the distribution, or its own, see {@link #withOwnHome}). */
    Path home() {
        return home;
    }

    /** The running process, for its PID. */
    Process process() {
        return process;
    }

    HostProcess start() throws IOException {
        ProcessBuilder builder = new ProcessBuilder(home.resolve("bin/openwork-host").toString(), "--headless",
                "--data", data.toString(), "--port", Integer.toString(httpPort),
                "--lan-address", "127.0.0.1", "--lan-port", Integer.toString(lanPort), "--discovery", "manual")
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(data.resolve("stdout.txt").toFile()))
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        builder.environment().keySet().removeIf(name -> name.startsWith("OPENWORK_HOST_"));
        builder.environment().putAll(environment);
        process = builder.start();
        admin().awaitHealthy();
        Conditions.await("the TLS listener", Duration.ofSeconds(30), () -> {
            try (var socket = new java.net.Socket("127.0.0.1", lanPort)) {
                return true;
            } catch (IOException e) {
                return null;
            }
        });
        return this;
    }

    /** Environment variables for the host process (e.g. a PATH that holds the opencode executable). */
    HostProcess withEnvironment(String name, String value) {
        environment.put(name, value);
        return this;
    }

    /** The loopback API with the local admin's credential. */
    AdminApi admin() {
        return new AdminApi(new Http(httpPort, Http.adminCredential(data)), process);
    }

    /** Stops with SIGTERM and waits for the exit. */
    void stop() throws InterruptedException {
        if (process != null && process.isAlive()) {
            process.destroy();
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        }
    }

    /** SIGKILL, as a crash or an OOM killer would: nothing runs on the way out. */
    void kill9() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(10, TimeUnit.SECONDS);
    }

    @Override
    public void close() throws InterruptedException {
        stop();
    }

    /** The result of one owctl run. */
    record Run(int exitCode, String output) {
    }

    /** Runs {@code bin/owctl args...} with its hosts file in {@code configDir}. */
    Run owctl(Path configDir, String stdin, String... args) throws IOException, InterruptedException {
        Process owctl = startOwctl(configDir, args);
        if (stdin != null) {
            owctl.getOutputStream().write(stdin.getBytes(StandardCharsets.UTF_8));
        }
        owctl.getOutputStream().close();
        String output = new String(owctl.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!owctl.waitFor(60, TimeUnit.SECONDS)) {
            owctl.destroyForcibly();
            throw new AssertionError("owctl " + String.join(" ", args) + " did not finish: " + output);
        }
        return new Run(owctl.exitValue(), output);
    }

    Process startOwctl(Path configDir, String... args) throws IOException {
        List<String> command = new ArrayList<>();
        command.add(HostDistribution.distributionDir().resolve("bin/owctl").toString());
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        Map<String, String> env = builder.environment();
        env.keySet().removeIf(name -> name.startsWith("OPENWORK_HOST_") || name.startsWith("OWCTL_"));
        env.put("OWCTL_CONFIG_DIR", configDir.toString());
        return builder.start();
    }

    /** The admin's view over the loopback listener. */
    record AdminApi(Http http, Process process) {
        void awaitHealthy() {
            Conditions.await("the host to answer GET /v1/health", Duration.ofSeconds(60), () -> {
                if (process != null && !process.isAlive()) {
                    throw new AssertionError("the host exited early");
                }
                try {
                    return http.get("/v1/health").status() == 200 ? true : null;
                } catch (RuntimeException notYet) {
                    return null;
                }
            });
        }
    }

    String log() throws IOException {
        Path log = data.resolve("log/host.log");
        return Files.exists(log) ? Files.readString(log) : "";
    }
}
