package dev.openwork.host.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNotEquals;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import com.fasterxml.jackson.databind.JsonNode;
import dev.openwork.host.client.HostAddress;
import dev.openwork.host.client.HostClientException;
import dev.openwork.host.client.PairingClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.After;
import org.junit.Before;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;
import org.junit.rules.Timeout;

/**
 * Pairing end to end against the real distribution with the real client: owctl pairs over TLS,
 * the admin approves, owctl status works over the pinned key; wrong codes, closed windows,
 * concurrent attempts and an intercepting proxy fail; caps and credentials survive a restart.
 */
public class PairingProcessIT {

    @Rule
    public TemporaryFolder folder = new TemporaryFolder();
    @Rule
    public Timeout deadline = Timeout.seconds(180);

    private HostProcess host;
    private Path clientConfig;

    @Before
    public void startHost() throws Exception {
        host = new HostProcess(folder.newFolder("data").toPath()).start();
        clientConfig = folder.newFolder("owctl").toPath();
    }

    @After
    public void stopHost() throws Exception {
        host.stop();
    }

    private Http admin() {
        return host.admin().http();
    }

    private JsonNode openWindow() {
        Http.Answer window = admin().post("/v1/pairing/window", "application/json", "{\"minutes\":5}");
        assertEquals(window.body(), 200, window.status());
        return window.json();
    }

    @Test
    public void aNewcomerPairsWithOwctlAndGetsStatusOverPinnedTls() throws Exception {
        JsonNode window = openWindow();
        String link = window.path("connectLink").asText();
        assertTrue(link, link.startsWith("openwork-host://127.0.0.1:" + host.lanPort + "?fp="));

        Process pairing = host.startOwctl(clientConfig, "pair", link, "--name", "test laptop");
        pairing.getOutputStream().close();
        String pairingId = Conditions.await("the device to wait for approval", Duration.ofSeconds(30), () -> {
            JsonNode pending = admin().get("/v1/pairing/pending").json();
            return pending.size() == 1 ? pending.get(0).path("pairingId").asText() : null;
        });
        assertEquals("test laptop", admin().get("/v1/pairing/pending").json().get(0).path("deviceName").asText());
        HostProcess.Run approve = host.owctl(clientConfig, null, "admin", "approve", pairingId,
                "--data", host.data.toString(), "--port", Integer.toString(host.httpPort));
        assertEquals(approve.output(), 0, approve.exitCode());
        assertTrue("owctl pair finishes", pairing.waitFor(60, TimeUnit.SECONDS));
        String pairOutput = new String(pairing.getInputStream().readAllBytes());
        assertEquals(pairOutput, 0, pairing.exitValue());
        assertTrue(pairOutput, pairOutput.contains("Waiting for approval") && pairOutput.contains("Paired with"));

        HostProcess.Run status = host.owctl(clientConfig, null, "status");
        assertEquals(status.output(), 0, status.exitCode());
        assertTrue(status.output(), status.output().contains("OK"));
        Path hostsFile = clientConfig.resolve("hosts.json");
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(hostsFile)));
        String stored = Files.readString(hostsFile);
        String deviceId = admin().get("/v1/devices").json().get(0).path("id").asText();
        assertTrue(stored.contains(deviceId));
        String devicesFile = Files.readString(host.data.resolve("devices/devices.json"));
        assertTrue("the host keeps no credential in clear", !devicesFile.contains("owd_"));

        // the paired device runs a task and follows its output
        Path workspace = folder.newFolder("ws").toPath().toRealPath();
        HostProcess.Run run = host.owctl(clientConfig, null, "run", "--workspace", workspace.toString(), "--",
                "echo", "hello from a task");
        assertEquals(run.output(), 0, run.exitCode());
        assertTrue(run.output(), run.output().contains("hello from a task"));
        HostProcess.Run listed = host.owctl(clientConfig, null, "tasks");
        assertTrue(listed.output(), listed.exitCode() == 0 && listed.output().contains("succeeded"));

        // the credential and the pin survive a restart of the host
        host.stop();
        host.start();
        HostProcess.Run afterRestart = host.owctl(clientConfig, null, "status");
        assertEquals(afterRestart.output(), 0, afterRestart.exitCode());

        // revocation takes effect at once
        assertEquals(204, admin().send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(
                "http://127.0.0.1:" + host.httpPort + "/v1/devices/" + deviceId)).DELETE()).status());
        HostProcess.Run revoked = host.owctl(clientConfig, null, "status");
        assertNotEquals(revoked.output(), 0, revoked.exitCode());
    }

    @Test
    public void aWrongCodeFailsOnBothSidesAndTheCodeChanges() throws Exception {
        String code = openWindow().path("code").asText();
        String wrong = code.substring(0, 7) + (char) ('0' + (code.charAt(7) - '0' + 1) % 10);
        try {
            client().pair(new PairingClient.Request(wrong, "guesser", "cli", List.of("status:read")), null);
            fail("a wrong code paired");
        } catch (HostClientException e) {
            assertTrue(e.getMessage() + " / " + e.action(), e.action() != null && !e.action().isEmpty());
        }
        JsonNode caps = admin().get("/v1/pairing/caps").json();
        assertEquals(1, caps.path("failuresLifetime").asInt());
        assertNotEquals("the code was replaced", code, admin().get("/v1/pairing/window").json().path("code").asText());
        assertEquals(0, admin().get("/v1/devices").json().size());
    }

    @Test
    public void noWindowAndConcurrentAttemptsAreRefusedClearly() throws Exception {
        try {
            client().pair(new PairingClient.Request("31415926", "early bird", "cli", List.of("status:read")), null);
            fail("paired without a window");
        } catch (HostClientException e) {
            assertEquals(403, e.httpStatus());
        }
        String code = openWindow().path("code").asText();
        // a first attempt that holds the host after its first round trip
        Http.Answer first = PakeStarts.start(host.lanPort, code);
        assertEquals(first.body(), 200, first.status());
        try {
            client().pair(new PairingClient.Request(code, "second", "cli", List.of("status:read")), null);
            fail("a second concurrent pairing was accepted");
        } catch (HostClientException e) {
            assertEquals(e.getMessage(), 409, e.httpStatus());
        }
    }

    @Test
    public void anInterceptingProxyMakesPairingFailAndTheFailureCountsAcrossARestart() throws Exception {
        String code = openWindow().path("code").asText();
        try (InterceptingProxy proxy = InterceptingProxy.start(host.lanPort)) {
            PairingClient throughProxy = new PairingClient(new HostAddress("127.0.0.1", proxy.port()), null)
                    .resultWaitSeconds(1).approvalTimeout(Duration.ofSeconds(5));
            try {
                throughProxy.pair(new PairingClient.Request(code, "victim", "cli", List.of("status:read")), null);
                fail("pairing through an intercepting proxy succeeded");
            } catch (HostClientException e) {
                assertEquals(e.getMessage(), 400, e.httpStatus());
            }
            assertTrue("the proxy saw the traffic", proxy.connections() > 0);
        }
        assertEquals(1, admin().get("/v1/pairing/caps").json().path("failuresLifetime").asInt());
        assertEquals(0, admin().get("/v1/devices").json().size());
        host.stop();
        host.start();
        assertEquals("persisted across a restart", 1, admin().get("/v1/pairing/caps").json().path("failuresLifetime").asInt());
    }

    private PairingClient client() {
        return new PairingClient(new HostAddress("127.0.0.1", host.lanPort), null).resultWaitSeconds(1)
                .approvalTimeout(Duration.ofSeconds(5));
    }
}
