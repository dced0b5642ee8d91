package dev.openwork.host.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.openwork.host.api.devices.Scopes;
import dev.openwork.host.client.KnownHost;
import dev.openwork.host.client.SpkiTrustManager;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;
import javax.net.ssl.SSLContext;
import org.junit.After;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;
import org.junit.rules.Timeout;

/**
 * Soak: paired clients follow their event streams through a proxy while each keeps two tasks
 * running, and the connections are cut again and again at random moments, four ways: the client
 * closes (an app sent to the background), the proxy resets both sides (a host or NAT that forgot
 * the connection: the client sees a server-side reset), the proxy drops both sides cleanly, and the
 * proxy stalls (relays nothing for 0.2-1.5 s) then drops. Clients resume with Last-Event-ID. At the
 * end every client's stream is compared with the journal. Figures: tasks that did not succeed
 * (target 0), events lost, duplicated, reordered or changed (target 0 each). Short mode 6 clients
 * and 300 cuts; long mode 12 clients and 10,000 cuts.
 */
public class SoakIT {

    private static final String SUITE = "soak";
    private static final long SEED = 7L;
    /** About four seconds of output in ten-line bursts: a task is still running when cuts come. */
    private static final String TASK = "for i in $(seq 1 40); do for j in 0 1 2 3 4 5 6 7 8 9; do echo \"line $i.$j\" || exit 1; "
            + "done; sleep 0.1; done";

    enum Cut { CLIENT_CLOSE, RESET, DROP, STALL_THEN_DROP }

    @Rule
    public TemporaryFolder folder = new TemporaryFolder();
    @Rule
    public Timeout deadline = Timeout.seconds(Proof.deadlineSeconds(300, 3600));

    private HostProcess host;
    private final List<SseFollower> followers = new ArrayList<>();

    @After
    public void stop() throws Exception {
        followers.forEach(SseFollower::close);
        if (host != null) {
            host.stop();
        }
    }

    @Test
    public void noTaskFailsAndNoEventIsLostOrDuplicatedWhileConnectionsAreCut() throws Exception {
        int clients = Proof.size("soak.clients", 6, 12);
        int cutsWanted = Proof.size("soak.cuts", 300, 10_000);
        host = new HostProcess(folder.newFolder("data").toPath()).withOwnHome(Map.of("dev.openwork.host.tasks.cfg",
                "maxRunning = " + (clients * 2) + "\nmaxRunningPerDevice = 2\n")).start();
        Path workspace = folder.newFolder("ws").toPath().toRealPath();
        DeviceHttps https = new DeviceHttps(host.lanPort);
        Random chaos = new Random(SEED);
        Map<String, Integer> cuts = new LinkedHashMap<>();
        for (Cut cut : Cut.values()) {
            cuts.put(cut.name(), 0);
        }
        List<KnownHost> devices = new ArrayList<>();
        Map<String, List<String>> tasksByDevice = new ConcurrentHashMap<>();
        List<String> submitFailures = new CopyOnWriteArrayList<>();
        AtomicBoolean submitting = new AtomicBoolean(true);
        List<Thread> workers = new ArrayList<>();
        long started;
        try (ChaosProxy proxy = ChaosProxy.start(host.lanPort)) {
            for (int c = 0; c < clients; c++) {
                KnownHost device = PairedDevices.pair(host, "soak phone " + c, Scopes.DEFAULT_DEVICE);
                devices.add(device);
                tasksByDevice.put(device.deviceId(), new CopyOnWriteArrayList<>());
                SSLContext pinned = dev.openwork.host.client.internal.Tls.context(SpkiTrustManager.pinned(device.spkiSha256()));
                followers.add(new SseFollower("client " + c, proxy.port(), host.lanPort, pinned, device.credential(),
                        "/v1/events", 0, 20).start());
            }
            started = System.nanoTime();
            for (KnownHost device : devices) {
                for (int w = 0; w < 2; w++) {
                    Thread worker = new Thread(() -> keepATaskRunning(https, device, workspace, submitting,
                            tasksByDevice.get(device.deviceId()), submitFailures), "soak-tasks");
                    worker.setDaemon(true);
                    worker.start();
                    workers.add(worker);
                }
            }
            int total = 0;
            while (total < cutsWanted) {
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(10 + chaos.nextInt(60))); // the pace of the chaos
                Cut kind = Cut.values()[chaos.nextInt(Cut.values().length)];
                boolean done = switch (kind) {
                    case CLIENT_CLOSE -> followers.get(chaos.nextInt(followers.size())).cut();
                    case RESET -> proxy.pick(chaos).map(link -> {
                        proxy.reset(link);
                        return true;
                    }).orElse(false);
                    case DROP -> proxy.pick(chaos).map(link -> {
                        proxy.drop(link);
                        return true;
                    }).orElse(false);
                    case STALL_THEN_DROP -> proxy.pick(chaos).filter(link -> !link.stalled).map(link -> {
                        proxy.stallThenDrop(link, 200 + chaos.nextInt(1300));
                        return true;
                    }).orElse(false);
                };
                if (done) {
                    cuts.merge(kind.name(), 1, Integer::sum);
                    total++;
                }
            }
            submitting.set(false);
            for (Thread worker : workers) {
                worker.join(TimeUnit.SECONDS.toMillis(60));
            }
            // every stream catches up with the end of its device's tasks
            for (int c = 0; c < clients; c++) {
                KnownHost device = devices.get(c);
                SseFollower follower = followers.get(c);
                Map<Long, String> journal = StreamAudit.journal(tasksByDevice.get(device.deviceId()),
                        path -> https.json(https.send(device.credential(), "GET", path, null)));
                long last = journal.isEmpty() ? 0 : Collections.max(journal.keySet());
                Conditions.await(follower.name() + " to receive event " + last, Duration.ofSeconds(60),
                        () -> follower.lastId() >= last ? true : null);
            }
        }
        double seconds = (System.nanoTime() - started) / 1e9;
        followers.forEach(SseFollower::close);
        String resident = java.nio.file.Files.readAllLines(Path.of("/proc/" + host.process().pid() + "/status")).stream()
                .filter(line -> line.startsWith("VmRSS:")).findFirst().orElse("VmRSS: unknown").substring(6).trim();

