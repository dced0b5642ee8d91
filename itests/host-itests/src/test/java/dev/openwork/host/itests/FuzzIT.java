package dev.openwork.host.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.openwork.host.api.pairing.PairingConfirmRequest;
import dev.openwork.host.api.pairing.PairingStartRequest;
import dev.openwork.host.api.pairing.PairingStartResponse;
import dev.openwork.host.api.pairing.PakeRound2;
import dev.openwork.host.client.internal.ClientPake;
import dev.openwork.host.client.internal.PairingTranscript;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.After;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;
import org.junit.rules.Timeout;

/**
 * Fuzzing over HTTP against the real distribution: seeded bodies for every route of the host's
 * OpenAPI document that takes one (plausible values, then tree and byte mutations, see {@link
 * JsonBodies}), and for the pairing routes also mutations of real EC-J-PAKE messages (a real
 * client's round 1, and a real round 2 and MAC after a real first round trip). Each input is sent
 * the way it gets furthest: with the admin credential on loopback, on the TLS listener for the
 * pairing routes, with a pairing window open. Figures: 5xx answers, hangs (no answer in 10 s),
 * crashes (the host gone or no longer healthy), untyped 4xx; targets 0. Short mode 2,000 inputs,
 * long mode 100,000 ({@code -Dopenwork.proof.fuzz.inputs=N} to choose). The PAKE decoders are also
 * fuzzed without HTTP by PairingFuzzTest in the pairing bundle.
 */
public class FuzzIT {

    private static final String SUITE = "fuzzing";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final long SEED = 20261125L;

    @Rule
    public TemporaryFolder folder = new TemporaryFolder();
    @Rule
    public Timeout deadline = Timeout.seconds(Proof.deadlineSeconds(300, 3600));

    private HostProcess host;

    @After
    public void stop() throws Exception {
        if (host != null) {
            host.stop();
        }
    }

    /** A finding: what was sent and what came back. */
    record Finding(String kind, String route, String input, String answer) {
        @Override
        public String toString() {
            return kind + " " + route + " <- " + input + " -> " + answer;
        }
    }

