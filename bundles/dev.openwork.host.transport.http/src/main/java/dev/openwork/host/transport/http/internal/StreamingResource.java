package dev.openwork.host.transport.http.internal;

import dev.openwork.host.api.devices.Scopes;
import dev.openwork.host.api.error.ErrorCode;
import dev.openwork.host.api.error.HostException;
import dev.openwork.host.api.events.HostEventProperties;
import dev.openwork.host.api.events.HostTopics;
import dev.openwork.host.api.tasks.Task;
import dev.openwork.host.api.tasks.TaskEvent;
import dev.openwork.host.api.tasks.TaskQuery;
import dev.openwork.host.api.tasks.TaskRequest;
import dev.openwork.host.api.tasks.TaskService;
import dev.openwork.host.api.tasks.TaskState;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.container.AsyncResponse;
import jakarta.ws.rs.container.Suspended;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.osgi.service.event.Event;
import org.osgi.service.event.EventAdmin;
import org.osgi.service.event.EventConstants;
import org.osgi.service.event.EventHandler;
import org.osgi.service.jakartars.whiteboard.propertytypes.JakartarsExtensionSelect;
import org.osgi.service.jakartars.whiteboard.propertytypes.JakartarsName;
import org.osgi.service.jakartars.whiteboard.propertytypes.JakartarsResource;

/**
 * Tasks and event streams: {@code /v1/tasks...} and {@code /v1/events}. One resource owns every
 * stream so that revoking a device closes all of its streams at once. Streams replay from the
 * task journal after {@code Last-Event-ID}, then go live; heartbeats every 15 s.
 */
@Component(service = {StreamingResource.class, EventHandler.class},
        property = EventConstants.EVENT_TOPIC + "=" + HostTopics.ROOT + "*")
@JakartarsResource
@JakartarsExtensionSelect(RestFeature.SELECT)
@JakartarsName("openwork.tasks")
@Path("v1")
@Produces(MediaType.APPLICATION_JSON)
public final class StreamingResource implements EventHandler {

    static final long HEARTBEAT_SECONDS = 15;
    private static final com.fasterxml.jackson.databind.ObjectMapper JSON = new com.fasterxml.jackson.databind.ObjectMapper();
    private static final int PAGE = 500;

    /** A page of a task's log. */
    public record LogPage(List<TaskEvent> events, long nextAfter, boolean more) {
    }

    private final Map<StreamSession, Predicate<TaskEvent>> sessions = new ConcurrentHashMap<>();
    private final ExecutorService senders = Executors.newFixedThreadPool(8, daemon("openwork-sse"));
    private final ScheduledExecutorService heartbeat = Executors.newSingleThreadScheduledExecutor(daemon("openwork-sse-heartbeat"));

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    private volatile TaskService tasks;
    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    private volatile EventAdmin eventAdmin;
    private volatile TaskService.Subscription subscription;
    private volatile long hostEventIds;

    @Context
    private HttpServletRequest servletRequest;

    @Activate
    public StreamingResource() {
        heartbeat.scheduleWithFixedDelay(() -> sessions.keySet().forEach(s -> s.offer(StreamSession.Outgoing.HEARTBEAT)),
                HEARTBEAT_SECONDS, HEARTBEAT_SECONDS, TimeUnit.SECONDS);
    }

    @Deactivate
    void deactivate() {
        TaskService.Subscription current = subscription;
        if (current != null) {
            current.close();
        }
        heartbeat.shutdownNow();
        sessions.keySet().forEach(StreamSession::close);
        senders.shutdownNow();
    }

    // ---- tasks --------------------------------------------------------------------------------

    @POST
    @Path("tasks")
    @Consumes(MediaType.APPLICATION_JSON)
    @Access(scope = Scopes.TASKS_RUN)
    public Response submit(TaskRequest request) {
        Caller caller = caller();
        Task task = service().submit(caller.deviceId(), caller.scopes(), request);
        return Response.status(201).entity(task).build();
    }

    @GET
    @Path("tasks")
    @Access(scope = Scopes.TASKS_READ)
    public List<Task> list(@QueryParam("state") List<String> states, @QueryParam("device") String device,
            @QueryParam("runtime") String runtime, @QueryParam("offset") @DefaultValue("0") int offset,
            @QueryParam("limit") @DefaultValue("50") int limit) {
        Caller caller = caller();
        String deviceFilter = caller.isAdmin() ? device : caller.deviceId();
        if (limit < 1 || limit > 500 || offset < 0) {
            throw new HostException(ErrorCode.INVALID_REQUEST, "limit must be 1 to 500 and offset at least 0.",
                    "Page with ?offset=0&limit=50.");
        }
        return service().list(new TaskQuery(parseStates(states), deviceFilter, runtime, offset, limit));
    }

