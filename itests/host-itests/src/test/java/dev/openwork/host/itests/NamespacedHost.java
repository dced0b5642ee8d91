package dev.openwork.host.itests;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/**
 * A private copy of the distribution run inside the host namespace of a {@link NetworkNamespaces},
 * with {@code owctl} on either side and {@link BrowseProbe} / {@link SpoofedHost} processes in the
 * namespaces. The copy lets a test change {@code etc/} as an admin would, without touching the
 * build's distribution.
 */
final class NamespacedHost implements AutoCloseable {

    static final int HTTP_PORT = 4747; // a namespace has its own ports: the defaults are free
    static final int LAN_PORT = 4748;

    final NetworkNamespaces net;
    final Path home;
    final Path data;
    private Process host;
    private long launchedAtMillis;
    private final List<Process> helpers = new CopyOnWriteArrayList<>();

    NamespacedHost(NetworkNamespaces net, Path scratch) throws IOException, InterruptedException {
        this.net = net;
        this.home = scratch.resolve("openwork-host");
        this.data = scratch.resolve("data");
        run(List.of("cp", "-a", HostDistribution.distributionDir().toString(), home.toString()), Duration.ofSeconds(60));
    }

    /**
     * Launches the host with mDNS discovery and its console reading this test's commands (see
     * {@link #console}); returns the launch time (epoch ms).
     */
    long start() throws IOException {
        // interfaces come and go in these tests: look at them every second rather than every 30
        Files.writeString(home.resolve("etc/dev.openwork.host.transport.tls.cfg"), "rescanSeconds = 1\n");
        List<String> command = new ArrayList<>(List.of(home.resolve("bin/openwork-host").toString(),
                "--interactive", "--data", data.toString(), "--port", Integer.toString(HTTP_PORT), "--lan-port",
                Integer.toString(LAN_PORT), "--discovery", "mdns"));
        if (net.loopbackOnly()) {
            // loopback is served and advertised only when named
            Files.writeString(home.resolve("etc/dev.openwork.host.discovery.mdns.cfg"),
                    "rescanSeconds = 1\ninterfaces.include = lo\n");
            command.addAll(List.of("--lan-address", "127.0.0.1"));
        } else {
            Files.writeString(home.resolve("etc/dev.openwork.host.discovery.mdns.cfg"), "rescanSeconds = 1\n");
        }
        command = NetworkNamespaces.in(net.hostNamespace, command);
        Files.createDirectories(data);
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(data.resolve("stdout.txt").toFile()));
        builder.environment().keySet().removeIf(name -> name.startsWith("OPENWORK_HOST_"));
        launchedAtMillis = System.currentTimeMillis();
        host = builder.start();
        return launchedAtMillis;
    }

    /** Types a line into the host's Gogo console, as an admin at the terminal would. */
    void console(String command) throws IOException {
        host.getOutputStream().write((command + "\n").getBytes(StandardCharsets.UTF_8));
        host.getOutputStream().flush();
    }

    /** What the console printed so far (with the host's startup lines). */
    String consoleOutput() {
        try {
            return Files.readString(data.resolve("stdout.txt"));
        } catch (IOException e) {
            return "";
        }
    }

    /** Waits until the host answers its admin and mDNS discovery works. */
    void awaitDiscoveryWorking() {
        Conditions.await("the host to run with working mDNS discovery", Duration.ofSeconds(90), () -> {
            if (!host.isAlive()) {
                throw new AssertionError("the host exited early: " + log());
            }
            try {
                return admin("discovery").exitCode() == 0 ? true : null;
            } catch (IOException | InterruptedException e) {
                return null;
            }
        });
    }

    /** {@code owctl admin <args>} on the host, with its data folder and port. */
    HostProcess.Run admin(String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(home.resolve("bin/owctl").toString(), "admin"));
        command.addAll(List.of(args));
        command.addAll(List.of("--data", data.toString(), "--port", Integer.toString(HTTP_PORT)));
        return run(NetworkNamespaces.in(net.hostNamespace, command), Duration.ofSeconds(60));
    }

    /** {@code owctl <args>} on the client side, with its hosts file in {@code config}. */
    HostProcess.Run client(Path config, String... args) throws IOException, InterruptedException {
        return run(clientCommand(args), Duration.ofSeconds(90), config);
    }

    /** Starts {@code owctl <args>} on the client side without waiting. */
    Process startClient(Path config, String... args) throws IOException {
        ProcessBuilder builder = new ProcessBuilder(clientCommand(args)).redirectErrorStream(true);
        clientEnvironment(builder.environment(), config);
        Process process = builder.start();
        helpers.add(process);
        return process;
    }

    private List<String> clientCommand(String... args) {
        List<String> command = new ArrayList<>(List.of(home.resolve("bin/owctl").toString()));
        command.addAll(List.of(args));
        return NetworkNamespaces.in(net.clientNamespace, command);
    }

    private static void clientEnvironment(Map<String, String> env, Path config) {
        env.keySet().removeIf(name -> name.startsWith("OPENWORK_HOST_") || name.startsWith("OWCTL_"));
        if (config != null) {
            env.put("OWCTL_CONFIG_DIR", config.toString());
        }
    }

    /** A Java main of this test module, run in {@code namespace}; its output lines are collected. */
    Lines startJava(String namespace, Class<?> main, String... args) throws IOException {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Dorg.slf4j.simpleLogger.defaultLogLevel=error", "-cp", testClassPath(),
                main.getName()));
        command.addAll(List.of(args));
        Process process = new ProcessBuilder(NetworkNamespaces.in(namespace, command)).redirectErrorStream(true).start();
        helpers.add(process);
        return new Lines(process);
    }

    /** This module's test class path, also when running inside Maven (exec:java) rather than failsafe. */
    private static String testClassPath() {
        if (Thread.currentThread().getContextClassLoader() instanceof java.net.URLClassLoader loader) {
            List<String> entries = new ArrayList<>();
            for (java.net.URL url : loader.getURLs()) {
                try {
                    entries.add(Path.of(url.toURI()).toString());
                } catch (java.net.URISyntaxException | IllegalArgumentException e) {
                    // not a file: not needed by a child JVM
                }
            }
            if (!entries.isEmpty()) {
                return String.join(File.pathSeparator, entries);
            }
        }
        return System.getProperty("java.class.path");
    }

    /** The output of a helper process, line by line, as it comes. */
    static final class Lines {
        final Process process;
        final List<String> lines = new CopyOnWriteArrayList<>();

        Lines(Process process) {
            this.process = process;
            Thread reader = new Thread(() -> {
                try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(),
                        StandardCharsets.UTF_8))) {
                    for (String line = in.readLine(); line != null; line = in.readLine()) {
                        lines.add(line);
                    }
                } catch (IOException e) {
                    // the process ended
                }
            }, "lines-" + process.pid());
            reader.setDaemon(true);
            reader.start();
        }

        /** Waits for a line starting with {@code prefix} and containing every one of {@code parts}. */
        String await(String what, Duration timeout, String prefix, String... parts) {
            return Conditions.await(what, timeout, () -> lines.stream().filter(l -> l.startsWith(prefix))
                    .filter(l -> List.of(parts).stream().allMatch(l::contains)).findFirst().orElse(null));
        }

        void stop() throws InterruptedException {
            try {
                process.getOutputStream().close();
            } catch (IOException e) {
                // already gone
            }
            process.waitFor(10, TimeUnit.SECONDS);
        }
    }

    long launchedAtMillis() {
        return launchedAtMillis;
    }

    String log() {
        try {
            Path log = data.resolve("log/host.log");
            return Files.exists(log) ? Files.readString(log) : "";
        } catch (IOException e) {
            return "";
        }
    }

    private static HostProcess.Run run(List<String> command, Duration timeout) throws IOException, InterruptedException {
        return run(command, timeout, null);
    }

    private static HostProcess.Run run(List<String> command, Duration timeout, Path config)
            throws IOException, InterruptedException {
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        clientEnvironment(builder.environment(), config);
        Process process = builder.start();
        process.getOutputStream().close();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!process.waitFor(timeout.toSeconds(), TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError(String.join(" ", command) + " did not finish: " + output);
        }
        return new HostProcess.Run(process.exitValue(), output);
    }

    @Override
    public void close() throws InterruptedException {
        for (Process helper : helpers) {
            helper.destroy();
            if (!helper.waitFor(5, TimeUnit.SECONDS)) {
                helper.destroyForcibly();
            }
        }
        if (host != null && host.isAlive()) {
            host.destroy();
            if (!host.waitFor(15, TimeUnit.SECONDS)) {
                host.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        }
    }
}