    @Test
    public void noBodyOrPakeMessageGetsA5xxAHangOrACrash() throws Exception {
        int inputs = Proof.size("fuzz.inputs", 2_000, 100_000);
        host = new HostProcess(folder.newFolder("data").toPath()).withOwnHome(Map.of()).start();
        String admin = Http.adminCredential(host.data);
        Http adminHttp = host.admin().http();
        ApiDocument api = ApiDocument.fetch(adminHttp);
        List<ApiDocument.Route> targets = api.routes.stream().filter(r -> r.body() != null).toList();
        assertTrue("routes with a body: " + targets, targets.size() >= 8);
        Path workspace = folder.newFolder("ws").toPath().toRealPath();
        Random hintRandom = new Random(SEED + 1);
        JsonBodies bodies = new JsonBodies(api, SEED, name -> hint(name, workspace, hintRandom));
        RawClient loopback = new RawClient(host.httpPort, false, 10_000);
        RawClient lan = new RawClient(host.lanPort, true, 10_000);
        SecureRandom pakeRandom = new SecureRandom();

        List<Finding> findings = new ArrayList<>();
        Map<String, Integer> byStatus = new LinkedHashMap<>();
        Map<String, Integer> perRoute = new LinkedHashMap<>();
        int hangs = 0;
        int fivexx = 0;
        int untyped = 0;
        int pakeSeeded = 0;
        long started = System.nanoTime();
        for (int i = 0; i < inputs; i++) {
            ApiDocument.Route route = targets.get(i % targets.size());
            boolean pairing = route.listener().equals("tls");
            JsonBodies.Body body;
            if (pairing) {
                String code = openFreshWindow(adminHttp);
                if (bodies.random().nextInt(3) == 0) {
                    body = realPakeMessage(route, code, bodies, lan, pakeRandom);
                    pakeSeeded++;
                } else {
                    body = bodies.next(route.body());
                }
            } else {
                body = bodies.next(route.body());
            }
            RawClient client = pairing ? lan : loopback;
            Map<String, String> head = new LinkedHashMap<>();
            head.put("Host", "127.0.0.1:" + client.port());
            if (!pairing) {
                head.put("Authorization", "Bearer " + admin);
            }
            if (body.contentType() != null) {
                head.put("Content-Type", body.contentType());
            }
            RawClient.Response answer = client.send(route.method(), route.concretePath(), head, body.bytes());
            perRoute.merge(route.toString(), 1, Integer::sum);
            byStatus.merge(answer.status() < 0 ? "hang" : answer.status() / 100 + "xx", 1, Integer::sum);
            String shortAnswer = answer.status() + " " + (answer.body().length() > 200 ? answer.body().substring(0, 200) : answer.body());
            if (answer.status() < 0) {
                hangs++;
                findings.add(new Finding("hang", route.toString(), body.preview(), shortAnswer));
            } else if (answer.status() >= 500 || answer.status() < 100) {
                fivexx++;
                findings.add(new Finding("5xx", route.toString(), body.preview(), shortAnswer));
            } else if (answer.status() >= 400 && !typed(answer)) {
                untyped++;
                findings.add(new Finding("untyped", route.toString(), body.preview(), shortAnswer));
            }
            if (i % 500 == 499) {
                assertAlive(adminHttp, i + 1);
            }
        }
        assertAlive(adminHttp, inputs);
        double seconds = (System.nanoTime() - started) / 1e9;
        long internalErrors = host.log().lines().filter(l -> l.contains("Request failed inside the host")).count();

        Proof.figure(SUITE, "inputs over HTTP (seed " + SEED + ")", inputs + " over " + targets.size() + " routes, "
                + pakeSeeded + " from real PAKE messages", "");
        Proof.figure(SUITE, "answers by class", byStatus.toString(), "");
        Proof.figure(SUITE, "5xx answers", fivexx, "0");
        Proof.figure(SUITE, "hangs (no answer in 10 s)", hangs, "0");
        Proof.figure(SUITE, "crashes (host gone or unhealthy)", 0, "0");
        Proof.figure(SUITE, "4xx without the typed error", untyped, "0");
        Proof.figure(SUITE, "internal errors in the host log", internalErrors, "0");
        Proof.figure(SUITE, "duration", String.format(java.util.Locale.ROOT, "%.1f s (%.0f inputs/s)", seconds, inputs / seconds), "");
        assertTrue(findings.size() + " findings:\n" + String.join("\n",
                findings.stream().limit(30).map(Finding::toString).toList()), findings.isEmpty());
        assertEquals("no internal error was logged", 0, internalErrors);
    }

    private void assertAlive(Http admin, int after) {
        assertTrue("crash: the host process died after " + after + " inputs", host.process().isAlive());
        int status = admin.get("/v1/health").status();
        assertTrue("crash: the host is not healthy after " + after + " inputs: " + status, status == 200 || status == 503);
    }

    private static boolean typed(RawClient.Response answer) {
        try {
            JsonNode error = JSON.readTree(answer.body());
            return error.hasNonNull("code") && error.hasNonNull("message");
        } catch (java.io.IOException e) {
            return false;
        }
    }

    /** Caps reset and a new window, so that every pairing input reaches the PAKE decoders; returns the code. */
    private static String openFreshWindow(Http admin) {
        admin.post("/v1/pairing/caps/reset", "application/json", "");
        Http.Answer window = admin.post("/v1/pairing/window", "application/json", "{\"minutes\":5}");
        assertEquals(window.body(), 200, window.status());
        return window.json().path("code").asText();
    }

