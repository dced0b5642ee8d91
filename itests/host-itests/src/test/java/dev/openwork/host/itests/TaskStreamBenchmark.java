package dev.openwork.host.itests;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.openwork.host.client.HostAddress;
import dev.openwork.host.client.KnownHost;
import dev.openwork.host.client.PairingClient;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Benchmark (run by bench/tasks.sh, not by the suite): task output to a client over TLS SSE, against
 * a running host on loopback. Latency is measured from the timestamp the task's process writes on
 * each line (bash's EPOCHREALTIME) to the moment the client has parsed the event.
 */
public final class TaskStreamBenchmark {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static String base;
    private static String credential;
    private static HttpClient client;
    private static String workspace;

    private TaskStreamBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        int httpPort = Integer.parseInt(args[0]);
        int lanPort = Integer.parseInt(args[1]);
        Path data = Path.of(args[2]);
        long hostPid = Long.parseLong(args[3]);
        workspace = Path.of(args[4]).toRealPath().toString();
        Http admin = new Http(httpPort, Http.adminCredential(data));
        String code = admin.post("/v1/pairing/window", "application/json",
                "{\"minutes\":1,\"scopes\":[\"status:read\",\"tasks:run\",\"tasks:read\",\"runtime:shell\",\"workspace:*\"]}").json().path("code").asText();
        KnownHost host = new PairingClient(new HostAddress("127.0.0.1", lanPort), null)
                .pair(new PairingClient.Request(code, "benchmark", "cli", List.of("status:read", "tasks:run", "tasks:read")), null);
        credential = host.credential();
        base = "https://127.0.0.1:" + lanPort;
        client = HttpClient.newBuilder().sslContext(Tls.recordingContext(new AtomicReference<>())).build();

        startOverhead();
        latency(1, 1000);
        latency(100, 300);
        throughput(300_000);
        idleSubscribers(1000, hostPid);
    }

    private static String submit(String command) throws Exception {
        String body = JSON.writeValueAsString(JSON.createObjectNode().put("runtime", "shell").put("workspace", workspace)
                .putPOJO("steps", List.of(JSON.createObjectNode().put("tool", "bash").put("command", command))));
        HttpResponse<String> answer = client.send(HttpRequest.newBuilder(URI.create(base + "/v1/tasks"))
                .header("Authorization", "Bearer " + credential).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
        if (answer.statusCode() != 201) {
            throw new IllegalStateException(answer.body());
        }
        return JSON.readTree(answer.body()).path("id").asText();
    }

    private static SseReader open(String path) throws Exception {
        HttpResponse<InputStream> stream = client.send(HttpRequest.newBuilder(URI.create(base + path))
                .header("Authorization", "Bearer " + credential).build(), HttpResponse.BodyHandlers.ofInputStream());
        return new SseReader(stream.body());
    }

    private static double micros(Instant at) {
        return at.getEpochSecond() * 1e6 + at.getNano() / 1e3;
    }

    /** Calls the task's lines until it ends; for each output line, {@code onLine(text, receivedMicros)}. */
    private interface LineSink {
        void line(String text, double receivedMicros);
    }

    private static void follow(SseReader reader, LineSink sink) throws Exception {
        SseReader.Event event;
        while ((event = reader.next()) != null) {
            if ("task.output".equals(event.name())) {
                double now = micros(Instant.now());
                sink.line(JSON.readTree(event.data()).path("text").asText(), now);
            } else if ("task.state".equals(event.name())) {
                String state = JSON.readTree(event.data()).path("state").asText();
                if (List.of("succeeded", "failed", "cancelled", "interrupted").contains(state)) {
                    return;
                }
            }
        }
    }

    private static void startOverhead() throws Exception {
        List<Double> millis = new ArrayList<>();
        for (int i = 0; i < 25; i++) {
            double sent = micros(Instant.now());
            String id = submit("echo $EPOCHREALTIME");
            try (SseReader reader = open("/v1/tasks/" + id + "/events")) {
                follow(reader, (text, received) -> millis.add((Double.parseDouble(text) * 1e6 - sent) / 1000));
            }
        }
        report("request to process start (25 tasks, first 5 dropped)", millis.subList(5, millis.size()));
    }

    private static void latency(int subscribers, int lines) throws Exception {
        String id = submit("sleep 1; for i in $(seq 1 " + lines + "); do echo $EPOCHREALTIME; sleep 0.005; done");
        List<Double> millis = new CopyOnWriteArrayList<>();
        CountDownLatch done = new CountDownLatch(subscribers);
        for (int s = 0; s < subscribers; s++) {
            Thread thread = new Thread(() -> {
                try (SseReader reader = open("/v1/tasks/" + id + "/events")) {
                    follow(reader, (text, received) -> millis.add((received - Double.parseDouble(text) * 1e6) / 1000));
                } catch (Exception e) {
                    System.out.println("subscriber failed: " + e);
                } finally {
                    done.countDown();
                }
            });
            thread.setDaemon(true);
            thread.start();
        }
        done.await(10, TimeUnit.MINUTES);
        report("line to client over TLS SSE, " + subscribers + " subscriber(s), " + lines + " lines", millis);
    }

    private static void throughput(int lines) throws Exception {
        String id = submit("sleep 1; seq 1 " + lines);
        long[] firstAndLast = new long[2];
        int[] count = new int[1];
        try (SseReader reader = open("/v1/tasks/" + id + "/events")) {
            follow(reader, (text, received) -> {
                if (count[0]++ == 0) {
                    firstAndLast[0] = System.nanoTime();
                }
                firstAndLast[1] = System.nanoTime();
            });
        }
        double seconds = (firstAndLast[1] - firstAndLast[0]) / 1e9;
        System.out.printf("throughput, one chatty task to one client over TLS SSE: %d lines in %.2f s = %.0f lines/s%n",
                count[0], seconds, count[0] / seconds);
    }

    private static void idleSubscribers(int count, long hostPid) throws Exception {
        long before = heapUsedAfterGc(hostPid);
        List<SseReader> open = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            open.add(open("/v1/events"));
        }
        long after = heapUsedAfterGc(hostPid);
        System.out.printf("%d idle subscribers: heap used after GC %d KB -> %d KB, +%.1f MB%n", count, before, after,
                (after - before) / 1024.0);
        for (SseReader reader : open) {
            reader.close();
        }
    }

    private static long heapUsedAfterGc(long pid) throws Exception {
        run("jcmd", Long.toString(pid), "GC.run");
        String info = run("jcmd", Long.toString(pid), "GC.heap_info");
        long used = 0;
        for (String line : info.split("\n")) {
            java.util.regex.Matcher m = java.util.regex.Pattern.compile("(generation|space)\\s+total \\d+K, used (\\d+)K").matcher(line);
            if (line.contains("generation") && m.find()) {
                used += Long.parseLong(m.group(2));
            }
        }
        return used;
    }

    private static String run(String... command) throws Exception {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(process.getInputStream().readAllBytes());
        process.waitFor(30, TimeUnit.SECONDS);
        return out;
    }

    private static void report(String what, List<Double> millis) {
        List<Double> sorted = new ArrayList<>(millis);
        Collections.sort(sorted);
        if (sorted.isEmpty()) {
            System.out.println(what + ": no samples");
            return;
        }
        System.out.printf("%s: n=%d p50 %.2f ms, p99 %.2f ms, max %.2f ms%n", what, sorted.size(), pct(sorted, 50), pct(sorted, 99),
                sorted.get(sorted.size() - 1));
    }

    private static double pct(List<Double> sorted, int p) {
        return sorted.get(Math.min(sorted.size() - 1, (int) Math.ceil(p / 100.0 * sorted.size()) - 1));
    }
}