        int submitted = 0;
        int succeeded = 0;
        List<String> notSucceeded = new ArrayList<>();
        StreamAudit.Result streams = StreamAudit.Result.none();
        int reconnections = 0;
        int attempts = 0;
        for (int c = 0; c < clients; c++) {
            KnownHost device = devices.get(c);
            List<String> ids = tasksByDevice.get(device.deviceId());
            for (String taskId : ids) {
                submitted++;
                JsonNode task = https.task(device.credential(), taskId);
                if ("succeeded".equals(task.path("state").asText())) {
                    succeeded++;
                } else {
                    notSucceeded.add(taskId + " " + task.path("state").asText() + ": " + task.path("summary").asText());
                }
            }
            Map<Long, String> journal = StreamAudit.journal(ids, path -> https.json(https.send(device.credential(), "GET", path, null)));
            SseFollower follower = followers.get(c);
            streams = streams.plus(StreamAudit.audit(follower.name(), follower.ids(), follower.events(), journal));
            reconnections += follower.connections() - 1;
            attempts += follower.attempts();
        }
        Proof.figure(SUITE, "clients (paired, streaming through the proxy)", clients, "");
        Proof.figure(SUITE, "connections cut", cuts.values().stream().mapToInt(Integer::intValue).sum() + " " + cuts, "");
        Proof.figure(SUITE, "streams resumed with Last-Event-ID (connections tried, some cut during the handshake)",
                reconnections + " (" + attempts + ")", "");
        Proof.figure(SUITE, "tasks run", submitted, "");
        Proof.figure(SUITE, "tasks that did not succeed (failed because of a disconnect)", submitted - succeeded, "0");
        Proof.figure(SUITE, "events in the journal of those tasks", streams.journal(), "");
        Proof.figure(SUITE, "events lost", streams.lost(), "0");
        Proof.figure(SUITE, "events duplicated", streams.duplicated(), "0");
        Proof.figure(SUITE, "events out of order or changed", streams.reordered() + streams.changed(), "0");
        Proof.figure(SUITE, "duration", String.format(java.util.Locale.ROOT, "%.1f s", seconds), "");
        Proof.figure(SUITE, "host resident memory at the end (heap capped at 128 MB)", resident, "");
        assertTrue("task submissions failed: " + submitFailures, submitFailures.isEmpty());
        assertTrue("tasks did not succeed: " + notSucceeded, notSucceeded.isEmpty());
        assertTrue("tasks ran: " + submitted, submitted >= clients * 2);
        assertEquals("streams differ from the journal: " + streams.examples(), 0,
                streams.lost() + streams.duplicated() + streams.reordered() + streams.changed());
        assertEquals(cutsWanted, cuts.values().stream().mapToInt(Integer::intValue).sum());
    }

    /** Submits a task over a direct connection, waits for its end, again, while the soak lasts. */
    private static void keepATaskRunning(DeviceHttps https, KnownHost device, Path workspace, AtomicBoolean submitting,
            List<String> taskIds, List<String> failures) {
        while (submitting.get()) {
            HttpResponse<String> answer = https.submit(device.credential(), workspace.toString(), DeviceHttps.bash(TASK));
            if (answer.statusCode() != 201) {
                failures.add(answer.statusCode() + " " + answer.body());
                return;
            }
            String id = https.json(answer).path("id").asText();
            taskIds.add(id);
            long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(2);
            while (!DeviceHttps.TERMINAL.contains(https.task(device.credential(), id).path("state").asText())) {
                if (System.nanoTime() > deadline) {
                    failures.add(id + " did not end within 2 minutes");
                    return;
                }
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(250)); // a client polling now and then, not a storm
            }
        }
    }
}