    /**
     * A real client's message, mutated: for start, a real round 1; for confirm, a real first round
     * trip is made, then the real round 2 and MAC are mutated.
     */
    private static JsonBodies.Body realPakeMessage(ApiDocument.Route route, String code, JsonBodies bodies, RawClient lan,
            SecureRandom random) throws Exception {
        String clientId = "fuzz" + HexFormat.of().formatHex(bytes(random, 8));
        ClientPake pake = new ClientPake(clientId, code, random);
        PairingStartRequest start = new PairingStartRequest(clientId, "fuzz phone", "cli", List.of("status:read"),
                JsonBodies.base64Url(random, 32), pake.round1());
        JsonNode startJson = JSON.valueToTree(start);
        if (route.path().endsWith("/start")) {
            return bodies.mutate(startJson);
        }
        RawClient.Response answer = lan.send("POST", "/v1/pairing/start", Map.of("Host", "127.0.0.1:" + lan.port(),
                "Content-Type", "application/json"), JSON.writeValueAsBytes(startJson));
        if (answer.status() != 200) {
            throw new AssertionError("a real pairing start was refused: " + answer.status() + " " + answer.body());
        }
        PairingStartResponse response = JSON.readValue(answer.body(), PairingStartResponse.class);
        PakeRound2 round2 = pake.acceptHostRounds(response.hostId(), response.round1(), response.round2());
        // the transcript names some key: right or wrong, the host must refuse mutations with a 4xx
        byte[] transcript = PairingTranscript.build(start, response, round2, "ab".repeat(32));
        PairingConfirmRequest confirm = new PairingConfirmRequest(response.pairingId(), round2, pake.clientMac(transcript));
        return bodies.mutate(JSON.valueToTree(confirm));
    }

    private static byte[] bytes(Random random, int n) {
        byte[] value = new byte[n];
        random.nextBytes(value);
        return value;
    }

    /** Values that get a body past the first checks, so mutations reach the deeper ones. */
    private static JsonNode hint(String property, Path workspace, Random random) {
        JsonNodeFactory nodes = JsonNodeFactory.instance;
        return switch (property) {
            case "workspace" -> nodes.textNode(workspace.toString());
            case "runtime" -> nodes.textNode(random.nextInt(5) == 0 ? "nosuch" : "shell");
            case "tool" -> nodes.textNode(new String[] {"bash", "read", "write", "edit", "grep"}[random.nextInt(5)]);
            case "command" -> nodes.textNode(JsonBodies.SAFE_COMMANDS.get(random.nextInt(JsonBodies.SAFE_COMMANDS.size())));
            case "path" -> nodes.textNode(new String[] {"notes.txt", "a/b.txt", "../escape", "/etc/passwd"}[random.nextInt(4)]);
            case "content", "oldText", "newText" -> nodes.textNode("x");
            case "scopes[]", "requestedScopes[]" -> nodes.textNode(new String[] {"status:read", "tasks:read", "runtime:shell",
                    "workspace:" + workspace, "bogus"}[random.nextInt(5)]);
            case "checks[]" -> nodes.textNode(random.nextBoolean() ? "storage" : "clock");
            case "mode" -> nodes.textNode(random.nextInt(4) == 0 ? "carrier-pigeon" : "manual");
            case "minutes" -> nodes.numberNode(1 + random.nextInt(5));
            case "timeoutSeconds" -> nodes.numberNode(1 + random.nextInt(30));
            case "reply" -> nodes.textNode(new String[] {"once", "always", "reject"}[random.nextInt(3)]);
            case "code" -> nodes.textNode("12345678");
            case "clientId" -> nodes.textNode("fuzzclient" + random.nextInt(1000));
            case "deviceName" -> nodes.textNode("fuzz phone");
            case "platform" -> nodes.textNode("cli");
            case "clientKey", "clientMac" -> nodes.textNode(JsonBodies.base64Url(random, 32));
            case "gx1", "gx2", "v", "a" -> nodes.textNode(JsonBodies.base64Url(random, 65));
            case "r" -> nodes.textNode(HexFormat.of().formatHex(bytes(random, 32)));
            case "participantId" -> nodes.textNode("client:fuzzclient" + random.nextInt(1000));
            case "pairingId" -> nodes.textNode("pair_" + HexFormat.of().formatHex(bytes(random, 12)));
            case "taskId", "callId", "argsHash", "nonce", "nameHint", "message" -> nodes.textNode(
                    HexFormat.of().formatHex(bytes(random, 8)));
            default -> null;
        };
    }
}
