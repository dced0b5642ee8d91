package dev.openwork.host.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.openwork.host.api.devices.DeviceRegistry;
import dev.openwork.host.api.devices.Scopes;
import dev.openwork.host.api.identity.HostIdentity;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import javax.inject.Inject;
import org.junit.Before;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.Timeout;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.framework.BundleContext;

/**
 * Permission gates end to end over HTTPS, with a device answering questions as a phone would:
 * once, reject, timeout, always (in that workspace only), replayed, expired, mismatched and
 * foreign answers, scopes for runtimes and workspaces, and the audit log of every decision. The
 * rules and the timeout are set by writing etc/ files, as an admin would.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class PermissionsIT {

    private static final String GATE_PID = "dev.openwork.host.permissions";
    private static final String GATE = "dev.openwork.host.permissions.internal.PermissionGateComponent";
    private static final String RULES_PID = "dev.openwork.host.permissions.commands";
    private static final String RULES = "dev.openwork.host.permissions.internal.CommandRulesPolicy";
    /** "echo ask..." commands are asked about; everything else is left to the built-in policies. */
    private static final String ASK_RULES = "{\"bash\": {\"echo ask*\": \"ask\"}}";
    private static final Duration WAIT = Duration.ofSeconds(30);

    @Rule
    public Timeout deadline = Timeout.seconds(180);

    @Inject
    private BundleContext context;
    @Inject
    private HostIdentity identity;
    @Inject
    private DeviceRegistry devices;

    private DeviceHttps https;

    @Configuration
    public Option[] configuration() {
        return new Option[] {HostDistribution.host("core", "rest", "console")};
    }

    @Before
    public void configure() throws Exception {
        https = new DeviceHttps(identity);
        timeout(30);
        LiveConfig.write(context, RULES_PID, RULES, "rules", ASK_RULES, "enabled = true\nrules = " + ASK_RULES + "\n");
    }

    private void timeout(int seconds) throws Exception {
        LiveConfig.write(context, GATE_PID, GATE, "timeoutSeconds", Integer.toString(seconds),
                "timeoutSeconds = " + seconds + "\nwhenNoPolicyDecides = allow\n");
    }

    private String phone() {
        return devices.register("phone", "ios", Scopes.DEFAULT_DEVICE).credential();
    }

    private static String workspace() throws Exception {
        return Files.createTempDirectory("openwork-permissions-it-").toRealPath().toString();
    }

    private Http admin() {
        return new Http(Integer.parseInt(context.getProperty(HostDistribution.HTTP_PORT)),
                Http.adminCredential(Path.of(context.getProperty("openwork.host.data"))));
    }

    /** The audit entries of a task, as "decision by" strings. */
    private List<String> audit(String taskId) {
        JsonNode page = admin().get("/v1/audit?task=" + taskId + "&limit=100").json();
        List<String> entries = new ArrayList<>();
        page.path("entries").forEach(e -> entries.add(e.path("decision").asText() + " by " + e.path("decidedBy").asText()));
        return entries;
    }

    private HttpResponse<String> reply(String credential, JsonNode prompt, String decision, String message) {
        ObjectNode body = DeviceHttps.JSON.createObjectNode().put("taskId", prompt.path("taskId").asText())
                .put("callId", prompt.path("callId").asText()).put("argsHash", prompt.path("argsHash").asText())
                .put("nonce", prompt.path("nonce").asText()).put("reply", decision);
        if (message != null) {
            body.put("message", message);
        }
        return https.send(credential, "POST", "/v1/permissions/" + prompt.path("id").asText() + "/reply", body.toString());
    }

    private HttpResponse<String> replyWith(String credential, JsonNode prompt, String field, String value) {
        ObjectNode body = DeviceHttps.JSON.createObjectNode().put("taskId", prompt.path("taskId").asText())
                .put("callId", prompt.path("callId").asText()).put("argsHash", prompt.path("argsHash").asText())
                .put("nonce", prompt.path("nonce").asText()).put("reply", "once");
        body.put(field, value);
        return https.send(credential, "POST", "/v1/permissions/" + prompt.path("id").asText() + "/reply", body.toString());
    }

    private static void assertError(HttpResponse<String> answer, int status, String code) throws Exception {
        assertEquals(answer.body(), status, answer.statusCode());
        JsonNode error = DeviceHttps.JSON.readTree(answer.body());
        assertEquals(answer.body(), code, error.path("code").asText());
        assertFalse(answer.body(), error.path("action").asText().isEmpty());
    }

    @Test
    public void aQuestionReachesTheDevicesStreamAndAnAnswerOnceRunsTheCall() throws Exception {
        DeviceRegistry.Registration device = devices.register("phone", "ios", Scopes.DEFAULT_DEVICE);
        String phone = device.credential();
        String ws = workspace();
        try (DeviceHttps.Stream events = https.stream(phone, "/v1/events")) {
            events.next("hello", WAIT);
            String taskId = https.run(phone, ws, DeviceHttps.bash("echo asked > out.txt"));
            JsonNode asked = events.next("permission.asked", WAIT);
            JsonNode prompt = asked.path("permission");
            assertEquals(taskId, asked.path("taskId").asText());
            assertEquals("bash", prompt.path("tool").asText());
            assertEquals("echo asked > out.txt", prompt.path("command").asText());
            assertEquals(ws, prompt.path("workspace").asText());
            assertEquals("command-rules", prompt.path("policy").asText());
            assertTrue(prompt.toString(), prompt.path("reason").asText().contains("echo ask*"));
            assertFalse(prompt.path("nonce").asText().isEmpty());
            assertEquals(64, prompt.path("argsHash").asText().length());
            Duration window = Duration.between(java.time.Instant.parse(prompt.path("askedAt").asText()),
                    java.time.Instant.parse(prompt.path("expiresAt").asText()));
            assertEquals(Duration.ofSeconds(30), window);
            assertEquals("waiting_permission", Conditions.await("the task to wait", WAIT, () -> {
                String state = https.task(phone, taskId).path("state").asText();
                return state.equals("waiting_permission") ? state : null;
            }));
            JsonNode pending = https.json(https.send(phone, "GET", "/v1/permissions", null));
            assertEquals(prompt.path("id").asText(), pending.get(0).path("id").asText());

            HttpResponse<String> answered = reply(phone, prompt, "once", null);
            assertEquals(answered.body(), 200, answered.statusCode());
            assertTrue(https.json(answered).path("allowed").asBoolean());
            JsonNode replied = events.next("permission.replied", WAIT);
            assertEquals("once", replied.path("permission").path("decision").asText());
            assertEquals("succeeded", https.awaitEnd(phone, taskId).path("state").asText());
            assertEquals("asked\n", Files.readString(Path.of(ws, "out.txt")));
            assertEquals(List.of("ask by policy:command-rules", "allow by device:" + device.device().id()), audit(taskId));
            assertError(reply(phone, prompt, "once", null), 409, "conflict");
        }
    }

    @Test
    public void aRejectionEndsTheTaskWithAClearReason() throws Exception {
        String phone = phone();
        String ws = workspace();
        String taskId = https.run(phone, ws, DeviceHttps.bash("echo asked > out.txt"));
        try (DeviceHttps.Stream events = https.stream(phone, "/v1/tasks/" + taskId + "/events")) {
            JsonNode prompt = events.next("permission.asked", WAIT).path("permission");
            assertEquals(200, reply(phone, prompt, "reject", "not on a Friday").statusCode());
        }
        JsonNode task = https.awaitEnd(phone, taskId);
        assertEquals("failed", task.path("state").asText());
        assertTrue(task.toString(), task.path("summary").asText().contains("rejected by dev_")
                && task.path("summary").asText().contains("not on a Friday"));
        assertFalse("the refused call did not run", Files.exists(Path.of(ws, "out.txt")));
        assertEquals("deny", audit(taskId).get(1).substring(0, 4));
    }

    @Test
    public void noAnswerInTimeRejectsAndALateAnswerHasExpired() throws Exception {
        timeout(2);
        try {
            String phone = phone();
            String taskId = https.run(phone, workspace(), DeviceHttps.bash("echo asked"));
            JsonNode prompt;
            try (DeviceHttps.Stream events = https.stream(phone, "/v1/tasks/" + taskId + "/events")) {
                prompt = events.next("permission.asked", WAIT).path("permission");
                assertEquals("timeout", events.next("permission.replied", WAIT).path("permission").path("decision").asText());
            }
            JsonNode task = https.awaitEnd(phone, taskId);
            assertEquals("failed", task.path("state").asText());
            assertTrue(task.toString(), task.path("summary").asText().contains("nobody answered within 2 s"));
            assertError(reply(phone, prompt, "once", null), 410, "expired");
            assertEquals(List.of("ask by policy:command-rules", "deny by timeout"), audit(taskId));
        } finally {
            timeout(30);
        }
    }

    @Test
    public void alwaysLetsTheNextMatchingCallRunWithoutAskingInThatWorkspaceOnly() throws Exception {
        String phone = phone();
        String ws1 = workspace();
        String ws2 = workspace();
        String first = https.run(phone, ws1, DeviceHttps.write(".env", "TOKEN=1\n"));
        try (DeviceHttps.Stream events = https.stream(phone, "/v1/tasks/" + first + "/events")) {
            JsonNode prompt = events.next("permission.asked", WAIT).path("permission");
            assertEquals("sensitive-tools", prompt.path("policy").asText());
            assertEquals("[\".env\"]", prompt.path("alwaysAllows").toString());
            assertEquals("+ TOKEN=1\n", prompt.path("preview").asText());
            HttpResponse<String> always = reply(phone, prompt, "always", null);
            assertEquals(always.body(), 200, always.statusCode());
        }
        assertEquals("succeeded", https.awaitEnd(phone, first).path("state").asText());
        JsonNode rules = https.json(https.send(phone, "GET", "/v1/permissions/rules", null));
        assertEquals(1, rules.size());
        assertEquals(ws1, rules.get(0).path("workspace").asText());

        String second = https.run(phone, ws1, DeviceHttps.write(".env", "TOKEN=2\n"));
        assertEquals("succeeded", https.awaitEnd(phone, second).path("state").asText());
        assertEquals("TOKEN=2\n", Files.readString(Path.of(ws1, ".env")));
        for (JsonNode event : https.log(phone, second)) {
            assertFalse("no question the second time: " + event, event.path("type").asText().startsWith("permission."));
        }
        assertTrue(audit(second).toString(), audit(second).get(0).startsWith("allow by rule:rule_"));

        String elsewhere = https.run(phone, ws2, DeviceHttps.write(".env", "TOKEN=3\n"));
        try (DeviceHttps.Stream events = https.stream(phone, "/v1/tasks/" + elsewhere + "/events")) {
            JsonNode prompt = events.next("permission.asked", WAIT).path("permission");
            assertEquals("another workspace is asked about again", ws2, prompt.path("workspace").asText());
            reply(phone, prompt, "reject", null);
        }
        assertEquals("failed", https.awaitEnd(phone, elsewhere).path("state").asText());
        assertEquals(204, https.send(phone, "DELETE", "/v1/permissions/rules/" + rules.get(0).path("id").asText(), null)
                .statusCode());
        assertEquals(0, https.json(https.send(phone, "GET", "/v1/permissions/rules", null)).size());
    }

    @Test
    public void answersMustBeBoundToTheQuestionComeFromItsDeviceAndCountOnce() throws Exception {
        String phone = phone();
        String stranger = phone();
        String mute = devices.register("reader", "cli", Set.of(Scopes.STATUS_READ, Scopes.TASKS_READ)).credential();
        String ws = workspace();
        String other = https.run(phone, ws, DeviceHttps.bash("true"));
        String taskId = https.run(phone, ws, DeviceHttps.bash("echo asked"));
        try (DeviceHttps.Stream events = https.stream(phone, "/v1/tasks/" + taskId + "/events")) {
            JsonNode prompt = events.next("permission.asked", WAIT).path("permission");
            assertError(replyWith(phone, prompt, "taskId", other), 409, "conflict");
            assertError(replyWith(phone, prompt, "callId", "call_0000000000000000"), 409, "conflict");
            assertError(replyWith(phone, prompt, "argsHash", "0".repeat(64)), 409, "conflict");
            assertError(replyWith(phone, prompt, "nonce", "AAAAAAAAAAAAAAAAAAAAAA"), 409, "conflict");
            assertError(reply(stranger, prompt, "once", null), 404, "not_found");
            assertError(reply(mute, prompt, "once", null), 403, "forbidden");
            assertError(reply(phone, prompt, "sure", null), 400, "invalid_request");
            assertError(https.send(phone, "POST", "/v1/permissions/" + prompt.path("id").asText() + "/reply",
                    "{\"reply\":\"once\",\"extra\":1}"), 400, "invalid_json");
            assertError(https.send(phone, "POST", "/v1/permissions/" + prompt.path("id").asText() + "/reply", "{"), 400,
                    "invalid_json");
            assertTrue("the stranger does not see it",
                    https.json(https.send(stranger, "GET", "/v1/permissions", null)).isEmpty());
            assertEquals("refused answers leave the question open", "waiting_permission",
                    https.task(phone, taskId).path("state").asText());
            assertEquals(200, reply(phone, prompt, "once", null).statusCode());
            assertError(reply(phone, prompt, "once", null), 409, "conflict");
            assertError(reply(phone, prompt, "reject", null), 409, "conflict");
        }
        assertEquals("succeeded", https.awaitEnd(phone, taskId).path("state").asText());
    }

    @Test
    public void aDeviceRunsOnlyWithTheRuntimesAndWorkspacesItWasGrantedCheckedOnEveryToolCall() throws Exception {
        String ws1 = workspace();
        String ws2 = workspace();
        String otherRuntime = devices.register("other runtime", "cli", Set.of(Scopes.TASKS_RUN, Scopes.TASKS_READ,
                "runtime:opencode", Scopes.WORKSPACE_ANY)).credential();
        assertError(https.submit(otherRuntime, ws1, DeviceHttps.bash("true")), 403, "forbidden");
        String noWorkspace = devices.register("no workspace", "cli", Set.of(Scopes.TASKS_RUN, Scopes.TASKS_READ,
                "runtime:shell")).credential();
        assertError(https.submit(noWorkspace, ws1, DeviceHttps.bash("true")), 403, "forbidden");
        DeviceRegistry.Registration narrow = devices.register("one workspace", "cli", Set.of(Scopes.TASKS_RUN,
                Scopes.TASKS_READ, Scopes.PERMISSIONS_ANSWER, "runtime:shell", "workspace:" + ws1));
        String credential = narrow.credential();
        assertError(https.submit(credential, ws2, DeviceHttps.bash("true")), 403, "forbidden");

        String taskId = https.run(credential, ws1, DeviceHttps.bash("echo asked > one.txt"),
                DeviceHttps.bash("echo two > two.txt"));
        try (DeviceHttps.Stream events = https.stream(credential, "/v1/tasks/" + taskId + "/events")) {
            JsonNode prompt = events.next("permission.asked", WAIT).path("permission");
            // while the task waits, the admin takes the runtime away: the next tool call must see it
            devices.setScopes(narrow.device().id(), Set.of(Scopes.TASKS_RUN, Scopes.TASKS_READ, Scopes.PERMISSIONS_ANSWER,
                    "workspace:" + ws1));
            assertEquals(200, reply(credential, prompt, "once", null).statusCode());
        }
        JsonNode task = https.awaitEnd(credential, taskId);
        assertEquals("failed", task.path("state").asText());
        assertTrue(task.toString(), task.path("summary").asText().contains("may not use the runtime shell"));
        assertTrue("the answered step ran", Files.exists(Path.of(ws1, "one.txt")));
        assertFalse("the next one did not", Files.exists(Path.of(ws1, "two.txt")));
        List<String> audit = audit(taskId);
        assertEquals(List.of("ask by policy:command-rules", "allow by device:" + narrow.device().id(), "deny by scope"), audit);
    }

    @Test
    public void theAuditLogIsForTheAdminOnly() throws Exception {
        String phone = phone();
        assertError(https.send(phone, "GET", "/v1/audit", null), 403, "forbidden");
        Http.Answer page = admin().get("/v1/audit?limit=5");
        assertEquals(page.body(), 200, page.status());
        assertTrue(page.json().path("entries").isArray());
        assertEquals(400, admin().get("/v1/audit?limit=5000").status());
    }
}
