package dev.openwork.host.permissions.internal;

import dev.openwork.host.api.devices.DeviceRegistry;
import dev.openwork.host.api.events.HostEventProperties;
import dev.openwork.host.api.events.HostTopics;
import dev.openwork.host.api.health.HealthCheck;
import dev.openwork.host.api.health.HealthCheckResult;
import dev.openwork.host.api.health.HealthStatus;
import dev.openwork.host.api.host.HostInfo;
import dev.openwork.host.api.permissions.AuditEntry;
import dev.openwork.host.api.permissions.AuditQuery;
import dev.openwork.host.api.permissions.PermissionOutcome;
import dev.openwork.host.api.permissions.PermissionPrompt;
import dev.openwork.host.api.permissions.PermissionReply;
import dev.openwork.host.api.permissions.PermissionRule;
import dev.openwork.host.api.permissions.PermissionService;
import dev.openwork.host.api.permissions.PolicyAnswer;
import dev.openwork.host.api.permissions.ToolPolicy;
import dev.openwork.host.api.tasks.ToolGate;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.osgi.framework.Constants;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.osgi.service.event.Event;
import org.osgi.service.event.EventAdmin;
import org.osgi.service.event.EventConstants;
import org.osgi.service.event.EventHandler;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.osgi.service.metatype.annotations.Option;

/**
 * Publishes the {@link PermissionGate} as the host's {@link ToolGate} and {@link PermissionService},
 * over the rules and the audit log in {@code <data>/permissions}, collecting the {@link ToolPolicy}
 * whiteboard; the {@code permissions} health check says whether decisions can be audited. A
 * revoked device's "always" rules are forgotten.
 */
@Component(service = {ToolGate.class, PermissionService.class, HealthCheck.class, EventHandler.class},
        configurationPid = PermissionGateComponent.PID,
        property = {HealthCheck.NAME + "=" + PermissionGateComponent.CHECK_NAME,
            EventConstants.EVENT_TOPIC + "=" + HostTopics.DEVICE_REVOKED})
@Designate(ocd = PermissionGateComponent.Config.class)
public final class PermissionGateComponent implements ToolGate, PermissionService, HealthCheck, EventHandler {

    static final String PID = "dev.openwork.host.permissions";
    static final String CHECK_NAME = "permissions";

    @ObjectClassDefinition(name = "OpenWork Host permission gate",
            description = "How long a question waits for an answer, what happens when no policy decides, the audit log's size.")
    public @interface Config {
        @AttributeDefinition(name = "Answer within (s)", description = "An unanswered question is rejected after this "
                + "many seconds.", min = "1", max = "60")
        int timeoutSeconds() default 60;

        @AttributeDefinition(name = "When no policy decides", options = {@Option(label = "Allow", value = "allow"),
                @Option(label = "Ask", value = "ask"), @Option(label = "Deny", value = "deny")})
        String whenNoPolicyDecides() default "allow";

        @AttributeDefinition(name = "Audit log file size (MiB)", description = "A larger file is rotated.", min = "1")
        int auditMaxMegabytes() default 16;

        @AttributeDefinition(name = "Rotated audit log files kept", min = "1")
        int auditKeepFiles() default 8;
    }

    private final PolicyChain policies = new PolicyChain();
    private final AuditLog audit;
    private final RuleStore rules;
    private final PermissionGate gate;

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    private volatile DeviceRegistry devices;
    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    private volatile EventAdmin eventAdmin;

    @Activate
    public PermissionGateComponent(@Reference HostInfo hostInfo, Config config) {
        Path folder = hostInfo.dataDirectory().resolve("permissions");
        try {
            this.audit = new AuditLog(folder.resolve("audit"), limits(config));
        } catch (IOException e) {
            throw new UncheckedIOException("the audit log in " + folder + " cannot be opened", e);
        }
        this.rules = new RuleStore(folder);
        this.gate = new PermissionGate(policies, () -> devices, rules, audit, this::events, Clock.systemUTC(),
                settings(config));
    }

    @Modified
    void modified(Config config) {
        gate.update(settings(config));
        audit.limits(limits(config));
    }

