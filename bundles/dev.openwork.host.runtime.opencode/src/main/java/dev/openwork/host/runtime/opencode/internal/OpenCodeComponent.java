package dev.openwork.host.runtime.opencode.internal;

import dev.openwork.host.api.events.HostEventProperties;
import dev.openwork.host.api.events.HostTopics;
import dev.openwork.host.api.health.HealthCheck;
import dev.openwork.host.api.health.HealthCheckResult;
import dev.openwork.host.api.host.HostInfo;
import dev.openwork.host.api.opencode.OpenCodeGateway;
import dev.openwork.host.api.permissions.PermissionService;
import dev.openwork.host.api.permissions.ToolPolicy;
import dev.openwork.host.api.tasks.TaskRun;
import dev.openwork.host.api.tasks.TaskRuntime;
import dev.openwork.host.api.tasks.TaskService;
import java.time.Clock;
import java.util.Hashtable;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import org.osgi.framework.BundleContext;
import org.osgi.framework.Constants;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.osgi.service.event.Event;
import org.osgi.service.event.EventAdmin;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/**
 * The {@code opencode} runtime as the host sees it: a {@link TaskRuntime}, the {@link OpenCodeGateway}
 * the REST transport serves under {@code /opencode}, and the {@code opencode} {@link HealthCheck}.
 * Activation starts the supervised OpenCode in the background; deactivation (bundle stop, or a
 * configuration change, which restarts it with the new settings) stops it and everything it started.
 */
@Component(service = {TaskRuntime.class, OpenCodeGateway.class, HealthCheck.class}, configurationPid = OpenCodeComponent.PID,
        property = {TaskRuntime.NAME + "=" + OpenCodeComponent.NAME, HealthCheck.NAME + "=" + OpenCodeComponent.NAME})
@Designate(ocd = OpenCodeComponent.Config.class)
public final class OpenCodeComponent implements TaskRuntime, OpenCodeGateway, HealthCheck {

    static final String PID = "dev.openwork.host.runtime.opencode";
    static final String NAME = "opencode";

    @ObjectClassDefinition(name = "OpenWork Host OpenCode runtime",
            description = "The supervised `opencode serve`: where it is, what it may do without asking, how it restarts.")
    public @interface Config {
        @AttributeDefinition(name = "Enabled", description = "Run OpenCode at all.")
        boolean enabled() default true;

        @AttributeDefinition(name = "OpenCode executable", description = "A path, or a name looked up on PATH.")
        String binary() default "opencode";

        @AttributeDefinition(name = "OpenCode config file",
                description = "An opencode.json with providers and models, given to OpenCode as OPENCODE_CONFIG. Empty: none.")
        String configFile() default "";

        @AttributeDefinition(name = "Permission rules (JSON)",
                description = "OpenCode's permission rules (OPENCODE_PERMISSION): every \"ask\" goes through the host's gate.")
        String permission() default OpenCodeSettings.DEFAULT_PERMISSION;

        @AttributeDefinition(name = "Environment passed on",
                description = "Names of the host's environment variables OpenCode may see (e.g. ANTHROPIC_API_KEY).")
        String[] passEnvironment() default {};

        @AttributeDefinition(name = "Start timeout (s)", min = "1")
        int startTimeoutSeconds() default 60;

        @AttributeDefinition(name = "First restart delay (ms)", min = "50")
        long restartDelayMillis() default 1000;

        @AttributeDefinition(name = "Longest restart delay (ms)", min = "50")
        long maxRestartDelayMillis() default 30_000;

        @AttributeDefinition(name = "Ask the device",
                description = "OpenCode's permission questions that no host policy or rule decides are put to the task's "
                        + "device through the host's permission gate. Off: the gate's default for undecided calls applies. "
                        + "How long a question waits is the gate's timeout (dev.openwork.host.permissions).")
        boolean askDevice() default true;

        @AttributeDefinition(name = "Default agent")
        String defaultAgent() default "build";

        @AttributeDefinition(name = "Stop grace period (ms)", min = "0")
        long stopGraceMillis() default 1000;
    }

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    private volatile TaskService tasks;
    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    private volatile EventAdmin eventAdmin;

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    private volatile PermissionService permissions;

