package dev.openwork.host.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.After;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;
import org.junit.rules.Timeout;

/**
 * kill -9 of the real host while a task prints and a client streams it: after a restart the task
 * is interrupted and every event the client had received is in the journal, unchanged.
 */
public class TaskCrashProcessIT {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Rule
    public TemporaryFolder folder = new TemporaryFolder();
    @Rule
    public Timeout deadline = Timeout.seconds(120);

    private HostProcess host;

    @After
    public void stop() throws Exception {
        if (host != null) {
            host.stop();
        }
    }

    @Test
    public void acknowledgedOutputSurvivesKill9AndTheTaskIsInterrupted() throws Exception {
        host = new HostProcess(folder.newFolder("data").toPath()).start();
        Path workspace = folder.newFolder("ws").toPath().toRealPath();
        Http admin = host.admin().http();
        Http.Answer submitted = admin.post("/v1/tasks", "application/json", "{\"runtime\":\"shell\",\"workspace\":\""
                + workspace + "\",\"steps\":[{\"tool\":\"bash\",\"command\":\"i=0; while true; do i=$((i+1)); echo line $i; done\"}]}");
        assertEquals(submitted.body(), 201, submitted.status());
        String taskId = submitted.json().path("id").asText();

        Map<Long, String> received = new LinkedHashMap<>();
        HttpResponse<InputStream> stream = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + host.httpPort + "/v1/tasks/" + taskId + "/events"))
                .header("Authorization", "Bearer " + Http.adminCredential(host.data)).build(), HttpResponse.BodyHandlers.ofInputStream());
        try (SseReader reader = new SseReader(stream.body())) {
            while (received.size() < 2000) {
                SseReader.Event event = reader.next();
                if (event == null) {
                    break;
                }
                received.put(Long.parseLong(event.id()), event.name() + "|" + JSON.readTree(event.data()).path("text").asText(""));
            }
            host.kill9();
        }
        assertEquals(2000, received.size());

        long restartedAt = System.nanoTime();
        host.start();
        Http restarted = host.admin().http();
        JsonNode task = Conditions.await("the task API after the restart", java.time.Duration.ofSeconds(30), () -> {
            Http.Answer answer = restarted.get("/v1/tasks/" + taskId);
            return answer.status() == 200 ? answer.json() : null;
        });
        long millisToHealthy = (System.nanoTime() - restartedAt) / 1_000_000;
        admin = restarted;
        assertEquals(task.toString(), "interrupted", task.path("state").asText());

        Map<Long, String> journal = new LinkedHashMap<>();
        long after = 0;
        JsonNode page;
        do {
            page = admin.get("/v1/tasks/" + taskId + "/log?after=" + after + "&limit=5000").json();
            for (JsonNode event : page.path("events")) {
                String type = event.path("type").asText();
                journal.put(event.path("id").asLong(), "task." + type + "|" + ("created".equals(type) ? "" : event.path("text").asText("")));
            }
            after = page.path("nextAfter").asLong();
        } while (page.path("more").asBoolean());
        for (Map.Entry<Long, String> acknowledged : received.entrySet()) {
            assertEquals("event " + acknowledged.getKey() + " after kill -9", acknowledged.getValue(), journal.get(acknowledged.getKey()));
        }
        assertTrue("healthy again after " + millisToHealthy + " ms", millisToHealthy < 60_000);
        System.out.println("kill -9 with a task streaming: " + received.size() + " acknowledged events kept, "
                + journal.size() + " in the journal, healthy again after " + millisToHealthy + " ms");
    }
}
