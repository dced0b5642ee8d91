package dev.openwork.host.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.After;
import org.junit.Before;
import org.junit.Test;

/**
 * Starts the assembled distribution as a user would ({@code bin/openwork-host}), as a separate
 * process with its own data directory on a free loopback port, and stops it with SIGTERM.
 */
public class DistributionProcessIT {

    private Path data;
    private Process host;

    @Before
    public void createDataDirectory() throws IOException {
        data = Files.createTempDirectory("openwork-process-it-");
    }

    @After
    public void stopHostAndClean() throws IOException, InterruptedException {
        if (host != null && host.isAlive()) {
            host.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
        try (Stream<Path> files = Files.walk(data)) {
            files.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        }
    }

    private Process start(int port) throws IOException {
        Path dist = HostDistribution.distributionDir();
        ProcessBuilder builder = new ProcessBuilder(dist.resolve("bin/openwork-host").toString(),
                "--data", data.toString(), "--port", Integer.toString(port), "--lan-address", "127.0.0.1", "--lan-port", "0",
                // mDNS has no multicast-capable interface on loopback and would (rightly) warn
                "--discovery", "manual")
                .redirectErrorStream(true)
                .redirectOutput(data.resolve("stdout.txt").toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        builder.environment().remove("OPENWORK_HOST_DATA");
        builder.environment().remove("OPENWORK_HOST_PORT");
        // no OpenCode on the PATH: the host must run all the same and say how to install it
        builder.environment().put("PATH", java.util.Arrays.stream(System.getenv("PATH").split(java.io.File.pathSeparator))
                .filter(dir -> !Files.isExecutable(Path.of(dir, "opencode")))
                .collect(java.util.stream.Collectors.joining(java.io.File.pathSeparator)));
        return builder.start();
    }

    @Test
    public void startsServesHealthAndStopsCleanlyOnSigterm() throws Exception {
        int port = HostDistribution.freePort();
        host = start(port);
        Http http = new Http(port, Http.adminCredential(data));
        Http.Answer health = Conditions.await("the distribution to answer GET /v1/health", Duration.ofSeconds(60), () -> {
            assertTrue("the host exited early: " + output(), host.isAlive());
            try {
                Http.Answer answer = http.get("/v1/health");
                // the opencode runtime's bundle starts last; its check joins a moment after the first answer
                return answer.status() == 200 && answer.body().contains("\"name\":\"opencode\"") ? answer : null;
            } catch (RuntimeException connectionRefused) {
                return null;
            }
        });
        for (com.fasterxml.jackson.databind.JsonNode check : health.json().path("checks")) {
            if ("opencode".equals(check.path("name").asText())) {
                assertEquals(check.toString(), "WARNING", check.path("status").asText());
                assertTrue(check.toString(), check.path("cause").asText().contains("OpenCode is not installed")
                        && check.path("action").asText().contains("npm install -g opencode-ai"));
            } else {
                assertEquals(check.toString(), "OK", check.path("status").asText());
            }
        }
        assertEquals("only the missing OpenCode is reported", "WARNING", health.json().path("status").asText());
        assertTrue(health.body(), health.body().contains("\"dataDirectory\":\"" + data + "\""));
        assertEquals("without the admin credential the API refuses", 401, new Http(port, null).get("/v1/health").status());
        assertTrue(output(), output().contains("OpenWork Host"));

        long signalledAt = System.nanoTime();
        host.destroy(); // SIGTERM
        boolean exited = host.waitFor(10, TimeUnit.SECONDS);
        long stopMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - signalledAt);
        assertTrue("the host exits after SIGTERM", exited);
        assertEquals("exit code after SIGTERM; output: " + output(), 0, host.exitValue());
        assertTrue("stopped within 2 s, took " + stopMillis + " ms", stopMillis <= 2000);
        String log = Files.readString(data.resolve("log/host.log"), StandardCharsets.UTF_8);
        assertTrue(log, log.contains("OpenWork Host stopped"));
        assertTrue("the framework cache is in the data directory", Files.isDirectory(data.resolve("cache/felix")));
    }

    @Test
    public void badOptionsAreExplained() throws Exception {
        Path dist = HostDistribution.distributionDir();
        Process bad = new ProcessBuilder(dist.resolve("bin/openwork-host").toString(), "--port", "not-a-port")
                .redirectErrorStream(true).start();
        assertTrue(bad.waitFor(30, TimeUnit.SECONDS));
        String text = new String(bad.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(text, 2, bad.exitValue());
        assertTrue(text, text.contains("not-a-port") && text.contains("Usage:"));
    }

    private String output() {
        try {
            return Files.readString(data.resolve("stdout.txt"), StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "(no output: " + e + ")";
        }
    }
}