    private final OpenCodeEngine engine;
    private final ServiceRegistration<ToolPolicy> questionsPolicy;
    private final CompatGateway gateway;
    private final ScheduledExecutorService heartbeat = Executors.newSingleThreadScheduledExecutor(
            OpenCodeEngine.daemon("openwork-opencode-heartbeat"));

    @Activate
    public OpenCodeComponent(@Reference HostInfo hostInfo, Config config, BundleContext context) {
        OpenCodeEnvironment.Directories dirs = OpenCodeEnvironment.Directories.under(hostInfo.dataDirectory().resolve("opencode"));
        OpenCodeSettings settings = OpenCodeSettings.of(config);
        this.engine = new OpenCodeEngine(settings, dirs,
                taskId -> Optional.ofNullable(tasks).flatMap(service -> service.find(taskId)), this::reportCrash,
                System.getenv(), Clock.systemUTC(), () -> permissions);
        this.gateway = new CompatGateway(engine, () -> tasks, heartbeat);
        // registered by hand: the policy lives and dies with this engine's bridge, and ranks apart from the runtime
        this.questionsPolicy = settings.askDevice()
                ? context.registerService(ToolPolicy.class, new OpenCodeQuestionsPolicy(engine.bridge), new Hashtable<>(
                        Map.of(ToolPolicy.NAME, OpenCodeQuestionsPolicy.NAME, Constants.SERVICE_RANKING, OpenCodeQuestionsPolicy.RANKING)))
                : null;
        engine.start();
    }

    @Deactivate
    void deactivate() {
        if (questionsPolicy != null) {
            try {
                questionsPolicy.unregister();
            } catch (IllegalStateException alreadyGone) {
                // the framework unregisters a stopping bundle's services itself
            }
        }
        gateway.close();
        heartbeat.shutdownNow();
        engine.close();
    }

    private void reportCrash(String cause) {
        EventAdmin events = eventAdmin;
        if (events != null) {
            events.postEvent(new Event(HostTopics.HEALTH_CHANGED, Map.of(HostEventProperties.CHECK_NAME, NAME,
                    HostEventProperties.OLD_STATUS, "ok", HostEventProperties.NEW_STATUS, "warning",
                    HostEventProperties.CAUSE, cause)));
        }
    }

    // ---- TaskRuntime --------------------------------------------------------------------------

    @Override
    public Outcome run(TaskRun run) throws Exception {
        return engine.run(run);
    }

    // ---- HealthCheck --------------------------------------------------------------------------

    @Override
    public HealthCheckResult check() {
        return engine.health();
    }

    // ---- OpenCodeGateway ----------------------------------------------------------------------

    @Override
    public Reply health() {
        return gateway.health();
    }

    @Override
    public Reply listSessions(Call call) {
        return gateway.listSessions(call);
    }

    @Override
    public Reply createSession(Call call) {
        return gateway.createSession(call);
    }

    @Override
    public Reply session(Call call, String sessionId) {
        return gateway.session(call, sessionId);
    }

    @Override
    public Reply deleteSession(Call call, String sessionId) {
        return gateway.deleteSession(call, sessionId);
    }

    @Override
    public Reply abortSession(Call call, String sessionId) {
        return gateway.abortSession(call, sessionId);
    }

    @Override
    public Reply messages(Call call, String sessionId) {
        return gateway.messages(call, sessionId);
    }

    @Override
    public Reply prompt(Call call, String sessionId) {
        return gateway.prompt(call, sessionId);
    }

    @Override
    public Reply promptAsync(Call call, String sessionId) {
        return gateway.promptAsync(call, sessionId);
    }

    @Override
    public Reply shell(Call call, String sessionId) {
        return gateway.shell(call, sessionId);
    }

    @Override
    public Reply permissions(Call call) {
        return gateway.permissions(call);
    }

    @Override
    public Reply replyPermission(Call call, String requestId) {
        return gateway.replyPermission(call, requestId);
    }

    @Override
    public Subscription subscribe(Call call, EventSink sink) {
        return gateway.subscribe(call, sink);
    }
}