    @GET
    @Path("tasks/{taskId}")
    @Access(scope = Scopes.TASKS_READ)
    public Task get(@PathParam("taskId") String taskId) {
        return visibleTask(taskId);
    }

    @POST
    @Path("tasks/{taskId}/cancel")
    @Access(scope = Scopes.TASKS_RUN)
    public Task cancel(@PathParam("taskId") String taskId) {
        visibleTask(taskId);
        return service().cancel(taskId);
    }

    @GET
    @Path("tasks/{taskId}/log")
    @Access(scope = Scopes.TASKS_READ)
    public LogPage log(@PathParam("taskId") String taskId, @QueryParam("after") @DefaultValue("0") long after,
            @QueryParam("limit") @DefaultValue("1000") int limit) {
        visibleTask(taskId);
        if (limit < 1 || limit > 10_000 || after < 0) {
            throw new HostException(ErrorCode.INVALID_REQUEST, "limit must be 1 to 10000 and after at least 0.",
                    "Page with ?after=<last event id>&limit=1000.");
        }
        List<TaskEvent> events = service().events(taskId, after, limit + 1);
        boolean more = events.size() > limit;
        List<TaskEvent> page = more ? events.subList(0, limit) : events;
        return new LogPage(page, page.isEmpty() ? after : page.get(page.size() - 1).id(), more);
    }

    @GET
    @Path("tasks/{taskId}/events")
    @Produces(MediaType.SERVER_SENT_EVENTS)
    @Access(scope = Scopes.TASKS_READ)
    public void taskEvents(@PathParam("taskId") String taskId, @HeaderParam("Last-Event-ID") String lastEventId,
            @Suspended AsyncResponse response) throws java.io.IOException {
        visibleTask(taskId);
        TaskService service = service();
        long after = parseLastEventId(lastEventId, 0);
        open(after, event -> event.taskId().equals(taskId), from -> toOutgoing(service.events(taskId, from, PAGE)));
    }

    // ---- the device's whole stream ------------------------------------------------------------

    @GET
    @Path("events")
    @Produces(MediaType.SERVER_SENT_EVENTS)
    @Access(scope = Scopes.STATUS_READ)
    public void events(@HeaderParam("Last-Event-ID") String lastEventId, @Suspended AsyncResponse response)
            throws java.io.IOException {
        Caller caller = caller();
        TaskService service = tasks;
        Predicate<String> mine = taskId -> caller.isAdmin() || service.find(taskId)
                .map(t -> caller.deviceId() != null && caller.deviceId().equals(t.deviceId())).orElse(false);
        long from = service == null ? 0 : parseLastEventId(lastEventId, service.lastEventId());
        StreamSession.Outgoing hello = new StreamSession.Outgoing(0, "hello", encode(Map.of("deviceId",
                caller.deviceId() == null ? "admin" : caller.deviceId())));
        StreamSession session = open(from, event -> mine.test(event.taskId()),
                after -> service == null ? List.of() : toOutgoing(service.eventsAfter(after, PAGE, mine)));
        session.offer(hello);
    }

    /**
     * Answers the (suspended) request with the stream's headers and starts its session. Everything
     * that can refuse the request (access, a bad Last-Event-ID, an unknown task) is checked before:
     * a refusal is an ordinary typed JSON error that Jersey writes, as the request was not answered.
     */
    private StreamSession open(long after, Predicate<TaskEvent> filter,
            java.util.function.LongFunction<List<StreamSession.Outgoing>> backlog) throws java.io.IOException {
        ensureSubscribed();
        SseOutput output = ServletSseOutput.open(servletRequest);
        StreamSession session = new StreamSession(output, caller().deviceId(), after, senders, backlog);
        session.onClose(() -> sessions.remove(session));
        sessions.put(session, filter);
        session.start();
        announceConnected(session.deviceId());
        return session;
    }

    private synchronized void ensureSubscribed() {
        TaskService service = tasks;
        if (subscription == null && service != null) {
            // on the journal's thread: one Outgoing per event, shared by every stream,
            // encoded later by the first stream that sends it
            subscription = service.subscribe(event -> {
                StreamSession.Outgoing outgoing = toOutgoing(event);
                sessions.forEach((session, filter) -> {
                    if (filter.test(event)) {
                        session.offer(outgoing);
                    }
                });
            });
        }
    }

    /** A stream is a client staying connected: telemetry counts it as a connection. */
    private void announceConnected(String deviceId) {
        EventAdmin events = eventAdmin;
        if (events != null) {
            events.postEvent(new Event(HostTopics.CLIENT_CONNECTED, Map.of(HostEventProperties.KIND, "stream",
                    HostEventProperties.DEVICE_ID, deviceId == null ? "admin" : deviceId)));
        }
    }

