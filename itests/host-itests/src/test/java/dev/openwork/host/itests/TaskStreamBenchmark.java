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
    private static int lanPort;
    private static javax.net.ssl.SSLContext tls;
    /** {@code socket}: the lean TLS socket client ({@link SocketSseStream}); {@code jdk}: java.net.http and a line reader. */
    private static String clientKind;
    private static long hostPid;

    private TaskStreamBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        int httpPort = Integer.parseInt(args[0]);
        lanPort = Integer.parseInt(args[1]);
        Path data = Path.of(args[2]);
        hostPid = Long.parseLong(args[3]);
        workspace = Path.of(args[4]).toRealPath().toString();
        clientKind = args.length > 5 ? args[5] : "socket";
        if (!List.of("socket", "jdk").contains(clientKind)) {
            throw new IllegalArgumentException("client must be socket or jdk, not " + clientKind);
        }
        System.out.println("client: " + ("socket".equals(clientKind)
                ? "TLS socket, SSE parsed from bytes (SocketSseStream)" : "java.net.http, line reader (SseReader)"));
        Http admin = new Http(httpPort, Http.adminCredential(data));
        String code = admin.post("/v1/pairing/window", "application/json",
                "{\"minutes\":1,\"scopes\":[\"status:read\",\"tasks:run\",\"tasks:read\",\"runtime:shell\",\"workspace:*\"]}").json().path("code").asText();
        KnownHost host = new PairingClient(new HostAddress("127.0.0.1", lanPort), null)
                .pair(new PairingClient.Request(code, "benchmark", "cli", List.of("status:read", "tasks:run", "tasks:read")), null);
        credential = host.credential();
        base = "https://127.0.0.1:" + lanPort;
        tls = Tls.recordingContext(new AtomicReference<>());
        client = HttpClient.newBuilder().sslContext(tls).build();

        warmUp();
        List<String> parts = List.of((args.length > 6 ? args[6] : "start,latency1,latency100,throughput,idle").split(","));
        if (parts.contains("start")) {
            startOverhead();
        }
        if (parts.contains("latency1")) {
            latency(1, 1000);
        }
        if (parts.contains("latency100")) {
            latency(100, 300);
        }
        if (parts.contains("throughput")) {
            throughput(300_000);
        }
        if (parts.contains("idle")) {
            idleSubscribers(1000, hostPid);
        }
    }

    private static SocketHttp requests;

    /**
     * A few tasks streamed end to end (so the code paths are compiled), then a wait until the host
     * is idle: right after its first healthy answer it still starts bundles in the background,
     * which would otherwise be counted in the first part's figures.
     */
    private static void warmUp() throws Exception {
        for (int i = 0; i < 5; i++) {
            String id = submit("seq 1 2000");
            try (Events reader = open("/v1/tasks/" + id + "/events")) {
                follow(reader, (text, received) -> { }, false);
            }
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        long before = CpuTime.ticks(hostPid);
        while (System.nanoTime() < deadline) {
            TimeUnit.MILLISECONDS.sleep(500);
            long now = CpuTime.ticks(hostPid);
            if (now - before <= 5) { // at most 50 ms of CPU in half a second
                return;
            }
            before = now;
        }
        System.out.println("(the host did not become idle within 30 s after the warm-up)");
    }

    private static String submit(String command) throws Exception {
        String body = JSON.writeValueAsString(JSON.createObjectNode().put("runtime", "shell").put("workspace", workspace)
                .putPOJO("steps", List.of(JSON.createObjectNode().put("tool", "bash").put("command", command))));
        if ("socket".equals(clientKind)) {
            if (requests == null) {
                requests = new SocketHttp(tls, lanPort, credential);
            }
            SocketHttp.Response answer = requests.post("/v1/tasks", body);
            if (answer.status() != 201) {
                throw new IllegalStateException(answer.body());
            }
            return JSON.readTree(answer.body()).path("id").asText();
        }
        HttpResponse<String> answer = client.send(HttpRequest.newBuilder(URI.create(base + "/v1/tasks"))
                .header("Authorization", "Bearer " + credential).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
        if (answer.statusCode() != 201) {
            throw new IllegalStateException(answer.body());
        }
        return JSON.readTree(answer.body()).path("id").asText();
    }

    /** An open event stream, whichever client reads it. */
    private interface Events extends AutoCloseable {
        /** The next event (name and data), or null at the end. */
        SseReader.Event next() throws Exception;

        @Override
        void close() throws java.io.IOException;
    }

    private static Events open(String path) throws Exception {
        if ("socket".equals(clientKind)) {
            SocketSseStream stream = new SocketSseStream(tls, lanPort, path, credential, null);
            return new Events() {
                @Override
                public SseReader.Event next() throws Exception {
                    SocketSseStream.Event e = stream.next();
                    return e == null ? null : new SseReader.Event(e.id() < 0 ? null : Long.toString(e.id()), e.name(), e.data());
                }

                @Override
                public void close() throws java.io.IOException {
                    stream.close();
                }
            };
        }
        HttpResponse<InputStream> response = client.send(HttpRequest.newBuilder(URI.create(base + path))
                .header("Authorization", "Bearer " + credential).build(), HttpResponse.BodyHandlers.ofInputStream());
        SseReader reader = new SseReader(response.body());
        return new Events() {
            @Override
            public SseReader.Event next() throws Exception {
                return reader.next();
            }

            @Override
            public void close() throws java.io.IOException {
                reader.close();
            }
        };
    }

    private static double micros(Instant at) {
        return at.getEpochSecond() * 1e6 + at.getNano() / 1e3;
    }

    /** Calls the task's lines until it ends; for each output line, {@code onLine(text, receivedMicros)}. */
    private interface LineSink {
        void line(String text, double receivedMicros);
    }

    private static void follow(Events reader, LineSink sink) throws Exception {
        follow(reader, sink, true);
    }

    /** {@code parseOutput}: whether each output event's JSON is parsed (its text handed on) or only counted. */
    private static void follow(Events reader, LineSink sink, boolean parseOutput) throws Exception {
        SseReader.Event event;
        while ((event = reader.next()) != null) {
            if ("task.output".equals(event.name())) {
                double now = micros(Instant.now());
                sink.line(parseOutput ? JSON.readTree(event.data()).path("text").asText() : null, now);
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
            try (Events reader = open("/v1/tasks/" + id + "/events")) {
                follow(reader, (text, received) -> millis.add((Double.parseDouble(text) * 1e6 - sent) / 1000));
            }
        }
        report("request to process start (25 tasks, first 5 dropped)", millis.subList(5, millis.size()));
    }

    private static void latency(int subscribers, int lines) throws Exception {
        // the task waits until every subscriber is connected (a file appears), so the CPU time counts streaming only
        Path go = Path.of(workspace, "go-" + System.nanoTime());
        String id = submit("until [ -e " + go.getFileName() + " ]; do sleep 0.05; done; for i in $(seq 1 " + lines
                + "); do echo $EPOCHREALTIME; sleep 0.005; done");
        // one list per subscriber, merged at the end: a shared CopyOnWriteArrayList copied itself on every
        // sample, O(n^2) over 30,000 samples, and took more CPU than the host did
        List<List<Double>> perSubscriber = new CopyOnWriteArrayList<>();
        CountDownLatch connected = new CountDownLatch(subscribers);
        CountDownLatch done = new CountDownLatch(subscribers);
        for (int s = 0; s < subscribers; s++) {
            List<Double> samples = new ArrayList<>(lines);
            perSubscriber.add(samples);
            Thread thread = new Thread(() -> {
                try (Events reader = open("/v1/tasks/" + id + "/events")) {
                    connected.countDown();
                    follow(reader, (text, received) -> samples.add((received - Double.parseDouble(text) * 1e6) / 1000));
                } catch (Exception e) {
                    System.out.println("subscriber failed: " + e);
                    connected.countDown();
                } finally {
                    done.countDown();
                }
            });
            thread.setDaemon(true);
            thread.start();
        }
        connected.await(5, TimeUnit.MINUTES);
        CpuTime cpu = CpuTime.start();
        java.nio.file.Files.createFile(go);
        done.await(10, TimeUnit.MINUTES);
        List<Double> millis = new ArrayList<>();
        perSubscriber.forEach(millis::addAll);
        report("line to client over TLS SSE, " + subscribers + " subscriber(s), " + lines + " lines", millis);
        cpu.report(lines * subscribers);
    }

    private static void throughput(int lines) throws Exception {
        CpuTime cpu = CpuTime.start();
        String id = submit("sleep 1; seq 1 " + lines);
        long[] firstAndLast = new long[2];
        int[] count = new int[1];
        try (Events reader = open("/v1/tasks/" + id + "/events")) {
            follow(reader, (text, received) -> {
                if (count[0]++ == 0) {
                    firstAndLast[0] = System.nanoTime();
                }
                firstAndLast[1] = System.nanoTime();
            }, "jdk".equals(clientKind)); // the lean client counts output events; the JDK one parses each, as before
        }
        double seconds = (firstAndLast[1] - firstAndLast[0]) / 1e9;
        System.out.printf("throughput, one chatty task to one client over TLS SSE: %d lines in %.2f s = %.0f lines/s%s%n",
                count[0], seconds, count[0] / seconds, count[0] == lines ? "" : " (LINES MISSING: expected " + lines + ")");
        cpu.report(lines);
    }

    private static void idleSubscribers(int count, long hostPid) throws Exception {
        long before = heapUsedAfterGc(hostPid);
        List<Events> open = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            open.add(open("/v1/events"));
        }
        long after = heapUsedAfterGc(hostPid);
        System.out.printf("%d idle subscribers: heap used after GC %d KB -> %d KB, +%.1f MB%n", count, before, after,
                (after - before) / 1024.0);
        for (Events reader : open) {
            reader.close();
        }
    }

    /** CPU time (user + system) the host and this client used during a part, from /proc: where the time goes. */
    private record CpuTime(long host, long client) {
        static CpuTime start() {
            return new CpuTime(ticks(hostPid), ticks(ProcessHandle.current().pid()));
        }

        /** @param lines lines delivered (to all subscribers together) */
        void report(int lines) {
            double hostMs = (ticks(hostPid) - host) * 10.0;
            double clientMs = (ticks(ProcessHandle.current().pid()) - client) * 10.0;
            System.out.printf("  cpu: host %.0f ms (%.1f us a delivered line), client %.0f ms (%.1f us a line)%n", hostMs,
                    hostMs * 1000 / lines, clientMs, clientMs * 1000 / lines);
        }

        /** utime + stime in clock ticks (100 a second on Linux); 0 where /proc is missing. */
        static long ticks(long pid) {
            try {
                String stat = java.nio.file.Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
                String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                return Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
            } catch (java.io.IOException | RuntimeException e) {
                return 0;
            }
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
