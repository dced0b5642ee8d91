package dev.openwork.host.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.openwork.host.client.HostAddress;
import dev.openwork.host.client.KnownHost;
import dev.openwork.host.client.PairingClient;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;
import org.junit.After;
import org.junit.Before;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;
import org.junit.rules.Timeout;

/**
 * The OpenCode runtime in the real distribution, with the real {@code opencode serve} (from
 * itests/opencode-sdk, locked versions) and a fake OpenAI-compatible model on 127.0.0.1:
 * <ul>
 * <li>the real OpenCode SDK ({@code npm test} in itests/opencode-sdk) talks to the host's TLS
 * listener as a paired device: sessions, shell, messages, events, abort, delete, isolation from a
 * second device, typed errors, and OpenCode's permission questions through the host's permission
 * gate (a command rule denies {@code rm *} first; one question to the device, answered once,
 * reject or always; task events and the audit log);</li>
 * <li>killing the {@code opencode} process under a running task interrupts the task, reports it in
 * health and in the task's events, kills what it left running, and the restarted OpenCode continues
 * the same session.</li>
 * </ul>
 */
public class OpenCodeSdkProcessIT {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Rule
    public TemporaryFolder folder = new TemporaryFolder();
    @Rule
    public Timeout deadline = Timeout.seconds(480);

    private HostProcess host;
    private Path sdkDir;
    private Path workspace;
    private int modelPort;

    @Before
    public void startHost() throws Exception {
        sdkDir = HostDistribution.distributionDir().resolve("../../../itests/opencode-sdk").normalize();
        ensureInstalled(sdkDir);
        Path data = folder.newFolder("data").toPath();
        workspace = folder.newFolder("ws").toPath().toRealPath();
        modelPort = HostDistribution.freePort();
        Path opencodeConfig = data.resolve("opencode/config/opencode/opencode.json");
        Files.createDirectories(opencodeConfig.getParent());
        Files.writeString(opencodeConfig, JSON.writeValueAsString(fakeModelConfig(modelPort)));
        host = new HostProcess(data)
                .withOwnHome(Map.of("dev.openwork.host.permissions.commands.cfg",
                        "enabled = true\nrules = {\"bash\": {\"rm *\": \"deny\"}}\n"))
                .withEnvironment("PATH", sdkDir.resolve("node_modules/.bin") + File.pathSeparator + System.getenv("PATH"))
                .start();
        Conditions.await("OpenCode to run", Duration.ofSeconds(90), () -> "running".equals(opencodeHealth().path("details")
                .path("phase").asText()) ? true : null);
    }

    @After
    public void stopHost() throws Exception {
        if (host != null) {
            host.stop();
        }
    }

