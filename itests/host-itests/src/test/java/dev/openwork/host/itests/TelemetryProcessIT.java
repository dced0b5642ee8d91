package dev.openwork.host.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.jar.JarFile;
import org.junit.After;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;
import org.junit.rules.Timeout;

/**
 * Local metrics of the real distribution: they count what happened (tasks, refused requests,
 * pairing windows), survive a clean restart and a kill -9 (which is counted as an unclean stop), are
 * served to the admin only, and the telemetry bundle cannot reach the network at all.
 */
public class TelemetryProcessIT {

    @Rule
    public TemporaryFolder folder = new TemporaryFolder();
    @Rule
    public Timeout deadline = Timeout.seconds(180);

    private HostProcess host;

    @After
    public void stop() throws Exception {
        if (host != null) {
            host.stop();
        }
    }

    private JsonNode summary() {
        Http.Answer answer = host.admin().http().get("/v1/metrics/summary");
        assertEquals(answer.body(), 200, answer.status());
        return answer.json();
    }

    @Test
    public void metricsCountWhatHappenedAndSurviveRestartsAndKill9() throws Exception {
        host = new HostProcess(folder.newFolder("data").toPath()).start();
        Http admin = host.admin().http();
        Http stranger = new Http(host.httpPort, "not-a-credential");
        assertEquals(401, stranger.get("/v1/metrics").status());
        assertEquals(401, new Http(host.httpPort, null).get("/v1/metrics/summary").status());
        Path workspace = folder.newFolder("ws").toPath().toRealPath();
        for (String command : new String[] {"true", "false"}) {
            Http.Answer task = admin.post("/v1/tasks", "application/json", "{\"runtime\":\"shell\",\"workspace\":\"" + workspace
                    + "\",\"steps\":[{\"tool\":\"bash\",\"command\":\"" + command + "\"}]}");
            assertEquals(task.body(), 201, task.status());
        }
        assertEquals(200, admin.post("/v1/health/actions/open-pairing-window", "application/json", "").status());
        // a TLS 1.2 client on the LAN listener fails its handshake: a connection failure by cause
        javax.net.ssl.SSLContext tls = Tls.recordingContext(new java.util.concurrent.atomic.AtomicReference<>());
        try (javax.net.ssl.SSLSocket old = (javax.net.ssl.SSLSocket) tls.getSocketFactory().createSocket("127.0.0.1", host.lanPort)) {
            old.setEnabledProtocols(new String[] {"TLSv1.2"});
            old.setSoTimeout(5000);
            old.startHandshake();
            throw new AssertionError("a TLS 1.2 handshake succeeded");
        } catch (java.io.IOException expected) {
            // refused, as it must be
        }
        JsonNode counted = Conditions.await("the tasks and refusals to be counted", Duration.ofSeconds(30), () -> {
            JsonNode s = summary();
            return s.path("tasks").path("succeeded").asInt() == 1 && s.path("tasks").path("failed").asInt() == 1
                    && s.path("connectionFailures").path("bad_credential").asInt() == 1
                    && s.path("connectionFailures").path("no_credential").asInt() == 1
                    && s.path("connectionFailures").path("tls_handshake").asInt() >= 1 ? s : null;
        });
        assertEquals(1, counted.path("starts").asInt());
        assertEquals(1, counted.path("pairingWindows").asInt());
        assertEquals(2, counted.path("taskDurations").path("count").asInt());
        assertEquals(24, counted.path("lastDay").size());
        assertEquals(7, counted.path("lastWeek").size());
        Http.Answer prometheus = admin.get("/v1/metrics");
        assertEquals(200, prometheus.status());
        assertTrue(prometheus.contentType(), prometheus.contentType().startsWith("text/plain"));
        assertTrue(prometheus.body(), prometheus.body().contains("openwork_tasks_total{outcome=\"failed\"} 1"));

        // a clean restart keeps every count and adds a start
        host.stop();
        host.start();
        JsonNode afterRestart = summary();
        assertEquals(2, afterRestart.path("starts").asInt());
        assertEquals(0, afterRestart.path("uncleanStops").asInt());
        assertEquals(1, afterRestart.path("tasks").path("failed").asInt());
        assertEquals(counted.path("since").asText(), afterRestart.path("since").asText());
        assertTrue(afterRestart.path("totalUptimeSeconds").asLong() >= counted.path("uptimeSeconds").asLong());

        // kill -9 loses at most the last seconds of counts, and the next start knows the stop was unclean
        host.kill9();
        host.start();
        JsonNode afterCrash = summary();
        assertEquals(3, afterCrash.path("starts").asInt());
        assertEquals(1, afterCrash.path("uncleanStops").asInt());
        assertEquals(1, afterCrash.path("tasks").path("succeeded").asInt());
        assertTrue(Files.readString(host.data.resolve("telemetry/metrics.json")).contains("\"uncleanStops\" : 1"));
    }

    @Test
    public void theTelemetryBundleImportsNothingThatReachesTheNetwork() throws Exception {
        Path jar;
        try (var found = Files.walk(HostDistribution.distributionDir().resolve("system/dev/openwork/host/dev.openwork.host.telemetry"))) {
            jar = found.filter(p -> p.toString().endsWith(".jar")).findFirst().orElseThrow();
        }
        try (JarFile bundle = new JarFile(jar.toFile())) {
            String imports = bundle.getManifest().getMainAttributes().getValue("Import-Package");
            for (String network : new String[] {"java.net", "javax.net", "java.net.http", "jakarta.ws.rs.client", "org.eclipse.jetty"}) {
                assertFalse("telemetry imports " + network + ": " + imports,
                        java.util.Arrays.stream(imports.split(",(?=[a-z])")).anyMatch(p -> p.startsWith(network + ";") || p.equals(network)));
            }
        }
    }
}