    @Override
    public void handleEvent(Event event) {
        if (HostTopics.DEVICE_REVOKED.equals(event.getTopic())) {
            Object revoked = event.getProperty(HostEventProperties.DEVICE_ID);
            sessions.keySet().stream().filter(s -> revoked != null && revoked.equals(s.deviceId())).forEach(StreamSession::close);
        }
    }

    // ---- helpers ------------------------------------------------------------------------------

    private Task visibleTask(String taskId) {
        Caller caller = caller();
        return service().find(taskId)
                .filter(t -> caller.isAdmin() || (caller.deviceId() != null && caller.deviceId().equals(t.deviceId())))
                .orElseThrow(() -> new HostException(ErrorCode.NOT_FOUND, "No task " + taskId + " is visible to this device.",
                        "List your tasks with GET /v1/tasks."));
    }

    private TaskService service() {
        TaskService service = tasks;
        if (service == null) {
            throw new HostException(ErrorCode.UNAVAILABLE, "Tasks are not available: the tasks bundle is not running.",
                    "The admin should check host:health and start the tasks bundle.");
        }
        return service;
    }

    private Caller caller() {
        return (Caller) servletRequest.getAttribute(Caller.PROPERTY);
    }

    static List<StreamSession.Outgoing> toOutgoing(List<TaskEvent> events) {
        List<StreamSession.Outgoing> outgoing = new ArrayList<>(events.size());
        events.forEach(e -> outgoing.add(toOutgoing(e)));
        return outgoing;
    }

    /** The event as streamed; its JSON is made when a stream first sends it. */
    static StreamSession.Outgoing toOutgoing(TaskEvent e) {
        boolean permission = TaskEvent.PERMISSION_ASKED.equals(e.type()) || TaskEvent.PERMISSION_REPLIED.equals(e.type());
        // permission events keep their own names (permission.asked, permission.replied), task events are task.<type>
        return permission ? new StreamSession.Outgoing(e.id(), e.type(), () -> permissionEventJson(e))
                : new StreamSession.Outgoing(taskEventName(e.type()), e);
    }

    /** {@code task.<type>}; the known types' names made once (this runs for every event on the journal's thread). */
    private static String taskEventName(String type) {
        return switch (type) {
            case TaskEvent.OUTPUT -> "task.output";
            case TaskEvent.STATE -> "task.state";
            case TaskEvent.CREATED -> "task.created";
            case TaskEvent.TOOL -> "task.tool";
            default -> "task." + type;
        };
    }

    /** A permission event: its text (a question or an outcome) is carried as a JSON object. */
    private static String permissionEventJson(TaskEvent e) {
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("id", e.id());
        data.put("taskId", e.taskId());
        data.put("at", e.at().toString());
        if (e.state() != null) {
            data.put("state", e.state().name().toLowerCase(Locale.ROOT));
        }
        if (e.stream() != null) {
            data.put("stream", e.stream());
        }
        if (e.text() != null) {
            data.put("permission", permissionJson(e.text()));
        }
        if (e.step() != null) {
            data.put("step", e.step());
        }
        if (e.exitCode() != null) {
            data.put("exitCode", e.exitCode());
        }
        return encode(data);
    }

    /** A question or outcome as a JSON object in the event; text that is not one stays text. */
    private static Object permissionJson(String text) {
        try {
            com.fasterxml.jackson.databind.JsonNode node = JSON.readTree(text);
            return node != null && node.isObject() ? node : text;
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            return text;
        }
    }

    private static String encode(Map<String, ?> data) {
        try {
            return JSON.writeValueAsString(data);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException("an event cannot be encoded", e);
        }
    }

    static long parseLastEventId(String header, long byDefault) {
        if (header == null || header.isBlank()) {
            return byDefault;
        }
        try {
            long id = Long.parseLong(header.trim());
            if (id < 0) {
                throw new NumberFormatException();
            }
            return id;
        } catch (NumberFormatException e) {
            throw new HostException(ErrorCode.INVALID_REQUEST, "Last-Event-ID must be an event id the host sent.",
                    "Reconnect without it, or with the id of the last event received.");
        }
    }

    private static Set<TaskState> parseStates(List<String> states) {
        Set<TaskState> parsed = EnumSet.noneOf(TaskState.class);
        for (String state : states == null ? List.<String>of() : states) {
            try {
                parsed.add(TaskState.valueOf(state.trim().toUpperCase(Locale.ROOT)));
            } catch (IllegalArgumentException e) {
                throw new HostException(ErrorCode.INVALID_REQUEST, "Unknown task state '" + state + "'.",
                        "Use one of queued, running, waiting_permission, succeeded, failed, cancelled, interrupted.");
            }
        }
        return parsed;
    }

    private static java.util.concurrent.ThreadFactory daemon(String name) {
        return runnable -> {
            Thread thread = new Thread(runnable, name);
            thread.setDaemon(true);
            return thread;
        };
    }
}