    @Test
    public void theOpenCodeSdkWorksThroughTheHostAndACrashIsSurvived() throws Exception {
        KnownHost device = pair("sdk laptop");
        KnownHost otherDevice = pair("other phone");
        Path certificate = folder.newFile("host-cert.pem").toPath();
        Files.writeString(certificate, pinnedCertificatePem(device));

        ProcessBuilder npm = new ProcessBuilder("npm", "test").directory(sdkDir.toFile()).redirectErrorStream(true)
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        Map<String, String> env = npm.environment();
        env.put("OPENWORK_HOST_URL", "https://127.0.0.1:" + host.lanPort);
        env.put("OPENWORK_CREDENTIAL", device.credential());
        env.put("OPENWORK_OTHER_CREDENTIAL", otherDevice.credential());
        env.put("OPENWORK_SPKI_SHA256", device.spkiSha256());
        env.put("NODE_EXTRA_CA_CERTS", certificate.toString());
        env.put("OPENWORK_WORKSPACE", workspace.toString());
        env.put("FAKE_MODEL_PORT", Integer.toString(modelPort));
        env.put("OPENWORK_ADMIN_URL", "http://127.0.0.1:" + host.httpPort);
        env.put("OPENWORK_ADMIN_TOKEN", Http.adminCredential(host.data));
        Process tests = npm.start();
        CompletableFuture<String> output = CompletableFuture.supplyAsync(() -> {
            try {
                return new String(tests.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            } catch (IOException e) {
                return "output lost: " + e;
            }
        });
        if (!tests.waitFor(300, TimeUnit.SECONDS)) {
            tests.descendants().forEach(ProcessHandle::destroyForcibly);
            tests.destroyForcibly();
            throw new AssertionError("npm test did not finish in 300 s: " + output.getNow(""));
        }
        String report = output.get(10, TimeUnit.SECONDS);
        System.out.println(report);
        assertEquals("npm test in itests/opencode-sdk failed:\n" + report + "\n--- host log:\n" + host.log(), 0, tests.exitValue());
        assertTrue(report, report.contains("# fail 0"));

        killingOpenCodeInterruptsTheTaskAndTheSessionGoesOn();
    }

    private void killingOpenCodeInterruptsTheTaskAndTheSessionGoesOn() throws Exception {
        Http admin = host.admin().http();
        String marker = "before-kill-" + System.nanoTime();
        Http.Answer submitted = admin.post("/v1/tasks", "application/json", "{\"runtime\":\"opencode\",\"workspace\":\""
                + workspace + "\",\"steps\":[{\"tool\":\"bash\",\"command\":\"echo " + marker + "; sleep 120\"}]}");
        assertEquals(submitted.body(), 201, submitted.status());
        String taskId = submitted.json().path("id").asText();
        Conditions.await("the command to run", Duration.ofSeconds(60), () -> log(admin, taskId).contains("tool|bash: echo " + marker)
                && ProcessHandle.allProcesses().anyMatch(p -> p.info().commandLine().orElse("").contains(marker)) ? true : null);
        String sessionId = log(admin, taskId).lines().filter(l -> l.startsWith("output|OpenCode session "))
                .findFirst().orElseThrow().substring("output|OpenCode session ".length());
        long pid = opencodeHealth().path("details").path("pid").asLong();
        assertTrue(ProcessHandle.of(pid).orElseThrow().destroyForcibly());

        JsonNode task = Conditions.await("the task to be interrupted", Duration.ofSeconds(30), () -> {
            JsonNode t = admin.get("/v1/tasks/" + taskId).json();
            return t.path("state").asText().equals("interrupted") ? t : null;
        });
        assertTrue(task.toString(), task.path("summary").asText().contains("OpenCode stopped unexpectedly"));
        assertTrue(log(admin, taskId), log(admin, taskId).contains("The host restarts it; the session " + sessionId));
        JsonNode restarted = Conditions.await("OpenCode to run again", Duration.ofSeconds(90), () -> {
            JsonNode h = opencodeHealth();
            return "running".equals(h.path("details").path("phase").asText()) ? h : null;
        });
        assertEquals(restarted.toString(), "WARNING", restarted.path("status").asText());
        assertEquals(1, restarted.path("details").path("restarts").asInt());
        assertEquals(137, restarted.path("details").path("lastExitCode").asInt());
        Conditions.await("the killed OpenCode's command to be gone", Duration.ofSeconds(10), () ->
                ProcessHandle.allProcesses().noneMatch(p -> p.info().commandLine().orElse("").contains(marker)) ? true : null);

        Http.Answer resumed = admin.post("/v1/tasks", "application/json", "{\"runtime\":\"opencode\",\"workspace\":\""
                + workspace + "\",\"session\":\"" + sessionId + "\",\"steps\":[{\"tool\":\"bash\",\"command\":\"echo after-restart\"}]}");
        assertEquals(resumed.body(), 201, resumed.status());
        String resumedId = resumed.json().path("id").asText();
        JsonNode done = Conditions.await("the task in the same session", Duration.ofSeconds(60), () -> {
            JsonNode t = admin.get("/v1/tasks/" + resumedId).json();
            return t.path("state").asText().matches("succeeded|failed|interrupted|cancelled") ? t : null;
        });
        assertEquals(done + "\n" + log(admin, resumedId), "succeeded", done.path("state").asText());
        assertTrue(log(admin, resumedId).contains("output|after-restart"));

        long running = opencodeHealth().path("details").path("pid").asLong();
        host.stop();
        assertTrue("OpenCode stops with the host", ProcessHandle.of(running).map(p -> !p.isAlive()).orElse(true));
    }

    // ---- helpers ------------------------------------------------------------------------------

    private JsonNode opencodeHealth() {
        for (JsonNode check : host.admin().http().get("/v1/health").json().path("checks")) {
            if ("opencode".equals(check.path("name").asText())) {
                return check;
            }
        }
        return JSON.createObjectNode();
    }

    private static String log(Http admin, String taskId) {
        StringBuilder lines = new StringBuilder();
        for (JsonNode event : admin.get("/v1/tasks/" + taskId + "/log?limit=10000").json().path("events")) {
            lines.append(event.path("type").asText()).append('|').append(event.path("text").asText("")).append('\n');
        }
        return lines.toString();
    }

    private KnownHost pair(String name) throws Exception {
        Http admin = host.admin().http();
        Http.Answer window = admin.post("/v1/pairing/window", "application/json", "{\"minutes\":5}");
        assertEquals(window.body(), 200, window.status());
        String code = window.json().path("code").asText();
        CompletableFuture<KnownHost> paired = CompletableFuture.supplyAsync(() -> new PairingClient(
                new HostAddress("127.0.0.1", host.lanPort), null).resultWaitSeconds(1).approvalTimeout(Duration.ofSeconds(60))
                .pair(new PairingClient.Request(code, name, "cli",
                        List.of("status:read", "tasks:run", "tasks:read", "permissions:answer", "runtime:opencode",
                                "workspace:*")), null));
        String pairingId = Conditions.await("the device to wait for approval", Duration.ofSeconds(30), () -> {
            JsonNode pending = admin.get("/v1/pairing/pending").json();
            return pending.size() == 1 ? pending.get(0).path("pairingId").asText() : null;
        });
        Http.Answer approved = admin.post("/v1/pairing/pending/" + pairingId + "/approve", "application/json",
                "{\"scopes\":[\"status:read\",\"tasks:run\",\"tasks:read\",\"permissions:answer\",\"runtime:opencode\","
                        + "\"workspace:*\"]}");
        assertTrue(approved.body(), approved.status() / 100 == 2);
        return paired.get(60, TimeUnit.SECONDS);
    }

    /** The host's certificate as its TLS listener presents it, after checking its key against the pin from pairing. */
    private String pinnedCertificatePem(KnownHost device) throws Exception {
        SSLContext context = SSLContext.getInstance("TLSv1.3");
        context.init(null, new TrustManager[] {new X509TrustManager() {
            @Override
            public void checkClientTrusted(X509Certificate[] chain, String authType) {
            }

            @Override
            public void checkServerTrusted(X509Certificate[] chain, String authType) {
                // checked against the pin below
            }

            @Override
            public X509Certificate[] getAcceptedIssuers() {
                return new X509Certificate[0];
            }
        }}, null);
        try (SSLSocket socket = (SSLSocket) context.getSocketFactory().createSocket("127.0.0.1", host.lanPort)) {
            socket.startHandshake();
            Certificate leaf = socket.getSession().getPeerCertificates()[0];
            String spki = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(leaf.getPublicKey().getEncoded()));
            assertEquals("the presented key is the pinned one", device.spkiSha256(), spki);
            return "-----BEGIN CERTIFICATE-----\n" + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
                    .encodeToString(leaf.getEncoded()) + "\n-----END CERTIFICATE-----\n";
        }
    }

