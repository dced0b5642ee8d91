package dev.openwork.host.client;

import com.fasterxml.jackson.databind.JavaType;
import dev.openwork.host.api.devices.Scopes;
import dev.openwork.host.api.permissions.PermissionOutcome;
import dev.openwork.host.api.permissions.PermissionPrompt;
import dev.openwork.host.api.permissions.PermissionReply;
import dev.openwork.host.api.permissions.PermissionRule;
import dev.openwork.host.api.tasks.TaskEvent;
import dev.openwork.host.client.HostClientException.Kind;
import dev.openwork.host.client.internal.HttpCalls;
import dev.openwork.host.client.internal.Json;
import dev.openwork.host.client.internal.Text;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A paired host's permission questions ({@code /v1/permissions}): the open ones of this device's
 * tasks, answering one (the answer repeats the question's task, call, arguments hash and nonce,
 * so it can only ever answer that question), and the "always" rules answers left. Get one with
 * {@link HostClient#permissions()}. Needs the scope {@code permissions:answer}. Thread-safe.
 */
public final class PermissionClient {

    private static final Duration CALL_TIMEOUT = Duration.ofSeconds(20);
    private static final JavaType PROMPTS = Json.MAPPER.getTypeFactory().constructCollectionType(List.class,
            PermissionPrompt.class);
    private static final JavaType RULES = Json.MAPPER.getTypeFactory().constructCollectionType(List.class,
            PermissionRule.class);

    private final HttpCalls calls;

    PermissionClient(HttpCalls calls) {
        this.calls = Objects.requireNonNull(calls, "calls");
    }

    /** {@code GET /v1/permissions}: the open questions of this device's tasks, oldest first. */
    public List<PermissionPrompt> pending() {
        HttpCalls.Answer answer = calls.send(calls.request("/v1/permissions", CALL_TIMEOUT).GET().build());
        if (answer.status() != 200) {
            throw HostClient.failure(calls, answer, "the list of questions", Scopes.PERMISSIONS_ANSWER);
        }
        return calls.decode(answer, PROMPTS, "the list of questions");
    }

    /** The open question with this id, if it is one of this device's. */
    public Optional<PermissionPrompt> find(String promptId) {
        return pending().stream().filter(p -> p.id().equals(promptId)).findFirst();
    }

    /**
     * {@code POST /v1/permissions/{id}/reply}: answers {@code prompt} with {@code once},
     * {@code always} or {@code reject} and an optional message.
     *
     * @return how the host settled the question
     */
    public PermissionOutcome reply(PermissionPrompt prompt, String reply, String message) {
        Objects.requireNonNull(prompt, "prompt");
        if (!List.of(PermissionReply.ONCE, PermissionReply.ALWAYS, PermissionReply.REJECT).contains(reply)) {
            throw new HostClientException(Kind.INVALID_INPUT, "An answer is once, always or reject.", null);
        }
        if (message != null && message.length() > 500) {
            throw new HostClientException(Kind.INVALID_INPUT, "The message is longer than 500 characters.", "Shorten it.");
        }
        String what = "the answer to " + Text.safe(prompt.id(), 64);
        HttpCalls.Answer answer = calls.send(calls.request("/v1/permissions/" + HttpCalls.segment(prompt.id()) + "/reply",
                CALL_TIMEOUT).header("Content-Type", "application/json")
                .POST(HttpCalls.json(PermissionReply.to(prompt, reply, message))).build());
        if (answer.status() != 200) {
            throw HostClient.failure(calls, answer, what, Scopes.PERMISSIONS_ANSWER);
        }
        return calls.decode(answer, Json.MAPPER.constructType(PermissionOutcome.class), what);
    }

    /** Looks the question up and answers it; an id that is not open for this device is an error that says so. */
    public PermissionOutcome answer(String promptId, String reply, String message) {
        PermissionPrompt prompt = find(promptId).orElseThrow(() -> new HostClientException(Kind.HOST_ERROR,
                "No open question has the id " + Text.safe(promptId, 64) + " for this device: it was answered, it expired, "
                        + "or it belongs to another device.", "owctl permissions lists the open questions."));
        return reply(prompt, reply, message);
    }

    /** {@code GET /v1/permissions/rules}: this device's "always" rules. */
    public List<PermissionRule> rules() {
        HttpCalls.Answer answer = calls.send(calls.request("/v1/permissions/rules", CALL_TIMEOUT).GET().build());
        if (answer.status() != 200) {
            throw HostClient.failure(calls, answer, "the list of rules", Scopes.PERMISSIONS_ANSWER);
        }
        return calls.decode(answer, RULES, "the list of rules");
    }

    /** {@code DELETE /v1/permissions/rules/{id}}: the rule's calls are asked about again. */
    public void forgetRule(String ruleId) {
        HttpCalls.Answer answer = calls.send(calls.request("/v1/permissions/rules/" + HttpCalls.segment(ruleId),
                CALL_TIMEOUT).DELETE().build());
        if (answer.status() / 100 != 2) {
            throw HostClient.failure(calls, answer, "removing the rule", Scopes.PERMISSIONS_ANSWER);
        }
    }

    /** The question a {@code permission.asked} task event carries. */
    public static PermissionPrompt promptOf(TaskEvent event) throws IOException {
        return Json.read(event.text().getBytes(StandardCharsets.UTF_8), PermissionPrompt.class);
    }

    /** The outcome a {@code permission.replied} task event carries. */
    public static PermissionOutcome outcomeOf(TaskEvent event) throws IOException {
        return Json.read(event.text().getBytes(StandardCharsets.UTF_8), PermissionOutcome.class);
    }
}
