package dev.openwork.host.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.openwork.host.api.devices.DeviceRegistry;
import dev.openwork.host.api.devices.Scopes;
import dev.openwork.host.api.discovery.DiscoveryControl;
import dev.openwork.host.api.discovery.DiscoveryMode;
import dev.openwork.host.api.identity.HostIdentity;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
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
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;

/**
 * Hot swap under load, in a real Felix: while four devices stream their events over TLS and each
 * keeps a task running, an admin stops and starts, then updates, in turn the REST transport, the
 * TLS listener, the discovery mode (mdns -> manual -> mdns; on loopback mDNS finds no multicast
 * interface, which does not matter here), an integrator's policy bundle
 * (examples/dev.openwork.host.example.policy) and the shell runtime. After each step the new
 * behaviour must hold at the next request, and the figure is the time from the swap's start until
 * every client's stream is open again (target 2 s). At the end no accepted task may be missing or
 * unfinished, and every stream must equal the journal. Tasks running in the shell runtime when it
 * stops end with it (their processes belong to it): counted apart.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class HotSwapIT {

    private static final String SUITE = "hot swap";
    private static final int CLIENTS = 4;
    private static final String TASK = "for i in $(seq 1 30); do for j in 0 1 2 3 4; do echo \"line $i.$j\"; done; sleep 0.1; done";

    @Rule
    public Timeout deadline = Timeout.seconds(Proof.deadlineSeconds(300, 1800));

    @Inject
    private BundleContext context;
    @Inject
    private HostIdentity identity;
    @Inject
    private DeviceRegistry devices;
    @Inject
    private DiscoveryControl discovery;

    @Configuration
    public Option[] configuration() {
        return new Option[] {HostDistribution.host("core", "rest", "console", "discovery")};
    }

    /** What one swap measured. */
    record Swap(String what, double clientsBackMillis, double apiBackMillis) {
    }

    private final List<SseFollower> followers = new ArrayList<>();

    private int tlsPort() {
        return Conditions.await("the TLS listener", Duration.ofSeconds(30),
                () -> identity.endpoints().isEmpty() ? null : identity.endpoints().get(0).port());
    }

    private Bundle bundle(String symbolicName) {
        return Arrays.stream(context.getBundles()).filter(b -> symbolicName.equals(b.getSymbolicName())).findFirst()
                .orElseThrow(() -> new AssertionError("no bundle " + symbolicName));
    }

    @Test
    public void swapsUnderLoadLoseNoTaskAndBringEveryClientBackWithinTwoSeconds() throws Exception {
        int port = tlsPort();
        DeviceHttps https = new DeviceHttps(identity);
        Path workspace = Files.createTempDirectory("openwork-hotswap-").toRealPath();
        List<String> credentials = new ArrayList<>();
        List<List<String>> tasksByClient = new ArrayList<>();
        AtomicBoolean running = new AtomicBoolean(true);
        AtomicInteger refusedWhileSwapping = new AtomicInteger();
        List<Thread> keepers = new ArrayList<>();
        for (int c = 0; c < CLIENTS; c++) {
            String credential = devices.register("swap phone " + c, "ios", Scopes.DEFAULT_DEVICE).credential();
            credentials.add(credential);
            List<String> taskIds = new CopyOnWriteArrayList<>();
            tasksByClient.add(taskIds);
            followers.add(new SseFollower("client " + c, port, port, Tls.recordingContext(new AtomicReference<>()), credential,
                    "/v1/events", 0, 50).start());
            Thread keeper = new Thread(() -> keepATaskRunning(https, credential, workspace, running, taskIds, refusedWhileSwapping),
                    "hotswap-tasks-" + c);
            keeper.setDaemon(true);
            keeper.start();
            keepers.add(keeper);
        }
        String prober = devices.register("policy prober", "cli", Scopes.DEFAULT_DEVICE).credential();
        List<String> proberTasks = new ArrayList<>();
        awaitClientsBack(System.nanoTime() - 1, "the first streams");
        Conditions.await("tasks running", Duration.ofSeconds(30), () -> tasksByClient.stream().allMatch(l -> !l.isEmpty()) ? true : null);

        List<Swap> swaps = new ArrayList<>();
        List<String> violations = new ArrayList<>();
        int cycles = Proof.size("hotswap.cycles", 1, 5);
        try {
            for (int cycle = 0; cycle < cycles; cycle++) {
                swapEverything(https, prober, workspace, proberTasks, swaps, violations);
            }
        } finally {
            running.set(false);
        }
        for (Thread keeper : keepers) {
            keeper.join(TimeUnit.MINUTES.toMillis(2));
        }
        report(https, credentials, tasksByClient, swaps, violations, refusedWhileSwapping.get(), cycles);
    }

    /** One round of every swap, each measured and followed by a check of the new behaviour. */
    private void swapEverything(DeviceHttps https, String prober, Path workspace, List<String> proberTasks, List<Swap> swaps,
            List<String> violations) throws Exception {
        {
            for (String transport : List.of("dev.openwork.host.transport.http", "dev.openwork.host.transport.tls")) {
                Bundle b = bundle(transport);
                swaps.add(measure(transport + " stop/start", https, prober, () -> {
                    b.stop();
                    HttpResponse<String> gone = probeHealth(https, prober);
                    if (gone != null && gone.statusCode() == 200) {
                        violations.add(transport + " stopped, yet the API answered 200");
                    }
                    b.start();
                }, () -> expectHealthy(https, prober, transport + " started", violations)));
                swaps.add(measure(transport + " update", https, prober, b::update,
                        () -> expectHealthy(https, prober, transport + " updated", violations)));
            }

            discovery.use(DiscoveryMode.MDNS, Duration.ofSeconds(5));
            for (DiscoveryMode mode : List.of(DiscoveryMode.MANUAL, DiscoveryMode.MDNS)) {
                swaps.add(measure("discovery to " + mode.id(), https, prober, () -> discovery.use(mode, Duration.ofSeconds(5)),
                        () -> {
                            JsonNode view = https.json(https.send(prober, "GET", "/v1/discovery", null));
                            if (!mode.id().equals(view.path("mode").asText())) {
                                violations.add("discovery switched to " + mode.id() + ", the API says " + view);
                            }
                        }));
            }
            discovery.use(DiscoveryMode.MANUAL, Duration.ofSeconds(5));

            Bundle policy = context.installBundle(HostDistribution.examplePolicyJar().toUri().toString());
            try {
                swaps.add(measure("policy bundle start", https, prober, policy::start,
                        () -> expectEnvWrite(https, prober, workspace, proberTasks, false, "after the policy started", violations)));
                swaps.add(measure("policy bundle stop", https, prober, policy::stop,
                        () -> expectEnvWrite(https, prober, workspace, proberTasks, true, "after the policy stopped", violations)));
                policy.start();
                swaps.add(measure("policy bundle update", https, prober, policy::update,
                        () -> expectEnvWrite(https, prober, workspace, proberTasks, false, "after the policy was updated", violations)));
            } finally {
                policy.uninstall();
            }

            Bundle shell = bundle("dev.openwork.host.runtime.shell");
            swaps.add(measure("shell runtime stop/start", https, prober, () -> {
                shell.stop();
                HttpResponse<String> missing = https.submit(prober, workspace.toString(), DeviceHttps.bash("true"));
                if (missing.statusCode() != 404 || !missing.body().contains("No runtime named 'shell'")) {
                    violations.add("with the shell runtime stopped a submission answered " + missing.statusCode() + " " + missing.body());
                }
                shell.start();
            }, () -> expectShellRuns(https, prober, workspace, proberTasks, "after the shell runtime started", violations)));
            swaps.add(measure("shell runtime update", https, prober, shell::update,
                    () -> expectShellRuns(https, prober, workspace, proberTasks, "after the shell runtime's update", violations)));
        }
    }

    private void report(DeviceHttps https, List<String> credentials, List<List<String>> tasksByClient, List<Swap> swaps,
            List<String> violations, int refusedWhileSwapping, int cycles) {
        int accepted = 0;
        int lost = 0;
        int stoppedWithTheirRuntime = 0;
        List<String> otherFailures = new ArrayList<>();
        StreamAudit.Result streams = StreamAudit.Result.none();
        for (int c = 0; c < CLIENTS; c++) {
            String credential = credentials.get(c);
            for (String taskId : tasksByClient.get(c)) {
                accepted++;
                HttpResponse<String> answer = https.send(credential, "GET", "/v1/tasks/" + taskId, null);
                JsonNode task = answer.statusCode() == 200 ? https.json(answer) : null;
                String state = task == null ? "missing" : task.path("state").asText();
                if (!DeviceHttps.TERMINAL.contains(state)) {
                    lost++;
                    otherFailures.add(taskId + " is " + state);
                } else if (!"succeeded".equals(state)) {
                    if ("interrupted".equals(state) && task.path("summary").asText().contains("stopped while the task ran")) {
                        stoppedWithTheirRuntime++;
                    } else {
                        otherFailures.add(taskId + " " + state + ": " + task.path("summary").asText());
                    }
                }
            }
            SseFollower follower = followers.get(c);
            Map<Long, String> journal = StreamAudit.journal(tasksByClient.get(c),
                    path -> https.json(https.send(credential, "GET", path, null)));
            long last = journal.isEmpty() ? 0 : Collections.max(journal.keySet());
            Conditions.await(follower.name() + " to catch up", Duration.ofSeconds(60), () -> follower.lastId() >= last ? true : null);
            streams = streams.plus(StreamAudit.audit(follower.name(), follower.ids(), follower.events(), journal));
        }
        followers.forEach(SseFollower::close);

        Map<String, double[]> worstPerSwap = new LinkedHashMap<>();
        double worst = 0;
        for (Swap swap : swaps) {
            double[] w = worstPerSwap.computeIfAbsent(swap.what(), k -> new double[2]);
            w[0] = Math.max(w[0], swap.clientsBackMillis());
            w[1] = Math.max(w[1], swap.apiBackMillis());
            worst = Math.max(worst, swap.clientsBackMillis());
        }
        Map<String, String> perSwap = new LinkedHashMap<>();
        worstPerSwap.forEach((what, w) -> perSwap.put(what, String.format(java.util.Locale.ROOT, "%.0f ms (API %.0f ms)", w[0], w[1])));
        Proof.figure(SUITE, "swaps under load (" + CLIENTS + " streaming clients, a task each)", swaps.size() + " in " + cycles
                + " round(s)", "");
        perSwap.forEach((what, time) -> Proof.figure(SUITE, "every client back after " + what, time, "<= 2000 ms"));
        Proof.figure(SUITE, "worst time until every client is back", String.format(java.util.Locale.ROOT, "%.0f ms", worst),
                "<= 2000 ms");
        Proof.figure(SUITE, "tasks accepted", accepted, "");
        Proof.figure(SUITE, "tasks lost (missing or never ended)", lost, "0");
        Proof.figure(SUITE, "tasks stopped with the shell runtime (ended interrupted)", stoppedWithTheirRuntime, "");
        Proof.figure(SUITE, "tasks failed otherwise", otherFailures.size(), "0");
        Proof.figure(SUITE, "submissions refused while a part was away (retried)", refusedWhileSwapping, "");
        Proof.figure(SUITE, "events lost, duplicated, reordered or changed", streams.lost() + streams.duplicated()
                + streams.reordered() + streams.changed() + " of " + streams.journal(), "0");
        Proof.figure(SUITE, "new behaviour not holding at once", violations.size(), "0");
        assertTrue(String.join("\n", violations), violations.isEmpty());
        assertEquals("tasks lost: " + otherFailures, 0, lost);
        assertTrue("tasks failed: " + otherFailures, otherFailures.isEmpty());
        assertEquals("streams differ from the journal: " + streams.examples(), 0,
                streams.lost() + streams.duplicated() + streams.reordered() + streams.changed());
        // the 2 s target is a figure, not an assertion: timing on a shared machine is no test (see reliability.md)
    }

    interface Action {
        void run() throws Exception;
    }

    /** Runs a swap, measures until every client's stream and the API are back, then checks the new behaviour. */
    private Swap measure(String what, DeviceHttps https, String credential, Action swap, Action newBehaviour) throws Exception {
        long started = System.nanoTime();
        swap.run();
        long apiBack = Conditions.await("the API after " + what, Duration.ofSeconds(30), () -> {
            HttpResponse<String> answer = probeHealth(https, credential);
            return answer != null && answer.statusCode() == 200 ? System.nanoTime() : null;
        });
        long clientsBack = awaitClientsBack(started, what);
        newBehaviour.run();
        return new Swap(what, Math.max(0, clientsBack - started) / 1e6, (apiBack - started) / 1e6);
    }

    /** When every client had a stream again (hello after its last drop); a client that never dropped counts as back at once. */
    private long awaitClientsBack(long since, String what) {
        return Conditions.await("every client's stream back after " + what, Duration.ofSeconds(30), () -> {
            long latest = since;
            for (SseFollower follower : followers) {
                boolean dropped = follower.lastDropNanos() > since;
                if (dropped || follower.lastHelloNanos() == 0) {
                    if (!follower.connected() || follower.lastHelloNanos() < follower.lastDropNanos()) {
                        return null;
                    }
                    latest = Math.max(latest, follower.lastHelloNanos());
                }
            }
            return latest;
        });
    }

    private static void expectHealthy(DeviceHttps https, String credential, String when, List<String> violations) {
        HttpResponse<String> health = probeHealth(https, credential);
        if (health == null || health.statusCode() != 200) {
            violations.add(when + ": GET /v1/health answered " + (health == null ? "nothing" : health.statusCode()));
        }
    }

    private static void expectShellRuns(DeviceHttps https, String credential, Path workspace, List<String> proberTasks, String when,
            List<String> violations) {
        HttpResponse<String> back = https.submit(credential, workspace.toString(), DeviceHttps.bash("true"));
        if (back.statusCode() != 201) {
            violations.add(when + ": a submission answered " + back.statusCode() + " " + back.body());
            return;
        }
        String id = https.json(back).path("id").asText();
        proberTasks.add(id);
        String state = https.awaitEnd(credential, id).path("state").asText();
        if (!"succeeded".equals(state)) {
            violations.add(when + ": the task ended " + state);
        }
    }

    private static HttpResponse<String> probeHealth(DeviceHttps https, String credential) {
        try {
            return https.send(credential, "GET", "/v1/health", null);
        } catch (RuntimeException connectionRefused) {
            return null;
        }
    }

    /** A task that writes prod.env: refused by the example policy while it runs, written otherwise. */
    private static void expectEnvWrite(DeviceHttps https, String credential, Path workspace, List<String> proberTasks,
            boolean allowed, String when, List<String> violations) throws Exception {
        Files.deleteIfExists(workspace.resolve("prod.env"));
        String id = https.run(credential, workspace.toString(), DeviceHttps.write("prod.env", "X=1\n"));
        proberTasks.add(id);
        JsonNode ended = https.awaitEnd(credential, id);
        boolean written = "succeeded".equals(ended.path("state").asText()) && Files.exists(workspace.resolve("prod.env"));
        if (written != allowed) {
            violations.add(when + ": writing prod.env " + (written ? "succeeded" : "was refused") + ": " + ended);
        }
    }

    private static void keepATaskRunning(DeviceHttps https, String credential, Path workspace, AtomicBoolean running,
            List<String> taskIds, AtomicInteger refused) {
        while (running.get()) {
            HttpResponse<String> answer;
            try {
                answer = https.submit(credential, workspace.toString(), DeviceHttps.bash(TASK));
            } catch (RuntimeException connectionLost) {
                answer = null;
            }
            if (answer == null || answer.statusCode() != 201) {
                refused.incrementAndGet();
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(100)); // a client retrying a moment later
                continue;
            }
            String id = https.json(answer).path("id").asText();
            taskIds.add(id);
            long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(2);
            while (!taskEnded(https, credential, id) && System.nanoTime() < deadline) {
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(250)); // polling now and then
            }
        }
    }

    private static boolean taskEnded(DeviceHttps https, String credential, String id) {
        try {
            HttpResponse<String> answer = https.send(credential, "GET", "/v1/tasks/" + id, null);
            return answer.statusCode() == 200 && DeviceHttps.TERMINAL.contains(https.json(answer).path("state").asText());
        } catch (RuntimeException connectionLost) {
            return false;
        }
    }
}
