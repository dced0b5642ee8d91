package dev.openwork.host.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.openwork.host.api.devices.DeviceRegistry;
import dev.openwork.host.api.devices.Scopes;
import dev.openwork.host.api.identity.HostIdentity;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import javax.inject.Inject;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.Timeout;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;

/**
 * Tasks over HTTPS with a paired device: run a real command and stream it, cancel, time out, bad
 * input, and exact resume under many forced disconnects.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class TasksIT {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Rule
    public Timeout deadline = Timeout.seconds(180);

    @Inject
    private org.osgi.framework.BundleContext context;
    @Inject
    private HostIdentity identity;
    @Inject
    private DeviceRegistry devices;
    @Inject
    private dev.openwork.host.api.tasks.TaskService tasks;

    @Configuration
    public Option[] configuration() {
        return new Option[] {HostDistribution.host("core", "rest", "console", "discovery")};
    }

    private String base() {
        int port = Conditions.await("the TLS listener", Duration.ofSeconds(30),
                () -> identity.endpoints().isEmpty() ? null : identity.endpoints().get(0).port());
        return "https://127.0.0.1:" + port;
    }

    private final HttpClient client = HttpClient.newBuilder().sslContext(Tls.recordingContext(new AtomicReference<>()))
            .connectTimeout(Duration.ofSeconds(5)).build();

    private String device(Set<String> scopes) {
        return devices.register("tasks test", "cli", scopes).credential();
    }

    private HttpResponse<String> send(String credential, String method, String path, String body) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base() + path)).timeout(Duration.ofSeconds(20))
                .header("Authorization", "Bearer " + credential)
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (body != null) {
            request.header("Content-Type", "application/json");
        }
        return client.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private String workspace() throws Exception {
        return Files.createTempDirectory("openwork-tasks-it-").toRealPath().toString();
    }

    private JsonNode submit(String credential, String workspace, String command, Integer timeout) throws Exception {
        String body = JSON.writeValueAsString(JSON.createObjectNode().put("runtime", "shell").put("workspace", workspace)
                .putPOJO("steps", List.of(JSON.createObjectNode().put("tool", "bash").put("command", command)))
                .put("timeoutSeconds", timeout));
        HttpResponse<String> answer = send(credential, "POST", "/v1/tasks", body);
        assertEquals(answer.body(), 201, answer.statusCode());
        return JSON.readTree(answer.body());
    }

    private JsonNode awaitEnd(String credential, String taskId) {
        return Conditions.await("task " + taskId + " to end", Duration.ofSeconds(60), () -> {
            try {
                JsonNode task = JSON.readTree(send(credential, "GET", "/v1/tasks/" + taskId, null).body());
                String state = task.path("state").asText();
                return List.of("succeeded", "failed", "cancelled", "interrupted").contains(state) ? task : null;
            } catch (Exception e) {
                return null;
            }
        });
    }

    @Test
    public void aCommandRunsAndItsOutputStreamsLive() throws Exception {
        String credential = device(Scopes.DEFAULT_DEVICE);
        JsonNode task = submit(credential, workspace(), "echo hello; echo oops >&2; pwd", null);
        String taskId = task.path("id").asText();
        HttpResponse<InputStream> stream = client.send(HttpRequest.newBuilder(URI.create(base() + "/v1/tasks/" + taskId + "/events"))
                .header("Authorization", "Bearer " + credential).build(), HttpResponse.BodyHandlers.ofInputStream());
        assertEquals(200, stream.statusCode());
        List<String> lines = new ArrayList<>();
        String finalState = null;
        try (SseReader reader = new SseReader(stream.body())) {
            SseReader.Event event;
            while (finalState == null && (event = reader.next()) != null) {
                JsonNode data = JSON.readTree(event.data());
                if ("task.output".equals(event.name())) {
                    lines.add(data.path("stream").asText() + ":" + data.path("text").asText());
                }
                if ("task.state".equals(event.name()) && List.of("succeeded", "failed").contains(data.path("state").asText())) {
                    finalState = data.path("state").asText();
                }
            }
        }
        assertEquals("succeeded", finalState);
        assertTrue(lines.toString(), lines.contains("stdout:hello") && lines.contains("stderr:oops"));
        assertEquals("succeeded state via GET", "succeeded", awaitEnd(credential, taskId).path("state").asText());
    }

    @Test
    public void cancelAndTimeoutStopRealProcesses() throws Exception {
        String credential = device(Scopes.DEFAULT_DEVICE);
        String ws = workspace();
        JsonNode slow = submit(credential, ws, "sleep 300 & sleep 300; wait", null);
        String id = slow.path("id").asText();
        Conditions.await("the task to run", Duration.ofSeconds(20),
                () -> tasks.find(id).map(t -> t.state().name().equals("RUNNING") ? true : null).orElse(null));
        assertEquals(200, send(credential, "POST", "/v1/tasks/" + id + "/cancel", null).statusCode());
        assertEquals("cancelled", awaitEnd(credential, id).path("state").asText());

        JsonNode timed = submit(credential, ws, "sleep 300", 1);
        JsonNode ended = awaitEnd(credential, timed.path("id").asText());
        assertEquals("failed", ended.path("state").asText());
        assertTrue(ended.toString(), ended.path("summary").asText().contains("timed out"));
    }

    @Test
    public void stoppingTheShellRuntimeBundleMakesItUnavailableAndStartingItBringsItBack() throws Exception {
        String credential = device(Scopes.DEFAULT_DEVICE);
        String ws = workspace();
        org.osgi.framework.Bundle shell = java.util.Arrays.stream(context.getBundles())
                .filter(b -> "dev.openwork.host.runtime.shell".equals(b.getSymbolicName())).findFirst().orElseThrow();
        String body = "{\"runtime\":\"shell\",\"workspace\":\"" + ws + "\",\"steps\":[{\"tool\":\"bash\",\"command\":\"true\"}]}";
        shell.stop();
        try {
            HttpResponse<String> missing = send(credential, "POST", "/v1/tasks", body);
            assertEquals(missing.body(), 404, missing.statusCode());
            assertTrue(missing.body(), missing.body().contains("No runtime named 'shell'"));
        } finally {
            shell.start();
        }
        HttpResponse<String> back = send(credential, "POST", "/v1/tasks", body);
        assertEquals("available again at once: " + back.body(), 201, back.statusCode());
        assertEquals("succeeded", awaitEnd(credential, JSON.readTree(back.body()).path("id").asText()).path("state").asText());
    }

    @Test
    public void badInputGets4xxAndCreatesNoTask() throws Exception {
        String credential = device(Scopes.DEFAULT_DEVICE);
        String ws = workspace();
        Files.createSymbolicLink(Path.of(ws, "out"), Path.of("/etc"));
        long before = tasks.lastEventId();
        String[] bodies = {
            "{\"runtime\":\"nope\",\"workspace\":\"" + ws + "\",\"steps\":[{\"tool\":\"bash\",\"command\":\"true\"}]}",
            "{\"runtime\":\"shell\",\"workspace\":\"/no/such/dir\",\"steps\":[{\"tool\":\"bash\",\"command\":\"true\"}]}",
            "{\"runtime\":\"shell\",\"workspace\":\"" + ws + "\",\"steps\":[{\"tool\":\"read\",\"path\":\"../../etc/passwd\"}]}",
            "{\"runtime\":\"shell\",\"workspace\":\"" + ws + "\",\"steps\":[{\"tool\":\"write\",\"path\":\"out/x\",\"content\":\"x\"}]}",
            "{\"runtime\":\"shell\",\"workspace\":\"" + ws + "\",\"steps\":[" + "{\"tool\":\"bash\",\"command\":\"true\"},".repeat(300)
                    + "{\"tool\":\"bash\",\"command\":\"true\"}]}",
            "{\"runtime\":\"shell\",\"workspace\":",
            "{\"runtime\":\"shell\",\"workspace\":\"" + ws + "\",\"steps\":\"rm -rf /\"}",
            "{\"runtime\":\"shell\",\"workspace\":\"" + ws + "\",\"steps\":[{\"tool\":\"bash\",\"command\":\"true\"}],\"extra\":1}",
        };
        for (String body : bodies) {
            HttpResponse<String> answer = send(credential, "POST", "/v1/tasks", body);
            assertTrue(body.substring(0, Math.min(80, body.length())) + " -> " + answer.statusCode() + " " + answer.body(),
                    answer.statusCode() >= 400 && answer.statusCode() < 500 && answer.body().contains("\"code\""));
        }
        assertEquals("no half-created task", before, tasks.lastEventId());
        String reader = device(Set.of(Scopes.TASKS_READ, Scopes.STATUS_READ));
        assertEquals(403, send(reader, "POST", "/v1/tasks", "{\"runtime\":\"shell\",\"workspace\":\"" + ws
                + "\",\"steps\":[{\"tool\":\"bash\",\"command\":\"true\"}]}").statusCode());
    }

    @Test
    public void resumingAfterManyForcedDisconnectsLosesAndRepeatsNothing() throws Exception {
        String credential = device(Scopes.DEFAULT_DEVICE);
        JsonNode task = submit(credential, workspace(), "for i in $(seq 1 6000); do echo \"line $i\"; done", null);
        String taskId = task.path("id").asText();
        Random random = new Random(42);
        List<Long> ids = new ArrayList<>();
        List<String> texts = new ArrayList<>();
        String last = null;
        boolean ended = false;
        int disconnects = 0;
        while (!ended) {
            HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base() + "/v1/tasks/" + taskId + "/events"))
                    .header("Authorization", "Bearer " + credential);
            if (last != null) {
                request.header("Last-Event-ID", last);
            }
            HttpResponse<InputStream> stream = client.send(request.build(), HttpResponse.BodyHandlers.ofInputStream());
            assertEquals(200, stream.statusCode());
            int take = 1 + random.nextInt(10);
            try (SseReader reader = new SseReader(stream.body())) {
                for (int i = 0; i < take && !ended; i++) {
                    SseReader.Event event = reader.next();
                    if (event == null) {
                        break;
                    }
                    ids.add(Long.parseLong(event.id()));
                    JsonNode data = JSON.readTree(event.data());
                    texts.add(event.name() + "|" + data.path("text").asText() + "|" + data.path("state").asText());
                    last = event.id();
                    ended = "task.state".equals(event.name())
                            && List.of("succeeded", "failed").contains(data.path("state").asText());
                }
            }
            disconnects++;
        }
        List<Long> journalIds = new ArrayList<>();
        List<String> journalTexts = new ArrayList<>();
        long after = 0;
        JsonNode page;
        do {
            page = JSON.readTree(send(credential, "GET", "/v1/tasks/" + taskId + "/log?after=" + after + "&limit=2000", null).body());
            for (JsonNode event : page.path("events")) {
                journalIds.add(event.path("id").asLong());
                String type = event.path("type").asText();
                journalTexts.add("task." + type + "|" + ("created".equals(type) ? "" : event.path("text").asText("")) + "|"
                        + event.path("state").asText(""));
            }
            after = page.path("nextAfter").asLong();
        } while (page.path("more").asBoolean());
        assertTrue("at least 1,000 forced disconnects: " + disconnects, disconnects >= 1000);
        assertEquals("every event id exactly once, in order", journalIds, ids);
        assertEquals("every line exactly once, in order", journalTexts, texts);
        assertEquals(6000, texts.stream().filter(t -> t.startsWith("task.output|line ")).count());
    }
}