    /** OpenCode's config for the fake model (the same as fake-model.mjs's providerConfig). */
    static ObjectNode fakeModelConfig(int port) {
        ObjectNode config = JSON.createObjectNode();
        config.put("$schema", "https://opencode.ai/config.json");
        config.put("model", "fake/fake-model");
        config.put("small_model", "fake/fake-model");
        config.put("autoupdate", false);
        config.put("share", "disabled");
        ObjectNode fake = config.putObject("provider").putObject("fake");
        fake.put("npm", "@ai-sdk/openai-compatible");
        fake.put("name", "Fake model (tests)");
        fake.putObject("options").put("baseURL", "http://127.0.0.1:" + port + "/v1").put("apiKey", "not-a-secret");
        ObjectNode model = fake.putObject("models").putObject("fake-model");
        model.put("name", "Fake model");
        model.put("tool_call", true);
        model.putObject("limit").put("context", 100000).put("output", 4096);
        return config;
    }

    /** The SDK test's locked packages (opencode-ai, @opencode-ai/sdk); .ci/run installs them with npm ci first. */
    private static void ensureInstalled(Path sdkDir) throws Exception {
        if (Files.isExecutable(sdkDir.resolve("node_modules/.bin/opencode"))
                && Files.isDirectory(sdkDir.resolve("node_modules/@opencode-ai/sdk"))) {
            return;
        }
        Process install = new ProcessBuilder("npm", "ci", "--no-audit", "--no-fund").directory(sdkDir.toFile())
                .redirectErrorStream(true).redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null"))).start();
        String output = new String(install.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue("npm ci in " + sdkDir + " did not finish", install.waitFor(300, TimeUnit.SECONDS));
        assertEquals("npm ci in " + sdkDir + " failed:\n" + output, 0, install.exitValue());
    }
}