    @Deactivate
    void deactivate() {
        gate.close();
        audit.close();
    }

    static PermissionGate.Settings settings(Config config) {
        PolicyAnswer.Kind fallback = switch (config.whenNoPolicyDecides().strip().toLowerCase(Locale.ROOT)) {
            case "ask" -> PolicyAnswer.Kind.ASK;
            case "deny" -> PolicyAnswer.Kind.DENY;
            default -> PolicyAnswer.Kind.ALLOW;
        };
        return new PermissionGate.Settings(Duration.ofSeconds(Math.max(1, Math.min(60, config.timeoutSeconds()))), fallback);
    }

    private static AuditLog.Limits limits(Config config) {
        return new AuditLog.Limits(Math.max(1, config.auditMaxMegabytes()) * 1024L * 1024L, config.auditKeepFiles());
    }

    private PermissionGate.Events events() {
        EventAdmin admin = eventAdmin;
        return admin == null ? null : (topic, properties) -> admin.postEvent(new Event(topic, properties));
    }

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC,
            unbind = "removePolicy", updated = "updatedPolicy")
    void addPolicy(ToolPolicy policy, Map<String, Object> properties) {
        Object name = properties.get(ToolPolicy.NAME);
        Object ranking = properties.get(Constants.SERVICE_RANKING);
        Object id = properties.get(Constants.SERVICE_ID);
        policies.add(new PolicyChain.Ranked(policy, name == null ? policy.getClass().getName() : name.toString(),
                ranking instanceof Integer r ? r : 0, id instanceof Long l ? l : 0L));
    }

    void removePolicy(ToolPolicy policy, Map<String, Object> properties) {
        Object id = properties.get(Constants.SERVICE_ID);
        policies.remove(id instanceof Long l ? l : 0L);
    }

    void updatedPolicy(ToolPolicy policy, Map<String, Object> properties) {
        addPolicy(policy, properties); // a new ranking or name from configuration
    }

    // ---- ToolGate and PermissionService -------------------------------------------------------

    @Override
    public Decision check(ToolRequest request) {
        return gate.check(request);
    }

    @Override
    public Decision check(ToolRequest request, PromptChannel prompts) {
        return gate.check(request, prompts);
    }

    @Override
    public List<PermissionPrompt> pending(Answerer who) {
        return gate.pending(who);
    }

    @Override
    public PermissionOutcome reply(String promptId, Answerer who, PermissionReply reply) {
        return gate.reply(promptId, who, reply);
    }

    @Override
    public List<PermissionRule> rules(String deviceId) {
        return gate.rules(deviceId);
    }

    @Override
    public boolean forget(String ruleId) {
        return gate.forget(ruleId);
    }

    @Override
    public List<AuditEntry> audit(AuditQuery query) {
        return gate.audit(query);
    }

    /** The policies in the order the gate runs them, as "name (ranking)". */
    List<String> policyNames() {
        return policies.policies().stream().map(p -> p.name() + " (" + p.ranking() + ")").toList();
    }

    // ---- health and events --------------------------------------------------------------------

    @Override
    public HealthCheckResult check() {
        String failure = audit.lastFailure();
        if (failure != null) {
            return new HealthCheckResult(CHECK_NAME, HealthStatus.CRITICAL, "The audit log cannot be written (" + failure
                    + "), so every tool call is denied.", "Free disk space or fix the permissions of the data directory's "
                    + "permissions/audit folder.", Map.of());
        }
        return HealthCheckResult.ok(CHECK_NAME, policies.policies().size() + " tool policies: "
                + String.join(", ", policyNames()) + "; " + gate.openQuestions() + " open question(s).",
                Map.of("policies", policies.policies().size(), "openQuestions", gate.openQuestions(),
                        "auditEntries", audit.lastSeq()));
    }

    @Override
    public void handleEvent(Event event) {
        Object device = event.getProperty(HostEventProperties.DEVICE_ID);
        if (HostTopics.DEVICE_REVOKED.equals(event.getTopic()) && device != null) {
            gate.deviceRevoked(device.toString());
        }
    }

    /** For the console. */
    PermissionGate gate() {
        return gate;
    }
}
